using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>
/// A host of its own whose Notifications:Smtp points at an in-process SMTP server (netDumbster): the tests read the mails
/// that really arrived over SMTP. The shared "api" host has no SMTP host configured, so it sends no mail at all.
/// </summary>
public sealed class NotificationsFixture : IAsyncLifetime
{
    public SimpleSmtpServer Smtp { get; private set; } = null!;

    public int SmtpPort { get; private set; }

    public BenefitProgramApp App { get; private set; } = null!;

    private string connectionString = "";

    public async Task InitializeAsync()
    {
        Smtp = Configuration.Configure().WithRandomPort().Build();
        SmtpPort = Smtp.Configuration.Port;
        connectionString = await TestDatabase.CreateAsync("bp_notify");
        App = new BenefitProgramApp(connectionString, settings: new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:From"] = "service@benefitprogram.example",
            ["Notifications:Smtp:TimeoutSeconds"] = "5",
        });
        _ = App.Server;
        await using var scope = App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }

        await BenefitProgram.IntegrationTests.Members.MembersTestKit.SeedPlansAsync(App);
    }

    public async Task DisposeAsync()
    {
        Smtp.Dispose();
        await App.DisposeAsync();
        await TestDatabase.DropAsync(connectionString);
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
public sealed class NotificationsCollection : ICollectionFixture<NotificationsFixture>
{
    public const string Name = "notifications";
}
