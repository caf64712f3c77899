using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Ledger;

public sealed record LedgerLine(Guid JournalId, DateTimeOffset At, string Kind, string Account, long AmountMinorUnits, string Currency, string Reason, string CausedByType, Guid CausedById);

/// <summary>Balances are never stored: they are sums of entries (the ledger is the only truth).</summary>
internal sealed class LedgerQueries(RewardsDbContext db) : IRewardsBalances, IMemberBenefitStatement
{
    /// <summary>Fees paid (member_fees) against cashback (net of reductions and claw-backs), refunds and adjustments credited, over all time.</summary>
    async Task<IReadOnlyList<MemberBenefitSummary>> IMemberBenefitStatement.GetAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var lines = await (from e in db.JournalEntries.AsNoTracking()
                           join j in db.Journals.AsNoTracking() on e.JournalId equals j.Id
                           where e.ProgramId == programId && e.OwnerId == memberId
                                 && (e.Account == Accounts.MemberAvailable || e.Account == Accounts.MemberPaid)
                           group e by new { e.Currency, e.Account, j.Kind } into g
                           select new { g.Key.Currency, g.Key.Account, g.Key.Kind, Sum = g.Sum(x => x.Amount) }).ToListAsync(ct);
        var fees = await db.MemberFees.AsNoTracking()
            .Where(f => f.ProgramId == programId && f.MemberId == memberId)
            .GroupBy(f => f.Currency)
            .Select(g => new { Currency = g.Key, Sum = g.Sum(f => f.AmountMinor) })
            .ToListAsync(ct);
        return lines.Select(l => l.Currency).Concat(fees.Select(f => f.Currency)).Distinct().Order(StringComparer.Ordinal).Select(c =>
        {
            long Sum(params string[] kinds) => lines.Where(l => l.Currency == c && l.Account == Accounts.MemberAvailable && kinds.Contains(l.Kind)).Sum(l => l.Sum);
            return new MemberBenefitSummary(c,
                FeesPaidMinorUnits: fees.Where(f => f.Currency == c).Sum(f => f.Sum),
                CashbackMinorUnits: Sum(JournalKinds.CashbackConfirmed, JournalKinds.CashbackReduced, JournalKinds.CashbackClawedBack),
                RefundsMinorUnits: Sum(JournalKinds.RefundApproved),
                AdjustmentsMinorUnits: Sum(JournalKinds.ManualAdjustment),
                PaidOutMinorUnits: lines.Where(l => l.Currency == c && l.Account == Accounts.MemberPaid).Sum(l => l.Sum));
        }).ToList();
    }

    public async Task<IReadOnlyList<MemberRewardsBalance>> GetMemberAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var sums = await db.JournalEntries.AsNoTracking()
            .Where(e => e.ProgramId == programId && e.OwnerId == memberId && e.Account.StartsWith("member:"))
            .GroupBy(e => new { e.Currency, e.Account })
            .Select(g => new { g.Key.Currency, g.Key.Account, Sum = g.Sum(e => e.Amount) })
            .ToListAsync(ct);
        return sums.GroupBy(s => s.Currency).Select(g => new MemberRewardsBalance(memberId, g.Key,
                Pending: g.Where(s => s.Account == Accounts.MemberPending).Sum(s => s.Sum),
                Available: g.Where(s => s.Account == Accounts.MemberAvailable).Sum(s => s.Sum),
                InPayout: g.Where(s => s.Account == Accounts.MemberInPayout).Sum(s => s.Sum),
                Paid: g.Where(s => s.Account == Accounts.MemberPaid).Sum(s => s.Sum)))
            .ToList();
    }

    public async Task<IReadOnlyList<ProgramRewardsTotals>> GetProgramTotalsAsync(Guid programId, CancellationToken ct)
    {
        var sums = await db.JournalEntries.AsNoTracking()
            .Where(e => e.ProgramId == programId && !e.Account.StartsWith("member:"))
            .GroupBy(e => new { e.Currency, e.Account })
            .Select(g => new { g.Key.Currency, g.Key.Account, Sum = g.Sum(e => e.Amount) })
            .ToListAsync(ct);
        long Of(IEnumerable<dynamic> _, string account, string currency) => sums.Where(s => s.Currency == currency && s.Account == account).Sum(s => s.Sum);
        return sums.Select(s => s.Currency).Distinct().Select(c => new ProgramRewardsTotals(programId, c,
                CashbackCost: -Of(sums, Accounts.ProgramCashbackCost, c),
                RefundCost: -Of(sums, Accounts.ProgramRefundCost, c),
                AdjustmentCost: -Of(sums, Accounts.ProgramAdjustmentCost, c),
                CommissionIncome: Of(sums, Accounts.ProgramCommissionIncome, c),
                PartnerReceivable: -Of(sums, Accounts.PartnerReceivable, c)))
            .ToList();
    }

    /// <summary>The member's ledger lines (member accounts only), newest first.</summary>
    public async Task<IReadOnlyList<LedgerLine>> MemberHistoryAsync(Guid programId, Guid memberId, int limit, CancellationToken ct) =>
        await (from e in db.JournalEntries.AsNoTracking()
               join j in db.Journals.AsNoTracking() on e.JournalId equals j.Id
               where e.ProgramId == programId && e.OwnerId == memberId && e.Account.StartsWith("member:")
               orderby e.Id descending
               select new LedgerLine(j.Id, j.CreatedAt, j.Kind, e.Account, e.Amount, e.Currency, j.Memo, j.CausedByType, j.CausedById))
            .Take(limit)
            .ToListAsync(ct);
}
