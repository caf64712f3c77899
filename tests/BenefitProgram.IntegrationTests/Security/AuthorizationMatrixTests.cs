using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BenefitProgram.Common;
using BenefitProgram.Common.Security;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// Every endpoint of the app, read from its own endpoint data (not a hand-written list), called by every identity that
/// must not reach it: anonymous, and each role that the endpoint's policy excludes. Every call must be refused
/// (401/403) and the database must be unchanged. An endpoint that is neither protected by a policy nor listed as public
/// here fails the test until someone classifies it.
/// Resource-level checks (member A on member B's id, partner A on partner B's id, operator X on program Y's id) live
/// with each module's tests, which know how to create the resources.
/// </summary>
public sealed class AuthorizationMatrixTests(AppFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    /// <summary>Endpoints anyone may call (the portals need them before sign-in, or they are health/docs).</summary>
    private static readonly HashSet<string> Public = new(StringComparer.Ordinal)
    {
        "GET /health/live",
        "GET /health/ready",
        "GET /openapi/{documentName}.json",
        "GET /api/reference/{documentName?}",
        "GET /api/v1/programs/{slug}",
        "POST /api/v1/auth/signin",
        "POST /api/v1/auth/token",
        "POST /api/v1/auth/refresh",
        "GET /api/v1/programs/{slug}/plans",
        "POST /api/v1/programs/{slug}/members",
        // Stripe calls it; every request is checked by its signature instead (StripeBillingTests).
        "POST /api/v1/billing/stripe/webhook",
        // A finder reports a found key tag: public, rate-limited, reveals nothing (KeyFinder tests).
        "POST /api/v1/programs/{slug}/key-tags/{code}/found",
        // The unsubscribe link of marketing mails (and its one-click POST): the Data-Protection token is the credential (MemberMailTests).
        "GET /api/v1/programs/{slug}/unsubscribe",
        "POST /api/v1/programs/{slug}/unsubscribe",
        // Portal pages that anyone may open; the pages of each area carry the area's policy and are checked below.
        "GET /",
        "POST /",
        "GET /signin",
        "POST /signin",
        "GET /signup", // member self-service sign-up page (posts to the public sign-up API)
        "POST /signup",
        "GET /denied",
        "POST /denied",
        "POST /signout",
        "GET /culture/{culture}",
        "GET /_framework/opaque-redirect",
        "GET /{**path:file}",
        "HEAD /{**path:file}",
    };

    /// <summary>
    /// Anonymous endpoints that exist only when configured and answer only on the management port (never the public one):
    /// the Prometheus scrape (Telemetry:Prometheus:Enabled, docs/adr/0016). ObservabilityTests checks them on a host where
    /// they are mapped, with <see cref="Unclassified"/>.
    /// </summary>
    private static readonly HashSet<string> ManagementPortOnly = new(StringComparer.Ordinal)
    {
        "GET /metrics",
    };

    /// <summary>Endpoints of a host that allow anonymous calls but are neither public nor management-port-only.</summary>
    public static List<string> Unclassified(IServiceProvider services) =>
        AppEndpoints.Read(services).Where(e => !IsStaticAsset(e.Pattern))
            .Where(e => e.Policy is null && !Public.Contains(e.Key) && !ManagementPortOnly.Contains(e.Key)).Select(e => e.Key).ToList();

    /// <summary>Static files (scripts, styles, logos) are public by nature and not part of the matrix.</summary>
    private static bool IsStaticAsset(string pattern) =>
        pattern.StartsWith("/_content/", StringComparison.Ordinal)
        || (pattern.StartsWith("/_framework/", StringComparison.Ordinal) && pattern.Contains(".js", StringComparison.Ordinal))
        || System.Text.RegularExpressions.Regex.IsMatch(pattern, @"^/[^{}]*\.(css|js|svg|png|ico|map|gz|br|woff2?)$");

    /// <summary>Endpoints open to any signed-in principal, whatever the role.</summary>
    private static readonly HashSet<string> AnyAuthenticated = new(StringComparer.Ordinal)
    {
        "GET /api/v1/auth/me",
        "POST /api/v1/auth/signout",
    };

    private List<AppEndpoint> Endpoints() =>
        AppEndpoints.Read(App.Services).Where(e => !IsStaticAsset(e.Pattern)).ToList();

    [Fact]
    public void Every_endpoint_is_protected_by_a_policy_or_listed_as_public()
    {
        var unclassified = Unclassified(App.Services);
        Assert.True(unclassified.Count == 0,
            "These endpoints allow anonymous calls but are not listed as public in AuthorizationMatrixTests.Public: " + string.Join(", ", unclassified));

        var stalePublic = Public.Except(Endpoints().Select(e => e.Key)).ToList();
        Assert.True(stalePublic.Count == 0, "Listed as public but no longer exist: " + string.Join(", ", stalePublic));
    }

    [Fact]
    public async Task Every_protected_endpoint_refuses_every_identity_it_excludes_and_changes_nothing()
    {
        var identities = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = Fixture.Anonymous(),
            ["member"] = await Fixture.MemberLoginAsync(DemoIds.PlusKontoProgram, Guid.NewGuid()),
            ["partner-admin"] = await Fixture.PartnerUserAsync(Guid.NewGuid()),
            ["partner-editor"] = await Fixture.PartnerUserAsync(Guid.NewGuid(), BenefitProgram.Platform.Contracts.PartnerUserRole.Editor),
            ["operator"] = await Fixture.OperatorAsync(),
        };
        var before = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);

        var calls = 0;
        var leaks = new List<string>();
        var endpoints = Endpoints().Where(e => e.Policy is not null).ToList();
        foreach (var endpoint in endpoints)
        {
            foreach (var (name, client) in identities)
            {
                if (Allowed(endpoint, name))
                {
                    continue;
                }

                calls++;
                var response = await client.SendAsync(Request(endpoint));
                var expected = name == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                if (response.StatusCode != expected)
                {
                    leaks.Add($"{endpoint.Key} as {name}: {(int)response.StatusCode} (expected {(int)expected})");
                }
            }
        }

        var after = await DatabaseChecksum.ComputeAsync(Fixture.ConnectionString);
        var summary = $"authorisation: {endpoints.Count} protected endpoints, {calls} refused-identity calls, {leaks.Count} leaks";
        output.WriteLine(summary);
        TestFigures.Record(summary);
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
        Assert.Equal(before, after);
    }

    private static bool Allowed(AppEndpoint endpoint, string identity) => (endpoint.Policy, identity) switch
    {
        (_, "anonymous") => false,
        ("", _) => AnyAuthenticated.Contains(endpoint.Key)
            ? true
            : throw new InvalidOperationException($"{endpoint.Key} requires only sign-in; list it in AnyAuthenticated or give it a role policy."),
        (Policies.Operator, var who) => who == "operator",
        (Policies.Member, var who) => who == "member",
        (Policies.Partner, var who) => who.StartsWith("partner", StringComparison.Ordinal),
        (Policies.PartnerAdmin, var who) => who == "partner-admin",
        var (policy, _) => throw new InvalidOperationException($"{endpoint.Key} uses the policy '{policy}' the matrix does not know."),
    };

    private static HttpRequestMessage Request(AppEndpoint endpoint)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), AppEndpoints.SamplePath(endpoint.Pattern));
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            // Send what the endpoint accepts (a CSV upload takes text/csv), so the refusal comes from authorisation.
            var contentType = endpoint.Accepts.Count > 0 ? endpoint.Accepts[0] : "application/json";
            request.Content = new StringContent(contentType.Contains("json", StringComparison.Ordinal) ? "{}" : "a,b\n1,2\n", Encoding.UTF8, contentType);
        }

        return request;
    }
}
