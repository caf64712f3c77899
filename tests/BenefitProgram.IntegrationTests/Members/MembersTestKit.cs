using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Demo;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Members;

internal static class MembersTestKit
{
    public static async Task SeedPlansAsync(BenefitProgramApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MembersDbContext>();
        db.Plans.AddRange(MembersDemoSeeder.CreatePlans(DemoIds.PlusKontoProgram, app.Clock.GetUtcNow().AddDays(-1)));
        db.Plans.AddRange(MembersDemoSeeder.CreatePlans(DemoIds.OtherProgram, app.Clock.GetUtcNow().AddDays(-1)));
        await db.SaveChangesAsync();
    }

    public static object SignUpBody(string email, string plan, string? postalCode = "80331") => new
    {
        firstName = "Anna",
        lastName = "Schmidt",
        email,
        password = AppFixture.TestPassword,
        postalCode,
        language = "de",
        planCode = plan,
        consentMarketing = true,
        consentDataSharing = false,
        acceptTerms = true,
    };

    /// <summary>Signs a member up through the public API and signs them in.</summary>
    public static async Task<(HttpClient Client, Guid MemberId)> SignUpAsync(AppFixture fixture, string plan, string? email = null)
    {
        email ??= $"m-{Guid.NewGuid():N}@example.com";
        var response = await fixture.Anonymous().PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", SignUpBody(email, plan));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (await MemberClientAsync(fixture, email), body.GetProperty("memberId").GetGuid());
    }

    /// <summary>A member's client that signs in again when the fake clock has moved past the bearer token's lifetime.</summary>
    public static async Task<HttpClient> MemberClientAsync(AppFixture fixture, string email, string password = AppFixture.TestPassword)
    {
        var client = fixture.App.CreateDefaultClient(new ReauthHandler(fixture, email, password));
        client.DefaultRequestHeaders.Authorization = (await fixture.SignInAsync(email, password)).DefaultRequestHeaders.Authorization;
        return client;
    }

    private sealed class ReauthHandler(AppFixture fixture, string email, string password) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }

            var fresh = await fixture.SignInAsync(email, password);
            var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
            retry.Headers.Authorization = fresh.DefaultRequestHeaders.Authorization;
            foreach (var header in request.Headers.Where(h => h.Key != "Authorization"))
            {
                retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return await base.SendAsync(retry, cancellationToken);
        }
    }

    public static async Task<JsonElement> MembershipAsync(HttpClient member) =>
        await member.GetFromJsonAsync<JsonElement>("/api/v1/me/membership");

    public static string Status(JsonElement membership) => membership.GetProperty("status").GetString()!;

    public static async Task<JsonElement> RunBillingAsync(AppFixture fixture)
    {
        var ops = await fixture.OperatorAsync();
        var response = await ops.PostAsync("/api/v1/ops/members/run-billing", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<T> DbAsync<T>(BenefitProgramApp app, Func<MembersDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MembersDbContext>());
    }

    public static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("type").GetString()!.Split('/')[^1];
    }

    public static Task<int> TransitionCountAsync(BenefitProgramApp app, Guid memberId) =>
        DbAsync(app, db => db.Transitions.CountAsync(t => t.MemberId == memberId));
}
