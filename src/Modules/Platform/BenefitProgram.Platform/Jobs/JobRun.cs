using BenefitProgram.Common.Jobs;

namespace BenefitProgram.Platform.Jobs;

/// <summary>One run of a job for one period (a night) in one time zone. Unique per (job, period, zone).</summary>
internal sealed class JobRun
{
    public string Job { get; set; } = "";
    public string Period { get; set; } = "";
    /// <summary>The time zone (IANA id) whose programs the night covered; see docs/adr/0019-nights-per-time-zone.md.</summary>
    public string Zone { get; set; } = "";
    public JobRunOutcome Outcome { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long RowsAffected { get; set; }
    public string? Error { get; set; }
    /// <summary>Which process ran it last (machine name and process id), for operators and the scale-out proof.</summary>
    public string RunBy { get; set; } = "";
}
