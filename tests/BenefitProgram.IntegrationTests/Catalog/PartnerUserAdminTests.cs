using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;

namespace BenefitProgram.IntegrationTests.Catalog;

/// <summary>A partner admin lists the own company's users and deactivates or reactivates them; nobody else's.</summary>
public sealed class PartnerUserAdminTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    private async Task<HttpResponseMessage> SignInAsync(string email) =>
        await Fixture.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { email, password = AppFixture.TestPassword });

    [Fact]
    public async Task A_partner_admin_lists_and_deactivates_only_the_own_companys_users_and_a_deactivated_user_cannot_sign_in()
    {
        var partner = Guid.NewGuid();
        var other = Guid.NewGuid();
        var admin = await Fixture.PartnerUserAsync(partner);
        var otherAdmin = await Fixture.PartnerUserAsync(other);
        var editorEmail = $"editor-{Guid.NewGuid():N}@example.com";
        var created = await admin.PostAsJsonAsync("/api/v1/partner/users", new { email = editorEmail, password = AppFixture.TestPassword, role = "Editor" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var editorId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetGuid();

        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/partner/users");
        Assert.Equal(2, users.GetArrayLength());
        var editor = users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == editorEmail);
        Assert.Equal("Editor", editor.GetProperty("role").GetString());
        Assert.True(editor.GetProperty("active").GetBoolean());
        // The other company's list has only its own admin.
        var theirs = await otherAdmin.GetFromJsonAsync<JsonElement>("/api/v1/partner/users");
        Assert.Equal(1, theirs.GetArrayLength());
        Assert.DoesNotContain(theirs.EnumerateArray(), u => u.GetProperty("email").GetString() == editorEmail);

        // Another company's admin cannot deactivate the editor (404, nothing changes); an editor cannot manage users (403).
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostAsync($"/api/v1/partner/users/{editorId}/deactivate", null)).StatusCode);
        var editorClient = await Fixture.SignInAsync(editorEmail, AppFixture.TestPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await editorClient.GetAsync("/api/v1/partner/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(editorEmail)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/partner/users/{editorId}/deactivate", null)).StatusCode);
        var refused = await SignInAsync(editorEmail);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.EndsWith("/account-deactivated", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.False((await admin.GetFromJsonAsync<JsonElement>("/api/v1/partner/users")).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == editorEmail).GetProperty("active").GetBoolean());

        // An admin cannot lock themself out; reactivation lets the editor sign in again.
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        var self = await admin.PostAsync($"/api/v1/partner/users/{me.GetProperty("userId").GetGuid()}/deactivate", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/partner/users/{editorId}/activate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(editorEmail)).StatusCode);
    }
}
