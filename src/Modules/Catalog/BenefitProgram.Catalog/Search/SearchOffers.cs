using System.Data.Common;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Catalog.Redemptions;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.Catalog.Search;

public enum OfferSort
{
    Relevance,
    Newest,
    Cashback,
}

public sealed record OfferCard(
    Guid Id,
    OfferKind Kind,
    string Category,
    LocalizedText Title,
    LocalizedText Description,
    Guid PartnerId,
    string PartnerName,
    IReadOnlyList<string> ImageUrls,
    int? CashbackRateBasisPoints,
    long? CashbackFixedMinorUnits,
    int? DiscountBasisPoints,
    long? DiscountFixedMinorUnits,
    string Currency,
    DateTimeOffset? ValidUntil,
    bool Regional,
    float Rank);

public sealed record OfferPage(IReadOnlyList<OfferCard> Items, int Page, int PageSize, long Total);

/// <summary>The criteria of a member's search; the member's plan, region and program come from the caller, not from here.</summary>
internal sealed record SearchQuery(string? Q, string? Category, OfferKind? Kind, string? PostalCode, Guid? PartnerId, Guid? OfferId, OfferSort Sort, int Page, int PageSize);

/// <summary>
/// Full-text search in PostgreSQL over title, description (German and English dictionaries) and partner name ("simple"),
/// ranked with ts_rank, filtered to what the member may redeem right now: live and valid, active partner, their program,
/// their plan, their region (or national), stock left and their own limit not used up.
/// </summary>
internal sealed class OfferSearch(CatalogDbContext db)
{
    public async Task<OfferPage> RunAsync(Guid programId, Guid memberId, MemberEligibility member, SearchQuery query, DateTimeOffset now, CancellationToken ct)
    {
        // Two steps: the matching offers as narrow rows (id and the sort keys) are counted, sorted and cut to the page, and
        // only the page's offers are read in full. Counting and sorting the wide rows (descriptions, images) of every match
        // spilled to disk for a search without words over 20,000 offers (285 ms for the SQL; bench/README.md, offer search).
        // Without words there is no text condition and no ranking at all.
        var text = (query.Q ?? "").Trim();
        var hasText = text.Length > 0;
        string Order(string row) => query.Sort switch
        {
            OfferSort.Newest => $"{row}live_since DESC NULLS LAST, {row}id DESC",
            OfferSort.Cashback => $"{row}cashback_bp DESC NULLS LAST, {row}rank DESC, {row}id DESC",
            _ => $"{row}rank DESC, {row}live_since DESC NULLS LAST, {row}id DESC",
        };
        var sql = $"""
            WITH q AS (
              SELECT {(hasText ? "websearch_to_tsquery('german', @q) || websearch_to_tsquery('english', @q) || websearch_to_tsquery('simple', @q)" : "NULL::tsquery")} AS query),
            hits AS (
              SELECT o.id, o.live_since, COALESCE((o.cashback_plan_rates ->> @plan)::int, o.cashback_rate_basis_points) AS cashback_bp,
                     {(hasText ? "ts_rank(o.search_vector, q.query)" : "0::real")} AS rank
              FROM catalog.offers o
              JOIN catalog.partners p ON p.id = o.partner_id AND p.status = 'Active'
              CROSS JOIN q
              WHERE o.program_id = @program
                AND o.status = 'Live' AND o.valid_from <= @now AND (o.valid_until IS NULL OR o.valid_until > @now)
                AND @plan = ANY (o.eligible_plans)
                AND (cardinality(o.eligible_regions) = 0
                     OR (@postal::text IS NOT NULL AND EXISTS (SELECT 1 FROM unnest(o.eligible_regions) r WHERE starts_with(@postal::text, r))))
                AND (o.stock IS NULL OR o.redeemed < o.stock)
                AND (o.limit_count IS NULL OR NOT EXISTS (
                     SELECT 1 FROM catalog.member_offer_usage u
                     WHERE u.offer_id = o.id AND u.member_id = @member AND u.used >= o.limit_count
                       AND u.period_key = CASE o.limit_period WHEN 'Month' THEN @month WHEN 'Year' THEN @year ELSE 'all' END))
                {(hasText ? "AND o.search_vector @@ q.query" : "")}
                AND (@category::text IS NULL OR o.category = @category::text)
                AND (@kind::text IS NULL OR o.kind = @kind::text)
                AND (@partner::uuid IS NULL OR o.partner_id = @partner::uuid)
                AND (@offer::uuid IS NULL OR o.id = @offer::uuid)),
            page AS (
              SELECT h.*, count(*) OVER () AS total FROM hits h
              ORDER BY {Order("")}
              LIMIT @limit OFFSET @offset)
            SELECT o.id, o.kind, o.category, o.title_de, o.title_en, o.description_de, o.description_en, o.partner_id, o.partner_name,
                   o.image_urls, page.cashback_bp, o.cashback_fixed_minor_units, o.discount_basis_points, o.discount_fixed_minor_units,
                   o.currency, o.valid_until, cardinality(o.eligible_regions) > 0 AS regional, page.rank, page.total
            FROM page JOIN catalog.offers o ON o.id = page.id
            ORDER BY {Order("page.")}
            """;

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (hasText)
            {
                command.Parameters.AddWithValue("q", text);
            }
            command.Parameters.AddWithValue("plan", member.PlanCode);
            command.Parameters.AddWithValue("program", programId);
            command.Parameters.AddWithValue("member", memberId);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("month", RedeemOffer.PeriodKey(LimitPeriod.Month, now));
            command.Parameters.AddWithValue("year", RedeemOffer.PeriodKey(LimitPeriod.Year, now));
            // The member's own postal code decides the region; the query's only stands in when none is on file.
            command.Parameters.AddNullable("postal", NpgsqlDbType.Text, member.PostalCode ?? query.PostalCode);
            command.Parameters.AddNullable("category", NpgsqlDbType.Text, query.Category);
            command.Parameters.AddNullable("kind", NpgsqlDbType.Text, query.Kind?.ToString());
            command.Parameters.AddNullable("partner", NpgsqlDbType.Uuid, query.PartnerId);
            command.Parameters.AddNullable("offer", NpgsqlDbType.Uuid, query.OfferId);
            command.Parameters.AddWithValue("limit", query.PageSize);
            command.Parameters.AddWithValue("offset", (query.Page - 1) * query.PageSize);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<OfferCard>();
            long total = 0;
            while (await reader.ReadAsync(ct))
            {
                items.Add(Read(reader));
                total = reader.GetInt64(18);
            }

            return new OfferPage(items, query.Page, query.PageSize, total);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static OfferCard Read(DbDataReader r) => new(
        r.GetGuid(0), Enum.Parse<OfferKind>(r.GetString(1)), r.GetString(2),
        new LocalizedText(r.GetString(3), r.GetString(4)), new LocalizedText(r.GetString(5), r.GetString(6)),
        r.GetGuid(7), r.GetString(8), r.GetFieldValue<string[]>(9),
        r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt64(11),
        r.IsDBNull(12) ? null : r.GetInt32(12), r.IsDBNull(13) ? null : r.GetInt64(13),
        r.GetString(14), r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15), r.GetBoolean(16), r.GetFloat(17));
}

internal static class SearchEndpoints
{
    public static void MapSearch(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me/offers").WithTags("Member: offers").RequireAuthorization(Policies.Member);

        me.MapGet("", async Task<Results<Ok<OfferPage>, ProblemHttpResult, ValidationProblem>> (
            string? q, string? category, OfferKind? kind, string? postalCode, Guid? partnerId, OfferSort? sort, int? page, int? pageSize,
            CurrentActor actor, IMemberEligibility eligibility, OfferSearch search, TimeProvider clock, CancellationToken ct) =>
        {
            if (q is { Length: > 200 })
            {
                return Problems.Validation("q", "At most 200 characters.");
            }

            if (postalCode is not null && !System.Text.RegularExpressions.Regex.IsMatch(postalCode, "^[0-9]{4,5}$"))
            {
                return Problems.Validation("postalCode", "A postal code has 4 or 5 digits.");
            }

            var size = Math.Clamp(pageSize ?? 20, 1, 100);
            var number = Math.Clamp(page ?? 1, 1, 1000);
            var member = await eligibility.GetAsync(actor.RequireProgram(), actor.RequireMember(), ct);
            if (member is null || !member.InGoodStanding)
            {
                return TypedResults.Ok(new OfferPage([], number, size, 0));
            }

            var query = new SearchQuery(q, category, kind, postalCode, partnerId, null, sort ?? (string.IsNullOrWhiteSpace(q) ? OfferSort.Newest : OfferSort.Relevance), number, size);
            return TypedResults.Ok(await search.RunAsync(actor.RequireProgram(), actor.RequireMember(), member, query, clock.GetUtcNow(), ct));
        }).WithSummary("Searches the offers the member may redeem now (German and English full text, filters, sorting, paging).");

        me.MapGet("/{id:guid}", async Task<Results<Ok<OfferCard>, ProblemHttpResult>> (
            Guid id, string? postalCode, CurrentActor actor, IMemberEligibility eligibility, OfferSearch search, TimeProvider clock, CancellationToken ct) =>
        {
            var member = await eligibility.GetAsync(actor.RequireProgram(), actor.RequireMember(), ct);
            if (member is null || !member.InGoodStanding)
            {
                return Problems.NotFound("The offer");
            }

            var page = await search.RunAsync(actor.RequireProgram(), actor.RequireMember(), member,
                new SearchQuery(null, null, null, postalCode, null, id, OfferSort.Newest, 1, 1), clock.GetUtcNow(), ct);
            return page.Items.Count == 1 ? TypedResults.Ok(page.Items[0]) : Problems.NotFound("The offer");
        });
    }
}
