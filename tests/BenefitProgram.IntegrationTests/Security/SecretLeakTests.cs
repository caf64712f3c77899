using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Catalog;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.IntegrationTests.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Stripe;

namespace BenefitProgram.IntegrationTests.Security;

/// <summary>
/// "No secret in the logs" (issue 9, part 5): a flow with every kind of secret the platform handles — passwords at
/// sign-in (right and wrong), a partner admin's initial password, an API key (right and wrong), bearer tokens, a signed
/// discount pass, the Stripe API key and webhook secret (a signed and a forged webhook) — runs through a host whose
/// logs are captured at every level (Trace), and no secret value may appear in any message, scope or exception text.
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider logs = new();
    private readonly TestEligibility eligibility = new();
    private readonly string stripeApiKey = "sk_test_" + Guid.NewGuid().ToString("N");
    private readonly string webhookSecret = "whsec_" + Guid.NewGuid().ToString("N");
    private string connectionString = "";
    private BenefitProgramApp app = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync("bp_secrets");
        app = new BenefitProgramApp(connectionString, services =>
            {
                services.RemoveAll<IMemberEligibility>();
                services.AddSingleton<IMemberEligibility>(eligibility);
                services.AddSingleton<ILoggerProvider>(logs);
            },
            settings: new Dictionary<string, string?>
            {
                ["Billing:Provider"] = "Stripe",
                ["Billing:Stripe:ApiKey"] = stripeApiKey,
                ["Billing:Stripe:WebhookSecret"] = webhookSecret,
                ["Billing:Stripe:ApiBase"] = "http://127.0.0.1:9",
                ["Logging:Capture:LogLevel:Default"] = "Trace",
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
    public async Task Passwords_api_keys_tokens_passes_and_the_stripe_secrets_never_reach_the_logs()
    {
        var secrets = new List<string> { DemoIds.OperatorPassword, stripeApiKey, webhookSecret };
        var anonymous = app.CreateClient();

        var wrongPassword = "Wrong-" + Guid.NewGuid().ToString("N");
        secrets.Add(wrongPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = wrongPassword })).StatusCode);
        var ops = await TestAccounts.SignInAsync(app, DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        secrets.Add(ops.DefaultRequestHeaders.Authorization!.Parameter!);

        var partnerPassword = "Partner-" + Guid.NewGuid().ToString("N");
        secrets.Add(partnerPassword);
        var (_, admin) = await OfferSetup.CreatePartnerAsync(app, ops, partnerPassword);
        var created = await admin.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "till system" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var apiKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        secrets.Add(apiKey);
        var system = app.CreateClient();
        system.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        Assert.Equal(HttpStatusCode.OK, (await system.GetAsync("/api/v1/auth/me")).StatusCode);
        var forgedKey = apiKey[..^8] + "00000000";
        secrets.Add(forgedKey);
        var forger = app.CreateClient();
        forger.DefaultRequestHeaders.Add("X-Api-Key", forgedKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.GetAsync("/api/v1/auth/me")).StatusCode);

        var offer = await OfferSetup.CreateLiveDiscountOfferAsync(admin, ops);
        var memberPassword = "Member-" + Guid.NewGuid().ToString("N");
        secrets.Add(memberPassword);
        var member = await TestAccounts.MemberAsync(app, DemoIds.PlusKontoProgram, Guid.NewGuid(), memberPassword);
        secrets.Add(member.DefaultRequestHeaders.Authorization!.Parameter!);
        var redeemed = await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null);
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        var pass = (await redeemed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pass");
        var passToken = pass.GetProperty("token").GetString()!;
        secrets.Add(passToken);
        Assert.Equal(HttpStatusCode.OK, (await system.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = passToken, purchaseAmountMinorUnits = 2500L })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await system.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = passToken, purchaseAmountMinorUnits = 2500L })).StatusCode);

        var json = """{"id":"evt_secret_1","object":"event","api_version":"2025-01-01","type":"customer.created","created":1764054000,"data":{"object":{"id":"cus_1","object":"customer"}}}""";
        foreach (var secret in new[] { webhookSecret, "whsec_forged_" + Guid.NewGuid().ToString("N") })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Add("Stripe-Signature", EventUtility.GenerateSignatureHeader(json, secret, app.Clock.GetUtcNow().ToUnixTimeSeconds()));
            var answer = await anonymous.SendAsync(request);
            Assert.True((int)answer.StatusCode < 500, $"webhook answered {(int)answer.StatusCode}");
        }

        var lines = logs.Logs.ToList();
        var leaks = (from line in lines
                     from secret in secrets
                     where line.AllText.Contains(secret, StringComparison.Ordinal)
                     select $"{line.Category} [{line.Level}]: a secret of {secret.Length} characters in \"{Shorten(line.Message)}\"").ToList();
        var summary = $"secrets in logs: {lines.Count} log lines (all levels) checked for {secrets.Count} secret values, {leaks.Count} leaks";
        TestFigures.Record(summary);
        Assert.True(lines.Count > 100, $"the capture saw only {lines.Count} lines: is it wired?");
        Assert.True(leaks.Count == 0, summary + "\n" + string.Join("\n", leaks));
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
