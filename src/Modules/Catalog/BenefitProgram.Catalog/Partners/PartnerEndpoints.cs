using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Domain;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Catalog.Partners;

public sealed record PartnerProfileInput(string Name, string? LogoUrl, List<string> Categories, List<string>? Regions);

public sealed record CreatePartnerRequest(
    string Name,
    string? LogoUrl,
    List<string> Categories,
    List<string>? Regions,
    CooperationModel CooperationModel,
    PartnerContractTerms Terms,
    string AdminEmail,
    string AdminPassword);

public sealed record ChangeContractRequest(CooperationModel CooperationModel, PartnerContractTerms Terms);

public sealed record ChangePartnerStatusRequest(PartnerStatus Status);

public sealed record CreatePartnerUserRequest(string Email, string Password, PartnerUserRole Role);

public sealed record PartnerUserCreated(Guid UserId, string Email, PartnerUserRole Role);

public sealed record PartnerView(
    Guid Id,
    string Name,
    string? LogoUrl,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Regions,
    CooperationModel CooperationModel,
    PartnerContractTerms Terms,
    PartnerStatus Status,
    IReadOnlyList<Guid> ProgramIds,
    DateTimeOffset CreatedAt);

internal static class PartnerRules
{
    public static void Profile<T>(AbstractValidator<T> v, Func<T, string> name, Func<T, string?> logo, Func<T, List<string>> categories, Func<T, List<string>?> regions)
    {
        v.RuleFor(x => name(x)).NotEmpty().MaximumLength(200).OverridePropertyName("name");
        v.RuleFor(x => logo(x)).Must(u => u is null || OfferRules.IsImageUrl(u)).WithMessage("The logo must be an https URL or a path on this site.").OverridePropertyName("logoUrl");
        v.RuleFor(x => categories(x)).NotEmpty().OverridePropertyName("categories");
        v.RuleForEach(x => categories(x)).Must(c => OfferRules.Categories.Contains(c))
            .WithMessage($"A category is one of: {string.Join(", ", OfferRules.Categories)}.").OverridePropertyName("categories");
        v.RuleForEach(x => regions(x) ?? new List<string>()).Must(p => OfferRules.PostalPrefix().IsMatch(p))
            .WithMessage("A region is a postal-code prefix of 1 to 5 digits; leave the list empty for national.").OverridePropertyName("regions");
    }

    public static void Terms<T>(AbstractValidator<T> v, Func<T, PartnerContractTerms> terms)
    {
        v.RuleFor(x => terms(x)).NotNull().OverridePropertyName("terms");
        v.RuleFor(x => terms(x).CommissionRateBasisPoints).InclusiveBetween(0, 10_000).OverridePropertyName("terms.commissionRateBasisPoints");
        v.RuleFor(x => terms(x).FeePerRedemptionMinorUnits).GreaterThanOrEqualTo(0).OverridePropertyName("terms.feePerRedemptionMinorUnits");
        v.RuleFor(x => terms(x).Currency).Must(Money.IsCurrencyCode).WithMessage("An ISO currency code like EUR.").OverridePropertyName("terms.currency");
        v.RuleFor(x => terms(x).CashbackFunding).IsInEnum().OverridePropertyName("terms.cashbackFunding");
        v.RuleFor(x => terms(x).PartnerShareBasisPoints).InclusiveBetween(1, 9_999)
            .When(x => terms(x).CashbackFunding == CashbackFunding.Shared)
            .WithMessage("A shared funding needs the partner's share between 1 and 9999 basis points.").OverridePropertyName("terms.partnerShareBasisPoints");
    }
}

internal sealed class PartnerProfileInputValidator : AbstractValidator<PartnerProfileInput>
{
    public PartnerProfileInputValidator() => PartnerRules.Profile(this, r => r.Name, r => r.LogoUrl, r => r.Categories, r => r.Regions);
}

internal sealed class CreatePartnerRequestValidator : AbstractValidator<CreatePartnerRequest>
{
    public CreatePartnerRequestValidator()
    {
        PartnerRules.Profile(this, r => r.Name, r => r.LogoUrl, r => r.Categories, r => r.Regions);
        RuleFor(r => r.CooperationModel).IsInEnum();
        When(r => r.Terms is not null, () => PartnerRules.Terms(this, r => r.Terms));
        RuleFor(r => r.Terms).NotNull();
        RuleFor(r => r.AdminEmail).NotEmpty().EmailAddress().MaximumLength(200);
        RuleFor(r => r.AdminPassword).NotEmpty().MinimumLength(10);
    }
}

internal sealed class ChangeContractRequestValidator : AbstractValidator<ChangeContractRequest>
{
    public ChangeContractRequestValidator()
    {
        RuleFor(r => r.CooperationModel).IsInEnum();
        RuleFor(r => r.Terms).NotNull();
        When(r => r.Terms is not null, () => PartnerRules.Terms(this, r => r.Terms));
    }
}

internal sealed class CreatePartnerUserRequestValidator : AbstractValidator<CreatePartnerUserRequest>
{
    public CreatePartnerUserRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().EmailAddress().MaximumLength(200);
        RuleFor(r => r.Password).NotEmpty().MinimumLength(10);
        RuleFor(r => r.Role).IsInEnum();
    }
}

/// <summary>Operators create and manage the partners of their program; partner admins maintain their own profile and users.</summary>
internal static class PartnerEndpoints
{
    public static void MapPartners(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/partners").WithTags("Operator: partners").RequireAuthorization(Policies.Operator);

        ops.MapPost("", async Task<Results<Created<PartnerView>, ValidationProblem>> (
            CreatePartnerRequest request, CurrentActor actor, CatalogDbContext db, IUserAccounts accounts, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            var program = actor.RequireProgram();
            var partner = Partner.Create(Guid.CreateVersion7(now), request.Name, request.LogoUrl, request.Categories, request.Regions ?? [],
                request.CooperationModel, request.Terms, program, now);
            // The sign-in first: when the e-mail is taken or the password too weak nothing is stored.
            var account = await accounts.CreatePartnerUserAsync(partner.Id, request.AdminEmail, request.AdminPassword, PartnerUserRole.Admin, ct);
            if (!account.Succeeded)
            {
                return Problems.Validation(account.Errors.ToDictionary(e => "admin" + char.ToUpperInvariant(e.Key[0]) + e.Key[1..], e => e.Value));
            }

            db.Partners.Add(partner);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/ops/partners/{partner.Id}", View(partner, program));
        }).Validate<CreatePartnerRequest>().WithSummary("Creates a partner in the operator's program, with its first admin user.");

        ops.MapGet("", async (CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var program = actor.RequireProgram();
            var partners = await db.Partners.AsNoTracking().Include(p => p.Programs)
                .Where(p => p.Programs.Any(pp => pp.ProgramId == program)).OrderBy(p => p.Name).ToListAsync(ct);
            return TypedResults.Ok(partners.Select(p => View(p, program)).ToList());
        }).WithSummary("The partners taking part in the operator's program.");

        ops.MapGet("/{id:guid}", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
            await FindForOperator(db, id, actor.RequireProgram(), ct) is { } p ? TypedResults.Ok(View(p, actor.RequireProgram())) : Problems.NotFound("The partner"));

        ops.MapPut("/{id:guid}/contract", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (
            Guid id, ChangeContractRequest request, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            if (await FindForOperator(db, id, actor.RequireProgram(), ct) is not { } partner)
            {
                return Problems.NotFound("The partner");
            }

            partner.ChangeContract(request.CooperationModel, request.Terms);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(View(partner, actor.RequireProgram()));
        }).Validate<ChangeContractRequest>().WithSummary("Changes the cooperation model and contract terms.");

        ops.MapPut("/{id:guid}/status", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (
            Guid id, ChangePartnerStatusRequest request, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            if (!Enum.IsDefined(request.Status))
            {
                return Problems.BadRequest("bad-status", "Unknown partner status.");
            }

            if (await FindForOperator(db, id, actor.RequireProgram(), ct) is not { } partner)
            {
                return Problems.NotFound("The partner");
            }

            partner.ChangeStatus(request.Status);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(View(partner, actor.RequireProgram()));
        }).WithSummary("Onboarding → Active → Paused / Ended. Only active partners' offers are shown to members.");

        ops.MapPost("/{id:guid}/programs", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, CatalogDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var partner = await db.Partners.Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == id, ct);
            if (partner is null)
            {
                return Problems.NotFound("The partner");
            }

            partner.Join(actor.RequireProgram(), clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(View(partner, actor.RequireProgram()));
        }).WithSummary("Adds an existing (platform-wide) partner to the operator's program.");

        var partnerApi = api.MapGroup("/partner").WithTags("Partner: profile").RequireAuthorization(Policies.Partner);

        partnerApi.MapGet("/profile", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var partner = await db.Partners.AsNoTracking().Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == actor.RequirePartner(), ct);
            return partner is null ? Problems.NotFound("Your partner profile") : TypedResults.Ok(View(partner, null));
        });

        partnerApi.MapPut("/profile", async Task<Results<Ok<PartnerView>, ProblemHttpResult>> (
            PartnerProfileInput request, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var partner = await db.Partners.Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == actor.RequirePartner(), ct);
            if (partner is null)
            {
                return Problems.NotFound("Your partner profile");
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            partner.UpdateProfile(request.Name, request.LogoUrl, request.Categories, request.Regions ?? []);
            await db.SaveChangesAsync(ct);
            // The offers carry the partner name for full-text search.
            await db.Offers.Where(o => o.PartnerId == partner.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.PartnerName, partner.Name), ct);
            await tx.CommitAsync(ct);
            return TypedResults.Ok(View(partner, null));
        }).Validate<PartnerProfileInput>().RequireAuthorization(Policies.PartnerAdmin).WithSummary("Name, logo, categories and regions of the own company.");

        partnerApi.MapPost("/users", async Task<Results<Created<PartnerUserCreated>, ValidationProblem>> (
            CreatePartnerUserRequest request, CurrentActor actor, IUserAccounts accounts, CancellationToken ct) =>
        {
            var result = await accounts.CreatePartnerUserAsync(actor.RequirePartner(), request.Email, request.Password, request.Role, ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/v1/partner/users/{result.UserId}", new PartnerUserCreated(result.UserId!.Value, request.Email, request.Role))
                : Problems.Validation(result.Errors.ToDictionary(e => e.Key, e => e.Value));
        }).Validate<CreatePartnerUserRequest>().RequireAuthorization(Policies.PartnerAdmin).WithTags("Partner: profile")
            .WithSummary("A partner admin adds a user (admin or editor) of the own company.");

        partnerApi.MapGet("/users", async (CurrentActor actor, IUserAccounts accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.ListPartnerUsersAsync(actor.RequirePartner(), ct)))
            .RequireAuthorization(Policies.PartnerAdmin).WithTags("Partner: profile")
            .WithSummary("The users of the own company with their role and whether they can sign in.");

        partnerApi.MapPost("/users/{userId:guid}/deactivate", (Guid userId, CurrentActor actor, IUserAccounts accounts, CancellationToken ct) =>
            SetActiveAsync(userId, false, actor, accounts, ct))
            .RequireAuthorization(Policies.PartnerAdmin).WithTags("Partner: profile")
            .WithSummary("Stops a user of the own company from signing in (refresh tokens are refused at once).");

        partnerApi.MapPost("/users/{userId:guid}/activate", (Guid userId, CurrentActor actor, IUserAccounts accounts, CancellationToken ct) =>
            SetActiveAsync(userId, true, actor, accounts, ct))
            .RequireAuthorization(Policies.PartnerAdmin).WithTags("Partner: profile")
            .WithSummary("Lets a deactivated user of the own company sign in again.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetActiveAsync(Guid userId, bool active, CurrentActor actor, IUserAccounts accounts, CancellationToken ct)
    {
        if (!active && userId == actor.UserId)
        {
            return Problems.Conflict("cannot-deactivate-self", "You cannot deactivate your own account; ask another admin of your company.");
        }

        return await accounts.SetPartnerUserActiveAsync(actor.RequirePartner(), userId, active, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound("The user");
    }

    private static Task<Partner?> FindForOperator(CatalogDbContext db, Guid id, Guid program, CancellationToken ct) =>
        db.Partners.Include(p => p.Programs).SingleOrDefaultAsync(p => p.Id == id && p.Programs.Any(pp => pp.ProgramId == program), ct);

    /// <summary>An operator sees only its own program in the partner's program list.</summary>
    public static PartnerView View(Partner p, Guid? onlyProgram) => new(
        p.Id, p.Name, p.LogoUrl, p.Categories, p.Regions, p.CooperationModel, p.Terms, p.Status,
        p.Programs.Select(pp => pp.ProgramId).Where(id => onlyProgram is null || id == onlyProgram).ToList(), p.CreatedAt);
}

internal sealed class PartnerDirectory(CatalogDbContext db) : IPartnerDirectory
{
    public async Task<PartnerInfo?> GetAsync(Guid partnerId, CancellationToken ct)
    {
        var p = await db.Partners.AsNoTracking().Include(x => x.Programs).SingleOrDefaultAsync(x => x.Id == partnerId, ct);
        return p is null ? null : Info(p);
    }

    public async Task<IReadOnlyList<PartnerInfo>> ListByProgramAsync(Guid programId, CancellationToken ct)
    {
        var list = await db.Partners.AsNoTracking().Include(x => x.Programs)
            .Where(x => x.Programs.Any(pp => pp.ProgramId == programId)).OrderBy(x => x.Name).ToListAsync(ct);
        return list.Select(Info).ToList();
    }

    private static PartnerInfo Info(Partner p) =>
        new(p.Id, p.Name, p.Status, p.CooperationModel, p.Terms, p.Programs.Select(pp => pp.ProgramId).ToList());
}
