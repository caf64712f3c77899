using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenefitProgram.Catalog.Demo;
using BenefitProgram.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests.OpsConsole;

/// <summary>
/// The operator console pages of issue #7 with the demo partners and members: partner contract and cooperation barometer,
/// the audit log after a support action, the baseline import, the plan editor, e-mails and webhooks.
/// </summary>
public sealed class OpsConsoleJourneyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private async Task SeedAsync()
    {
        await using var scope = Fixture.App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is > 0 and <= 20).OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    private async Task SignInAsOperatorAsync()
    {
        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
    }

    private ILocator Nav => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private async Task<JsonElement> ApiJsonAsync(string path)
    {
        var response = await Page.APIRequest.GetAsync(path);
        Assert.True(response.Ok, $"{path}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static string CsvOf(string? dataUri)
    {
        Assert.NotNull(dataUri);
        return Encoding.UTF8.GetString(Convert.FromBase64String(dataUri[(dataUri.IndexOf(',', StringComparison.Ordinal) + 1)..])).TrimStart('\uFEFF');
    }

    [Fact]
    public async Task Operator_edits_a_partner_contract_with_field_errors_and_fills_the_barometer_questionnaire()
    {
        await SeedAsync();
        await SignInAsOperatorAsync();
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Partners" }).ClickAsync();
        await Page.GetByTestId("partner-list").GetByRole(AriaRole.Link, new() { Name = "TicketWelt" }).ClickAsync();
        await Expect(Page.GetByTestId("partner-name")).ToHaveTextAsync("TicketWelt");
        await Expect(Page.Locator("#f-commission")).ToHaveValueAsync("5");
        await ShotAsync("partner-detail");

        // An invalid commission (150 %): the API's ProblemDetails marks the field; the other values stay as typed.
        await Page.Locator("#f-commission").FillAsync("150");
        await Page.Locator("#f-fee").FillAsync("0,40");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save contract" }).ClickAsync();
        await Expect(Page.Locator("#f-commission")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("contract-form")).ToContainTextAsync("A percentage between 0 and 100.");
        await Expect(Page.GetByTestId("form-problem")).ToContainTextAsync("Please check the highlighted fields.");
        await Expect(Page.Locator("#f-fee")).ToHaveValueAsync("0,40");
        await ShotAsync("contract-invalid");
        var unchanged = await ApiJsonAsync($"/api/v1/ops/partners/{CatalogDemoIds.TicketShop}");
        Assert.Equal(500, unchanged.GetProperty("terms").GetProperty("commissionRateBasisPoints").GetInt32());

        // A valid one is saved, with the cooperation model and the partner's share.
        await Page.Locator("#f-commission").FillAsync("3,5");
        await Page.Locator("#f-model").SelectOptionAsync("CoBranding");
        await Page.Locator("#f-share").FillAsync("40");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save contract" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("The contract terms were saved.");
        await Expect(Page.Locator("#f-commission")).ToHaveValueAsync("3.5");
        var saved = await ApiJsonAsync($"/api/v1/ops/partners/{CatalogDemoIds.TicketShop}");
        Assert.Equal("CoBranding", saved.GetProperty("cooperationModel").GetString());
        Assert.Equal(350, saved.GetProperty("terms").GetProperty("commissionRateBasisPoints").GetInt32());
        Assert.Equal(40, saved.GetProperty("terms").GetProperty("feePerRedemptionMinorUnits").GetInt64());
        Assert.Equal(4000, saved.GetProperty("terms").GetProperty("partnerShareBasisPoints").GetInt32());

        // The barometer: unanswered questions are field errors; the filled questionnaire shows its levels at once.
        await Expect(Page.GetByTestId("assessments-empty")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save questionnaire" }).ClickAsync();
        await Expect(Page.Locator("#f-contractAndRolesClear")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator("#f-sharedGoalsAgreed")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("barometer-unanswered");
        await Page.GetByLabel("The contract and the roles are clear (Structure)").SelectOptionAsync("4");
        await Page.GetByLabel("The shared processes work (Structure)").SelectOptionAsync("5");
        await Page.GetByLabel("The data exchange works (Structure)").SelectOptionAsync("5");
        await Page.GetByLabel("The teams trust each other (Social)").SelectOptionAsync("2");
        await Page.GetByLabel("Communication is regular (Social)").SelectOptionAsync("2");
        await Page.GetByLabel("Shared goals are agreed (Social)").SelectOptionAsync("3");
        await Page.Locator("#f-barometer-comment").FillAsync("Annual review");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save questionnaire" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("The questionnaire was saved.");
        var newest = Page.GetByTestId("barometer-assessments").Locator("tbody tr").First;
        await Expect(newest).ToHaveAttributeAsync("data-structure", "5");
        await Expect(newest).ToHaveAttributeAsync("data-social", "2");
        await Expect(newest).ToContainTextAsync("Annual review");
        await Expect(newest).ToContainTextAsync(DemoIds.OperatorEmail); // a name, not "user:{id}"
        var csv = CsvOf(await Page.GetByTestId("csv-barometer-questionnaires").GetAttributeAsync("href"));
        Assert.Contains(",5,2,4,5,5,2,2,3,Annual review", csv, StringComparison.Ordinal);
        await ShotAsync("barometer-saved");

        await Page.GotoAsync($"/culture/de?returnUrl=%2Fops%2Fpartners%2F{CatalogDemoIds.TicketShop}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Kooperationsbarometer" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Vertragsbedingungen" })).ToBeVisibleAsync();
        await ShotAsync("partner-detail-german");
    }

    [Fact]
    public async Task Operator_finds_a_support_action_in_the_audit_log_under_the_members_name()
    {
        await SeedAsync();
        await SignInAsOperatorAsync();
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await Page.GetByLabel("Search").FillAsync("anna.schmidt");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Page.GetByTestId("member-list").GetByRole(AriaRole.Link, new() { Name = "Anna Schmidt" }).ClickAsync();
        await Page.Locator("#f-cancel-reason").SelectOptionAsync("too-expensive");
        await Page.Locator("#f-cancel-comment").FillAsync("Asked by phone");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel membership" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("The membership was cancelled.");
        await Expect(Page.GetByTestId("member-audit")).ToContainTextAsync("Membership cancelled on behalf");

        await Nav.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var list = Page.GetByTestId("audit-list");
        var row = list.Locator("tbody tr[data-action='membership-cancelled']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Anna Schmidt");
        await Expect(row).ToContainTextAsync("Membership cancelled on behalf");
        await Expect(row).ToContainTextAsync(DemoIds.OperatorEmail);
        await Expect(row).ToContainTextAsync("It is too expensive – Asked by phone");
        await Expect(row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Anna Schmidt") })).ToHaveAttributeAsync("href", new Regex("^/ops/members/[0-9a-f-]+$"));
        await ShotAsync("audit-log");

        // Filtered by action and day; the CSV holds the rows shown, with the name.
        await Page.Locator("#action").SelectOptionAsync("membership-cancelled");
        var today = BenefitProgram.IntegrationTests.Infrastructure.BenefitProgramApp.Start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Page.Locator("#from").FillAsync(today);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("action=membership-cancelled"));
        await Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);
        var csv = CsvOf(await Page.GetByTestId("csv-audit-log").GetAttributeAsync("href"));
        Assert.StartsWith("at,actor,action,memberName,memberNumber,detail", csv, StringComparison.Ordinal);
        Assert.Contains($",{DemoIds.OperatorEmail},membership-cancelled,Anna Schmidt,", csv, StringComparison.Ordinal);
        await ShotAsync("audit-log-filtered");
    }

    [Fact]
    public async Task Operator_imports_the_customer_baseline_edits_a_plan_and_reads_the_mail_and_webhook_logs()
    {
        await SeedAsync();
        await SignInAsOperatorAsync();

        // Baseline: a row with a part larger than its whole is refused with the API's reason, then a good file is imported.
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Baseline" }).ClickAsync();
        await Expect(Page.GetByTestId("baseline-empty")).ToBeVisibleAsync();
        const string header = "month,totalCustomers,totalCancellations,nonMemberCustomers,nonMemberCancellations,newCustomers,newCustomerCancellations";
        await Page.GetByLabel("… or paste the rows").FillAsync($"{header}\n2025-01,1000,20,1200,30,100,5");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Expect(Page.GetByTestId("baseline-error")).ToContainTextAsync("larger than its whole");
        await Expect(Page.Locator("#baseline-text")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("baseline-refused");
        await Page.Locator("#baseline-file").SetInputFilesAsync(new FilePayload
        {
            Name = "baseline.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"{header}\r\n2025-01,1000,20,900,18,100,5\r\n2025-02,1010,22,905,20,90,4\r\n"),
        });
        await Page.Locator("#baseline-text").FillAsync("");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Expect(Page.GetByTestId("baseline-imported")).ToContainTextAsync("2 months imported.");
        await Expect(Page.GetByTestId("baseline-months").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(Page.Locator("tr[data-month='2025-02']")).ToContainTextAsync("1,010");
        var baseline = await ApiJsonAsync("/api/v1/ops/reports/baseline");
        Assert.Equal(2, baseline.GetArrayLength());
        await ShotAsync("baseline-imported");

        // Plan editor: a bad trial and a negative price are field errors; a good price makes a new version.
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Plans" }).ClickAsync();
        await Page.GetByTestId("plan-list").GetByRole(AriaRole.Link, new() { Name = "Edit: Premium" }).ClickAsync();
        await Expect(Page.GetByTestId("plan-title")).ToHaveTextAsync("Premium");
        await Page.GetByLabel("Trial days").FillAsync("many");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();
        await Expect(Page.Locator("#f-trialDays")).ToHaveAttributeAsync("aria-invalid", "true");
        await Page.GetByLabel("Trial days").FillAsync("14");
        await Page.Locator("#f-price").FillAsync("-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();
        await Expect(Page.Locator("#f-price")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator("#f-trialDays")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("plan-invalid");
        await Page.Locator("#f-price").FillAsync("12,99");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();
        await Expect(Page.GetByTestId("plan-saved")).ToContainTextAsync("premium");
        var premium = (await ApiJsonAsync("/api/v1/ops/plans")).EnumerateArray().Single(p => p.GetProperty("code").GetString() == "premium");
        Assert.Equal(1299, premium.GetProperty("priceMinorUnits").GetInt64());
        Assert.Equal(14, premium.GetProperty("trialDays").GetInt32());
        Assert.Equal(2, premium.GetProperty("version").GetInt32());
        await ShotAsync("plans-saved");

        // The read-only logs render (the seeded program has no mails or webhooks yet: their empty states).
        await Nav.GetByRole(AriaRole.Link, new() { Name = "E-mails" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Notification log" })).ToBeVisibleAsync();
        await ShotAsync("notifications");
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks", Exact = true })).ToBeVisibleAsync();
        await ShotAsync("webhooks");
    }
}

/// <summary>The console on a phone (390 px): pages must not scroll sideways as a whole; wide tables scroll in their own box.</summary>
public sealed class OpsConsolePhoneTests(PortalFixture fixture) : PortalTest(fixture)
{
    protected override ViewportSize Viewport => new() { Width = 390, Height = 844 };

    [Fact]
    public async Task Console_pages_fit_a_phone_screen()
    {
        await using (var scope = Fixture.App.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is > 0 and <= 20).OrderBy(s => s.Order))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
        foreach (var (path, name) in new[]
        {
            ($"/ops/partners/{CatalogDemoIds.TicketShop}", "partner-detail"), ("/ops/audit", "audit-log"), ("/ops/partners", "partners"),
            ("/ops/baseline", "baseline"), ("/ops/members", "members"),
        })
        {
            await Page.GotoAsync(path);
            await Expect(Page.Locator("h1")).ToBeVisibleAsync();
            await ShotAsync(name);
            var width = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width} px wide on a 390 px screen");
        }
    }
}
