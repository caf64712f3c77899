using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Persistence;
using BenefitProgram.Rewards.Purchases;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Ledger;

public sealed record MemberLedgerView(Guid MemberId, IReadOnlyList<MemberRewardsBalance> Balances, IReadOnlyList<LedgerLine> Lines);

public sealed record BenefitStatement(int Year, string Currency, long FeesPaidMinorUnits, bool FeesKnown, long CashbackMinorUnits, long RefundsMinorUnits,
    long AdjustmentsMinorUnits, long TotalReceivedMinorUnits, long PaidOutMinorUnits, string Note);

public sealed record AdjustmentRequest(long AmountMinorUnits, string Currency, string Reason);

internal sealed class AdjustmentRequestValidator : AbstractValidator<AdjustmentRequest>
{
    public AdjustmentRequestValidator()
    {
        RuleFor(r => r.AmountMinorUnits).NotEqual(0).InclusiveBetween(-1_000_000, 1_000_000);
        RuleFor(r => r.Currency).Must(BenefitProgram.Common.Money.IsCurrencyCode).WithMessage("Use an ISO 4217 code like EUR.");
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(400);
    }
}

internal static class LedgerEndpoints
{
    public static void MapLedger(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me/rewards").WithTags("Member rewards").RequireAuthorization(Policies.Member);

        me.MapGet("/balance", async (CurrentActor actor, LedgerQueries ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.GetMemberAsync(actor.RequireProgram(), actor.RequireMember(), ct)))
            .WithSummary("Balances by state (pending, available, in payout, paid), derived from the ledger.");

        me.MapGet("/history", async (CurrentActor actor, LedgerQueries ledger, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await ledger.MemberHistoryAsync(actor.RequireProgram(), actor.RequireMember(), Math.Clamp(limit ?? 200, 1, 1000), ct)))
            .WithSummary("Every movement on the member's balances with its reason, newest first.");

        me.MapGet("/cashback", async (CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var member = actor.RequireMember();
            var list = await db.Purchases.AsNoTracking().Where(p => p.ProgramId == program && p.MemberId == member)
                .OrderByDescending(p => p.PurchasedAt).Take(500).ToListAsync(ct);
            return TypedResults.Ok(list.Select(PurchaseEndpoints.ToView).ToList());
        }).WithSummary("The member's purchases and the state of their cashback (declined ones with the reason).");

        me.MapGet("/statement/{year:int}", async (int year, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await StatementAsync(db, actor.RequireProgram(), actor.RequireMember(), year, ct)))
            .WithSummary("The yearly benefit statement: fees paid (as far as Rewards knows) against cashback, refunds and adjustments received.");

        var ops = api.MapGroup("/ops/rewards").WithTags("Operator rewards").RequireAuthorization(Policies.Operator);

        ops.MapGet("/members/{memberId:guid}/ledger", async Task<Results<Ok<MemberLedgerView>, ProblemHttpResult>> (
            Guid memberId, CurrentActor actor, LedgerQueries ledger, IMemberEntitlements entitlements, IMemberContacts contacts, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            if (!await IsMemberOfAsync(program, memberId, entitlements, contacts, ct))
            {
                return Problems.NotFound("The member");
            }

            return TypedResults.Ok(new MemberLedgerView(memberId, await ledger.GetMemberAsync(program, memberId, ct), await ledger.MemberHistoryAsync(program, memberId, 1000, ct)));
        }).WithSummary("A member's balances and ledger lines (this program only).");

        ops.MapPost("/members/{memberId:guid}/adjustments", async Task<Results<Created<MemberLedgerView>, ProblemHttpResult>> (
            Guid memberId, AdjustmentRequest request, CurrentActor actor, RewardsDbContext db, LedgerQueries ledger, IMemberEntitlements entitlements,
            IMemberContacts contacts, TimeProvider clock, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            // Money may only be booked for a member of the operator's own program (an id of another program is 404).
            if (!await IsMemberOfAsync(program, memberId, entitlements, contacts, ct))
            {
                return Problems.NotFound("The member");
            }

            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            // The journal is the audit record: who (created_by), why (memo), when; immutable like every journal.
            LedgerWriter.Post(db, program, JournalKinds.ManualAdjustment, "manual-adjustment", id, $"adjustment:{id}", request.Currency,
                $"Adjustment: {request.Reason.Trim()}", actor.AuditName, now,
                new Posting(Accounts.MemberAvailable, memberId, request.AmountMinorUnits),
                new Posting(Accounts.ProgramAdjustmentCost, program, -request.AmountMinorUnits));
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/ops/rewards/members/{memberId}/ledger",
                new MemberLedgerView(memberId, await ledger.GetMemberAsync(program, memberId, ct), await ledger.MemberHistoryAsync(program, memberId, 20, ct)));
        }).Validate<AdjustmentRequest>().WithIdempotency().WithSummary("Credits (or debits) a member's available balance with a reason; audit-logged in the ledger.");

        ops.MapGet("/totals", async (CurrentActor actor, LedgerQueries ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.GetProgramTotalsAsync(actor.RequireProgram(), ct)))
            .WithSummary("Program cashback and refund cost, commission income and partner receivable, from the ledger.");
    }

    /// <summary>A member of the program: one with a membership (entitlements), or one erased since (contacts still know the id).</summary>
    private static async Task<bool> IsMemberOfAsync(Guid program, Guid member, IMemberEntitlements entitlements, IMemberContacts contacts, CancellationToken ct) =>
        await entitlements.GetAsync(program, member, ct) is not null || await contacts.GetAsync(program, member, ct) is not null;

    private static async Task<BenefitStatement> StatementAsync(RewardsDbContext db, Guid program, Guid member, int year, CancellationToken ct)
    {
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddYears(1);
        var lines = await (from e in db.JournalEntries.AsNoTracking()
                           join j in db.Journals.AsNoTracking() on e.JournalId equals j.Id
                           where e.ProgramId == program && e.OwnerId == member && j.CreatedAt >= start && j.CreatedAt < end
                                 && (e.Account == Accounts.MemberAvailable || e.Account == Accounts.MemberPaid)
                           select new { j.Kind, e.Account, e.Amount, e.Currency }).ToListAsync(ct);
        var fees = await db.MemberFees.AsNoTracking()
            .Where(f => f.ProgramId == program && f.MemberId == member && f.ChargedAt >= start && f.ChargedAt < end).ToListAsync(ct);
        long Sum(params string[] kinds) => lines.Where(l => l.Account == Accounts.MemberAvailable && kinds.Contains(l.Kind)).Sum(l => l.Amount);
        var cashback = Sum(JournalKinds.CashbackConfirmed, JournalKinds.CashbackReduced, JournalKinds.CashbackClawedBack);
        var refunds = Sum(JournalKinds.RefundApproved);
        var adjustments = Sum(JournalKinds.ManualAdjustment);
        return new BenefitStatement(year, "EUR", fees.Sum(f => f.AmountMinor), fees.Count > 0, cashback, refunds, adjustments, cashback + refunds + adjustments,
            lines.Where(l => l.Account == Accounts.MemberPaid).Sum(l => l.Amount),
            "Cashback counts once confirmed (after the return window), net of later returns. Discounts at partners are not reported to Rewards and are not included.");
    }
}
