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
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
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
/// <remarks>
/// Query shapes (bench/README.md, "Search and redemption latency"):
/// <list type="bullet">
/// <item>The active partners and the offers whose limit the member has used up are each read once (an InitPlan:
/// <c>= ANY (ARRAY(SELECT ...))</c>) instead of being joined: the join made PostgreSQL scan the full-text index once per
/// active partner, and the usage check probed member_offer_usage once per matching offer.</item>
/// <item>The German, English and "simple" forms of the words are OR-ed only when they differ ("Fahrrad" gives the same
/// lexeme three times), so ts_rank does not score the same words three times.</item>
/// <item>With words, every match has to be ranked anyway, so the matches are counted, ranked and cut to the page in one
/// statement (narrow rows; only the page's offers are read in full).</item>
/// <item>Without words the page is read along <c>ix_offers_live_newest</c> and stops after the page; the total is the
/// count of the offers matching the member-independent filters (program, plan, postal code, category, kind, partner),
/// kept for <c>Catalog:Search:BrowseTotalSeconds</c> (default 30) per those filters, minus the member's used-up offers among them (counted
/// every time). So items are always current; the total of a browse may lag up to 30 s behind offers going live, ending
/// or selling out.</item>
/// </list>
/// </remarks>
internal sealed class OfferSearch(CatalogDbContext db, IMemoryCache cache, IConfiguration configuration)
{
    /// <summary>How long a browse total is kept (Catalog:Search:BrowseTotalSeconds, default 30; 0 counts every time).</summary>
    private TimeSpan BrowseTotalLifetime => TimeSpan.FromSeconds(configuration.GetValue("Catalog:Search:BrowseTotalSeconds", 30));

    private const string ActivePartners = "ARRAY(SELECT p.id FROM catalog.partners p WHERE p.status = 'Active')";

    private const string UsedUp = """
        ARRAY(SELECT u.offer_id FROM catalog.member_offer_usage u JOIN catalog.offers l ON l.id = u.offer_id
              WHERE u.member_id = @member AND l.limit_count IS NOT NULL AND u.used >= l.limit_count
                AND u.period_key = CASE l.limit_period WHEN 'Month' THEN @month WHEN 'Year' THEN @year ELSE 'all' END)
        """;

    /// <summary>The filters that do not depend on the member (only on their program, plan and postal code), on alias <paramref name="o"/>.</summary>
    private static string Filters(string o) => $"""
        {o}.program_id = @program
          AND {o}.status = 'Live' AND {o}.valid_from <= @now AND ({o}.valid_until IS NULL OR {o}.valid_until > @now)
          AND {o}.partner_id = ANY ({ActivePartners})
          AND @plan = ANY ({o}.eligible_plans)
          AND (cardinality({o}.eligible_regions) = 0
               OR (@postal::text IS NOT NULL AND EXISTS (SELECT 1 FROM unnest({o}.eligible_regions) r WHERE starts_with(@postal::text, r))))
          AND ({o}.stock IS NULL OR {o}.redeemed < {o}.stock)
          AND (@category::text IS NULL OR {o}.category = @category::text)
          AND (@kind::text IS NULL OR {o}.kind = @kind::text)
          AND (@partner::uuid IS NULL OR {o}.partner_id = @partner::uuid)
          AND (@offer::uuid IS NULL OR {o}.id = @offer::uuid)
        """;

    private const string CardColumns = """
        o.id, o.kind, o.category, o.title_de, o.title_en, o.description_de, o.description_en, o.partner_id, o.partner_name,
        o.image_urls
        """;

    private const string CashbackBp = "COALESCE((o.cashback_plan_rates ->> @plan)::int, o.cashback_rate_basis_points)";

    public async Task<OfferPage> RunAsync(Guid programId, Guid memberId, MemberEligibility member, SearchQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var text = (query.Q ?? "").Trim();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return text.Length > 0
                ? await SearchAsync(connection, text, programId, memberId, member, query, now, ct)
                : await BrowseAsync(connection, programId, memberId, member, query, now, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>With words: the matches as narrow rows, counted, ranked and cut to the page; the page's offers read in full.</summary>
    private static async Task<OfferPage> SearchAsync(NpgsqlConnection connection, string text, Guid programId, Guid memberId,
        MemberEligibility member, SearchQuery query, DateTimeOffset now, CancellationToken ct)
    {
        string Order(string row) => query.Sort switch
        {
            OfferSort.Newest => $"{row}live_since DESC NULLS LAST, {row}id DESC",
            OfferSort.Cashback => $"{row}cashback_bp DESC NULLS LAST, {row}rank DESC, {row}id DESC",
            _ => $"{row}rank DESC, {row}live_since DESC NULLS LAST, {row}id DESC",
        };
        var sql = $"""
            WITH v AS (
              SELECT websearch_to_tsquery('german', @q) AS g, websearch_to_tsquery('english', @q) AS e, websearch_to_tsquery('simple', @q) AS s),
            q AS (
              SELECT CASE WHEN w.s = w.g OR w.s = w.e THEN w.ge ELSE w.ge || w.s END AS query
              FROM (SELECT v.s, v.g, v.e, CASE WHEN v.e = v.g THEN v.g ELSE v.g || v.e END AS ge FROM v) w),
            hits AS (
              SELECT o.id, o.live_since, {CashbackBp} AS cashback_bp, ts_rank(o.search_vector, q.query) AS rank
              FROM catalog.offers o CROSS JOIN q
              WHERE {Filters("o")}
                AND o.id <> ALL ({UsedUp})
                AND o.search_vector @@ q.query),
            page AS (
              SELECT h.*, count(*) OVER () AS total FROM hits h
              ORDER BY {Order("")}
              LIMIT @limit OFFSET @offset)
            SELECT {CardColumns}, page.cashback_bp, o.cashback_fixed_minor_units, o.discount_basis_points, o.discount_fixed_minor_units,
                   o.currency, o.valid_until, cardinality(o.eligible_regions) > 0 AS regional, page.rank, page.total
            FROM page JOIN catalog.offers o ON o.id = page.id
            ORDER BY {Order("page.")}
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("q", text);
        AddParameters(command.Parameters, programId, memberId, member, query, now, paging: true);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<OfferCard>(query.PageSize);
        long total = 0;
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
            total = reader.GetInt64(18);
        }

        return new OfferPage(items, query.Page, query.PageSize, total);
    }

    /// <summary>
    /// Without words: the page along ix_offers_live_newest (stops after the page), the member's used-up offers among the
    /// matches counted, and (when not kept from the last 30 s) the member-independent count; one round trip.
    /// </summary>
    private async Task<OfferPage> BrowseAsync(NpgsqlConnection connection, Guid programId, Guid memberId,
        MemberEligibility member, SearchQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var order = query.Sort == OfferSort.Cashback
            ? "cashback_bp DESC NULLS LAST, o.live_since DESC NULLS LAST, o.id DESC"
            : "o.live_since DESC NULLS LAST, o.id DESC";
        var key = new BrowseTotalKey(programId, member.PlanCode, member.PostalCode ?? query.PostalCode, query.Category, query.Kind, query.PartnerId);
        // A single offer (the detail endpoint) is counted every time: its count is one index lookup.
        var lifetime = BrowseTotalLifetime;
        var cacheable = query.OfferId is null && lifetime > TimeSpan.Zero;
        // The age is judged on the request's clock (TimeProvider), so a kept count is never used beyond its lifetime.
        var kept = cacheable && cache.TryGetValue(key, out BrowseTotal? keptTotal) && keptTotal is not null
                   && now >= keptTotal.CountedAt && now - keptTotal.CountedAt < lifetime
            ? keptTotal.Count
            : (long?)null;

        await using var batch = new NpgsqlBatch(connection);
        var page = new NpgsqlBatchCommand($"""
            SELECT {CardColumns}, {CashbackBp} AS cashback_bp, o.cashback_fixed_minor_units, o.discount_basis_points, o.discount_fixed_minor_units,
                   o.currency, o.valid_until, cardinality(o.eligible_regions) > 0 AS regional, 0::real AS rank
            FROM catalog.offers o
            WHERE {Filters("o")}
              AND o.id <> ALL ({UsedUp})
            ORDER BY {order}
            LIMIT @limit OFFSET @offset
            """);
        AddParameters(page.Parameters, programId, memberId, member, query, now, paging: true);
        batch.BatchCommands.Add(page);
        var usedUp = new NpgsqlBatchCommand($"SELECT count(*) FROM catalog.offers o WHERE o.id = ANY ({UsedUp}) AND {Filters("o")}");
        AddParameters(usedUp.Parameters, programId, memberId, member, query, now, paging: false);
        batch.BatchCommands.Add(usedUp);
        if (kept is null)
        {
            var all = new NpgsqlBatchCommand($"SELECT count(*) FROM catalog.offers o WHERE {Filters("o")}");
            AddParameters(all.Parameters, programId, memberId, member, query, now, paging: false);
            batch.BatchCommands.Add(all);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var items = new List<OfferCard>(query.PageSize);
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var usedUpMatching = reader.GetInt64(0);
        if (kept is null)
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            kept = reader.GetInt64(0);
            if (cacheable)
            {
                cache.Set(key, new BrowseTotal(kept.Value, now), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
            }
        }

        // The kept count may be up to 30 s old; never report fewer offers than this page shows.
        var total = Math.Max(kept.Value - usedUpMatching, (query.Page - 1L) * query.PageSize + items.Count);
        return new OfferPage(items, query.Page, query.PageSize, total);
    }

    private static void AddParameters(NpgsqlParameterCollection p, Guid programId, Guid memberId, MemberEligibility member,
        SearchQuery query, DateTimeOffset now, bool paging)
    {
        p.AddWithValue("plan", member.PlanCode);
        p.AddWithValue("program", programId);
        p.AddWithValue("member", memberId);
        p.AddWithValue("now", now);
        p.AddWithValue("month", RedeemOffer.PeriodKey(LimitPeriod.Month, now));
        p.AddWithValue("year", RedeemOffer.PeriodKey(LimitPeriod.Year, now));
        // The member's own postal code decides the region; the query's only stands in when none is on file.
        p.AddNullable("postal", NpgsqlDbType.Text, member.PostalCode ?? query.PostalCode);
        p.AddNullable("category", NpgsqlDbType.Text, query.Category);
        p.AddNullable("kind", NpgsqlDbType.Text, query.Kind?.ToString());
        p.AddNullable("partner", NpgsqlDbType.Uuid, query.PartnerId);
        p.AddNullable("offer", NpgsqlDbType.Uuid, query.OfferId);
        if (paging)
        {
            p.AddWithValue("limit", query.PageSize);
            p.AddWithValue("offset", (query.Page - 1) * query.PageSize);
        }
    }

    private sealed record BrowseTotal(long Count, DateTimeOffset CountedAt);

    private sealed record BrowseTotalKey(Guid Program, string Plan, string? PostalCode, string? Category, OfferKind? Kind, Guid? Partner);

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
