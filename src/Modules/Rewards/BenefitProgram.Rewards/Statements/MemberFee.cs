namespace BenefitProgram.Rewards.Statements;

/// <summary>A membership fee the Members module charged (from its FeeCharged event), for the yearly benefit statement.</summary>
internal sealed class MemberFee
{
    public Guid FeeId { get; init; }
    public Guid ProgramId { get; init; }
    public Guid MemberId { get; init; }
    public long AmountMinor { get; init; }
    public string Currency { get; init; } = "";
    public DateTimeOffset ChargedAt { get; init; }
}
