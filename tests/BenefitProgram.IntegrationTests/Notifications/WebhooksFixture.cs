using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>
/// A host of its own that may call private targets (Notifications:Webhooks:AllowPrivateTargets=true) and a receiver on
/// 127.0.0.1. The every-minute dispatch job is not scheduled here: the tests run the dispatcher themselves after moving
/// the clock, so nothing else sends while they look.
/// </summary>
public sealed class WebhooksFixture : IAsyncLifetime
{
    private ResettableHost host = null!;

    public BenefitProgramApp App => host.App;

    public string ConnectionString => host.ConnectionString;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        host = await ResettableHost.StartAsync("bp_hooks", cs => new BenefitProgramApp(cs,
            configureServices: services => services.RemoveAll<IRecurringJobDefinition>(),
            settings: new Dictionary<string, string?>
            {
                ["Notifications:Webhooks:AllowPrivateTargets"] = "true",
                ["Notifications:Webhooks:TimeoutSeconds"] = "3",
            }));
    }

    public Task ResetAsync()
    {
        Receiver.Respond = _ => 200;
        return host.ResetAsync();
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    private sealed record TokenResponse(string AccessToken, string RefreshToken, long ExpiresIn);
}

[CollectionDefinition(Name)]
public sealed class WebhooksCollection : ICollectionFixture<WebhooksFixture>
{
    public const string Name = "webhooks";
}
