using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenefitProgram.Catalog.Demo;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests.PartnerPortal;

/// <summary>
/// The partner portal pages of issue #7 with the demo partners (Catalog's seeder) and members: coupon-code upload with
/// its row report, purchases upload with its figures, statements and the revenue page against the API's figures, the
/// partner's own program branding, and a phone-width look at the revenue page.
/// </summary>
public sealed class PartnerPortalJourneyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private async Task SeedPartnersAndMembersAsync()
    {
        await using var scope = Fixture.App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is > 0 and <= 20).OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    private async Task SignInAsPartnerAsync(string email)
    {
        await Page.GotoAsync("/signin");
        await SignInAsync(email, CatalogDemoIds.PartnerPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/partner$"));
    }

    private ILocator Nav(string name) =>
        Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static FilePayload File(string name, string mimeType, params string[] lines) => new()
    {
        Name = name,
        MimeType = mimeType,
        Buffer = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"),
    };

    private async Task<JsonElement> ApiAsync(string path)
    {
        var response = await Context.APIRequest.GetAsync(path);
        Assert.True(response.Ok, $"{path}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static string Money(long minor) => (minor / 100m).ToString("N2", English) + " EUR";

    [Fact]
    public async Task Partner_uploads_coupon_codes_with_a_bad_row_and_the_report_names_it()
    {
        await SeedPartnersAndMembersAsync();
        await SignInAsPartnerAsync(CatalogDemoIds.CinemaAdminEmail);

        // The partner sees the branding of its program (PlusKonto), not a default one.
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("PlusKonto der Regionalbank");
        await Page.GotoAsync("/partner?program=stadtwerke"); // a program the cinema does not take part in
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("PlusKonto der Regionalbank");
        Assert.DoesNotContain("Stadtwerke", await Page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        await Nav("Coupon codes").ClickAsync();
        var pools = Page.GetByTestId("pool-list");
        await Expect(pools).ToContainTextAsync("2-for-1 cinema tickets");
        var poolBefore = await ApiAsync("/api/v1/partner/offers");
        var offerId = poolBefore.EnumerateArray().Single(o => o.GetProperty("content").GetProperty("kind").GetString() == "Coupon").GetProperty("id").GetGuid();
        var before = (await ApiAsync($"/api/v1/partner/offers/{offerId}/codes")).GetProperty("total").GetInt64();
        await ShotAsync("pools");

        // No offer chosen: the field says so.
        await Page.GetByLabel("File with codes (CSV or text)").SetInputFilesAsync(File("codes.txt", "text/plain", "KINO-NEW-0001"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        await Expect(Page.Locator("#f-offerId")).ToHaveAttributeAsync("aria-invalid", "true");

        await Page.GetByLabel("Code pool of the offer").SelectOptionAsync(new SelectOptionValue { Label = "2-for-1 cinema tickets" });
        await Page.GetByLabel("File with codes (CSV or text)").SetInputFilesAsync(File("codes.txt", "text/plain",
            "KINO-NEW-0001", "KINO-NEW-0002", "=HYPERLINK(\"http://evil\")", "KINO-NEW-0003"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        var errors = Page.GetByTestId("upload-errors");
        await Expect(errors.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(errors.Locator("tbody tr td").Nth(0)).ToHaveTextAsync("3");
        await Expect(errors.Locator("tbody tr td").Nth(1)).ToHaveTextAsync("code");
        await Expect(errors.Locator("tbody tr td").Nth(2)).ToContainTextAsync("formula");
        await Expect(Page.GetByTestId("codes-summary")).ToContainTextAsync("Nothing was imported");
        await Expect(Page.GetByTestId("codes-lines")).ToHaveTextAsync("4");
        Assert.Equal(before, (await ApiAsync($"/api/v1/partner/offers/{offerId}/codes")).GetProperty("total").GetInt64());
        await ShotAsync("bad-row-named");

        await Page.GetByLabel("Code pool of the offer").SelectOptionAsync(new SelectOptionValue { Label = "2-for-1 cinema tickets" });
        await Page.GetByLabel("File with codes (CSV or text)").SetInputFilesAsync(File("codes.csv", "text/csv", "code", "KINO-NEW-0001", "KINO-NEW-0002", "KINO-NEW-0003"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        await Expect(Page.GetByTestId("codes-summary")).ToContainTextAsync("Codes imported into the pool of 2-for-1 cinema tickets: 3");
        var after = await ApiAsync($"/api/v1/partner/offers/{offerId}/codes");
        Assert.Equal(before + 3, after.GetProperty("total").GetInt64());
        await Expect(pools.Locator("tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync(after.GetProperty("total").GetInt64().ToString("N0", English));
        await ShotAsync("imported");

        // The company profile: the API's field error for an empty category list shows at the list; then it saves.
        await Nav("Company").ClickAsync();
        await Page.GetByLabel("Leisure", new() { Exact = true }).UncheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(Page.Locator("#categories-error")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("form-problem")).ToContainTextAsync("check the highlighted fields");
        await ShotAsync("profile-field-error");
        await Page.GetByLabel("Culture", new() { Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("The profile was saved.");
        Assert.Equal(["culture"], (await ApiAsync("/api/v1/partner/profile")).GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        // Users: a too short first password is named at its field; a good one adds an editor who can sign in.
        await Nav("Users").ClickAsync();
        var colleague = $"kasse-{Guid.NewGuid():N}@partner.example";
        await Page.GetByLabel("E-mail").FillAsync(colleague);
        await Page.GetByLabel("First password").FillAsync("short");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Expect(Page.Locator("#f-password")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("user-field-error");
        await Page.GetByLabel("First password").FillAsync("Kasse-Passwort-2026");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync(colleague);
        var row = Page.GetByTestId("user-row").Filter(new() { HasText = colleague });
        await Expect(row).ToContainTextAsync("can sign in");

        // Deactivated, the colleague cannot sign in; reactivated, they can.
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Deactivate {colleague}" }).ClickAsync();
        await Expect(row).ToContainTextAsync("deactivated");
        await ShotAsync("user-deactivated");
        var refused = await Context.APIRequest.PostAsync("/api/v1/auth/signin", new() { DataObject = new { email = colleague, password = "Kasse-Passwort-2026" } });
        Assert.Equal(403, refused.Status);
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Reactivate {colleague}" }).ClickAsync();
        await Expect(row).ToContainTextAsync("can sign in");
        var signIn = await Context.APIRequest.PostAsync("/api/v1/auth/signin", new() { DataObject = new { email = colleague, password = "Kasse-Passwort-2026" } });
        Assert.True(signIn.Ok, $"the new user cannot sign in: {signIn.Status}");
    }

    [Fact]
    public async Task Partner_uploads_purchases_and_finds_them_in_the_statement_and_the_revenue_chart()
    {
        await SeedPartnersAndMembersAsync();
        string memberNumber;
        Guid offerId;
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var member = new NpgsqlCommand("SELECT member_number FROM members.members WHERE email = 'anna.schmidt@example.com'", connection);
            memberNumber = (string)(await member.ExecuteScalarAsync())!;
            await using var offer = new NpgsqlCommand("SELECT id FROM catalog.offers WHERE partner_id = @p AND kind = 'Cashback'", connection);
            offer.Parameters.AddWithValue("p", CatalogDemoIds.TravelAgency);
            offerId = (Guid)(await offer.ExecuteScalarAsync())!;
        }

        await SignInAsPartnerAsync(CatalogDemoIds.TravelAdminEmail);
        await Nav("Purchases").ClickAsync();
        await Expect(Page.GetByTestId("no-purchases")).ToBeVisibleAsync();
        await Page.GetByLabel("CSV file").SetInputFilesAsync(File("purchases.csv", "text/csv",
            "order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date",
            $"R-1001,,{memberNumber},{offerId},1500.00,EUR,2026-11-20T10:00:00Z,",
            $"R-1002,,{memberNumber},{offerId},800.00,EUR,2026-11-21T10:00:00Z,",
            $"R-1001,,{memberNumber},{offerId},1500.00,EUR,2026-11-20T10:00:00Z,",
            $"R-1003,,{memberNumber},{offerId},lots,EUR,2026-11-21T10:00:00Z,"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload purchases" }).ClickAsync();
        await Expect(Page.GetByTestId("purchases-rows")).ToHaveTextAsync("4");
        await Expect(Page.GetByTestId("purchases-recorded")).ToHaveTextAsync("2");
        await Expect(Page.GetByTestId("purchases-duplicates")).ToHaveTextAsync("1");
        await Expect(Page.GetByTestId("purchases-rejected")).ToHaveTextAsync("1");
        await Expect(Page.GetByTestId("purchases-declined")).ToHaveTextAsync("0");
        var rejected = Page.GetByTestId("purchase-lines").Locator("tbody tr", new() { HasText = "R-1003" });
        await Expect(rejected).ToContainTextAsync("Rejected");
        await Expect(rejected.Locator("td").Nth(0)).ToHaveTextAsync("4");
        await Expect(rejected).ToContainTextAsync("not a number");
        await Expect(Page.GetByTestId("purchase-list").Locator("tbody tr")).ToHaveCountAsync(2);
        await ShotAsync("purchases-report");

        // The night after November closes the month: the statement is made.
        Fixture.App.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        try
        {
            var runs = await Fixture.App.Services.GetRequiredService<INightRunner>().RunNightAsync(new DateOnly(2026, 11, 30), CancellationToken.None);
            Assert.All(runs, r => Assert.Null(r.Error));
        }
        finally
        {
            Fixture.App.Clock.SetUtcNow(BenefitProgramApp.Start);
        }

        var statement = await ApiAsync($"/api/v1/partner/statements/2026-11?programId={DemoIds.PlusKontoProgram}");
        var revenue = statement.GetProperty("referredRevenueMinorUnits").GetInt64();
        var commission = statement.GetProperty("commissionMinorUnits").GetInt64();
        var funded = statement.GetProperty("cashbackPartnerFundedMinorUnits").GetInt64();
        var net = statement.GetProperty("netOwedMinorUnits").GetInt64();
        Assert.Equal(150_000 + 80_000, revenue); // the two recorded purchases; the duplicate counts once
        Assert.Equal(230_000 * 800 / 10_000, commission); // 8 % commission in the travel agency's contract
        Assert.True(funded > 0, "the travel agency funds its cashback");
        Assert.Equal(commission + funded + statement.GetProperty("redemptionFeesMinorUnits").GetInt64(), net);

        await Nav("Statements").ClickAsync();
        var november = Page.GetByTestId("statement-list").Locator("tbody tr[data-month='2026-11']");
        await Expect(november.Locator("th")).ToHaveTextAsync("November 2026");
        await Expect(november.GetByTestId("statement-revenue")).ToHaveTextAsync(Money(revenue));
        await Expect(november.GetByTestId("statement-commission")).ToHaveTextAsync(Money(commission));
        await Expect(november.GetByTestId("statement-net")).ToHaveTextAsync(Money(net));
        await Expect(Page.GetByTestId("statement-total-net")).ToHaveTextAsync(Money(net));
        var csv = await Context.APIRequest.GetAsync(await november.GetByRole(AriaRole.Link, new() { Name = "CSV November 2026" }).GetAttributeAsync("href") ?? "");
        Assert.True(csv.Ok);
        Assert.Contains("text/csv", csv.Headers["content-type"], StringComparison.Ordinal);
        await ShotAsync("statements");

        await november.GetByRole(AriaRole.Link, new() { Name = "Print November 2026" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Monthly statement November 2026", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("statement").GetByTestId("statement-net")).ToHaveTextAsync(Money(net));
        await ShotAsync("printable-statement");
        await Page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(Page.Locator(".portal-header")).ToBeHiddenAsync();
        await ShotAsync("printable-statement-print-media");
        await Page.EmulateMediaAsync(new() { Media = Media.Screen });

        await Nav("Revenue").ClickAsync();
        var chart = Page.GetByTestId("revenue-money-chart");
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        Assert.True(await chart.Locator("svg rect, svg path").CountAsync() > 0, "the chart draws nothing");
        await Expect(Page.GetByTestId("revenue-redemption-chart").GetByTestId("no-redemptions")).ToBeVisibleAsync(); // purchases only
        var row = Page.GetByTestId("revenue-table").Locator("tbody tr[data-month='2026-11']");
        Assert.Equal(revenue.ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-referred-revenue"));
        Assert.Equal(commission.ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-commission"));
        Assert.Equal(funded.ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-cashback-funded"));
        Assert.Equal(net.ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-net-owed"));
        await Expect(row).ToContainTextAsync(Money(revenue));
        await Expect(Page.GetByTestId("csv-revenue")).ToHaveAttributeAsync("download", "revenue.csv");
        await ShotAsync("revenue");

        // German, then a phone: the page keeps to the screen's width.
        await Page.GetByTestId("lang-de").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Umsatz", Level = 1 })).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync((revenue / 100m).ToString("N2", CultureInfo.GetCultureInfo("de")) + " EUR");
        await Page.SetViewportSizeAsync(390, 844);
        await Page.ReloadAsync();
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await ShotAsync("revenue-phone-de");
    }
}
