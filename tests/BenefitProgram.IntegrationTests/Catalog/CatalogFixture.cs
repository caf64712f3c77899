using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Catalog;

/// <summary>Member eligibility the tests set per member (plan, standing, postal code); default: plan "plus", good standing, no postal code.</summary>
internal sealed class TestEligibility : IMemberEligibility
{
    public ConcurrentDictionary<Guid, MemberEligibility> Members { get; } = new();

    public Task<MemberEligibility?> GetAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        Task.FromResult<MemberEligibility?>(Members.GetValueOrDefault(memberId, new MemberEligibility("plus", true, null)));
}

/// <summary>
/// Like <see cref="AppFixture"/> (own database, Respawn reset, demo programs and operators before each test), with the
/// catalog's member eligibility replaced by <see cref="TestEligibility"/>.
/// </summary>
public sealed class CatalogFixture : IAsyncLifetime
{
    private ResettableHost host = null!;

    internal TestEligibility Eligibility { get; } = new();

    public string ConnectionString => host.ConnectionString;

    public BenefitProgramApp App => host.App;

    public async Task InitializeAsync() => host = await ResettableHost.StartAsync("bp_cat", cs => new BenefitProgramApp(cs, services =>
    {
        services.RemoveAll<IMemberEligibility>();
        services.AddSingleton<IMemberEligibility>(Eligibility);
    }));

    public async Task ResetAsync()
    {
        Eligibility.Members.Clear();
        await host.ResetAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    public HttpClient Anonymous() => App.CreateClient(new() { AllowAutoRedirect = false });

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
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
                .CreatePartnerUserAsync(partnerId, email, AppFixture.TestPassword, role, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(email, AppFixture.TestPassword);
    }

    public async Task<HttpClient> MemberAsync(Guid memberId, Guid? programId = null)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreateMemberAsync(programId ?? DemoIds.PlusKontoProgram, memberId, email, AppFixture.TestPassword, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        memberEmails[memberId] = email;
        return await SignInAsync(email, AppFixture.TestPassword);
    }

    private readonly ConcurrentDictionary<Guid, string> memberEmails = new();

    /// <summary>A fresh sign-in of a member created before (bearer tokens expire when the test clock moves on).</summary>
    public Task<HttpClient> MemberAgainAsync(Guid memberId) => SignInAsync(memberEmails[memberId], AppFixture.TestPassword);
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogFixture>
{
    public const string Name = "catalog";
}
