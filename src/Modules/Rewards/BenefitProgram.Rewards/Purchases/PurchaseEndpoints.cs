using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Rewards.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Purchases;

public sealed record PurchaseBatchRequest(IReadOnlyList<PurchaseReport> Purchases);

public sealed record PurchaseView(
    Guid Id, string OrderReference, Guid MemberId, Guid OfferId, long AmountMinorUnits, long ReturnedMinorUnits, string Currency,
    DateTimeOffset PurchasedAt, DateOnly? ServiceDate, DateOnly ReturnWindowEndsOn, long CashbackMinorUnits, string State, string? DeclineReason);

public sealed record ReturnView(Guid ReturnId, string OrderReference, string ReturnReference, long AmountMinorUnits, long RemainingMinorUnits,
    long CashbackReductionMinorUnits, string CashbackStateBefore, string CashbackState, long CashbackMinorUnits);

internal sealed class PurchaseReportValidator : AbstractValidator<PurchaseReport>
{
    public PurchaseReportValidator()
    {
        RuleFor(r => r.OrderReference).NotEmpty().MaximumLength(100);
        RuleFor(r => r.AmountMinorUnits).GreaterThan(0);
        RuleFor(r => r.Currency).Must(BenefitProgram.Common.Money.IsCurrencyCode).WithMessage("Use an ISO 4217 code like EUR.");
        RuleFor(r => r.MemberNumber).NotEmpty().When(r => string.IsNullOrEmpty(r.ClickId)).WithMessage("Give a click id or a member number.");
        RuleFor(r => r.OfferId).NotNull().When(r => string.IsNullOrEmpty(r.ClickId)).WithMessage("An offer id is needed with a member number.");
        RuleFor(r => r.ClickId).MaximumLength(100);
        RuleFor(r => r.MemberNumber).MaximumLength(50);
    }
}

internal sealed class PurchaseBatchRequestValidator : AbstractValidator<PurchaseBatchRequest>
{
    public PurchaseBatchRequestValidator() =>
        RuleFor(r => r.Purchases).NotEmpty().Must(p => p is null || p.Count <= 10_000).WithMessage("At most 10,000 purchases per batch; use the CSV upload for more.");
}

internal sealed class ReturnReportValidator : AbstractValidator<ReturnReport>
{
    public ReturnReportValidator()
    {
        RuleFor(r => r.ReturnReference).NotEmpty().MaximumLength(100);
        RuleFor(r => r.AmountMinorUnits).GreaterThan(0);
    }
}

/// <summary>Partners (users or API keys) report purchases, bookings and returns; they see only what they reported.</summary>
internal static class PurchaseEndpoints
{
    public static void MapPurchases(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/partner/purchases").WithTags("Partner purchases").RequireAuthorization(Policies.Partner);

        group.MapPost("", async Task<Results<Created<PurchaseRowResult>, Ok<PurchaseRowResult>, ProblemHttpResult>> (
            PurchaseReport request, CurrentActor actor, PurchaseImporter importer, CancellationToken ct) =>
        {
            var report = await importer.ImportAsync(actor.RequirePartner(), [request], actor.AuditName, ct);
            var line = report.Lines[0];
            return line.Outcome switch
            {
                RowOutcomes.Duplicate => TypedResults.Ok(line),
                RowOutcomes.Rejected => Problems.Unprocessable(line.Reason!, $"The purchase was not recorded: {line.Reason}."),
                _ => TypedResults.Created($"/api/v1/partner/purchases/{Uri.EscapeDataString(line.OrderReference)}", line),
            };
        }).Validate<PurchaseReport>().WithIdempotency()
          .WithSummary("Reports one purchase; a repeated order reference is acknowledged (200) and not counted twice.");

        group.MapPost("/batch", async (PurchaseBatchRequest request, CurrentActor actor, PurchaseImporter importer, CancellationToken ct) =>
                TypedResults.Ok(await importer.ImportAsync(actor.RequirePartner(), request.Purchases, actor.AuditName, ct)))
            .Validate<PurchaseBatchRequest>().WithIdempotency()
            .WithSummary("Reports up to 10,000 purchases; answers a row report.");

        group.MapPost("/csv", async Task<Results<Ok<PurchaseImportReport>, ProblemHttpResult>> (
            HttpContext http, CurrentActor actor, PurchaseImporter importer, CancellationToken ct) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = 512L * 1024 * 1024;
            }

            var parsed = await PurchaseCsv.ReadAsync(http.Request.Body, ct);
            if (parsed.HeaderError is not null)
            {
                return Problems.BadRequest("csv-header", parsed.HeaderError);
            }

            var report = await importer.ImportAsync(actor.RequirePartner(), parsed.Rows, actor.AuditName, ct);
            // Row numbers of the file (parse rejects were taken out before the import).
            var lines = report.Lines.Select(l => l with { Row = parsed.RowNumbers[l.Row - 1] }).Concat(parsed.Rejects).OrderBy(l => l.Row).ToList();
            return TypedResults.Ok(report with
            {
                Rows = report.Rows + parsed.Rejects.Count,
                Rejected = report.Rejected + parsed.Rejects.Count,
                Lines = lines.Count > PurchaseImporter.MaxReportedLines ? lines.Where(l => l.Outcome != RowOutcomes.Recorded).Take(PurchaseImporter.MaxReportedLines).ToList() : lines,
            });
        }).Accepts<string>("text/csv").WithIdempotency()
          .WithSummary("Imports a CSV file (order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date); answers a row report.");

        group.MapPost("/{orderReference}/returns", async Task<Results<Created<ReturnView>, Ok<ReturnView>, ProblemHttpResult>> (
            string orderReference, ReturnReport request, CurrentActor actor, ReturnService returns, CancellationToken ct) =>
        {
            var outcome = await returns.RecordAsync(actor.RequirePartner(), orderReference, request, actor.AuditName, ct);
            switch (outcome)
            {
                case ReturnOutcome.Recorded r:
                    var view = new ReturnView(r.Return.Id, r.Purchase.OrderReference, r.Return.ReturnReference, r.Return.AmountMinor,
                        r.Purchase.RemainingMinor, r.Return.CashbackReductionMinor, r.Return.StateBefore, r.Purchase.State.ToString(), r.Purchase.CashbackMinor);
                    return r.Repeat ? TypedResults.Ok(view) : TypedResults.Created($"/api/v1/partner/purchases/{Uri.EscapeDataString(orderReference)}", view);
                case ReturnOutcome.TooMuch t:
                    return Problems.Unprocessable("return-exceeds-purchase", $"Only {t.Remaining} minor units of this purchase are left to return.");
                case ReturnOutcome.ReferenceReused:
                    return Problems.Conflict("return-reference-reused", "This return reference was already used with a different amount.");
                default:
                    return Problems.NotFound("The purchase");
            }
        }).Validate<ReturnReport>().WithIdempotency()
          .WithSummary("Reports a cancellation or (partial) return; the same return reference twice counts once.");

        group.MapGet("", async (CurrentActor actor, RewardsDbContext db, int? limit, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var list = await db.Purchases.AsNoTracking().Where(p => p.PartnerId == partner)
                .OrderByDescending(p => p.CreatedAt).ThenBy(p => p.OrderReference).Take(Math.Clamp(limit ?? 100, 1, 1000))
                .ToListAsync(ct);
            return TypedResults.Ok(list.Select(ToView).ToList());
        }).WithSummary("The purchases this partner reported, newest first.");

        group.MapGet("/{orderReference}", async Task<Results<Ok<PurchaseView>, ProblemHttpResult>> (string orderReference, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var purchase = await db.Purchases.AsNoTracking().SingleOrDefaultAsync(p => p.PartnerId == partner && p.OrderReference == orderReference, ct);
            return purchase is null ? Problems.NotFound("The purchase") : TypedResults.Ok(ToView(purchase));
        });
    }

    public static PurchaseView ToView(Purchase p) => new(p.Id, p.OrderReference, p.MemberId, p.OfferId, p.AmountMinor, p.ReturnedMinor, p.Currency,
        p.PurchasedAt, p.ServiceDate, p.WindowEndsOn, p.CashbackMinor, p.State.ToString(), p.DeclineReason);
}
