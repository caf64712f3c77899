using BenefitProgram.Common.Jobs;

namespace BenefitProgram.Platform.Jobs;

/// <summary>One run of a job for one period (a night, a month). Unique per (job, period).</summary>
internal sealed class JobRun
{
    public string Job { get; set; } = "";
    public string Period { get; set; } = "";
    public JobRunOutcome Outcome { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long RowsAffected { get; set; }
    public string? Error { get; set; }
    /// <summary>Which process ran it last (machine name and process id), for operators and the scale-out proof.</summary>
    public string RunBy { get; set; } = "";
}
