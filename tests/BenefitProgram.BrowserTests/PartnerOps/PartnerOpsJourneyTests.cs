using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenefitProgram.Catalog.Demo;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests.PartnerOps;

/// <summary>
/// The partner portal and the operator console with the demo partners (Catalog's seeder) and members (Members'
/// seeder): offers from CSV to live, the review queue, the till, and the partner/operator boundaries.
/// </summary>
public sealed class PartnerOpsJourneyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private const string MemberEmail = "anna.schmidt@example.com";
    private const string MemberPassword = "Demo-Member-2026";

    private static string Header => "kind;category;title_de;title_en;description_de;description_en;valid_from;plans;discount_percent";

    private string Today => BenefitProgramApp.Start.UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string ValidRow => $"discount;travel;Zehn Prozent auf Ferienhäuser;Ten percent off holiday homes;Rabatt an der Kasse im Reisebüro;Discount at the travel agency counter;{Today};plus|premium;10";

    private async Task SeedPartnersAndMembersAsync()
    {
        await using var scope = Fixture.App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is > 0 and <= 20).OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    private async Task<IBrowserContext> NewContextAsync() =>
        await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl.ToString().TrimEnd('/'),
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    /// <summary>Signs the context in through the API (its cookie jar keeps bp.auth).</summary>
    private static async Task ApiSignInAsync(IBrowserContext context, string email, string password)
    {
        var response = await context.APIRequest.PostAsync("/api/v1/auth/signin", new() { DataObject = new { email, password } });
        Assert.True(response.Ok, $"sign-in of {email}: {response.Status} {await response.TextAsync()}");
    }

    private static async Task<JsonElement> JsonAsync(IAPIResponse response)
    {
        Assert.True(response.Ok, $"{response.Url}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static FilePayload Csv(params string[] lines) => new()
    {
        Name = "offers.csv",
        MimeType = "text/csv",
        Buffer = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"),
    };

    [Fact]
    public async Task Partner_uploads_offers_csv_with_a_broken_row_submits_the_valid_offer_and_the_operator_approves_it()
    {
        await SeedPartnersAndMembersAsync();
        await Page.GotoAsync("/signin");
        await SignInAsync(CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/partner$"));

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Offers" }).ClickAsync();
        await Expect(Page.GetByTestId("offer-list")).ToContainTextAsync("5 % cashback on package holidays");
        await ShotAsync("offers");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Upload offers (CSV)" }).ClickAsync();
        await Page.GetByLabel("CSV file").SetInputFilesAsync(Csv(Header, ValidRow,
            $"discount;moon-travel;Kaputt;Broken;Beschreibung;Description;{Today};plus;10"));
        await Expect(Page.GetByLabel("Only check the file (dry run)")).ToBeCheckedAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        var errors = Page.GetByTestId("upload-errors");
        await Expect(errors.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(errors.Locator("tbody tr td").Nth(0)).ToHaveTextAsync("3");
        await Expect(errors.Locator("tbody tr td").Nth(1)).ToHaveTextAsync("category");
        await Expect(Page.GetByTestId("upload-summary")).ToContainTextAsync("nothing was created");
        await ShotAsync("dry-run-report");

        await Page.GetByLabel("CSV file").SetInputFilesAsync(Csv(Header, ValidRow));
        await Page.GetByLabel("Only check the file (dry run)").UncheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("upload-summary")).ToContainTextAsync("1 draft offers created");
        await ShotAsync("uploaded");

        await Page.GetByTestId("created-offers").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("offer-title")).ToHaveTextAsync("Ten percent off holiday homes");
        await Expect(Page.GetByTestId("offer-status")).ToHaveTextAsync("Draft");
        await Expect(Page.Locator("#f-title\\.en")).ToHaveValueAsync("Ten percent off holiday homes");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("submitted for review");
        await Expect(Page.GetByTestId("offer-status")).ToHaveTextAsync("Submitted");
        await ShotAsync("submitted");
        var offerId = new Regex("/partner/offers/([0-9a-f-]{36})").Match(Page.Url).Groups[1].Value;

        // The operator, in a browser of its own.
        await using var opsContext = await NewContextAsync();
        var ops = await opsContext.NewPageAsync();
        await ops.GotoAsync("/signin");
        await ops.GetByLabel("E-mail").FillAsync(DemoIds.OperatorEmail);
        await ops.GetByLabel("Password").FillAsync(DemoIds.OperatorPassword);
        await ops.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(ops).ToHaveURLAsync(new Regex("/ops$"));
        await ops.GetByRole(AriaRole.Link, new() { Name = "Offer review" }).ClickAsync();
        await Expect(ops.GetByTestId("review-queue")).ToContainTextAsync("Ten percent off holiday homes");
        await ops.ScreenshotAsync(new() { Path = ShotPath("ops-queue"), FullPage = true });

        await ops.GetByRole(AriaRole.Link, new() { Name = "Ten percent off holiday homes" }).ClickAsync();
        await ops.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(ops.Locator("#f-comment")).ToHaveAttributeAsync("aria-invalid", "true");
        await ops.ScreenshotAsync(new() { Path = ShotPath("ops-reject-needs-comment"), FullPage = true });
        await ops.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(ops.GetByTestId("decided")).ToContainTextAsync("approved");
        await Expect(ops.GetByTestId("queue-empty")).ToBeVisibleAsync();
        await ops.ScreenshotAsync(new() { Path = ShotPath("ops-approved"), FullPage = true });

        // Members find it now.
        await using var memberContext = await NewContextAsync();
        await ApiSignInAsync(memberContext, MemberEmail, MemberPassword);
        var found = await JsonAsync(await memberContext.APIRequest.GetAsync("/api/v1/me/offers?q=holiday%20homes"));
        Assert.Contains(found.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetString() == offerId);

        await Page.ReloadAsync();
        await Expect(Page.GetByTestId("offer-status")).ToHaveTextAsync("Live");
        await ShotAsync("live");
    }

    [Fact]
    public async Task The_operator_rejects_with_a_comment_and_the_partner_sees_it()
    {
        await SeedPartnersAndMembersAsync();
        await using var partner = await NewContextAsync();
        await ApiSignInAsync(partner, CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        var offerId = await CreateAndSubmitAsync(partner);

        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Page.GotoAsync($"/ops/offers/{offerId}");
        await Page.GetByLabel("Comment for the partner").FillAsync("Please name the holiday regions in the description.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(Page.GetByTestId("decided")).ToContainTextAsync("rejected");
        await ShotAsync("rejected");

        var partnerPage = await partner.NewPageAsync();
        await partnerPage.GotoAsync($"/partner/offers/{offerId}");
        await Expect(partnerPage.GetByTestId("offer-status")).ToHaveTextAsync("Rejected");
        await Expect(partnerPage.GetByTestId("rejection-comment")).ToContainTextAsync("Please name the holiday regions in the description.");
        await partnerPage.ScreenshotAsync(new() { Path = ShotPath("partner-sees-comment"), FullPage = true });

        // A field error from the API under its field.
        await partnerPage.Locator("#f-title\\.en").FillAsync("");
        await partnerPage.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(partnerPage.Locator("#f-title\\.en")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(partnerPage.GetByTestId("form-problem")).ToContainTextAsync("Please check the highlighted fields.");
        await partnerPage.ScreenshotAsync(new() { Path = ShotPath("partner-field-error"), FullPage = true });
    }

    [Fact]
    public async Task A_partner_user_is_refused_operator_pages_and_another_partners_offer()
    {
        await SeedPartnersAndMembersAsync();
        await using var other = await NewContextAsync();
        await ApiSignInAsync(other, CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        var othersOffer = (await JsonAsync(await other.APIRequest.GetAsync("/api/v1/partner/offers")))[0].GetProperty("id").GetString();

        await Page.GotoAsync("/signin");
        await SignInAsync(CatalogDemoIds.TicketAdminEmail, CatalogDemoIds.PartnerPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/partner$"));

        await Page.GotoAsync("/ops/offers");
        await Expect(Page).ToHaveURLAsync(new Regex("/denied"));
        await Expect(Page.GetByTestId("review-queue")).ToHaveCountAsync(0);
        await ShotAsync("ops-denied");

        await Page.GotoAsync($"/partner/offers/{othersOffer}");
        await Expect(Page.GetByTestId("offer-not-found")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("offer-form")).ToHaveCountAsync(0);
        Assert.DoesNotContain("package holidays", await Page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync("other-partners-offer-refused");
    }

    [Fact]
    public async Task The_till_verifies_a_pass_once_and_refuses_it_the_second_time()
    {
        await SeedPartnersAndMembersAsync();
        await using var partner = await NewContextAsync();
        await ApiSignInAsync(partner, CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        var offerId = await CreateAndSubmitAsync(partner);
        await using var operatorContext = await NewContextAsync();
        await ApiSignInAsync(operatorContext, DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await JsonAsync(await operatorContext.APIRequest.PostAsync($"/api/v1/ops/offers/{offerId}/approve"));
        await using var member = await NewContextAsync();
        await ApiSignInAsync(member, MemberEmail, MemberPassword);
        var redemption = await JsonAsync(await member.APIRequest.PostAsync($"/api/v1/me/offers/{offerId}/redeem"));
        var shortCode = redemption.GetProperty("pass").GetProperty("shortCode").GetString()!;

        await Page.GotoAsync("/signin");
        await SignInAsync(CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Till" }).ClickAsync();
        await Page.GetByLabel("Pass code").FillAsync("NOPE-NOPE");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify pass" }).ClickAsync();
        await Expect(Page.GetByTestId("till-refused")).ToContainTextAsync("No pass of yours has this code.");
        await ShotAsync("unknown-code");

        await Page.GetByLabel("Pass code").FillAsync(shortCode);
        await Page.GetByLabel("Purchase amount (optional)").FillAsync("42.50");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify pass" }).ClickAsync();
        await Expect(Page.GetByTestId("till-ok")).ToContainTextAsync("Valid: give the discount.");
        await Expect(Page.GetByTestId("till-refused")).ToHaveCountAsync(0);
        await ShotAsync("verified");

        await Page.GetByLabel("Pass code").FillAsync(shortCode);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify pass" }).ClickAsync();
        await Expect(Page.GetByTestId("till-refused")).ToContainTextAsync("This pass was already used.");
        await Expect(Page.GetByTestId("till-ok")).ToHaveCountAsync(0);
        await ShotAsync("refused-second-time");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Redemptions" }).ClickAsync();
        await Expect(Page.GetByTestId("redemption-list")).ToContainTextAsync("42.50");
        await ShotAsync("redemptions");
    }

    [Fact]
    public async Task The_operator_sees_member_counts_by_status_and_the_job_runs()
    {
        await SeedPartnersAndMembersAsync();
        await Page.GotoAsync("/signin");
        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
        await Expect(Page.GetByTestId("member-status-counts")).ToContainTextAsync("Active");
        await Expect(Page.GetByTestId("dashboard").Locator("svg").First).ToBeVisibleAsync();
        await ShotAsync("dashboard");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Expect(Page.GetByTestId("hangfire-link")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("job-runs").Or(Page.GetByTestId("no-runs"))).ToBeVisibleAsync();
        await ShotAsync("jobs");
    }

    /// <summary>A nationwide 10 % discount of the travel agency, created and submitted through the partner API.</summary>
    private async Task<string> CreateAndSubmitAsync(IBrowserContext partner)
    {
        var from = BenefitProgramApp.Start.AddDays(-1);
        var created = await JsonAsync(await partner.APIRequest.PostAsync($"/api/v1/partner/programs/{DemoIds.PlusKontoProgram}/offers", new()
        {
            DataObject = new
            {
                kind = "Discount",
                category = "travel",
                title = new { de = "Zehn Prozent auf Ferienhäuser", en = "Ten percent off holiday homes" },
                description = new { de = "Rabatt an der Kasse", en = "Discount at the counter" },
                validFrom = from,
                eligiblePlans = new[] { "plus", "premium" },
                currency = "EUR",
                discount = new { percentBasisPoints = 1000 },
            },
        }));
        var id = created.GetProperty("id").GetString()!;
        await JsonAsync(await partner.APIRequest.PostAsync($"/api/v1/partner/offers/{id}/submit"));
        return id;
    }

    private string ShotPath(string name, [System.Runtime.CompilerServices.CallerMemberName] string journey = "")
    {
        var folder = Path.Combine(PortalFixture.ScreenshotFolder, journey);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{name}.png");
    }
}
