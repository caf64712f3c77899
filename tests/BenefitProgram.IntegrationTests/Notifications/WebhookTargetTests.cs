using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Notifications.Webhooks;
using BenefitProgram.Platform.Contracts;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>The SSRF guard on the shared API host, where private targets are not allowed (the default).</summary>
public sealed class WebhookTargetTests(AppFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.16.0.9/hook")]
    [InlineData("https://192.168.1.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://partner.example/hook")]
    [InlineData("ftp://partner.example/hook")]
    public async Task A_private_or_plain_http_target_is_refused_naming_the_url(string url)
    {
        var admin = await Fixture.PartnerUserAsync(Guid.NewGuid(), PartnerUserRole.Admin);

        var response = await admin.PostAsJsonAsync("/api/v1/partner/webhooks", new { url, eventTypes = new[] { "redemption.created" }, description = (string?)null });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());
        Assert.Empty((await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/partner/webhooks"))!);
    }

    [Fact]
    public async Task An_unknown_event_type_is_refused_and_an_editor_may_not_register()
    {
        var admin = await Fixture.PartnerUserAsync(Guid.NewGuid(), PartnerUserRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "https://203.0.113.10/hook", eventTypes = new[] { "member.erased" }, description = (string?)null });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("eventTypes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var editor = await Fixture.PartnerUserAsync(Guid.NewGuid(), PartnerUserRole.Editor);
        response = await editor.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "https://203.0.113.10/hook", eventTypes = new[] { "redemption.created" }, description = (string?)null });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_public_https_target_is_accepted_and_listed_without_its_secret()
    {
        var admin = await Fixture.PartnerUserAsync(Guid.NewGuid(), PartnerUserRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "https://203.0.113.10/hook", eventTypes = new[] { "statement.ready" }, description = "ERP" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var listed = Assert.Single((await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/partner/webhooks"))!);
        Assert.Equal("https://203.0.113.10/hook", listed.GetProperty("url").GetString());
        Assert.False(listed.TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::", true)]
    [InlineData("fc00::1", true)]
    [InlineData("203.0.113.10", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void The_guard_classifies_addresses(string address, bool refused) =>
        Assert.Equal(refused, TargetGuard.IsRefused(IPAddress.Parse(address)));
}
