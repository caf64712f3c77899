using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Rewards.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Rewards.Claims;

public sealed record ClaimView(Guid Id, Guid OfferId, string RefundKind, long RequestedMinorUnits, long? ApprovedMinorUnits, string Currency,
    DateOnly TripDate, Guid? TripPurchaseId, string Status, string? Reason, bool DecidedAutomatically, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt);

public sealed record OpsClaimView(Guid MemberId, ClaimView Claim);

public sealed record ClaimDecisionRequest(string Decision, long? ApprovedMinorUnits, string Reason);

internal sealed class ClaimDecisionRequestValidator : AbstractValidator<ClaimDecisionRequest>
{
    public ClaimDecisionRequestValidator()
    {
        RuleFor(r => r.Decision).Must(d => d is "approve" or "partly-approve" or "reject").WithMessage("Use approve, partly-approve or reject.");
        RuleFor(r => r.ApprovedMinorUnits).NotNull().GreaterThan(0).When(r => r.Decision == "partly-approve");
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }
}

internal static class ClaimEndpoints
{
    public static ClaimView ToView(RefundClaim c) => new(c.Id, c.OfferId, c.RefundKind, c.RequestedMinor, c.ApprovedMinor, c.Currency, c.TripDate,
        c.TripPurchaseId, c.Status.ToString(), c.Reason, c.DecidedAutomatically, c.CreatedAt, c.DecidedAt);

    public static void MapClaims(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me/rewards/claims").WithTags("Member refund claims").RequireAuthorization(Policies.Member);

        me.MapPost("", async Task<Results<Created<ClaimView>, Ok<ClaimView>, ProblemHttpResult, ValidationProblem>> (
            [FromForm] Guid offerId, [FromForm] long amountMinorUnits, [FromForm] string currency, [FromForm] DateOnly tripDate,
            [FromForm] Guid? tripPurchaseId, IFormFile receipt, CurrentActor actor, ClaimService claims, CancellationToken ct) =>
        {
            if (amountMinorUnits <= 0)
            {
                return Problems.Validation("amountMinorUnits", "The amount must be positive.");
            }

            if (receipt.Length > Receipts.MaxBytes)
            {
                return Problems.TooLarge($"The receipt may be at most {Receipts.MaxBytes / 1024 / 1024} MB.");
            }

            if (receipt.Length == 0)
            {
                return Problems.Validation("receipt", "The receipt is empty.");
            }

            using var buffer = new MemoryStream();
            await receipt.CopyToAsync(buffer, ct);
            var outcome = await claims.SubmitAsync(actor.RequireProgram(), actor.RequireMember(),
                new ClaimSubmission(offerId, amountMinorUnits, currency.ToUpperInvariant(), tripDate, tripPurchaseId, buffer.ToArray(), receipt.FileName), actor.AuditName, ct);
            return outcome switch
            {
                SubmitOutcome.Submitted { Repeat: true } s => TypedResults.Ok(ToView(s.Claim)),
                SubmitOutcome.Submitted s => TypedResults.Created($"/api/v1/me/rewards/claims/{s.Claim.Id}", ToView(s.Claim)),
                SubmitOutcome.Invalid { Code: "receipt-type" } i => Problems.Make(StatusCodes.Status415UnsupportedMediaType, i.Code, "Unsupported receipt", i.Detail),
                SubmitOutcome.Invalid i => Problems.Unprocessable(i.Code, i.Detail),
                _ => throw new InvalidOperationException(),
            };
        }).DisableAntiforgery().WithIdempotency().WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = Receipts.MaxBytes + 64 * 1024 })
          .WithSummary("Submits a refund claim with its receipt (PDF, JPEG or PNG, at most 5 MB); the rules decide or queue it for review.");

        me.MapGet("", async (CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var member = actor.RequireMember();
            var program = actor.RequireProgram();
            var list = await db.Claims.AsNoTracking().Where(c => c.ProgramId == program && c.MemberId == member).OrderByDescending(c => c.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(list.Select(ToView).ToList());
        });

        me.MapGet("/{id:guid}", async Task<Results<Ok<ClaimView>, ProblemHttpResult>> (Guid id, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
            await db.Claims.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.ProgramId == actor.RequireProgram() && c.MemberId == actor.RequireMember(), ct) is { } c
                ? TypedResults.Ok(ToView(c))
                : Problems.NotFound("The claim"));

        me.MapGet("/{id:guid}/receipt", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (Guid id, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var member = actor.RequireMember();
            var program = actor.RequireProgram();
            var receipt = await (from r in db.ClaimReceipts join c in db.Claims on r.ClaimId equals c.Id
                                 where c.Id == id && c.ProgramId == program && c.MemberId == member select r).AsNoTracking().SingleOrDefaultAsync(ct);
            return receipt is null ? Problems.NotFound("The receipt") : TypedResults.File(receipt.Data, receipt.ContentType, receipt.FileName);
        });

        var ops = api.MapGroup("/ops/rewards/claims").WithTags("Operator refund claims").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async (CurrentActor actor, RewardsDbContext db, string? status, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var wanted = Enum.TryParse<ClaimStatus>(status ?? nameof(ClaimStatus.InReview), ignoreCase: true, out var s) ? s : ClaimStatus.InReview;
            var list = await db.Claims.AsNoTracking().Where(c => c.ProgramId == program && c.Status == wanted).OrderBy(c => c.CreatedAt).Take(500).ToListAsync(ct);
            return TypedResults.Ok(list.Select(c => new OpsClaimView(c.MemberId, ToView(c))).ToList());
        }).WithSummary("The review queue (status=InReview by default), oldest first.");

        ops.MapGet("/{id:guid}/receipt", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (Guid id, CurrentActor actor, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var receipt = await (from r in db.ClaimReceipts join c in db.Claims on r.ClaimId equals c.Id
                                 where c.Id == id && c.ProgramId == program select r).AsNoTracking().SingleOrDefaultAsync(ct);
            return receipt is null ? Problems.NotFound("The receipt") : TypedResults.File(receipt.Data, receipt.ContentType, receipt.FileName);
        });

        ops.MapPost("/{id:guid}/decision", async Task<Results<Ok<ClaimView>, ProblemHttpResult>> (
            Guid id, ClaimDecisionRequest request, CurrentActor actor, ClaimService claims, RewardsDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var existing = await db.Claims.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.ProgramId == program, ct);
            if (existing is null)
            {
                return Problems.NotFound("The claim");
            }

            if (request.Decision == "partly-approve" && request.ApprovedMinorUnits >= existing.RequestedMinor)
            {
                return Problems.Unprocessable("partial-amount", "A partial approval must be less than the requested amount.");
            }

            var decision = request.Decision switch { "approve" => ClaimStatus.Approved, "partly-approve" => ClaimStatus.PartlyApproved, _ => ClaimStatus.Rejected };
            var done = await claims.DecideAsync(program, id, decision, request.ApprovedMinorUnits, request.Reason.Trim(), actor.AuditName, ct);
            if (done is false)
            {
                return Problems.Conflict("claim-already-decided", "The claim is not waiting for review.");
            }

            var claim = await db.Claims.AsNoTracking().SingleAsync(c => c.Id == id, ct);
            return TypedResults.Ok(ToView(claim));
        }).Validate<ClaimDecisionRequest>().WithIdempotency().WithSummary("Approves, partly approves or rejects a claim in review.");
    }
}
