using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace BenefitProgram.Reporting.Reports;

internal sealed class BarometerAnswersValidator : AbstractValidator<BarometerAnswers>
{
    public BarometerAnswersValidator()
    {
        RuleFor(a => a.ContractAndRolesClear).InclusiveBetween(1, 5);
        RuleFor(a => a.SharedProcessesWork).InclusiveBetween(1, 5);
        RuleFor(a => a.DataExchangeWorks).InclusiveBetween(1, 5);
        RuleFor(a => a.TrustBetweenTeams).InclusiveBetween(1, 5);
        RuleFor(a => a.CommunicationIsRegular).InclusiveBetween(1, 5);
        RuleFor(a => a.SharedGoalsAgreed).InclusiveBetween(1, 5);
        RuleFor(a => a.Comment).MaximumLength(1000);
    }
}

/// <summary>Operator reports (/ops/reports, own program only) and partner statements (/partner/statements, own partner only).</summary>
internal static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/reports").WithTags("Reports").RequireAuthorization(Policies.Operator);

        ops.MapGet("/kpis", async (HttpContext http, CurrentActor actor, ReportQueries q, TimeProvider clock, string? from, string? to, CancellationToken ct) =>
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (!TryDay(from, today.AddDays(-30), out var f) || !TryDay(to, today, out var t) || f > t)
            {
                return BadDate(("from", from), ("to", to));
            }

            return Respond(http, await q.KpisAsync(actor.RequireProgram(), f, t, ct), "kpis");
        }).WithSummary("Daily KPI snapshots: members, new, cancelled, churned, MRR, fees, redemptions, penetration.");

        ops.MapGet("/kpis/plans", async (HttpContext http, CurrentActor actor, ReportQueries q, TimeProvider clock, string? day, CancellationToken ct) =>
            TryDay(day, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1), out var d)
                ? Respond(http, await q.PlansAsync(actor.RequireProgram(), d, ct), "members-by-plan")
                : BadDate(("day", day))).WithSummary("Members and MRR by plan and status at the end of a day.");

        ops.MapGet("/churn", async (HttpContext http, CurrentActor actor, ReportQueries q, string? from, string? to, CancellationToken ct) =>
            TryMonths(from, to, out var f, out var t) ? Respond(http, await q.ChurnAsync(actor.RequireProgram(), f, t, ct), "churn") : BadDate(("from", from), ("to", to)))
            .WithSummary("Monthly churn rate (all, voluntary, involuntary) and new-customer churn (tenure under 12 months), with 95 % intervals.");

        ops.MapGet("/churn/reasons", async (HttpContext http, CurrentActor actor, ReportQueries q, string? from, string? to, CancellationToken ct) =>
            TryMonths(from, to, out var f, out var t) ? Respond(http, await q.ChurnReasonsAsync(actor.RequireProgram(), f, t, ct), "churn-reasons") : BadDate(("from", from), ("to", to)))
            .WithSummary("Cancellation requests and churn per month by reason.");

        ops.MapGet("/cohorts", async (HttpContext http, CurrentActor actor, ReportQueries q, CancellationToken ct) =>
            Respond(http, await q.CohortsAsync(actor.RequireProgram(), ct), "cohorts"))
            .WithSummary("Cohort retention by joining month (a triangle): share of each cohort still a member at each month end.");

        ops.MapGet("/mrr-movements", async (HttpContext http, CurrentActor actor, ReportQueries q, string? from, string? to, CancellationToken ct) =>
            TryMonths(from, to, out var f, out var t) ? Respond(http, await q.MrrAsync(actor.RequireProgram(), f, t, ct), "mrr-movements") : BadDate(("from", from), ("to", to)))
            .WithSummary("MRR at the start and end of each month and its movements: new, reactivation, expansion, contraction, churn.");

        ops.MapGet("/program-effect", async Task<Results<Ok<ProgramEffectReport>, FileContentHttpResult, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, ReportQueries q, string? month, string? from, string? to, CancellationToken ct) =>
        {
            if (!TryMonth(month, out var asOf) || !TryMonth(from, out var f) || !TryMonth(to, out var t) || f > t)
            {
                return BadDate(("month", month), ("from", from), ("to", to));
            }

            var report = await q.ProgramEffectAsync(actor.RequireProgram(), asOf, f, t, ct);
            return WantsCsv(http) ? CsvFile(ReportQueries.Flatten(report), "program-effect") : TypedResults.Ok(report);
        }).WithSummary("Survival (Kaplan-Meier) and churn of members who used a benefit in their first 90 days vs not, vs non-members, vs before launch.");

        ops.MapGet("/partners", async (HttpContext http, CurrentActor actor, ReportQueries q, TimeProvider clock, string? month, CancellationToken ct) =>
            TryMonth(month, out var m) ? Respond(http, await q.PartnersAsync(actor.RequireProgram(), m ?? ThisMonth(clock), ct), "partners") : BadDate(("month", month)))
            .WithSummary("Per partner and month: redemptions, referred revenue, commission, cashback funded, net owed (final once the month is closed).");

        ops.MapGet("/partners/top-offers", async (HttpContext http, CurrentActor actor, ReportQueries q, TimeProvider clock, string? month, CancellationToken ct) =>
            TryMonth(month, out var m) ? Respond(http, await q.TopOffersAsync(actor.RequireProgram(), m ?? ThisMonth(clock), ct), "top-offers") : BadDate(("month", month)))
            .WithSummary("The 20 offers with the most redemptions in a month.");

        ops.MapGet("/partners/{partnerId:guid}/trend", async Task<Results<Ok<List<PartnerRevenueRow>>, FileContentHttpResult, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, ReportQueries q, Guid partnerId, CancellationToken ct) =>
        {
            if (!await q.PartnerInProgramAsync(actor.RequireProgram(), partnerId, ct))
            {
                return Problems.NotFound("The partner");
            }

            return Respond(http, (await q.StatementsAsync(actor.RequireProgram(), partnerId, null, ct)).OrderBy(s => s.Month, StringComparer.Ordinal).ToList(), "partner-trend");
        })
            .WithSummary("A partner's monthly statements over time.");

        ops.MapGet("/partners/{partnerId:guid}/statements/{month}", async Task<Results<Ok<PartnerRevenueRow>, FileContentHttpResult, ContentHttpResult, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, ReportQueries q, Guid partnerId, string month, CancellationToken ct) =>
            await StatementAsync(http, q, actor.RequireProgram(), partnerId, month, ct))
            .WithSummary("A partner's monthly statement (JSON, CSV, or ?format=html for a printable page).");

        ops.MapGet("/economics", async (HttpContext http, CurrentActor actor, ReportQueries q, string? from, string? to, CancellationToken ct) =>
            TryMonths(from, to, out var f, out var t) ? Respond(http, await q.EconomicsAsync(actor.RequireProgram(), f, t, ct), "economics") : BadDate(("from", from), ("to", to)))
            .WithSummary("Program economics per month: fee revenue, partner income, cashback cost, net and net per member.");

        ops.MapGet("/triple-win", async (HttpContext http, CurrentActor actor, ReportQueries q, TimeProvider clock, string? month, CancellationToken ct) =>
            TryMonth(month, out var m) ? Respond(http, await q.TripleWinAsync(actor.RequireProgram(), m ?? ThisMonth(clock), ct), "triple-win") : BadDate(("month", month)))
            .WithSummary("What the members, the partner and the program got from each cooperation in a month.");

        ops.MapGet("/barometer", async (HttpContext http, CurrentActor actor, ReportQueries q, Guid? partnerId, CancellationToken ct) =>
            Respond(http, await q.BarometerAsync(actor.RequireProgram(), partnerId, ct), "barometer"))
            .WithSummary("Cooperation barometer per partner and month: performance (computed), structure and social (questionnaire), maturity.");

        ops.MapPost("/barometer/{partnerId:guid}", async Task<Results<Ok<BarometerAssessed>, ProblemHttpResult>> (
            CurrentActor actor, NpgsqlDataSource data, TimeProvider clock, Guid partnerId, BarometerAnswers answers, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            await using (var check = data.CreateCommand("SELECT count(*) FROM catalog.partner_programs WHERE partner_id = @partner AND program_id = @p"))
            {
                check.Parameters.AddWithValue("partner", partnerId);
                check.Parameters.AddWithValue("p", program);
                if ((long)(await check.ExecuteScalarAsync(ct))! == 0)
                {
                    return Problems.NotFound("partner");
                }
            }

            var structure = (int)Math.Round((answers.ContractAndRolesClear + answers.SharedProcessesWork + answers.DataExchangeWorks) / 3m, MidpointRounding.AwayFromZero);
            var social = (int)Math.Round((answers.TrustBetweenTeams + answers.CommunicationIsRegular + answers.SharedGoalsAgreed) / 3m, MidpointRounding.AwayFromZero);
            var now = clock.GetUtcNow();
            await using var insert = data.CreateCommand("""
                INSERT INTO reporting.barometer_assessments (program_id, partner_id, assessed_at, actor, answers, structure_level, social_level, comment)
                VALUES (@p, @partner, @now, @actor, @answers::jsonb, @structure, @social, @comment)
                """);
            insert.Parameters.AddWithValue("p", program);
            insert.Parameters.AddWithValue("partner", partnerId);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("actor", actor.AuditName);
            insert.Parameters.AddWithValue("answers", JsonSerializer.Serialize(answers with { Comment = null }));
            insert.Parameters.AddWithValue("structure", structure);
            insert.Parameters.AddWithValue("social", social);
            insert.Parameters.AddWithValue("comment", (object?)answers.Comment ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(ct);
            return TypedResults.Ok(new BarometerAssessed(partnerId, structure, social, now));
        }).Validate<BarometerAnswers>().WithSummary("Records the operator questionnaire (1-5) of a cooperation: structure and social levels.");

        ops.MapGet("/baseline", async (HttpContext http, CurrentActor actor, ReportQueries q, CancellationToken ct) =>
            Respond(http, await q.BaselineAsync(actor.RequireProgram(), ct), "baseline"))
            .WithSummary("The imported customer counts per month (comparison groups and penetration).");

        ops.MapPost("/baseline", async Task<Results<Ok<BaselineImported>, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, NpgsqlDataSource data, TimeProvider clock, CancellationToken ct) =>
        {
            var (months, error) = await BaselineImport.ReadAsync(http.Request, ct);
            if (error is not null)
            {
                return Problems.BadRequest("bad-baseline", error);
            }

            await BaselineImport.StoreAsync(data, actor.RequireProgram(), actor.AuditName, clock.GetUtcNow(), months!, ct);
            return TypedResults.Ok(new BaselineImported(months!.Count));
        }).WithSummary("Imports customer counts per month (JSON array or text/csv); a month imported again replaces its counts.");

        var partner = api.MapGroup("/partner/statements").WithTags("Partner statements").RequireAuthorization(Policies.Partner);

        partner.MapGet("/", async (HttpContext http, CurrentActor actor, ReportQueries q, Guid? programId, CancellationToken ct) =>
            Respond(http, await q.StatementsAsync(programId, actor.RequirePartner(), null, ct), "statements"))
            .WithSummary("The caller's own monthly statements.");

        partner.MapGet("/{month}", async Task<Results<Ok<PartnerRevenueRow>, FileContentHttpResult, ContentHttpResult, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, ReportQueries q, string month, Guid? programId, CancellationToken ct) =>
            await StatementAsync(http, q, programId, actor.RequirePartner(), month, ct))
            .WithSummary("One of the caller's own statements (JSON, CSV, or ?format=html for a printable page).");
    }

    private static async Task<Results<Ok<PartnerRevenueRow>, FileContentHttpResult, ContentHttpResult, ProblemHttpResult>> StatementAsync(
        HttpContext http, ReportQueries q, Guid? program, Guid partnerId, string month, CancellationToken ct)
    {
        if (!TryMonth(month, out var m) || m is null)
        {
            return BadDate(("month", month));
        }

        var rows = await q.StatementsAsync(program, partnerId, m, ct);
        if (rows.Count == 0)
        {
            return Problems.NotFound("statement");
        }

        if (rows.Count > 1)
        {
            return Problems.BadRequest("program-required", "The partner takes part in several programs: add ?programId=.");
        }

        if (string.Equals(http.Request.Query["format"], "html", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Content(Printable(rows[0]), "text/html; charset=utf-8");
        }

        return WantsCsv(http) ? CsvFile(rows, $"statement-{month}") : TypedResults.Ok(rows[0]);
    }

    private static string Printable(PartnerRevenueRow s)
    {
        static string Amount(long minor, string currency) => string.Create(CultureInfo.InvariantCulture, $"{minor / 100m:N2} {currency}");
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Statement ")
            .Append(WebUtility.HtmlEncode(s.PartnerName)).Append(' ').Append(s.Month)
            .Append("</title><style>body{font-family:sans-serif;max-width:40em;margin:2em auto}td{padding:.2em 1em}td:last-child{text-align:right}@media print{a{display:none}}</style></head><body>")
            .Append("<h1>Monthly statement ").Append(s.Month).Append("</h1><p>").Append(WebUtility.HtmlEncode(s.PartnerName)).Append("</p><table>");
        void Row(string label, string value) => html.Append("<tr><td>").Append(label).Append("</td><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        Row("Redemptions", s.Redemptions.ToString(CultureInfo.InvariantCulture));
        Row("Redemption fees", Amount(s.RedemptionFeesMinorUnits, s.Currency));
        Row("Referred revenue (verified passes)", Amount(s.PassRevenueMinorUnits, s.Currency));
        Row("Referred revenue (reported purchases)", Amount(s.PurchaseRevenueMinorUnits, s.Currency));
        Row("Commission", Amount(s.CommissionMinorUnits, s.Currency));
        Row("Cashback funded by the partner", Amount(s.CashbackPartnerFundedMinorUnits, s.Currency));
        Row("Total owed to the program", Amount(s.NetOwedMinorUnits, s.Currency));
        html.Append("</table>");
        if (!s.RewardsIncluded)
        {
            html.Append("<p>Reported purchases and cashback were not yet part of this statement.</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    internal static bool WantsCsv(HttpContext http) =>
        string.Equals(http.Request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
        || http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);

    private static FileContentHttpResult CsvFile<T>(IEnumerable<T> rows, string name) =>
        TypedResults.File(Encoding.UTF8.GetBytes(Csv.Write(rows)), "text/csv; charset=utf-8", name + ".csv");

    private static Results<Ok<List<T>>, FileContentHttpResult, ProblemHttpResult> Respond<T>(HttpContext http, List<T> rows, string name) =>
        WantsCsv(http) ? CsvFile(rows, name) : TypedResults.Ok(rows);

    /// <summary>Names the first parameter that is not a day or month, or says that 'to' lies before 'from'.</summary>
    private static ProblemHttpResult BadDate(params (string Name, string? Value)[] parameters)
    {
        var bad = parameters.FirstOrDefault(p => !TryMonth(p.Value, out _) && !TryDay(p.Value, default, out _));
        return bad.Name is null
            ? Problems.BadRequest("bad-date", "'to' lies before 'from'.")
            : Problems.BadRequest("bad-date", $"'{bad.Name}' is not a date: days are written like 2026-11-24 and months like 2026-11.");
    }

    private static DateOnly ThisMonth(TimeProvider clock)
    {
        var today = clock.GetUtcNow();
        return new DateOnly(today.Year, today.Month, 1);
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    internal static bool TryMonth(string? text, out DateOnly? month)
    {
        month = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m))
        {
            month = m;
            return true;
        }

        return false;
    }

    private static bool TryMonths(string? from, string? to, out DateOnly f, out DateOnly t)
    {
        var ok = TryMonth(from, out var a) & TryMonth(to, out var b);
        f = a ?? new DateOnly(2000, 1, 1);
        t = b ?? new DateOnly(2999, 12, 1);
        return ok && f <= t;
    }
}
