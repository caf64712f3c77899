using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Observability;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.Catalog.Redemptions;

public sealed record PassInfo(string Token, string ShortCode, DateTimeOffset ExpiresAt, string QrSvgUrl);

public sealed record ClickOutInfo(string ClickId, string RedirectUrl);

/// <summary>The answer to a redemption: a coupon code, a discount pass, or a click-out, by the offer's kind.</summary>
public sealed record RedemptionResult(
    Guid RedemptionId,
    RedemptionKind Kind,
    Guid OfferId,
    string? CouponCode,
    PassInfo? Pass,
    ClickOutInfo? ClickOut,
    DateTimeOffset CreatedAt);

/// <summary>
/// Redeems an offer for the calling member. Coupon codes and discount passes count against the per-member limit and the
/// stock in one transaction with the redemption row and its event:
/// 1. the member's usage row for the period is incremented only while below the limit (the row lock serialises one member's racing requests);
/// 2. the offer's stock counter is incremented only while below the stock;
/// 3. a free pool code is taken with FOR UPDATE SKIP LOCKED (no code twice, no waiting on each other).
/// Any step failing rolls the whole transaction back.
/// </summary>
internal sealed class RedeemOffer(CatalogDbContext db, IMemberEligibility eligibility, PassSigner signer, TimeProvider clock, IConfiguration configuration)
{
    public async Task<Results<Ok<RedemptionResult>, ProblemHttpResult>> RunAsync(Guid offerId, CurrentActor actor, bool clickOutOnly, CancellationToken ct)
    {
        var program = actor.RequireProgram();
        var member = actor.RequireMember();
        var now = clock.GetUtcNow();
        var entitled = await eligibility.GetAsync(program, member, ct);
        if (entitled is null || !entitled.InGoodStanding)
        {
            return Problems.Make(StatusCodes.Status403Forbidden, "membership-not-in-good-standing", "Forbidden",
                "Your membership does not entitle you to benefits right now.");
        }

        var offer = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId && o.ProgramId == program, ct);
        var partnerActive = offer is not null && await db.Partners.AnyAsync(p => p.Id == offer.PartnerId && p.Status == PartnerStatus.Active, ct);
        if (offer is null || !partnerActive || !offer.ToTerms().IsLiveAt(now))
        {
            return Problems.NotFound("The offer");
        }

        if (!offer.EligiblePlans.Contains(entitled.PlanCode))
        {
            return Problems.Make(StatusCodes.Status403Forbidden, "offer-not-in-plan", "Forbidden",
                $"This offer is for members on {string.Join(" or ", offer.EligiblePlans)}; you are on {entitled.PlanCode}.");
        }

        if (!offer.ToTerms().AppliesToPostalCode(entitled.PostalCode))
        {
            return Problems.Make(StatusCodes.Status403Forbidden, "offer-not-in-region", "Forbidden",
                "This offer is only available in some postal-code areas, and not in yours.");
        }

        if (clickOutOnly || offer.Kind is OfferKind.Cashback or OfferKind.Service)
        {
            return offer.LandingUrl is null
                ? Problems.Conflict("offer-has-no-landing-url", "This offer has no partner page to click out to.")
                : await ClickOutAsync(offer, member, now, ct);
        }

        return offer.Kind switch
        {
            OfferKind.Coupon => await HandOutAsync(offer, member, now, ct),
            OfferKind.Discount => await IssuePassAsync(offer, member, now, ct),
            _ => Problems.Conflict("offer-is-claimed", "A refund offer is not redeemed here: submit a refund claim with your receipt."),
        };
    }

    private async Task<Results<Ok<RedemptionResult>, ProblemHttpResult>> HandOutAsync(Offer offer, Guid member, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await CountAgainstLimitsAsync(tx, offer, member, now, ct) is { } refused)
        {
            return refused;
        }

        var code = offer.GenericCode;
        if (code is null)
        {
            await using var take = Command(tx, """
                UPDATE catalog.coupon_codes SET assigned_to = @member, assigned_at = @now, redemption_id = @id
                WHERE id = (SELECT id FROM catalog.coupon_codes WHERE offer_id = @offer AND assigned_at IS NULL
                            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING code
                """);
            take.Parameters.AddWithValue("member", member);
            take.Parameters.AddWithValue("now", now);
            take.Parameters.AddWithValue("id", id);
            take.Parameters.AddWithValue("offer", offer.Id);
            code = await take.ExecuteScalarAsync(ct) as string;
            if (code is null)
            {
                return Problems.Conflict("coupon-pool-exhausted", "All codes of this coupon have been handed out. Please try again later.");
            }
        }

        Record(new Redemption { Id = id, Kind = RedemptionKind.Coupon, CouponCode = code }, offer, member, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        BusinessMetrics.RedemptionRecorded(nameof(RedemptionKind.Coupon));
        return TypedResults.Ok(new RedemptionResult(id, RedemptionKind.Coupon, offer.Id, code, null, null, now));
    }

    private async Task<Results<Ok<RedemptionResult>, ProblemHttpResult>> IssuePassAsync(Offer offer, Guid member, DateTimeOffset now, CancellationToken ct)
    {
        // An unused, unexpired pass is shown again rather than spending another redemption.
        var open = await db.Redemptions.AsNoTracking()
            .Where(r => r.OfferId == offer.Id && r.MemberId == member && r.Kind == RedemptionKind.DiscountPass && r.VerifiedAt == null && r.PassExpiresAt > now)
            .OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(ct);
        if (open is not null)
        {
            return TypedResults.Ok(PassResult(open));
        }

        var id = Guid.CreateVersion7(now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await CountAgainstLimitsAsync(tx, offer, member, now, ct) is { } refused)
        {
            return refused;
        }

        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Catalog:PassLifetimeMinutes", 15));
        var redemption = new Redemption
        {
            Id = id,
            Kind = RedemptionKind.DiscountPass,
            PassShortCode = PassSigner.RandomCode(8),
            PassExpiresAt = now + lifetime,
        };
        Record(redemption, offer, member, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        BusinessMetrics.RedemptionRecorded(nameof(RedemptionKind.DiscountPass));
        return TypedResults.Ok(PassResult(redemption));
    }

    private async Task<Results<Ok<RedemptionResult>, ProblemHttpResult>> ClickOutAsync(Offer offer, Guid member, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        var clickId = "c" + PassSigner.RandomCode(20).ToLowerInvariant();
        var redemption = new Redemption { Id = id, Kind = RedemptionKind.ClickOut, ClickId = clickId };
        Record(redemption, offer, member, now);
        db.Publish(new ClickRecorded(clickId, id, member, offer.ProgramId, offer.Id, offer.PartnerId, now), now);
        await db.SaveChangesAsync(ct);
        BusinessMetrics.RedemptionRecorded(nameof(RedemptionKind.ClickOut));
        return TypedResults.Ok(new RedemptionResult(id, RedemptionKind.ClickOut, offer.Id, null, null, new ClickOutInfo(clickId, RedirectUrl(offer.LandingUrl!, clickId)), now));
    }

    /// <summary>The landing URL with the click id: in place of a <c>{clickId}</c> placeholder, else as <c>bp_click</c> query parameter.</summary>
    public static string RedirectUrl(string landingUrl, string clickId) =>
        landingUrl.Contains("{clickId}", StringComparison.Ordinal)
            ? landingUrl.Replace("{clickId}", Uri.EscapeDataString(clickId), StringComparison.Ordinal)
            : landingUrl + (landingUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "bp_click=" + Uri.EscapeDataString(clickId);

    private RedemptionResult PassResult(Redemption r) => new(r.Id, RedemptionKind.DiscountPass, r.OfferId, null,
        new PassInfo(signer.Sign(r.Id, r.PassExpiresAt!.Value), r.PassShortCode!, r.PassExpiresAt.Value, $"/api/v1/me/redemptions/{r.Id}/qr.svg"),
        null, r.CreatedAt);

    private void Record(Redemption r, Offer offer, Guid member, DateTimeOffset now)
    {
        r.ProgramId = offer.ProgramId;
        r.OfferId = offer.Id;
        r.PartnerId = offer.PartnerId;
        r.MemberId = member;
        r.CreatedAt = now;
        r.Currency = offer.Currency;
        db.Redemptions.Add(r);
        db.Publish(new RedemptionRecorded(r.Id, r.Kind, member, offer.ProgramId, offer.Id, offer.PartnerId, r.AmountMinorUnits, r.Currency, r.ClickId, now), now);
    }

    /// <summary>Steps 1 and 2: the per-member limit and the stock. Returns the refusal, or null when both allow one more.</summary>
    private async Task<ProblemHttpResult?> CountAgainstLimitsAsync(IDbContextTransaction tx, Offer offer, Guid member, DateTimeOffset now, CancellationToken ct)
    {
        if (offer.LimitCount is { } limit && offer.LimitPeriod is { } period)
        {
            await using var use = Command(tx, """
                INSERT INTO catalog.member_offer_usage AS u (offer_id, member_id, period_key, used) VALUES (@offer, @member, @period, 1)
                ON CONFLICT (offer_id, member_id, period_key) DO UPDATE SET used = u.used + 1 WHERE u.used < @limit
                RETURNING used
                """);
            use.Parameters.AddWithValue("offer", offer.Id);
            use.Parameters.AddWithValue("member", member);
            use.Parameters.AddWithValue("period", PeriodKey(period, now));
            use.Parameters.AddWithValue("limit", limit);
            if (await use.ExecuteScalarAsync(ct) is null)
            {
                return Problems.Conflict("redemption-limit-reached", period switch
                {
                    LimitPeriod.Month => $"You have used this offer {limit} time(s) this month, the most allowed.",
                    LimitPeriod.Year => $"You have used this offer {limit} time(s) this year, the most allowed.",
                    _ => $"You have used this offer {limit} time(s), the most allowed.",
                });
            }
        }

        if (offer.Stock is not null)
        {
            await using var stock = Command(tx, "UPDATE catalog.offers SET redeemed = redeemed + 1 WHERE id = @offer AND redeemed < stock");
            stock.Parameters.AddWithValue("offer", offer.Id);
            if (await stock.ExecuteNonQueryAsync(ct) == 0)
            {
                return Problems.Conflict("offer-out-of-stock", "This offer is sold out.");
            }
        }

        return null;
    }

    /// <summary>The period a limit counts in: "all", the year ("2026") or the month ("2026-11"), in UTC.</summary>
    public static string PeriodKey(LimitPeriod period, DateTimeOffset now) => period switch
    {
        LimitPeriod.Month => now.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        LimitPeriod.Year => now.UtcDateTime.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture),
        _ => "all",
    };

    private NpgsqlCommand Command(IDbContextTransaction tx, string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction());
}

/// <summary>What other modules use to attribute reported purchases to click-outs.</summary>
internal sealed class ClickAttribution(CatalogDbContext db) : IClickAttribution
{
    public Task<ClickInfo?> FindAsync(string clickId, CancellationToken ct) =>
        db.Redemptions.AsNoTracking().Where(r => r.ClickId == clickId)
            .Select(r => new ClickInfo(r.ClickId!, r.MemberId, r.ProgramId, r.OfferId, r.PartnerId, r.CreatedAt))
            .SingleOrDefaultAsync(ct);

    public async Task<IReadOnlyDictionary<string, ClickInfo>> FindManyAsync(IReadOnlyCollection<string> clickIds, CancellationToken ct)
    {
        var ids = clickIds.Distinct(StringComparer.Ordinal).ToArray();
        return await db.Redemptions.AsNoTracking().Where(r => r.ClickId != null && ids.Contains(r.ClickId))
            .Select(r => new ClickInfo(r.ClickId!, r.MemberId, r.ProgramId, r.OfferId, r.PartnerId, r.CreatedAt))
            .ToDictionaryAsync(c => c.ClickId, StringComparer.Ordinal, ct);
    }
}

internal static class NpgsqlParameterHelpers
{
    public static void AddNullable<T>(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, T? value) =>
        parameters.Add(new NpgsqlParameter(name, type) { Value = (object?)value ?? DBNull.Value });
}
