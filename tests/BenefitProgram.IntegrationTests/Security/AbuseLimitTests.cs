using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>Limits against guessing and scraping, on a host of its own with a low sign-in limit.</summary>
public sealed class AbuseLimitTests : IAsyncLifetime
{
    private string connectionString = "";
    private BenefitProgramApp app = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync("bp_abuse");
        app = new BenefitProgramApp(connectionString, settings: new Dictionary<string, string?>
        {
            ["Platform:SignIn:PermitsPerMinute"] = "3",
            ["Catalog:Redemptions:PermitsPerMinute"] = "4",
            ["Catalog:PassVerification:PermitsPerMinute"] = "5",
        });
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await TestDatabase.DropAsync(connectionString);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_per_minute_across_accounts()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var attempt = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = $"nobody{i}@example.com", password = "wrong-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var limited = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody9@example.com", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        // Other endpoints are not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    /// <summary>A 429 ProblemDetails that says when to come back.</summary>
    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("rate-limited", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redemptions_are_limited_per_member_and_another_member_is_not_affected()
    {
        var greedy = await TestAccounts.MemberAsync(app, DemoIds.PlusKontoProgram, Guid.NewGuid());
        var offer = Guid.NewGuid();
        for (var i = 0; i < 4; i++)
        {
            // Each try counts, whatever its answer (this member is not entitled: 403).
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await greedy.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
        }

        await AssertLimitedAsync(await greedy.PostAsync($"/api/v1/me/offers/{offer}/redeem", null));
        await AssertLimitedAsync(await greedy.GetAsync($"/api/v1/me/offers/{offer}/go")); // a click-out is a redemption too

        var other = await TestAccounts.MemberAsync(app, DemoIds.PlusKontoProgram, Guid.NewGuid());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await greedy.GetAsync("/api/v1/me/redemptions")).StatusCode); // reading is not limited
    }

    [Fact]
    public async Task Guessing_pass_codes_at_the_till_is_limited_per_partner_user_and_another_partner_is_not_affected()
    {
        var partner = Guid.NewGuid();
        var till = await TestAccounts.PartnerUserAsync(app, partner);
        for (var i = 0; i < 5; i++)
        {
            var guess = await till.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = $"GUESS{i:000}", purchaseAmountMinorUnits = (long?)null });
            Assert.Equal(HttpStatusCode.NotFound, guess.StatusCode);
        }

        await AssertLimitedAsync(await till.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = "GUESS999", purchaseAmountMinorUnits = (long?)null }));

        var otherTill = await TestAccounts.PartnerUserAsync(app, Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound,
            (await otherTill.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = "GUESS999", purchaseAmountMinorUnits = (long?)null })).StatusCode);
        TestFigures.Record("abuse limits: redemptions 4/min per member, pass verification 5/min per partner user (test settings): 429 ProblemDetails with Retry-After");
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/programs/none");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
