using System.Diagnostics;
using System.Globalization;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Observability;
using BenefitProgram.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.Platform.Jobs;

/// <summary>
/// Claims (job, period, zone), holds a PostgreSQL advisory lock on the key while the work runs (so two workers never run
/// it at once and a crashed worker's lock dies with its connection), and records the outcome under the table's unique key.
/// </summary>
internal sealed class JobRunLog(IServiceScopeFactory scopes, TimeProvider clock, ILogger<JobRunLog> logger) : IJobRunLog
{
    private static readonly string Me = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<JobRunResult> RunOnceAsync(string job, string period, string zone, Func<CancellationToken, Task<long>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var lockKey = $"{job}|{period}|{zone}";
            var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock(hashtextextended({lockKey}, 0)) AS \"Value\"").SingleAsync(ct);
            if (!locked)
            {
                return new JobRunResult(job, period, zone, JobRunOutcome.Running, 0, AlreadyDone: true, "Another process is running it now.");
            }

            try
            {
                return await RunLockedAsync(db, job, period, zone, work, ct);
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

    private async Task<JobRunResult> RunLockedAsync(PlatformDbContext db, string job, string period, string zone, Func<CancellationToken, Task<long>> work, CancellationToken ct)
    {
        var run = await db.JobRuns.SingleOrDefaultAsync(r => r.Job == job && r.Period == period && r.Zone == zone, ct);
        if (run?.Outcome == JobRunOutcome.Succeeded)
        {
            return new JobRunResult(job, period, zone, run.Outcome, run.RowsAffected, AlreadyDone: true, null);
        }

        if (run is null)
        {
            run = new JobRun { Job = job, Period = period, Zone = zone };
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
        activity?.SetTag("benefitprogram.time_zone", zone);
        var started = Stopwatch.GetTimestamp();
        try
        {
            run.RowsAffected = await work(ct);
            run.Outcome = JobRunOutcome.Succeeded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {Job} for {Period} in {TimeZone} failed", job, period, zone);
            run.Outcome = JobRunOutcome.Failed;
            run.Error = ex.Message.Length > 900 ? ex.Message[..900] : ex.Message;
            activity?.SetStatus(ActivityStatusCode.Error, run.Error);
        }

        run.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        activity?.SetTag("benefitprogram.rows_affected", run.RowsAffected);
        BusinessMetrics.JobRan("night", job, run.Outcome.ToString(), Stopwatch.GetElapsedTime(started));
        return new JobRunResult(job, period, zone, run.Outcome, run.RowsAffected, AlreadyDone: false, run.Error);
    }
}

/// <summary>
/// Runs nights per time zone (docs/adr/0019-nights-per-time-zone.md): the night of D in zone Z is every step over the
/// programs whose time zone is Z, recorded per (step, D, Z). The programs of a zone are read when its night starts.
/// </summary>
internal sealed class NightRunner(IServiceScopeFactory scopes, IJobRunLog runs, TimeProvider clock, IConfiguration configuration,
    ILogger<NightRunner> logger) : INightRunner
{
    private const string PeriodFormat = "yyyy-MM-dd";

    /// <summary>Local time after midnight from which yesterday's night is due (Jobs:NightStartsAfter, default 02:00).</summary>
    private TimeSpan StartsAfter => TimeSpan.TryParse(configuration["Jobs:NightStartsAfter"], CultureInfo.InvariantCulture, out var t) && t >= TimeSpan.Zero && t < TimeSpan.FromDays(1)
        ? t : TimeSpan.FromHours(2);

    /// <summary>How many nights back a missed night is still caught up (Jobs:NightCatchUpDays, default 31).</summary>
    private int CatchUpDays => Math.Max(1, configuration.GetValue("Jobs:NightCatchUpDays", 31));

    public async Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, CancellationToken ct)
    {
        var results = new List<JobRunResult>();
        foreach (var zone in (await ProgramsByZoneAsync(ct)).Keys)
        {
            results.AddRange(await RunNightAsync(night, zone, ct));
        }

        return results;
    }

    public async Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, string timeZone, CancellationToken ct)
    {
        var programs = (await ProgramsByZoneAsync(ct)).GetValueOrDefault(timeZone) ?? [];
        if (programs.Count == 0)
        {
            return [];
        }

        var scope = new NightScope(night, timeZone, programs);
        var period = night.ToString(PeriodFormat, CultureInfo.InvariantCulture);
        await using var listing = scopes.CreateAsyncScope();
        var names = listing.ServiceProvider.GetServices<INightlyJob>().OrderBy(j => j.Order).ThenBy(j => j.Name, StringComparer.Ordinal)
            .Select(j => j.Name).ToList();
        var results = new List<JobRunResult>();
        foreach (var name in names)
        {
            var result = await runs.RunOnceAsync(name, period, timeZone, async token =>
            {
                // Each step in a scope of its own: its own DbContexts, nothing tracked from the step before.
                await using var stepScope = scopes.CreateAsyncScope();
                var job = stepScope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == name);
                return await job.RunAsync(scope, token);
            }, ct);
            results.Add(result);
        }

        return results;
    }

    public async Task<IReadOnlyList<JobRunResult>> RunDueNightsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var results = new List<JobRunResult>();
        foreach (var zone in (await ProgramsByZoneAsync(ct)).Keys)
        {
            var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(zone));
            var due = DateOnly.FromDateTime(local.DateTime).AddDays(local.TimeOfDay >= StartsAfter ? -1 : -2);
            var last = await LastNightAsync(zone, ct);
            // From the last recorded night on (again: a step of it may have failed), so a night missed while no worker ran
            // is caught up; a zone without any record (new zone, new installation) starts with the night that is due.
            var from = last is { } l && l <= due ? l : due;
            if (from < due.AddDays(1 - CatchUpDays))
            {
                logger.LogWarning("Nights of {TimeZone} from {From} to {To} are older than the catch-up window and are not run", zone, from, due.AddDays(-CatchUpDays));
                from = due.AddDays(1 - CatchUpDays);
            }

            for (var night = from; night <= due; night = night.AddDays(1))
            {
                results.AddRange(await RunNightAsync(night, zone, ct));
            }
        }

        return results;
    }

    private async Task<Dictionary<string, List<Guid>>> ProgramsByZoneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var programs = await db.Programs.AsNoTracking().OrderBy(p => p.TimeZone).ThenBy(p => p.Id).Select(p => new { p.Id, p.TimeZone }).ToListAsync(ct);
        return programs.GroupBy(p => p.TimeZone, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Id).ToList(), StringComparer.Ordinal);
    }

    private async Task<DateOnly?> LastNightAsync(string zone, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var names = scope.ServiceProvider.GetServices<INightlyJob>().Select(j => j.Name).ToList();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var last = await db.JobRuns.AsNoTracking().Where(r => r.Zone == zone && names.Contains(r.Job)).MaxAsync(r => (string?)r.Period, ct);
        return DateOnly.TryParseExact(last, PeriodFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var night) ? night : null;
    }
}

/// <summary>
/// The Hangfire recurring job "platform:night": every hour (Jobs:NightTriggerCron) it runs the nights that are due in each
/// program time zone. Several workers may fire it at once: each (step, night, zone) runs once (run record + advisory lock).
/// </summary>
internal sealed class NightlyRecurringJob(INightRunner runner)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var results = await runner.RunDueNightsAsync(ct);
        if (results.FirstOrDefault(r => r.Outcome == JobRunOutcome.Failed) is { } failed)
        {
            // Hangfire retries; steps that succeeded are skipped by their run record (and the next hour tries again anyway).
            throw new InvalidOperationException($"Nightly step {failed.Job} of {failed.Period} in {failed.Zone} failed: {failed.Error}");
        }
    }
}
