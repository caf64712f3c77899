namespace BenefitProgram.Rewards.Payouts;

internal enum PayoutLineStatus
{
    Pending,
    Paid,
    Failed,
}

/// <summary>One payout batch per (program, period, currency): a second preparation for the same period creates nothing.</summary>
internal sealed class PayoutBatch
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public string PeriodKey { get; init; } = "";
    public string Currency { get; init; } = "";
    public long ThresholdMinor { get; init; }
    public int LineCount { get; set; }
    public long TotalMinor { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<PayoutLine> Lines { get; init; } = [];
}

/// <summary>One member in one batch (unique), with the amount moved from available to in-payout when the batch was prepared.</summary>
internal sealed class PayoutLine
{
    public Guid Id { get; init; }
    public Guid BatchId { get; init; }
    public Guid ProgramId { get; init; }
    public Guid MemberId { get; init; }
    public long AmountMinor { get; init; }
    public string Currency { get; init; } = "";
    public PayoutLineStatus Status { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}
