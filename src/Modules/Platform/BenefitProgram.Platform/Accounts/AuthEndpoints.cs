using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace BenefitProgram.Platform.Accounts;

public sealed record SignInRequest(string Email, string Password);

internal sealed class SignInRequestValidator : AbstractValidator<SignInRequest>
{
    public SignInRequestValidator()
    {
        RuleFor(r => r.Email).NotEmpty().EmailAddress().MaximumLength(256);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(200);
    }
}

public sealed record MeResponse(Guid? UserId, string? Email, IReadOnlyCollection<string> Roles, Guid? ProgramId, Guid? PartnerId, Guid? MemberId);

/// <summary>
/// Sign-in for people: a cookie for the portals (<c>POST /api/v1/auth/signin</c>) or a bearer token for API clients
/// (<c>POST /api/v1/auth/token</c>, refreshed with <c>/api/v1/auth/refresh</c>). Partner systems use API keys instead.
/// Five wrong passwords lock the account for five minutes.
/// </summary>
internal static class AuthEndpoints
{
    public const string SignInRateLimit = "platform-sign-in";

    public static void MapAuth(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Sign-in");
        var guarded = auth.MapGroup("").RequireRateLimiting(SignInRateLimit);

        guarded.MapPost("/signin", (SignInRequest request, SignInManager<PlatformUser> signIn) =>
                SignInAsync(request, signIn, IdentityConstants.ApplicationScheme))
            .Validate<SignInRequest>()
            .WithSummary("Signs in with a cookie (portals).");

        guarded.MapPost("/token", (SignInRequest request, SignInManager<PlatformUser> signIn) =>
                SignInAsync(request, signIn, IdentityConstants.BearerScheme))
            .Validate<SignInRequest>()
            .WithSummary("Signs in and returns a bearer token (API clients).");

        guarded.MapPost("/refresh", RefreshAsync).WithSummary("Exchanges a refresh token for a new bearer token.");

        auth.MapPost("/signout", async (SignInManager<PlatformUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        }).RequireAuthorization();

        auth.MapGet("/me", (HttpContext http) =>
        {
            var actor = http.Actor();
            return TypedResults.Ok(new MeResponse(actor.UserId, http.User.Identity?.Name, actor.Roles, actor.ProgramId, actor.PartnerId, actor.MemberId));
        }).RequireAuthorization();
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> SignInAsync(
        SignInRequest request, SignInManager<PlatformUser> signIn, string scheme)
    {
        signIn.AuthenticationScheme = scheme;
        var result = await signIn.PasswordSignInAsync(request.Email, request.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut && await signIn.UserManager.FindByNameAsync(request.Email) is { } locked && UserAccounts.IsDeactivated(locked.LockoutEnd))
        {
            return Problems.Make(StatusCodes.Status403Forbidden, "account-deactivated", "Account deactivated",
                "This account was deactivated by an admin of its company.");
        }

        if (result.IsLockedOut)
        {
            return Problems.Make(StatusCodes.Status429TooManyRequests, "locked-out", "Locked out",
                "Too many failed sign-ins; the account is locked for a few minutes.");
        }

        if (!result.Succeeded)
        {
            return Problems.Make(StatusCodes.Status401Unauthorized, "bad-credentials", "Sign-in failed", "E-mail or password is wrong.");
        }

        // The sign-in handler has written the cookie or the token response already.
        return TypedResults.Empty;
    }

    public sealed record RefreshRequest(string RefreshToken);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult, SignInHttpResult>> RefreshAsync(
        RefreshRequest request, SignInManager<PlatformUser> signIn,
        Microsoft.Extensions.Options.IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider clock)
    {
        var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
        var ticket = protector.Unprotect(request.RefreshToken);
        if (ticket?.Properties?.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
        {
            return Problems.Make(StatusCodes.Status401Unauthorized, "bad-refresh-token", "Refresh failed", "The refresh token is invalid or expired.");
        }

        var principal = await signIn.CreateUserPrincipalAsync(user);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }
}
