using BenefitProgram.Common;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Platform.Contracts;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.Plans;

public sealed record PlanView(
    Guid Id, string Code, int Version, string Name, long PriceMinorUnits, string Currency, string Interval, int TrialDays,
    IReadOnlyList<string> OfferCategories, IReadOnlyList<string> BenefitKinds, int CashbackMultiplierPercent,
    IReadOnlyList<RefundCap> RefundCaps, bool IsCurrent, int SortOrder, string? StripePriceId)
{
    internal static PlanView From(Plan p) => new(p.Id, p.Code, p.Version, p.Name, p.PriceMinorUnits, p.Currency, p.Interval.ToString(), p.TrialDays,
        p.OfferCategories, p.BenefitKinds, p.CashbackMultiplierPercent, p.RefundCaps, p.IsCurrent, p.SortOrder, p.StripePriceId);
}

public sealed record PlanTermsRequest(
    string Name, long PriceMinorUnits, string? Currency, string Interval, int TrialDays, IReadOnlyList<string>? OfferCategories,
    IReadOnlyList<string>? BenefitKinds, int CashbackMultiplierPercent, IReadOnlyList<RefundCap>? RefundCaps, int SortOrder);

public sealed record CreatePlanRequest(string Code, PlanTermsRequest Terms);

internal sealed class PlanTermsValidator : AbstractValidator<PlanTermsRequest>
{
    public PlanTermsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(120);
        RuleFor(r => r.PriceMinorUnits).GreaterThanOrEqualTo(0).WithMessage("The price cannot be negative.").LessThanOrEqualTo(1_000_000);
        RuleFor(r => r.Currency).Must(c => c is null || Money.IsCurrencyCode(c)).WithMessage("Use an ISO 4217 code like EUR.");
        RuleFor(r => r.Interval).Must(i => Enum.TryParse<BillingInterval>(i, ignoreCase: true, out _)).WithMessage("Use Monthly or Yearly.");
        RuleFor(r => r.TrialDays).InclusiveBetween(0, 365);
        RuleFor(r => r.CashbackMultiplierPercent).InclusiveBetween(0, 1000);
        RuleForEach(r => r.BenefitKinds).Must(k => BenefitKinds.All.Contains(k)).WithMessage($"Known benefit kinds: {string.Join(", ", BenefitKinds.All)}.");
        RuleForEach(r => r.OfferCategories).NotEmpty().MaximumLength(40).Matches("^[a-z0-9-]+$").WithMessage("Categories are lower-case slugs like 'travel'.");
        RuleForEach(r => r.RefundCaps).ChildRules(c =>
        {
            c.RuleFor(x => x.Kind).NotEmpty().MaximumLength(40).Matches("^[a-z0-9-]+$");
            c.RuleFor(x => x.ClaimsPerYear).InclusiveBetween(1, 365);
            c.RuleFor(x => x.MaxMinorUnitsPerClaim).GreaterThan(0);
            c.RuleFor(x => x.Currency).Must(Money.IsCurrencyCode).WithMessage("Use an ISO 4217 code like EUR.");
        });
    }
}

internal sealed class CreatePlanRequestValidator : AbstractValidator<CreatePlanRequest>
{
    public CreatePlanRequestValidator()
    {
        RuleFor(r => r.Code).NotEmpty().MaximumLength(40).Matches("^[a-z0-9-]+$").WithMessage("A plan code is a lower-case slug like 'plus'.");
        RuleFor(r => r.Terms).NotNull().SetValidator(new PlanTermsValidator());
    }
}

internal static class PlanEndpoints
{
    public static void MapPlans(this IEndpointRouteBuilder api)
    {
        api.MapGet("/programs/{slug}/plans", async Task<Results<Ok<List<PlanView>>, ProblemHttpResult>> (
            string slug, IProgramDirectory programs, MembersDbContext db, CancellationToken ct) =>
        {
            var program = await programs.FindBySlugAsync(slug, ct);
            if (program is null)
            {
                return Problems.NotFound($"The program '{slug}'");
            }

            var plans = await db.Plans.AsNoTracking().Where(p => p.ProgramId == program.Id && p.IsCurrent).OrderBy(p => p.SortOrder).ToListAsync(ct);
            return TypedResults.Ok(plans.Select(PlanView.From).ToList());
        }).AllowAnonymous().WithTags("Plans").WithSummary("The plans a program offers now (public).");

        var ops = api.MapGroup("/ops/plans").WithTags("Plans").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async (bool? includeRetired, CurrentActor actor, MembersDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var plans = await db.Plans.AsNoTracking().Where(p => p.ProgramId == program && (includeRetired == true || p.IsCurrent))
                .OrderBy(p => p.SortOrder).ThenBy(p => p.Code).ThenByDescending(p => p.Version).ToListAsync(ct);
            return TypedResults.Ok(plans.Select(PlanView.From).ToList());
        }).WithSummary("The program's plans (current versions; all versions with includeRetired=true).");

        ops.MapPost("", async Task<Results<Created<PlanView>, ProblemHttpResult>> (
            CreatePlanRequest request, CurrentActor actor, MembersDbContext db, IProgramDirectory programs, TimeProvider clock, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            if (await db.Plans.AnyAsync(p => p.ProgramId == program && p.Code == request.Code, ct))
            {
                return Problems.Conflict("plan-code-exists", $"The program already has a plan '{request.Code}'; change it with PUT /ops/plans/{request.Code}.");
            }

            var currency = request.Terms.Currency ?? (await programs.FindByIdAsync(program, ct))?.Currency ?? "EUR";
            var plan = Build(Guid.CreateVersion7(clock.GetUtcNow()), program, request.Code, 1, request.Terms, currency, clock.GetUtcNow());
            db.Plans.Add(plan);
            Audit(db, actor, program, "plan-created", $"{plan.Code} v1 {plan.PriceMinorUnits} {plan.Currency}", clock);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/ops/plans/{plan.Code}", PlanView.From(plan));
        }).Validate<CreatePlanRequest>().WithSummary("Creates a plan (version 1).");

        ops.MapPut("/{code}", async Task<Results<Ok<PlanView>, ProblemHttpResult>> (
            string code, PlanTermsRequest request, CurrentActor actor, MembersDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var current = await db.Plans.SingleOrDefaultAsync(p => p.ProgramId == program && p.Code == code && p.IsCurrent, ct);
            if (current is null)
            {
                return Problems.NotFound($"The plan '{code}'");
            }

            var now = clock.GetUtcNow();
            var candidate = Build(Guid.CreateVersion7(now), program, code, current.Version + 1, request, request.Currency ?? current.Currency, now);
            if (!candidate.TermsDifferFrom(current))
            {
                current.Rename(request.Name, request.SortOrder);
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(PlanView.From(current));
            }

            // New terms are a new version: existing memberships keep the version (and the price) they signed up for.
            current.Retire(now);
            await db.SaveChangesAsync(ct); // the partial unique index allows one current version per code
            db.Plans.Add(candidate);
            Audit(db, actor, program, "plan-versioned", $"{code} v{current.Version} → v{candidate.Version}: {current.PriceMinorUnits} → {candidate.PriceMinorUnits} {candidate.Currency}", clock);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(PlanView.From(candidate));
        }).Validate<PlanTermsRequest>().WithSummary("Changes a plan. New terms (price, trial, entitlements) make a new version; existing members keep theirs.");
    }

    private static Plan Build(Guid id, Guid program, string code, int version, PlanTermsRequest r, string currency, DateTimeOffset now) =>
        Plan.Create(id, program, code, version, r.Name.Trim(), r.PriceMinorUnits, currency.ToUpperInvariant(),
            Enum.Parse<BillingInterval>(r.Interval, ignoreCase: true), r.TrialDays, r.OfferCategories ?? [], r.BenefitKinds ?? [],
            r.CashbackMultiplierPercent, r.RefundCaps ?? [], r.SortOrder, now);

    internal static void Audit(MembersDbContext db, CurrentActor actor, Guid program, string action, string? detail, TimeProvider clock, Guid? memberId = null) =>
        db.AuditLog.Add(new OperatorAuditEntry
        {
            ProgramId = program,
            MemberId = memberId,
            Actor = actor.AuditName,
            Action = action,
            Detail = detail,
            At = clock.GetUtcNow(),
        });
}
