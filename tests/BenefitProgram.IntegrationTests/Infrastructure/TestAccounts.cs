using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>Sign-ins for tests with a host of their own (the fixtures of the collections have the same helpers).</summary>
public static class TestAccounts
{
    public static async Task<HttpClient> SignInAsync(BenefitProgramApp app, string email, string password)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    public static async Task<HttpClient> MemberAsync(BenefitProgramApp app, Guid programId, Guid memberId, string password = AppFixture.TestPassword)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>().CreateMemberAsync(programId, memberId, email, password, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(app, email, password);
    }

    public static async Task<HttpClient> PartnerUserAsync(BenefitProgramApp app, Guid partnerId, string password = AppFixture.TestPassword)
    {
        var email = $"partner-{Guid.NewGuid():N}@example.com";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreatePartnerUserAsync(partnerId, email, password, PartnerUserRole.Admin, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(app, email, password);
    }
}
