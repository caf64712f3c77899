namespace BenefitProgram.Rewards.Contracts;

/// <summary>A member's rewards balances by state, in minor units, derived from the ledger entries.</summary>
public sealed record MemberRewardsBalance(Guid MemberId, string Currency, long Pending, long Available, long InPayout, long Paid);

/// <summary>Program-level totals for reports (derived from the ledger entries).</summary>
public sealed record ProgramRewardsTotals(Guid ProgramId, string Currency, long CashbackCost, long RefundCost, long AdjustmentCost, long CommissionIncome, long PartnerReceivable);

/// <summary>Read access to rewards balances for other modules (reports, statements).</summary>
public interface IRewardsBalances
{
    Task<IReadOnlyList<MemberRewardsBalance>> GetMemberAsync(Guid programId, Guid memberId, CancellationToken ct);

    Task<IReadOnlyList<ProgramRewardsTotals>> GetProgramTotalsAsync(Guid programId, CancellationToken ct);
}

/// <summary>
/// What a member paid and got back over their whole membership, in one currency, from the ledger and the fees Rewards
/// was told about (FeeCharged): the benefit statement of the cancellation mail.
/// </summary>
public sealed record MemberBenefitSummary(
    string Currency, long FeesPaidMinorUnits, long CashbackMinorUnits, long RefundsMinorUnits, long AdjustmentsMinorUnits, long PaidOutMinorUnits)
{
    public long TotalReceivedMinorUnits => CashbackMinorUnits + RefundsMinorUnits + AdjustmentsMinorUnits;
}

/// <summary>Read access to a member's benefit statement for other modules (the Notifications module's cancellation mail).</summary>
public interface IMemberBenefitStatement
{
    /// <summary>One summary per currency the member has fees or rewards in (usually one); empty when there are none.</summary>
    Task<IReadOnlyList<MemberBenefitSummary>> GetAsync(Guid programId, Guid memberId, CancellationToken ct);
}
