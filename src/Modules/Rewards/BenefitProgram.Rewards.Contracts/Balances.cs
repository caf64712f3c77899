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
