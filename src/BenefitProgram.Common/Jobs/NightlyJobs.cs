namespace BenefitProgram.Common.Jobs;

/// <summary>
/// One step of the night (confirm cashback, dunning, KPI snapshot, ...). Modules register their steps as
/// <c>services.AddScoped&lt;INightlyJob, TJob&gt;()</c>; <see cref="INightRunner"/> runs them in <see cref="Order"/>.
/// A step must be idempotent and safe to run again after a crash in the middle: it works on sets with SQL whose
/// effect is the same the second time (state checks, unique keys, ON CONFLICT DO NOTHING).
/// </summary>
public interface INightlyJob
{
    /// <summary>Unique, e.g. "rewards:confirm-cashback".</summary>
    string Name { get; }

    /// <summary>Lower runs first (members 100s, catalog 200s, rewards 300s, reporting 900s).</summary>
    int Order { get; }

    /// <summary>Does the work of <paramref name="night"/> (the calendar day that just ended, in each program's time zone). Returns rows affected.</summary>
    Task<long> RunAsync(DateOnly night, CancellationToken ct);
}

public enum JobRunOutcome
{
    Running,
    Succeeded,
    Failed,
}

public sealed record JobRunResult(string Job, string Period, JobRunOutcome Outcome, long RowsAffected, bool AlreadyDone, string? Error);

/// <summary>
/// The run record of jobs: one row per (job, period) — the unique key that makes "the same night twice" change nothing.
/// Implemented by the Platform module (table platform.job_runs); operators read it at GET /api/v1/ops/jobs/runs.
/// </summary>
public interface IJobRunLog
{
    /// <summary>
    /// Runs <paramref name="work"/> for (job, period) unless a run already succeeded. A failed run, or a run left "running"
    /// by a crashed process, is run again (its work is idempotent). Records start, end, rows affected and outcome.
    /// </summary>
    Task<JobRunResult> RunOnceAsync(string job, string period, Func<CancellationToken, Task<long>> work, CancellationToken ct);
}

/// <summary>Runs "the night of date D": every <see cref="INightlyJob"/> in order, each at most once per night.</summary>
public interface INightRunner
{
    Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, CancellationToken ct);
}
