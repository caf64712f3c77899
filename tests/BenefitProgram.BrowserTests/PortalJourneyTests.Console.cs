using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.IntegrationTests.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests;

/// <summary>The operator console: the morning dashboard against the report API, and the refund-claim queue.</summary>
public sealed partial class PortalJourneyTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// A year of generated member life stories, partners and redemptions (the reporting tests' generator) written into
    /// the module tables, then the reporting steps of the nights: month ends for the older months, every night of the
    /// dashboard's last 90 days.
    /// </summary>
    private async Task SeedReportsAsync()
    {
        var facts = ReportFacts.Generate(DemoIds.PlusKontoProgram, seed: 20261125, members: 300,
            from: new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero), to: new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        await facts.InsertAsync(Fixture.ConnectionString);
        var nights = new List<DateOnly>();
        for (var month = new DateOnly(2025, 9, 1); month < new DateOnly(2026, 8, 1); month = month.AddMonths(1))
        {
            nights.Add(month.AddMonths(1).AddDays(-1));
        }

        for (var night = new DateOnly(2026, 8, 20); night <= new DateOnly(2026, 11, 24); night = night.AddDays(1))
        {
            nights.Add(night);
        }

        try
        {
            foreach (var night in nights)
            {
                // The morning after the night, as the night runner would see it.
                Fixture.App.Clock.SetUtcNow(ReportFacts.Midnight(night.AddDays(1)).AddHours(3));
                await using var scope = Fixture.App.Services.CreateAsyncScope();
                foreach (var step in scope.ServiceProvider.GetServices<INightlyJob>().Where(j => j.Name.StartsWith("reporting:", StringComparison.Ordinal)).OrderBy(j => j.Order))
                {
                    await step.RunAsync(night, CancellationToken.None);
                }
            }
        }
        finally
        {
            Fixture.App.Clock.SetUtcNow(BenefitProgramApp.Start);
        }
    }

    private async Task<JsonElement> ApiJsonAsync(string path)
    {
        var response = await Page.APIRequest.GetAsync(path);
        Assert.True(response.Ok, $"{path}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static string Attr(string? value) => value ?? throw new InvalidOperationException("attribute missing");

    private static string CsvOf(string dataUri)
    {
        Assert.StartsWith("data:text/csv;charset=utf-8;base64,", dataUri, StringComparison.Ordinal);
        return Encoding.UTF8.GetString(Convert.FromBase64String(dataUri[(dataUri.IndexOf(',', StringComparison.Ordinal) + 1)..])).TrimStart('\uFEFF');
    }

    [Fact]
    public async Task Operator_opens_the_dashboard_and_the_churn_and_partner_revenue_charts_show_the_figures_of_the_report_api()
    {
        await SeedReportsAsync();
        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
        await Expect(Page.GetByTestId("report-dashboard")).ToBeVisibleAsync();
        await ShotAsync("dashboard");

        // Monthly churn: the chart is drawn, and its table holds every month of the API's answer with the same figures.
        var churnSection = Page.GetByTestId("report-churn");
        await Expect(churnSection.GetByRole(AriaRole.Heading, new() { Name = "Monthly churn" })).ToBeVisibleAsync();
        Assert.True(await churnSection.Locator("svg path").CountAsync() > 0, "the churn chart draws no lines");
        var churn = await ApiJsonAsync(Attr(await churnSection.GetAttributeAsync("data-source")));
        var churnRows = churnSection.Locator("[data-testid=table-churn] tbody tr");
        Assert.True(churn.GetArrayLength() >= 6, $"the report API gave {churn.GetArrayLength()} churn months");
        await Expect(churnRows).ToHaveCountAsync(churn.GetArrayLength());
        Assert.Contains(churn.EnumerateArray(), m => m.GetProperty("churned").GetInt64() > 0);
        foreach (var month in churn.EnumerateArray())
        {
            var row = churnSection.Locator($"[data-testid=table-churn] tbody tr[data-month='{month.GetProperty("month").GetString()}']");
            Assert.Equal(month.GetProperty("activeAtStart").GetInt64().ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-active"));
            Assert.Equal(month.GetProperty("churned").GetInt64().ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-churned"));
            var rate = month.GetProperty("churnRate").GetDouble();
            Assert.Equal(rate, double.Parse(Attr(await row.GetAttributeAsync("data-rate")), CultureInfo.InvariantCulture), 12);
            await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync((rate * 100).ToString("0.0", English) + " %");
            Assert.Equal(month.GetProperty("newCustomerChurnRate").GetDouble(), double.Parse(Attr(await row.GetAttributeAsync("data-new-rate")), CultureInfo.InvariantCulture), 12);
        }

        // Partner revenue of a closed month: the ranking holds every partner of the API's answer, highest referred revenue first.
        await Page.GotoAsync("/ops?month=2026-10");
        var partnerSection = Page.GetByTestId("report-partners");
        await Expect(partnerSection.GetByText("final statements")).ToBeVisibleAsync();
        Assert.True(await partnerSection.Locator("svg path").CountAsync() > 0, "the partner chart draws no bars");
        var partners = await ApiJsonAsync(Attr(await partnerSection.GetAttributeAsync("data-source")));
        Assert.Equal(3, partners.GetArrayLength());
        Assert.Contains(partners.EnumerateArray(), p => p.GetProperty("referredRevenueMinorUnits").GetInt64() > 0);
        var partnerRows = partnerSection.Locator("[data-testid=table-partners] tbody tr");
        await Expect(partnerRows).ToHaveCountAsync(partners.GetArrayLength());
        var shown = new List<long>();
        foreach (var partner in partners.EnumerateArray())
        {
            var name = partner.GetProperty("partnerName").GetString()!;
            var row = partnerSection.Locator("[data-testid=table-partners] tbody tr").Filter(new() { Has = Page.Locator($"td:text-is('{name}')") });
            await Expect(row).ToHaveCountAsync(1);
            Assert.Equal(partner.GetProperty("redemptions").GetInt64().ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-redemptions"));
            var revenue = partner.GetProperty("referredRevenueMinorUnits").GetInt64();
            Assert.Equal(revenue.ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-referred-revenue"));
            Assert.Equal(partner.GetProperty("netOwedMinorUnits").GetInt64().ToString(CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-net-owed"));
            await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync((revenue / 100m).ToString("N2", English) + " €");
        }

        for (var i = 0; i < partners.GetArrayLength(); i++)
        {
            shown.Add(long.Parse(Attr(await partnerRows.Nth(i).GetAttributeAsync("data-referred-revenue")), CultureInfo.InvariantCulture));
        }

        Assert.Equal(shown.OrderByDescending(x => x).ToList(), shown);

        // The CSV export of the ranking: the same rows, the partner called "=Taxi Schnell" escaped so no spreadsheet runs it.
        var csv = CsvOf(Attr(await partnerSection.GetByTestId("csv-partner-revenue").GetAttributeAsync("href")));
        Assert.StartsWith("rank,partner,month,redemptions,referredRevenue", csv, StringComparison.Ordinal);
        Assert.Contains(",'=Taxi Schnell,2026-10,", csv, StringComparison.Ordinal);
        Assert.Equal(partners.GetArrayLength() + 1, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        // The other charts render too (cohort heatmap cells carry their retention).
        Assert.True(await Page.Locator("[data-testid=table-cohorts] td[data-retention]").CountAsync() > 0, "no cohort cells");
        Assert.True(await Page.GetByTestId("report-mrr").Locator("svg path").CountAsync() > 0, "no MRR movement bars");
        Assert.True(await Page.GetByTestId("report-survival").Locator("svg path").CountAsync() > 0, "no survival curves");
        await ShotAsync("dashboard-october");

        await Page.GotoAsync("/culture/de?returnUrl=%2Fops%3Fmonth%3D2026-10");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Monatliche Kündigungsquote" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("report-partners")).ToContainTextAsync("Vermittelter Umsatz");
        await ShotAsync("dashboard-german");
    }

    [Fact]
    public async Task Operator_decides_a_refund_claim_in_the_queue()
    {
        await using (var scope = Fixture.App.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is 10 or 20).OrderBy(s => s.Order))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        // Anna claims her airport taxi in her own browser.
        await using var memberContext = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl.ToString().TrimEnd('/'), Locale = "en-GB" });
        var member = await memberContext.NewPageAsync();
        await member.GotoAsync("/signin");
        await member.GetByLabel("E-mail").FillAsync("anna.schmidt@example.com");
        await member.GetByLabel("Password").FillAsync("Demo-Member-2026");
        await member.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(member).ToHaveURLAsync(new Regex("/$"));
        await member.GotoAsync("/claims");
        await member.GetByLabel("Amount in EUR").FillAsync("38,50");
        await member.GetByLabel("Date of the trip").FillAsync("2026-11-15");
        await member.GetByLabel("Receipt (PDF, JPEG or PNG, at most 5 MB)").SetInputFilesAsync(new FilePayload
        {
            Name = "taxi.png",
            MimeType = "image/png",
            Buffer = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
        });
        await member.GetByRole(AriaRole.Button, new() { Name = "Submit claim" }).ClickAsync();
        await Expect(member.GetByTestId("claim-list")).ToContainTextAsync("Submitted, in review");

        // The operator finds it in the queue under Anna's name and the offer's title.
        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Refund claims" }).ClickAsync();
        var queue = Page.GetByTestId("claim-queue");
        await Expect(queue.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(queue).ToContainTextAsync("Anna Schmidt");
        await Expect(queue).ToContainTextAsync("Airport taxi refunded");
        await Expect(queue).ToContainTextAsync("38.50 €");
        var csv = CsvOf(Attr(await Page.GetByTestId("csv-refund-claims-InReview").GetAttributeAsync("href")));
        Assert.Contains("Anna Schmidt", csv, StringComparison.Ordinal);
        Assert.True(csv.Contains(",2026-11-15,38.50,,EUR,In review,", StringComparison.Ordinal), csv);
        await ShotAsync("claim-queue");

        await queue.GetByRole(AriaRole.Link, new() { Name = "Airport taxi refunded" }).ClickAsync();
        await Expect(Page.GetByTestId("claim-requested")).ToHaveTextAsync("38.50 €");
        await Expect(Page.GetByTestId("receipt-link")).ToHaveAttributeAsync("href", new Regex("^/api/v1/ops/rewards/claims/[0-9a-f-]+/receipt$"));

        // Field errors: the API refuses a decision without a reason; a partial approval needs an amount below the request.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(Page.Locator("#f-reason")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("form-problem")).ToContainTextAsync("Please check the highlighted fields.");
        await Page.GetByLabel("Reason for the member").FillAsync("Only the ride to the airport is covered.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve in part" }).ClickAsync();
        await Expect(Page.Locator("#f-approvedMinorUnits")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator("#f-reason")).ToHaveValueAsync("Only the ride to the airport is covered.");
        await ShotAsync("claim-needs-amount");

        await Page.GetByLabel("Approved amount (EUR)").FillAsync("20,00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve in part" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/ops/claims\\?decided=partly-approve$"));
        await Expect(Page.GetByTestId("decided")).ToContainTextAsync("partly approved");
        await Expect(Page.GetByTestId("claims-empty")).ToBeVisibleAsync();
        await ShotAsync("claim-decided");

        var decided = await ApiJsonAsync("/api/v1/ops/rewards/claims?status=PartlyApproved");
        var claim = Assert.Single(decided.EnumerateArray()).GetProperty("claim");
        Assert.Equal(2000, claim.GetProperty("approvedMinorUnits").GetInt64());
        Assert.Equal("Only the ride to the airport is covered.", claim.GetProperty("reason").GetString());
        await Page.GetByRole(AriaRole.Link, new() { Name = "Partly approved" }).ClickAsync();
        await Expect(Page.GetByTestId("claim-queue")).ToContainTextAsync("20.00 €");

        // Anna sees the decision.
        await member.ReloadAsync();
        await Expect(member.GetByTestId("claim-list")).ToContainTextAsync("Only the ride to the airport is covered.");
    }

    [Fact]
    public async Task Operator_finds_a_member_books_an_adjustment_and_prepares_a_payout_batch()
    {
        await using (var scope = Fixture.App.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is 10 or 20).OrderBy(s => s.Order))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await nav.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await Page.GetByLabel("Search").FillAsync("anna.schmidt");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(Page.GetByTestId("member-list").Locator("tbody tr")).ToHaveCountAsync(1);
        await ShotAsync("member-search");

        await Page.GetByTestId("member-list").GetByRole(AriaRole.Link, new() { Name = "Anna Schmidt" }).ClickAsync();
        await Expect(Page.GetByTestId("member-name")).ToHaveTextAsync("Anna Schmidt");
        Assert.True(await Page.GetByTestId("member-history").Locator("tbody tr").CountAsync() > 0, "no life-cycle history");

        // Field errors: no amount (checked here), then no reason (the API's ProblemDetails).
        await Page.GetByRole(AriaRole.Button, new() { Name = "Book adjustment" }).ClickAsync();
        await Expect(Page.Locator("#f-adjust-amount")).ToHaveAttributeAsync("aria-invalid", "true");
        await Page.GetByLabel("Amount (EUR)").FillAsync("12,50");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Book adjustment" }).ClickAsync();
        await Expect(Page.Locator("#f-adjust-reason")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("adjustment-needs-reason");

        await Page.Locator("#f-adjust-reason").FillAsync("Goodwill for a late refund");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Book adjustment" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("The adjustment was booked.");
        await Expect(Page.GetByTestId("member-ledger")).ToContainTextAsync("Goodwill for a late refund");
        await Expect(Page.GetByTestId("balances").Locator("tr[data-currency='EUR']")).ToHaveAttributeAsync("data-available", "1250");
        var ledgerCsv = CsvOf(Attr(await Page.GetByTestId("csv-member-ledger").GetAttributeAsync("href")));
        Assert.Contains(",12.50,EUR,Adjustment: Goodwill for a late refund", ledgerCsv, StringComparison.Ordinal);
        await ShotAsync("adjustment-booked");

        await nav.GetByRole(AriaRole.Link, new() { Name = "Payouts" }).ClickAsync();
        await Page.GetByLabel("Month").FillAsync("2026-13");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Prepare batch" }).ClickAsync();
        await Expect(Page.Locator("#f-periodKey")).ToHaveAttributeAsync("aria-invalid", "true");
        await Page.GetByLabel("Month").FillAsync("2026-10");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Prepare batch" }).ClickAsync();
        await Expect(Page.GetByTestId("batch-title")).ToContainTextAsync("Oct 2026");
        await Expect(Page.GetByTestId("download-pain")).ToHaveAttributeAsync("href", new Regex("^/api/v1/ops/rewards/payout-batches/[0-9a-f-]+/export$"));
        await ShotAsync("payout-batch");
        await nav.GetByRole(AriaRole.Link, new() { Name = "Payouts" }).ClickAsync();
        await Expect(Page.GetByTestId("batch-list")).ToContainTextAsync("Oct 2026");

        await nav.GetByRole(AriaRole.Link, new() { Name = "Partners" }).ClickAsync();
        await Expect(Page.GetByTestId("partner-list")).ToContainTextAsync("Sonnenschein Reisen");
        await ShotAsync("partners");
        await nav.GetByRole(AriaRole.Link, new() { Name = "Plans" }).ClickAsync();
        await Expect(Page.GetByTestId("plan-list")).ToContainTextAsync("Premium");
        await ShotAsync("plans");
    }
}
