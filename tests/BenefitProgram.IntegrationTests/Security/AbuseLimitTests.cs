using System.Net;
using System.Net.Http.Json;
using BenefitProgram.IntegrationTests.Infrastructure;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>Limits against guessing and scraping, on a host of its own with a low sign-in limit.</summary>
public sealed class AbuseLimitTests : IAsyncLifetime
{
    private string connectionString = "";
    private BenefitProgramApp app = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync("bp_abuse");
        app = new BenefitProgramApp(connectionString, settings: new Dictionary<string, string?> { ["Platform:SignIn:PermitsPerMinute"] = "3" });
        _ = app.Server;
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

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/programs/none");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
