using System.Security.Claims;
using System.Threading.RateLimiting;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.Catalog.Redemptions;

/// <summary>
/// Abuse limits on redemptions (issue 9, part 5), fixed windows of one minute; a refusal is a 429 ProblemDetails with
/// Retry-After (the host's rate-limiter rejection handler):
/// - member redemptions (redeem and click-out), per member: Catalog:Redemptions:PermitsPerMinute (default 30);
/// - pass verification at the till, per partner and signed-in user or API key (guessing short codes):
///   Catalog:PassVerification:PermitsPerMinute (default 120, a busy till serves two customers a second at most).
/// </summary>
internal static class RedemptionRateLimits
{
    public const string MemberRedemptions = "catalog-member-redemptions";
    public const string PassVerification = "catalog-pass-verification";

    public static IServiceCollection AddRedemptionRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(MemberRedemptions, http => PerMinute(
                http, "Catalog:Redemptions:PermitsPerMinute", 30, $"member:{http.User.FindFirstValue(BpClaims.MemberId)}"));
            o.AddPolicy(PassVerification, http => PerMinute(
                http, "Catalog:PassVerification:PermitsPerMinute", 120,
                $"partner:{http.User.FindFirstValue(BpClaims.PartnerId)}|{http.User.FindFirstValue(BpClaims.ApiKeyId) ?? http.User.FindFirstValue(BpClaims.UserId)}"));
        });

    private static RateLimitPartition<string> PerMinute(HttpContext http, string setting, int fallback, string key)
    {
        var permits = http.RequestServices.GetService<IConfiguration>()?.GetValue(setting, fallback) ?? fallback;
        return RateLimitPartition.GetFixedWindowLimiter($"{setting}|{key}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
