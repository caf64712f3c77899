using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;

namespace BenefitProgram.IntegrationTests.Platform;

public sealed class ApiKeyTests(AppFixture fixture) : ApiTest(fixture)
{
    private static HttpClient WithKey(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    [Fact]
    public async Task A_partner_admin_issues_a_key_that_signs_in_as_that_partner_until_revoked()
    {
        var partnerId = Guid.NewGuid();
        var admin = await Fixture.PartnerUserAsync(partnerId);
        var created = await admin.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "booking system" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        var plain = key.GetProperty("key").GetString()!;

        var system = WithKey(Fixture.Anonymous(), plain);
        var me = await system.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal(partnerId, me.GetProperty("partnerId").GetGuid());
        Assert.Contains("partner", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/partner/api-keys");
        Assert.DoesNotContain(plain, list.GetRawText(), StringComparison.Ordinal);

        var revoke = await admin.DeleteAsync($"/api/v1/partner/api-keys/{key.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await system.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("bpk_0195f000000070008000000000000001_0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_wrong_api_key_is_refused_with_a_problem(string presented)
    {
        var response = await WithKey(Fixture.Anonymous(), presented).GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("API key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partner_cannot_see_or_revoke_another_partners_keys()
    {
        var adminA = await Fixture.PartnerUserAsync(Guid.NewGuid());
        var adminB = await Fixture.PartnerUserAsync(Guid.NewGuid());
        var keyB = await (await adminB.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "B" })).Content.ReadFromJsonAsync<JsonElement>();

        var listA = await adminA.GetFromJsonAsync<JsonElement>("/api/v1/partner/api-keys");
        Assert.Equal(0, listA.GetArrayLength());
        var revoke = await adminA.DeleteAsync($"/api/v1/partner/api-keys/{keyB.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);

        var stillWorks = WithKey(Fixture.Anonymous(), keyB.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await stillWorks.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Editors_api_keys_and_members_cannot_manage_api_keys()
    {
        var partnerId = Guid.NewGuid();
        var editor = await Fixture.PartnerUserAsync(partnerId, PartnerUserRole.Editor);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "x" })).StatusCode);

        var admin = await Fixture.PartnerUserAsync(partnerId);
        var plain = (await (await admin.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "x" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("key").GetString()!;
        var system = WithKey(Fixture.Anonymous(), plain);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "y" })).StatusCode);

        var member = await Fixture.MemberLoginAsync(BenefitProgram.Common.DemoIds.PlusKontoProgram, Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/partner/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Fixture.Anonymous().GetAsync("/api/v1/partner/api-keys")).StatusCode);
    }
}
