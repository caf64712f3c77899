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

    /// <summary>
    /// Does the work of <paramref name="night"/>: the calendar day <see cref="NightScope.Night"/> that just ended in the time
    /// zone <see cref="NightScope.TimeZone"/>, for the programs of that zone only (<see cref="NightScope.ProgramIds"/>; filter
    /// the SQL by them). Day bounds are <see cref="NightScope.Starts"/>/<see cref="NightScope.Ends"/>. Returns rows affected.
    /// </summary>
    Task<long> RunAsync(NightScope night, CancellationToken ct);
}

/// <summary>
/// One night of one time zone: the local calendar day <paramref name="Night"/> in <paramref name="TimeZone"/> (an IANA id)
/// and the programs whose time zone it is. Steps touch these programs only (docs/adr/0019-nights-per-time-zone.md).
/// </summary>
public sealed record NightScope(DateOnly Night, string TimeZone, IReadOnlyList<Guid> ProgramIds)
{
    /// <summary>The programs as an array, for an SQL parameter (<c>program_id = ANY(@programs)</c>).</summary>
    public Guid[] Programs => [.. ProgramIds];

    /// <summary>The first instant of the night's day: <see cref="Night"/> 00:00 local, in UTC.</summary>
    public DateTimeOffset Starts => LocalMidnight(Night, TimeZone);

    /// <summary>The end of the night's day (exclusive): the next day 00:00 local, in UTC.</summary>
    public DateTimeOffset Ends => LocalMidnight(Night.AddDays(1), TimeZone);

    /// <summary>00:00 local of <paramref name="day"/> in the zone as a UTC instant (the first valid local time when a clock change skips midnight).</summary>
    public static DateTimeOffset LocalMidnight(DateOnly day, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The local calendar date of an instant in a zone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    /// <summary>True for an IANA time zone id this machine knows ("Europe/Berlin"; not "CET" aliases of Windows, not offsets).</summary>
    public static bool IsIanaTimeZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 60 && id.Contains('/', StringComparison.Ordinal)
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId && zone.Id == id;
}

public enum JobRunOutcome
{
    Running,
    Succeeded,
    Failed,
}

public sealed record JobRunResult(string Job, string Period, string Zone, JobRunOutcome Outcome, long RowsAffected, bool AlreadyDone, string? Error);

/// <summary>
/// The run record of jobs: one row per (job, period, zone) — the unique key that makes "the same night twice" change nothing.
/// Implemented by the Platform module (table platform.job_runs); operators read it at GET /api/v1/ops/jobs/runs.
/// </summary>
public interface IJobRunLog
{
    /// <summary>
    /// Runs <paramref name="work"/> for (job, period, zone) unless a run already succeeded. A failed run, or a run left "running"
    /// by a crashed process, is run again (its work is idempotent). Records start, end, rows affected and outcome.
    /// </summary>
    Task<JobRunResult> RunOnceAsync(string job, string period, string zone, Func<CancellationToken, Task<long>> work, CancellationToken ct);
}

/// <summary>
/// Runs "the night of date D" per time zone: every <see cref="INightlyJob"/> in order over the programs of the zone, each
/// at most once per (night, zone).
/// </summary>
public interface INightRunner
{
    /// <summary>The night of <paramref name="night"/> in every time zone that has programs, zone by zone.</summary>
    Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, CancellationToken ct);

    /// <summary>The night of <paramref name="night"/> in one time zone (an IANA id), over the programs of that zone.</summary>
    Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night, string timeZone, CancellationToken ct);

    /// <summary>
    /// What the hourly trigger does: for every zone, the nights that are due (local time past midnight plus
    /// Jobs:NightStartsAfter) and not yet run, from the zone's last recorded night on (caught up, at most Jobs:NightCatchUpDays).
    /// </summary>
    Task<IReadOnlyList<JobRunResult>> RunDueNightsAsync(CancellationToken ct);
}
