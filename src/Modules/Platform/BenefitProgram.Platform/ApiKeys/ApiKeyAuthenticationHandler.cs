using System.Security.Claims;
using System.Text.Encodings.Web;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Platform.ApiKeys;

/// <summary>Authenticates partner systems by the <c>X-Api-Key</c> header: role partner, bound to the key's partner.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PlatformDbContext db,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[AuthSchemes.ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        if (!PartnerApiKey.TryParse(presented, out var id, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null || !key.Matches(secret))
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(5))
        {
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"api-key:{key.Prefix}"),
            new Claim(ClaimTypes.Role, Roles.PartnerUser),
            new Claim(BpClaims.PartnerId, key.PartnerId.ToString()),
            new Claim(BpClaims.ApiKeyId, key.Id.ToString()),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = 401,
            Title = "Unauthorized",
            Type = "https://benefitprogram.dev/problems/bad-api-key",
            Detail = result.Failure?.Message ?? "An API key is required.",
        }, options: null, contentType: "application/problem+json");
    }
}
