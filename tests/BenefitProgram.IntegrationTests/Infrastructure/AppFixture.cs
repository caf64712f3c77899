using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenefitProgram.Common;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// One host and one database for a test collection. Before each test the module schemas are emptied with Respawn
/// (migration history and Hangfire kept) and the two demo programs with their operators are seeded again.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    // Not "host_ops": the host's event log may still be writing there (a consumer finishing after its test) while the
    // next test resets, and Respawn's locks then deadlock with it. Nothing in API tests reads host_ops.
    public static readonly string[] ModuleSchemas = ["platform", "identity", "members", "catalog", "rewards", "reporting", "notifications"];

    private ResettableHost host = null!;

    public string ConnectionString => host.ConnectionString;

    public BenefitProgramApp App => host.App;

    public async Task InitializeAsync() => host = await ResettableHost.StartAsync("bp_it", cs => new BenefitProgramApp(cs));

    public Task ResetAsync() => host.ResetAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    public HttpClient Anonymous() => App.CreateClient(new() { AllowAutoRedirect = false });

    /// <summary>Signs in through the API and returns a client that sends the bearer token.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public Task<HttpClient> OperatorAsync() => SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);

    public Task<HttpClient> OtherProgramOperatorAsync() => SignInAsync("operator@stadtwerke.example", DemoIds.OperatorPassword);

    public async Task<HttpClient> PartnerUserAsync(Guid partnerId, PartnerUserRole role = PartnerUserRole.Admin)
    {
        var email = $"partner-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreatePartnerUserAsync(partnerId, email, TestPassword, role, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(email, TestPassword);
    }

    public async Task<HttpClient> MemberLoginAsync(Guid programId, Guid memberId)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreateMemberAsync(programId, memberId, email, TestPassword, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(email, TestPassword);
    }

    public const string TestPassword = "Test-Password-1";

    private sealed record TokenResponse(string AccessToken, string RefreshToken, long ExpiresIn);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "api";
}

/// <summary>Base of API tests: a clean database (plus the demo programs and operators) before each test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(AppFixture fixture) : IAsyncLifetime
{
    protected AppFixture Fixture { get; } = fixture;

    protected BenefitProgramApp App => Fixture.App;

    public virtual Task InitializeAsync() => Fixture.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
