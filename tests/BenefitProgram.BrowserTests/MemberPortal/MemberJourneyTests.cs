using System.Text.RegularExpressions;
using BenefitProgram.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests.MemberPortal;

/// <summary>
/// Member journeys on a phone-sized screen against the demo data: the Members (plans, Anna on Premium) and Catalog
/// (partners, live offers, cinema coupon codes) demo seeders run before each test.
/// </summary>
public sealed class MemberJourneyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private const string AnnaEmail = "anna.schmidt@example.com";
    private const string AnnaPassword = "Demo-Member-2026";

    // A 1×1 PNG: the smallest receipt the claim rules accept.
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    protected override ViewportSize Viewport => new() { Width = 390, Height = 844 };

    private ILocator Nav => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private async Task SeedDemoAsync()
    {
        await using var scope = Fixture.App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is 10 or 20).OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    private async Task<bool> NoSidewaysScrollingAsync() =>
        await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    [Fact]
    public async Task Member_searches_redeems_a_coupon_claims_a_taxi_refund_and_sees_the_benefit_statement_before_cancelling()
    {
        await SeedDemoAsync();
        await Page.GotoAsync("/signin");
        await SignInAsync(AnnaEmail, AnnaPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(Page.GetByTestId("offer-results")).ToBeVisibleAsync();
        await ShotAsync("offers");

        await Page.GetByLabel("Search offers").FillAsync("Reise");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("q=Reise"));
        var travel = Page.GetByTestId("offer-card").Filter(new() { HasText = "Sonnenschein Reisen" });
        await Expect(travel).ToHaveCountAsync(1);
        Assert.True(await NoSidewaysScrollingAsync(), "the search page scrolls sideways");
        await ShotAsync("search-reise");

        await travel.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("cashback on package holidays");
        await Expect(Page.GetByTestId("offer-terms")).ToContainTextAsync("30-day");
        await Expect(Page.GetByTestId("go-to-shop")).ToHaveAttributeAsync("href", new Regex("^/api/v1/me/offers/[0-9a-f-]+/go$"));
        await ShotAsync("travel-offer");

        await Page.GotoAsync("/");
        await Page.GetByLabel("Kind").SelectOptionAsync("Coupon");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var cinema = Page.GetByTestId("offer-card").Filter(new() { HasText = "2-for-1 cinema tickets" });
        await Expect(cinema).ToHaveCountAsync(1);
        await cinema.ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Get the coupon code" }).ClickAsync();
        await Expect(Page.GetByTestId("coupon-code")).ToHaveTextAsync(new Regex("^\\S{4,}$"));
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(Page.Locator(".portal-copy-status")).ToHaveTextAsync("Copied");
        await ShotAsync("coupon-code");

        await Nav.GetByRole(AriaRole.Link, new() { Name = "My cashback" }).ClickAsync();
        var balances = Page.GetByTestId("balances");
        await Expect(balances).ToContainTextAsync("Pending");
        await Expect(balances).ToContainTextAsync("Available");
        await Expect(balances).ToContainTextAsync("Paid");
        await ShotAsync("cashback");

        await Nav.GetByRole(AriaRole.Link, new() { Name = "Refund claims" }).ClickAsync();
        await Expect(Page.GetByText("No claims yet.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit claim" }).ClickAsync();
        await Expect(Page.Locator("#f-amountMinorUnits")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("claim-empty");

        await Page.GetByLabel("Amount in EUR").FillAsync("38,50");
        await Page.GetByLabel("Date of the trip").FillAsync("2026-11-15");
        await Page.GetByLabel("Receipt (PDF, JPEG or PNG, at most 5 MB)").SetInputFilesAsync(new FilePayload { Name = "taxi.png", MimeType = "image/png", Buffer = TinyPng });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit claim" }).ClickAsync();
        await Expect(Page.GetByTestId("claim-submitted")).ToBeVisibleAsync();
        var claims = Page.GetByTestId("claim-list");
        await Expect(claims).ToContainTextAsync("Airport taxi refunded");
        await Expect(claims).ToContainTextAsync("Submitted, in review");
        await Expect(claims).ToContainTextAsync("38.50");
        await ShotAsync("claim-submitted");

        await Nav.GetByRole(AriaRole.Link, new() { Name = "My membership" }).ClickAsync();
        await Expect(Page.GetByTestId("membership-facts")).ToContainTextAsync("Premium");
        var statement = Page.GetByTestId("benefit-statement");
        await Expect(statement).ToBeVisibleAsync();
        await Expect(statement).ToContainTextAsync("You paid in fees");
        await Expect(statement).ToContainTextAsync("You got back");
        var cancel = Page.GetByRole(AriaRole.Button, new() { Name = "Cancel membership" });
        Assert.True(await statement.EvaluateAsync<bool>("(s, b) => !!(s.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)", await cancel.ElementHandleAsync()),
            "the benefit statement must come before the cancel button");
        Assert.True(await NoSidewaysScrollingAsync(), "the membership page scrolls sideways");
        await ShotAsync("membership");

        await cancel.ClickAsync();
        await Expect(Page.Locator("#f-reason")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("benefit-statement")).ToBeVisibleAsync();
        await Page.GetByLabel("Why do you want to cancel?").SelectOptionAsync("too-expensive");
        await Page.GetByLabel("Anything else you want to tell us? (optional)").FillAsync("Zu teuer für mich.");
        await cancel.ClickAsync();
        await Expect(Page.GetByTestId("done")).ToContainTextAsync("Your membership was cancelled");
        await Expect(Page.GetByTestId("membership-facts")).ToContainTextAsync("Cancelled");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Keep my membership" })).ToBeVisibleAsync();
        await ShotAsync("cancelled");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Deutsch" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Meine Mitgliedschaft", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Mitgliedschaft behalten" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Hauptnavigation" }).GetByRole(AriaRole.Link, new() { Name = "Erstattungen" }).ClickAsync();
        await Expect(Page.GetByTestId("claim-list")).ToContainTextAsync("Eingereicht, in Prüfung");
        await ShotAsync("german-claims");
    }

    [Fact]
    public async Task A_visitor_sees_the_plans_joins_after_fixing_a_field_and_registers_a_key_tag()
    {
        await SeedDemoAsync();
        await Page.GotoAsync("/");
        var plans = Page.GetByTestId("plans");
        await Expect(plans).ToContainTextAsync("6.90");
        await Expect(plans).ToContainTextAsync("12.90");
        Assert.True(await NoSidewaysScrollingAsync(), "the landing page scrolls sideways");
        await ShotAsync("landing-plans");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Choose: Plus" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/signup\\?plan=plus$"));
        await Page.GetByLabel("First name").FillAsync("Jana");
        await Page.GetByLabel("Last name").FillAsync("Berger");
        await Page.GetByLabel("E-mail").FillAsync("jana.berger");
        await Page.GetByLabel("Password").FillAsync("Ein-sicheres-Passwort-1");
        await Page.GetByLabel("I accept the terms of membership").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(Page.Locator("#f-email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByText("Enter a valid e-mail address like name@example.com.")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("First name")).ToHaveValueAsync("Jana");
        await ShotAsync("signup-invalid-email");

        await Page.GetByLabel("E-mail").FillAsync("jana.berger@example.com");
        await Page.GetByLabel("Password").FillAsync("Ein-sicheres-Passwort-1");
        await Page.GetByLabel("I accept the terms of membership").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/signin"));
        await SignInAsync("jana.berger@example.com", "Ein-sicheres-Passwort-1");
        await Expect(Page.GetByTestId("member-home")).ToBeVisibleAsync();

        await Nav.GetByRole(AriaRole.Link, new() { Name = "Key tags" }).ClickAsync();
        await Page.GetByLabel("Code on the tag").FillAsync("KF-1234-5678");
        await Page.GetByLabel("Label").FillAsync("House keys");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Register key tag" }).ClickAsync();
        await Expect(Page.GetByTestId("key-tags")).ToContainTextAsync("House keys");
        await Expect(Page.GetByTestId("key-tags")).ToContainTextAsync("KF-1234-5678");
        await ShotAsync("key-tag");

        await Nav.GetByRole(AriaRole.Link, new() { Name = "My membership" }).ClickAsync();
        await Expect(Page.GetByTestId("membership-facts")).ToContainTextAsync("Plus");
        await ShotAsync("new-member-membership");
    }
}
