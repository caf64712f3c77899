using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace BenefitProgram.Catalog.Redemptions;

/// <summary>A pass to verify: the signed token (from the QR code) or the short code the member reads out.</summary>
public sealed record VerifyPassRequest(string Pass, long? PurchaseAmountMinorUnits);

public sealed record PassVerification(Guid RedemptionId, Guid OfferId, DateTimeOffset VerifiedAt, long? PurchaseAmountMinorUnits, string? Currency);

public sealed record RedemptionView(
    Guid Id,
    RedemptionKind Kind,
    Guid OfferId,
    Guid PartnerId,
    Guid MemberId,
    DateTimeOffset CreatedAt,
    string? CouponCode,
    string? ClickId,
    DateTimeOffset? PassExpiresAt,
    DateTimeOffset? VerifiedAt,
    long? AmountMinorUnits,
    string? Currency);

public sealed record OfferReport(
    Guid OfferId,
    int CouponsHandedOut,
    int PassesIssued,
    int PassesVerified,
    long VerifiedPurchaseMinorUnits,
    int ClickOuts,
    long CodesTotal,
    long CodesRemaining,
    string Currency);

internal static class RedemptionEndpoints
{
    public static void MapRedemptions(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Member: redemptions").RequireAuthorization(Policies.Member);

        me.MapPost("/offers/{id:guid}/redeem", (Guid id, CurrentActor actor, RedeemOffer redeem, CancellationToken ct) =>
                redeem.RunAsync(id, actor, clickOutOnly: false, ct))
            .WithIdempotency()
            .RequireRateLimiting(RedemptionRateLimits.MemberRedemptions)
            .WithSummary("Redeems an offer: a coupon code, a discount pass, or a tracked click-out, by the offer's kind. Honours Idempotency-Key.");

        me.MapGet("/offers/{id:guid}/go", async Task<Results<RedirectHttpResult, ProblemHttpResult>> (
            Guid id, CurrentActor actor, RedeemOffer redeem, CancellationToken ct) =>
        {
            var result = await redeem.RunAsync(id, actor, clickOutOnly: true, ct);
            return result.Result switch
            {
                Ok<RedemptionResult> { Value.ClickOut: { } click } => TypedResults.Redirect(click.RedirectUrl),
                ProblemHttpResult problem => problem,
                _ => Problems.Conflict("offer-has-no-landing-url", "This offer has no partner page to click out to."),
            };
        }).RequireRateLimiting(RedemptionRateLimits.MemberRedemptions)
          .WithSummary("A tracked click-out: records a click id and redirects to the partner's landing URL carrying it.");

        me.MapGet("/redemptions", async (CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Redemptions.AsNoTracking()
                .Where(r => r.MemberId == actor.RequireMember() && r.ProgramId == actor.RequireProgram())
                .OrderByDescending(r => r.CreatedAt).Take(200).Select(View).ToListAsync(ct)));

        me.MapGet("/redemptions/{id:guid}/qr.svg", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, PassSigner signer, CancellationToken ct) =>
        {
            var pass = await db.Redemptions.AsNoTracking().SingleOrDefaultAsync(r =>
                r.Id == id && r.MemberId == actor.RequireMember() && r.Kind == RedemptionKind.DiscountPass, ct);
            if (pass is null)
            {
                return Problems.NotFound("The pass");
            }

            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(signer.Sign(pass.Id, pass.PassExpiresAt!.Value), QRCodeGenerator.ECCLevel.M);
            return TypedResults.Content(new SvgQRCode(data).GetGraphic(6), "image/svg+xml");
        }).WithSummary("The discount pass as a QR code (SVG) for the till.");

        var partner = api.MapGroup("/partner").WithTags("Partner: redemptions").RequireAuthorization(Policies.Partner);

        partner.MapPost("/passes/verify", async Task<Results<Ok<PassVerification>, ProblemHttpResult>> (
            VerifyPassRequest request, CurrentActor actor, CatalogDbContext db, PassSigner signer, TimeProvider clock, CancellationToken ct) =>
        {
            var partnerId = actor.RequirePartner();
            var now = clock.GetUtcNow();
            if (request.PurchaseAmountMinorUnits is < 0)
            {
                return Problems.BadRequest("negative-amount", "purchaseAmountMinorUnits must not be negative.");
            }

            Guid redemptionId;
            var presented = (request.Pass ?? "").Trim();
            if (presented.Contains('.', StringComparison.Ordinal))
            {
                if (!signer.TryRead(presented, out redemptionId, out var expires))
                {
                    return Problems.Unprocessable("pass-invalid", "This pass is not genuine (its signature does not match).");
                }

                if (expires <= now)
                {
                    return Problems.Unprocessable("pass-expired", "This pass has expired; the member can show a new one.");
                }
            }
            else
            {
                var shortCode = PassSigner.NormalizeShortCode(presented);
                var found = await db.Redemptions.AsNoTracking()
                    .Where(r => r.PassShortCode == shortCode && r.PartnerId == partnerId).Select(r => (Guid?)r.Id).SingleOrDefaultAsync(ct);
                if (found is null)
                {
                    return Problems.NotFound("The pass");
                }

                redemptionId = found.Value;
            }

            var pass = await db.Redemptions.AsNoTracking().SingleOrDefaultAsync(r =>
                r.Id == redemptionId && r.PartnerId == partnerId && r.Kind == RedemptionKind.DiscountPass, ct);
            if (pass is null)
            {
                return Problems.NotFound("The pass");
            }

            if (pass.VerifiedAt is not null)
            {
                return Problems.Conflict("pass-already-used", $"This pass was already used at {pass.VerifiedAt:u}.");
            }

            if (pass.PassExpiresAt <= now)
            {
                return Problems.Unprocessable("pass-expired", "This pass has expired; the member can show a new one.");
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Atomic: of two tills verifying the same pass at once, exactly one updates the row.
            var marked = await db.Redemptions
                .Where(r => r.Id == pass.Id && r.VerifiedAt == null && r.PassExpiresAt > now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.VerifiedAt, now)
                    .SetProperty(r => r.VerifiedBy, actor.AuditName)
                    .SetProperty(r => r.AmountMinorUnits, request.PurchaseAmountMinorUnits), ct);
            if (marked == 0)
            {
                return Problems.Conflict("pass-already-used", "This pass was already used.");
            }

            db.Publish(new PassVerified(pass.Id, pass.MemberId, pass.ProgramId, pass.OfferId, pass.PartnerId, request.PurchaseAmountMinorUnits, pass.Currency, now), now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return TypedResults.Ok(new PassVerification(pass.Id, pass.OfferId, now, request.PurchaseAmountMinorUnits, pass.Currency));
        }).RequireRateLimiting(RedemptionRateLimits.PassVerification)
          .WithSummary("Verifies a member's discount pass at the till and marks it used (once); records the purchase amount if given.");

        partner.MapGet("/redemptions", async (Guid? offerId, DateTimeOffset? from, DateTimeOffset? to, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Redemptions.AsNoTracking()
                .Where(r => r.PartnerId == actor.RequirePartner() && (offerId == null || r.OfferId == offerId)
                    && (from == null || r.CreatedAt >= from) && (to == null || r.CreatedAt < to))
                .OrderByDescending(r => r.CreatedAt).Take(1000).Select(View).ToListAsync(ct)));

        partner.MapGet("/redemptions/{id:guid}", async Task<Results<Ok<RedemptionView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Redemptions.AsNoTracking().Where(r => r.Id == id && r.PartnerId == actor.RequirePartner()).Select(View).SingleOrDefaultAsync(ct) is { } r
                ? TypedResults.Ok(r) : Problems.NotFound("The redemption"));

        partner.MapGet("/offers/{id:guid}/report", async Task<Results<Ok<OfferReport>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Offers.AnyAsync(o => o.Id == id && o.PartnerId == actor.RequirePartner(), ct)
                ? TypedResults.Ok(await ReportAsync(db, id, ct)) : Problems.NotFound("The offer"))
            .WithTags("Partner: reports").WithSummary("Redemptions, verified passes, click-outs and the coupon pool of one offer.");

        var ops = api.MapGroup("/ops").WithTags("Operator: redemptions").RequireAuthorization(Policies.Operator);

        ops.MapGet("/redemptions", async (Guid? offerId, Guid? partnerId, DateTimeOffset? from, DateTimeOffset? to, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Redemptions.AsNoTracking()
                .Where(r => r.ProgramId == actor.RequireProgram() && (offerId == null || r.OfferId == offerId) && (partnerId == null || r.PartnerId == partnerId)
                    && (from == null || r.CreatedAt >= from) && (to == null || r.CreatedAt < to))
                .OrderByDescending(r => r.CreatedAt).Take(1000).Select(View).ToListAsync(ct)));

        ops.MapGet("/redemptions/{id:guid}", async Task<Results<Ok<RedemptionView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Redemptions.AsNoTracking().Where(r => r.Id == id && r.ProgramId == actor.RequireProgram()).Select(View).SingleOrDefaultAsync(ct) is { } r
                ? TypedResults.Ok(r) : Problems.NotFound("The redemption"));

        ops.MapGet("/offers/{id:guid}/report", async Task<Results<Ok<OfferReport>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await db.Offers.AnyAsync(o => o.Id == id && o.ProgramId == actor.RequireProgram(), ct)
                ? TypedResults.Ok(await ReportAsync(db, id, ct)) : Problems.NotFound("The offer"))
            .WithTags("Operator: offers");
    }

    private static readonly System.Linq.Expressions.Expression<Func<Domain.Redemption, RedemptionView>> View = r =>
        new RedemptionView(r.Id, r.Kind, r.OfferId, r.PartnerId, r.MemberId, r.CreatedAt, r.CouponCode, r.ClickId, r.PassExpiresAt, r.VerifiedAt, r.AmountMinorUnits, r.Currency);

    private static async Task<OfferReport> ReportAsync(CatalogDbContext db, Guid offerId, CancellationToken ct)
    {
        var currency = await db.Offers.Where(o => o.Id == offerId).Select(o => o.Currency).SingleAsync(ct);
        var byKind = await db.Redemptions.AsNoTracking().Where(r => r.OfferId == offerId).GroupBy(r => r.Kind)
            .Select(g => new
            {
                Kind = g.Key,
                Count = g.Count(),
                Verified = g.Count(r => r.VerifiedAt != null),
                Amount = g.Sum(r => r.VerifiedAt != null ? r.AmountMinorUnits ?? 0 : 0),
            }).ToListAsync(ct);
        var codes = await db.CouponCodes.AsNoTracking().Where(c => c.OfferId == offerId)
            .GroupBy(_ => 1).Select(g => new { Total = g.LongCount(), Free = g.LongCount(c => c.AssignedAt == null) }).SingleOrDefaultAsync(ct);
        int Count(RedemptionKind k) => byKind.FirstOrDefault(x => x.Kind == k)?.Count ?? 0;
        var passes = byKind.FirstOrDefault(x => x.Kind == RedemptionKind.DiscountPass);
        return new OfferReport(offerId, Count(RedemptionKind.Coupon), Count(RedemptionKind.DiscountPass), passes?.Verified ?? 0, passes?.Amount ?? 0,
            Count(RedemptionKind.ClickOut), codes?.Total ?? 0, codes?.Free ?? 0, currency);
    }
}
