using BenefitProgram.Rewards.Persistence;

namespace BenefitProgram.Rewards.Ledger;

/// <summary>
/// The ledger's accounts. An account is (program, kind, owner, currency); owner is a member, a partner or the program.
/// Sign convention: an entry's amount is positive for a credit and negative for a debit, and every journal sums to
/// zero per currency. Member accounts (what the program owes the member) and income are credit-normal, so their balance
/// is the plain sum of their entries; partner receivable and program costs are debit-normal (balance = minus the sum).
/// See docs/adr/0013-ledger-cashback-and-payouts.md.
/// </summary>
internal static class Accounts
{
    public const string MemberPending = "member:pending";
    public const string MemberAvailable = "member:available";
    public const string MemberInPayout = "member:in-payout";
    public const string MemberPaid = "member:paid";
    public const string PartnerReceivable = "partner:receivable";
    public const string ProgramCashbackCost = "program:cashback-cost";
    public const string ProgramRefundCost = "program:refund-cost";
    public const string ProgramAdjustmentCost = "program:adjustment-cost";
    public const string ProgramCommissionIncome = "program:commission-income";

    public static readonly IReadOnlyList<string> All =
    [
        MemberPending, MemberAvailable, MemberInPayout, MemberPaid, PartnerReceivable, ProgramCashbackCost, ProgramRefundCost,
        ProgramAdjustmentCost, ProgramCommissionIncome,
    ];
}

/// <summary>What caused a journal: the business fact it belongs to.</summary>
internal static class JournalKinds
{
    public const string CashbackPending = "cashback-pending";
    public const string CashbackConfirmed = "cashback-confirmed";
    public const string CashbackReduced = "cashback-reduced";
    public const string CashbackClawedBack = "cashback-clawed-back";
    public const string CommissionReduced = "commission-reduced";
    public const string RefundApproved = "refund-approved";
    public const string PayoutPrepared = "payout-prepared";
    public const string PayoutPaid = "payout-paid";
    public const string PayoutFailed = "payout-failed";
    public const string ManualAdjustment = "manual-adjustment";
}

/// <summary>A journal: one business fact's money movement. Immutable once written (the database refuses UPDATE/DELETE).</summary>
internal sealed class Journal
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public string Kind { get; init; } = "";
    public string CausedByType { get; init; } = "";
    public Guid CausedById { get; init; }
    /// <summary>Unique: the same fact can never be journalled twice (e.g. "purchase:{id}", "confirm:{id}").</summary>
    public string IdempotencyKey { get; init; } = "";
    public string Memo { get; init; } = "";
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public List<JournalEntry> Entries { get; init; } = [];
}

internal sealed class JournalEntry
{
    public long Id { get; init; }
    public Guid JournalId { get; init; }
    public Guid ProgramId { get; init; }
    public string Account { get; init; } = "";
    public Guid OwnerId { get; init; }
    public string Currency { get; init; } = "";
    /// <summary>Positive = credit, negative = debit; never zero.</summary>
    public long Amount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One line of a journal being built.</summary>
internal readonly record struct Posting(string Account, Guid OwnerId, long Amount);

/// <summary>
/// Adds a balanced journal to the caller's DbContext, so it commits in the same transaction as the fact that caused it.
/// Zero postings are dropped; an unbalanced journal is a bug and throws before anything is written (the database
/// checks the same at commit).
/// </summary>
internal static class LedgerWriter
{
    public static Journal? Post(
        RewardsDbContext db, Guid programId, string kind, string causedByType, Guid causedById, string idempotencyKey,
        string currency, string memo, string createdBy, DateTimeOffset now, params Posting[] postings)
    {
        var lines = postings.Where(p => p.Amount != 0)
            .GroupBy(p => (p.Account, p.OwnerId))
            .Select(g => new Posting(g.Key.Account, g.Key.OwnerId, g.Sum(p => p.Amount)))
            .Where(p => p.Amount != 0)
            .ToList();
        if (lines.Sum(p => p.Amount) != 0)
        {
            throw new InvalidOperationException($"Journal {idempotencyKey} does not balance: {string.Join(", ", lines)}");
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var id = Guid.CreateVersion7(now);
        var journal = new Journal
        {
            Id = id,
            ProgramId = programId,
            Kind = kind,
            CausedByType = causedByType,
            CausedById = causedById,
            IdempotencyKey = idempotencyKey,
            Memo = memo,
            CreatedBy = createdBy,
            CreatedAt = now,
            Entries = lines.Select(l => new JournalEntry
            {
                JournalId = id,
                ProgramId = programId,
                Account = l.Account,
                OwnerId = l.OwnerId,
                Currency = currency,
                Amount = l.Amount,
                CreatedAt = now,
            }).ToList(),
        };
        db.Journals.Add(journal);
        return journal;
    }

    /// <summary>Splits <paramref name="total"/> into the partner's share (basis points, rounded half away from zero) and the program's rest.</summary>
    public static (long Partner, long Program) Split(long total, int partnerShareBasisPoints)
    {
        var partner = (long)Math.Round((decimal)total * partnerShareBasisPoints / 10_000m, 0, MidpointRounding.AwayFromZero);
        return (partner, total - partner);
    }
}
