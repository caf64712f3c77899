using BenefitProgram.Host.Infrastructure;
using Hangfire.Server;

namespace BenefitProgram.Host.Operations;

/// <summary>
/// Heartbeat (recurring "host_ops:heartbeat", Jobs:Heartbeat:Cron, default every 5 minutes): records which worker ran
/// which occurrence, so operators see the schedule alive and run once per occurrence; keeps a week of rows.
/// </summary>
internal sealed class HeartbeatJob(HostOpsDbContext db, TimeProvider clock, IConfiguration configuration)
{
    public const string Id = "host_ops:heartbeat";

    public async Task RunAsync(PerformContext? context, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        db.JobRuns.Add(HostJobRuns.Create("heartbeat", context, configuration, now, now));
        await db.SaveChangesAsync(ct);
        var cutoff = now.AddDays(-7);
        await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteDeleteAsync(
            db.JobRuns.Where(r => r.FinishedAt < cutoff), ct);
    }
}

/// <summary>
/// Probe jobs an operator enqueues (POST /api/v1/ops/diagnostics/probe-jobs) to check after a deployment that the
/// workers take background jobs: each waits the given time and records its run in host_ops.job_runs.
/// </summary>
internal sealed class ProbeJob(HostOpsDbContext db, TimeProvider clock, IConfiguration configuration)
{
    public async Task RunAsync(string run, int item, int durationMs, PerformContext? context, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(durationMs, 0, 60_000)), ct);
        var row = HostJobRuns.Create("probe", context, configuration, started, clock.GetUtcNow());
        row.Run = run;
        row.Item = item;
        db.JobRuns.Add(row);
        await db.SaveChangesAsync(ct);
    }
}

internal static class HostJobRuns
{
    public static JobRun Create(string job, PerformContext? context, IConfiguration configuration, DateTimeOffset started, DateTimeOffset finished)
    {
        // A recurring job's background job carries its scheduled occurrence ("Time", Unix seconds).
        var time = context?.GetJobParameter<long?>("Time");
        var created = context?.BackgroundJob.CreatedAt is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : started;
        return new JobRun
        {
            Job = job,
            JobKey = context?.BackgroundJob.Id ?? "",
            Occurrence = time is > 0 ? DateTimeOffset.FromUnixTimeSeconds(time.Value) : created,
            Node = configuration.GetNodeName(),
            StartedAt = started,
            FinishedAt = finished,
        };
    }
}
