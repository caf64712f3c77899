using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Purchases;

public sealed record ReturnReport(string ReturnReference, long AmountMinorUnits, DateTimeOffset? ReturnedAt);

internal abstract record ReturnOutcome
{
    public sealed record Recorded(PurchaseReturn Return, Purchase Purchase, bool Repeat) : ReturnOutcome;
    public sealed record NotFound : ReturnOutcome;
    public sealed record TooMuch(long Remaining) : ReturnOutcome;
    public sealed record ReferenceReused : ReturnOutcome;
}

/// <summary>
/// Records a (partial) return against an order reference. The cashback is reduced proportionally from the original
/// (pending → less pending; confirmed → taken from available; paid → clawed back from available, which may go negative
/// and is offset against future cashback). The same return reference twice is acknowledged once.
/// </summary>
internal sealed class ReturnService(RewardsDbContext db, TimeProvider clock)
{
    public async Task<ReturnOutcome> RecordAsync(Guid partnerId, string orderReference, ReturnReport report, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Row lock on the purchase: concurrent returns of one order are applied one after the other.
        var purchase = await db.Purchases
            .FromSql($"SELECT * FROM rewards.purchases WHERE partner_id = {partnerId} AND order_reference = {orderReference} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (purchase is null)
        {
            return new ReturnOutcome.NotFound();
        }

        var previous = await db.PurchaseReturns.SingleOrDefaultAsync(r => r.PurchaseId == purchase.Id && r.ReturnReference == report.ReturnReference, ct);
        if (previous is not null)
        {
            return previous.AmountMinor == report.AmountMinorUnits
                ? new ReturnOutcome.Recorded(previous, purchase, Repeat: true)
                : new ReturnOutcome.ReferenceReused();
        }

        if (report.AmountMinorUnits > purchase.RemainingMinor)
        {
            return new ReturnOutcome.TooMuch(purchase.RemainingMinor);
        }

        var effect = purchase.ApplyReturn(report.AmountMinorUnits);
        var ret = new PurchaseReturn
        {
            Id = Guid.CreateVersion7(now),
            PurchaseId = purchase.Id,
            ProgramId = purchase.ProgramId,
            PartnerId = partnerId,
            ReturnReference = report.ReturnReference,
            AmountMinor = report.AmountMinorUnits,
            CashbackReductionMinor = effect.CashbackReduction,
            StateBefore = effect.FromState.ToString(),
            ReturnedAt = report.ReturnedAt ?? now,
            CreatedAt = now,
        };
        db.PurchaseReturns.Add(ret);

        var memberAccount = effect.FromState == CashbackState.Pending ? Accounts.MemberPending : Accounts.MemberAvailable;
        var clawedBack = effect.FromState == CashbackState.Paid;
        var c = effect.CashbackReduction;
        var p = effect.PartnerShareReduction;
        var k = effect.CommissionReduction;
        LedgerWriter.Post(db, purchase.ProgramId,
            c != 0 ? (clawedBack ? JournalKinds.CashbackClawedBack : JournalKinds.CashbackReduced) : JournalKinds.CommissionReduced,
            "purchase-return", ret.Id, $"return:{ret.Id}", purchase.Currency,
            $"Return {report.ReturnReference} of order {purchase.OrderReference}" + (clawedBack ? " (claw-back after payout)" : ""),
            actor, now,
            new Posting(memberAccount, purchase.MemberId, -c),
            new Posting(Accounts.PartnerReceivable, partnerId, p + k),
            new Posting(Accounts.ProgramCashbackCost, purchase.ProgramId, c - p),
            new Posting(Accounts.ProgramCommissionIncome, purchase.ProgramId, -k));

        db.Publish(new PurchaseReturned(purchase.ProgramId, purchase.Id, partnerId, purchase.MemberId, purchase.OrderReference,
            report.ReturnReference, report.AmountMinorUnits, purchase.RemainingMinor, purchase.Currency, now), now);
        if (c != 0)
        {
            db.Publish(new CashbackReversed(purchase.ProgramId, purchase.Id, purchase.MemberId, c, purchase.CashbackMinor, purchase.Currency,
                effect.FromState.ToString(), clawedBack, now), now);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ReturnOutcome.Recorded(ret, purchase, Repeat: false);
    }
}
