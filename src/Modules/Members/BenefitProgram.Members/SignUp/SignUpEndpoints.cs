using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.MyMembership;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Platform.Contracts;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.SignUp;

public sealed record SignUpRequest(
    string FirstName, string LastName, string Email, string? Password, string? Street, string? PostalCode, string? City,
    string? Language, string PlanCode, string? ExternalCustomerNumber, bool ConsentMarketing, bool ConsentDataSharing, bool AcceptTerms);

public sealed record SignUpResponse(Guid MemberId, string MemberNumber, MembershipView Membership);

internal static class MemberRules
{
    public const string PostalCodePattern = "^[0-9]{5}$";
    public static readonly string[] Languages = ["de", "en"];

    public static bool IsEmail(string? email) =>
        email is { Length: <= 254 } && System.Text.RegularExpressions.Regex.IsMatch(email, @"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$");
}

internal sealed class SignUpRequestValidator : AbstractValidator<SignUpRequest>
{
    public SignUpRequestValidator()
    {
        RuleFor(r => r.FirstName).NotEmpty().MaximumLength(100);
        RuleFor(r => r.LastName).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Email).Must(MemberRules.IsEmail).WithMessage("Enter a valid e-mail address like name@example.com.");
        RuleFor(r => r.PostalCode).Matches(MemberRules.PostalCodePattern).When(r => r.PostalCode is not null).WithMessage("A postal code has 5 digits.");
        RuleFor(r => r.Street).MaximumLength(200);
        RuleFor(r => r.City).MaximumLength(100);
        RuleFor(r => r.Language).Must(l => l is null || MemberRules.Languages.Contains(l)).WithMessage("Language is de or en.");
        RuleFor(r => r.PlanCode).NotEmpty().MaximumLength(40);
        RuleFor(r => r.ExternalCustomerNumber).MaximumLength(40);
        RuleFor(r => r.AcceptTerms).Equal(true).WithMessage("The terms must be accepted.");
        RuleFor(r => r.Password).MinimumLength(10).When(r => r.Password is not null);
    }
}

internal static class SignUpEndpoints
{
    public static void MapSignUp(this IEndpointRouteBuilder api)
    {
        api.MapPost("/programs/{slug}/members", async (string slug, SignUpRequest request, IProgramDirectory programs, SignUpService signUp, CancellationToken ct) =>
        {
            var program = await programs.FindBySlugAsync(slug, ct);
            if (program is null)
            {
                return Problems.NotFound($"The program '{slug}'");
            }

            if (string.IsNullOrEmpty(request.Password))
            {
                return Problems.Validation("password", "Choose a password of at least 10 characters.");
            }

            return await MembershipActions.RuleGuard(() => signUp.SignUpAsync(program, request, SignUpChannel.SelfService, "self-service", ct));
        }).AllowAnonymous().Validate<SignUpRequest>().WithIdempotency().WithTags("Members")
          .WithSummary("Self-service sign-up: member, sign-in and membership on the chosen plan.");

        api.MapPost("/ops/members", async (SignUpRequest request, CurrentActor actor, IProgramDirectory programs, SignUpService signUp, CancellationToken ct) =>
        {
            var program = await programs.FindByIdAsync(actor.RequireProgram(), ct);
            return program is null
                ? Problems.NotFound("Your program")
                : await MembershipActions.RuleGuard(() => signUp.SignUpAsync(program, request, SignUpChannel.Operator, actor.AuditName, ct));
        }).RequireAuthorization(Policies.Operator).Validate<SignUpRequest>().WithIdempotency().WithTags("Members (operator)")
          .WithSummary("Signs a customer up on their behalf (a sign-in is created when a password is given).");
    }
}

internal sealed class SignUpService(MembersDbContext db, MembershipBilling billing, IUserAccounts accounts, TimeProvider clock)
{
    public async Task<IResult> SignUpAsync(ProgramInfo program, SignUpRequest r, SignUpChannel channel, string actor, CancellationToken ct)
    {
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.ProgramId == program.Id && p.Code == r.PlanCode && p.IsCurrent, ct);
        if (plan is null)
        {
            return Problems.Validation("planCode", $"The program has no plan '{r.PlanCode}'.");
        }

        var email = r.Email.Trim().ToLowerInvariant();
        if (await db.Members.AnyAsync(m => m.ProgramId == program.Id && m.Email == email, ct))
        {
            return Problems.Conflict("member-exists", "A member with this e-mail address already exists in this program.");
        }

        if (r.ExternalCustomerNumber is { } ext && await db.Members.AnyAsync(m => m.ProgramId == program.Id && m.ExternalCustomerNumber == ext, ct))
        {
            return Problems.Conflict("member-exists", "A member with this customer number already exists in this program.");
        }

        var now = clock.GetUtcNow();
        var memberId = Guid.CreateVersion7(now);
        if (r.Password is { } password)
        {
            var account = await accounts.CreateMemberAsync(program.Id, memberId, email, password, ct);
            if (!account.Succeeded)
            {
                return Problems.Validation(account.Errors.ToDictionary(e => e.Key, e => e.Value));
            }
        }

        try
        {
            var member = Member.Create(memberId, program.Id, r.FirstName.Trim(), r.LastName.Trim(), email, r.Street, r.PostalCode, r.City, "DE",
                r.Language ?? program.DefaultLanguage, r.ExternalCustomerNumber, r.ConsentMarketing, r.ConsentDataSharing, channel, now);
            var membership = Membership.Create(Guid.CreateVersion7(now), member, plan, billing.Current.Name, now, actor, channel);
            db.Members.Add(member);
            db.Memberships.Add(membership);
            await billing.StartAsync(member, membership, actor, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct); // assigns the member number
            db.Publish(new MemberSignedUp(program.Id, member.Id, member.MemberNumber, membership.Id, plan.Id, plan.Code, channel, member.PostalCode,
                member.Language, member.ExternalCustomerNumber, now), now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            var view = MembershipActions.View(member, membership, null, now, billing.Dunning);
            return TypedResults.Created("/api/v1/me/membership", new SignUpResponse(member.Id, member.MemberNumber, view));
        }
        catch
        {
            if (r.Password is not null)
            {
                await accounts.DeleteMemberAsync(memberId, CancellationToken.None);
            }

            throw;
        }
    }
}
