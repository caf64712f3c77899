using System.Net;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace BenefitProgram.BrowserTests;

/// <summary>
/// The real host on a real Kestrel port and its own PostgreSQL database, plus one headless Debian Chromium, shared by
/// the browser tests. Before each test the module schemas are emptied and the demo programs with their operators are
/// seeded again (as in the API tests). Chromium must be at /usr/bin/chromium (infra/test.sh installs it): when it is
/// missing the tests fail; they never skip.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private Respawner? respawner;
    private IPlaywright? playwright;

    public string ConnectionString { get; private set; } = "";
    public BenefitProgramApp App { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("BP_TEST_RESULTS") ?? Path.Combine(FindRepoRoot(), ".local", "test-results"), "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: install it with 'apt-get install -y chromium' (infra/test.sh does).");
        }

        ConnectionString = await TestDatabase.CreateAsync("bp_ui");
        App = new BenefitProgramApp(ConnectionString);
        App.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres,
                SchemasToInclude = AppFixture.ModuleSchemas,
                TablesToIgnore = [new Table("__EFMigrationsHistory"), new Table("identity", "data_protection_keys")],
            });
        }

        Directory.CreateDirectory(ScreenshotFolder);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No network beyond loopback here: keep Chromium from phoning home.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    public async Task ResetAsync()
    {
        await DatabaseReset.ResetAsync(respawner!, ConnectionString);

        App.Clock.SetUtcNow(BenefitProgramApp.Start);
        await using var scope = App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    public async Task<string> CreatePartnerUserAsync(PartnerUserRole role)
    {
        var email = $"partner-{Guid.NewGuid():N}@example.com";
        await using var scope = App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
            .CreatePartnerUserAsync(Guid.NewGuid(), email, AppFixture.TestPassword, role, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        return email;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (ConnectionString.Length > 0)
        {
            await TestDatabase.DropAsync(ConnectionString);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BenefitProgram.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}

/// <summary>
/// Base of browser tests: a clean database, a fresh browser context (no cookies) in English, and
/// <see cref="ShotAsync"/> to save a screenshot per journey step.
/// </summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalFixture fixture) : IAsyncLifetime
{
    private int step;

    protected PortalFixture Fixture { get; } = fixture;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    protected virtual ViewportSize Viewport => new() { Width = 1280, Height = 800 };

    public async Task InitializeAsync()
    {
        await Fixture.ResetAsync();
        Context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl.ToString().TrimEnd('/'),
            Locale = "en-GB",
            ViewportSize = Viewport,
        });
        Context.SetDefaultTimeout(15_000);
        Page = await Context.NewPageAsync();
    }

    public async Task DisposeAsync() => await Context.CloseAsync();

    protected string Url(string path) => new Uri(Fixture.BaseUrl, path).ToString();

    /// <summary>Saves a full-page screenshot as screenshots/{Class}/{NN}-{name}.png and prints its path.</summary>
    protected async Task ShotAsync(string name, [System.Runtime.CompilerServices.CallerMemberName] string journey = "")
    {
        var folder = Path.Combine(PortalFixture.ScreenshotFolder, journey);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{++step:00}-{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Console.WriteLine($"screenshot: {path}");
    }

    protected async Task SignInAsync(string email, string password)
    {
        await Page.GetByLabel("E-mail").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
