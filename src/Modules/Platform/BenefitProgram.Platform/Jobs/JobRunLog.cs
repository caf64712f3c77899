using System.Diagnostics;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Observability;
using BenefitProgram.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.Platform.Jobs;

/// <summary>
/// Claims (job, period) with INSERT ... ON CONFLICT, holds a PostgreSQL advisory lock on the pair while the work runs (so
/// two workers never run it at once and a crashed worker's lock dies with its connection), and records the outcome.
/// </summary>
internal sealed class JobRunLog(IServiceScopeFactory scopes, TimeProvider clock, ILogger<JobRunLog> logger) : IJobRunLog
{
    private static readonly string Me = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<JobRunResult> RunOnceAsync(string job, string period, Func<CancellationToken, Task<long>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var lockKey = $"{job}|{period}";
            var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock(hashtextextended({lockKey}, 0)) AS \"Value\"").SingleAsync(ct);
            if (!locked)
            {
                return new JobRunResult(job, period, JobRunOutcome.Running, 0, AlreadyDone: true, "Another process is running it now.");
            }

            try
            {
                return await RunLockedAsync(db, job, period, work, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock(hashtextextended({lockKey}, 0))", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<JobRunResult> RunLockedAsync(PlatformDbContext db, string job, string period, Func<CancellationToken, Task<long>> work, CancellationToken ct)
    {
        var run = await db.JobRuns.SingleOrDefaultAsync(r => r.Job == job && r.Period == period, ct);
        if (run?.Outcome == JobRunOutcome.Succeeded)
        {
            return new JobRunResult(job, period, run.Outcome, run.RowsAffected, AlreadyDone: true, null);
        }

        if (run is null)
        {
            run = new JobRun { Job = job, Period = period };
            db.JobRuns.Add(run);
        }

        run.Outcome = JobRunOutcome.Running;
        run.Attempts++;
        run.StartedAt = clock.GetUtcNow();
        run.FinishedAt = null;
        run.Error = null;
        run.RunBy = Me;
        await db.SaveChangesAsync(ct);

        // A span per step (a child of the night's Hangfire job span) and its duration in the job histogram. Elapsed
        // time is measured with the stopwatch, not the TimeProvider: it is a performance figure, not business time.
        using var activity = BusinessMetrics.ActivitySource.StartActivity($"night {job}");
        activity?.SetTag("benefitprogram.job", job);
        activity?.SetTag("benefitprogram.period", period);
        var started = Stopwatch.GetTimestamp();
        try
        {
            run.RowsAffected = await work(ct);
            run.Outcome = JobRunOutcome.Succeeded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {Job} for {Period} failed", job, period);
            run.Outcome = JobRunOutcome.Failed;
            run.Error = ex.Message.Length > 900 ? ex.Message[..900] : ex.Message;
            activity?.SetStatus(ActivityStatusCode.Error, run.Error);
        }

        run.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        activity?.SetTag("benefitprogram.rows_affected", run.RowsAffected);
        BusinessMetrics.JobRan("night", job, run.Outcome.ToString(), Stopwatch.GetElapsedTime(started));
        return new JobRunResult(job, period, run.Outcome, run.RowsAffected, AlreadyDone: false, run.Error);
    }
}

internal sealed class NightRunner(IServiceScopeFactory scopes, IJobRunLog runs) : INightRunner
{
    public async Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, CancellationToken ct)
    {
        var period = night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var listing = scopes.CreateAsyncScope();
        var names = listing.ServiceProvider.GetServices<INightlyJob>().OrderBy(j => j.Order).ThenBy(j => j.Name, StringComparer.Ordinal)
            .Select(j => j.Name).ToList();
        var results = new List<JobRunResult>();
        foreach (var name in names)
        {
            var result = await runs.RunOnceAsync(name, period, async token =>
            {
                // Each step in a scope of its own: its own DbContexts, nothing tracked from the step before.
                await using var scope = scopes.CreateAsyncScope();
                var job = scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == name);
                return await job.RunAsync(night, token);
            }, ct);
            results.Add(result);
        }

        return results;
    }
}

/// <summary>The Hangfire recurring job "platform:night": runs yesterday's night (in the jobs' time zone) every morning.</summary>
internal sealed class NightlyRecurringJob(INightRunner runner, TimeProvider clock, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(configuration["Jobs:TimeZone"] ?? "Europe/Berlin");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var results = await runner.RunNightAsync(today.AddDays(-1), ct);
        if (results.FirstOrDefault(r => r.Outcome == JobRunOutcome.Failed) is { } failed)
        {
            // Hangfire retries the whole night; steps that succeeded are skipped by their run record.
            throw new InvalidOperationException($"Nightly step {failed.Job} failed: {failed.Error}");
        }
    }
}
