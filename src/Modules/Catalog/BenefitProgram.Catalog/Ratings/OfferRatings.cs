using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BenefitProgram.Catalog.Ratings;

/// <summary>A member's rating of an offer they redeemed: 1 (poor) to 5 (excellent) stars. One rating per member and offer.</summary>
public sealed record RateOfferRequest(int Stars);

public sealed record OfferRatingView(Guid OfferId, int Ratings, decimal? AverageStars, int? MyStars);

/// <summary>Ratings of one offer: how many, the average and how many of each star count (index 0 = 1 star).</summary>
public sealed record OfferRatingSummary(Guid OfferId, string Title, Guid PartnerId, int Ratings, decimal? AverageStars, int[] StarCounts);

internal sealed class RateOfferRequestValidator : AbstractValidator<RateOfferRequest>
{
    public RateOfferRequestValidator() =>
        RuleFor(r => r.Stars).InclusiveBetween(1, 5).WithMessage("Stars are a whole number from 1 to 5.");
}

/// <summary>
/// Offer ratings feed the cooperation barometer's performance level (docs/reports.md). Only a member who has redeemed
/// the offer may rate it, so ratings cannot be stuffed. Stars only, no free text: a rating carries no personal data beyond
/// the member id that purchases and the ledger also keep as a surrogate, so erasure leaves it in place.
/// Kept in plain SQL (catalog.offer_ratings, migration Ratings) because nothing else in the model refers to it.
/// </summary>
internal static class OfferRatingEndpoints
{
    private const string SummarySelect = """
        SELECT o.id, o.title_de, o.partner_id, count(r.stars)::int, round(avg(r.stars), 2),
               ARRAY[count(*) FILTER (WHERE r.stars = 1), count(*) FILTER (WHERE r.stars = 2), count(*) FILTER (WHERE r.stars = 3),
                     count(*) FILTER (WHERE r.stars = 4), count(*) FILTER (WHERE r.stars = 5)]::int[]
        FROM catalog.offers o LEFT JOIN catalog.offer_ratings r ON r.offer_id = o.id

        """;

    private const string SummaryGroup = """

        GROUP BY o.id, o.title_de, o.partner_id
        ORDER BY count(r.stars) DESC, o.title_de
        """;

    private const string OfPartner = SummarySelect + "WHERE o.partner_id = @scope" + SummaryGroup;

    private const string OfProgram = SummarySelect + "WHERE o.program_id = @scope" + SummaryGroup;

    public static void MapOfferRatings(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me/offers/{id:guid}/rating").WithTags("Member: offers").RequireAuthorization(Policies.Member);

        me.MapGet("", async Task<Results<Ok<OfferRatingView>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, NpgsqlDataSource data, CancellationToken ct) =>
        {
            if (!await db.Offers.AnyAsync(o => o.Id == id && o.ProgramId == actor.RequireProgram(), ct))
            {
                return Problems.NotFound("The offer");
            }

            return TypedResults.Ok(await ViewAsync(data, id, actor.RequireMember(), ct));
        }).WithSummary("How members rated an offer: count, average stars, and the caller's own rating.");

        me.MapPut("", async Task<Results<Ok<OfferRatingView>, ProblemHttpResult>> (
            Guid id, RateOfferRequest request, CurrentActor actor, CatalogDbContext db, NpgsqlDataSource data, TimeProvider clock, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var member = actor.RequireMember();
            var offer = await db.Offers.AsNoTracking().Where(o => o.Id == id && o.ProgramId == program)
                .Select(o => new { o.PartnerId }).SingleOrDefaultAsync(ct);
            if (offer is null)
            {
                return Problems.NotFound("The offer");
            }

            if (!await db.Redemptions.AnyAsync(r => r.OfferId == id && r.MemberId == member && r.ProgramId == program, ct))
            {
                return Problems.Conflict("rating-needs-redemption", "You can rate an offer after you have redeemed it.");
            }

            await using var command = data.CreateCommand("""
                INSERT INTO catalog.offer_ratings (offer_id, member_id, program_id, partner_id, stars, rated_at)
                VALUES (@offer, @member, @program, @partner, @stars, @now)
                ON CONFLICT (offer_id, member_id) DO UPDATE SET stars = excluded.stars, rated_at = excluded.rated_at
                """);
            command.Parameters.AddWithValue("offer", id);
            command.Parameters.AddWithValue("member", member);
            command.Parameters.AddWithValue("program", program);
            command.Parameters.AddWithValue("partner", offer.PartnerId);
            command.Parameters.AddWithValue("stars", (short)request.Stars);
            command.Parameters.AddWithValue("now", clock.GetUtcNow());
            await command.ExecuteNonQueryAsync(ct);
            return TypedResults.Ok(await ViewAsync(data, id, member, ct));
        }).Validate<RateOfferRequest>().WithSummary("Rates an offer the member has redeemed (1-5 stars); rating again replaces the earlier rating.");

        me.MapDelete("", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid id, CurrentActor actor, NpgsqlDataSource data, CancellationToken ct) =>
        {
            await using var command = data.CreateCommand(
                "DELETE FROM catalog.offer_ratings WHERE offer_id = @offer AND member_id = @member AND program_id = @program");
            command.Parameters.AddWithValue("offer", id);
            command.Parameters.AddWithValue("member", actor.RequireMember());
            command.Parameters.AddWithValue("program", actor.RequireProgram());
            return await command.ExecuteNonQueryAsync(ct) == 1 ? TypedResults.NoContent() : Problems.NotFound("Your rating of this offer");
        }).WithSummary("Withdraws the member's rating of an offer.");

        api.MapGet("/partner/ratings", async (CurrentActor actor, NpgsqlDataSource data, CancellationToken ct) =>
                TypedResults.Ok(await SummariesAsync(data, OfPartner, actor.RequirePartner(), ct)))
            .RequireAuthorization(Policies.Partner).WithTags("Partner: offers")
            .WithSummary("How members rated the partner's own offers (count, average, distribution).");

        api.MapGet("/ops/ratings", async (Guid? partnerId, CurrentActor actor, NpgsqlDataSource data, CancellationToken ct) =>
                TypedResults.Ok((await SummariesAsync(data, OfProgram, actor.RequireProgram(), ct))
                    .Where(s => partnerId is null || s.PartnerId == partnerId).ToList()))
            .RequireAuthorization(Policies.Operator).WithTags("Operator: offers")
            .WithSummary("How members rated the program's offers (count, average, distribution), optionally of one partner.");
    }

    private static async Task<OfferRatingView> ViewAsync(NpgsqlDataSource data, Guid offer, Guid member, CancellationToken ct)
    {
        await using var command = data.CreateCommand("""
            SELECT count(*)::int, round(avg(stars), 2), max(stars) FILTER (WHERE member_id = @member)
            FROM catalog.offer_ratings WHERE offer_id = @offer
            """);
        command.Parameters.AddWithValue("offer", offer);
        command.Parameters.AddWithValue("member", member);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new OfferRatingView(offer, reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetDecimal(1),
            reader.IsDBNull(2) ? null : reader.GetInt16(2));
    }

    private static async Task<List<OfferRatingSummary>> SummariesAsync(NpgsqlDataSource data, string sql, Guid scope, CancellationToken ct)
    {
        await using var command = data.CreateCommand(sql);
        command.Parameters.AddWithValue("scope", scope);
        var rows = new List<OfferRatingSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OfferRatingSummary(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4), reader.GetFieldValue<int[]>(5)));
        }

        return rows;
    }
}
