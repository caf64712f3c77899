using System.Text.RegularExpressions;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BenefitProgram.BrowserTests;

/// <summary>Journeys through the three portals in headless Chromium; every step leaves a screenshot.</summary>
public sealed partial class PortalJourneyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private ILocator Header => Page.Locator("header.portal-header");

    private Task<string> HeaderBackgroundAsync() =>
        Header.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    [Fact]
    public async Task Operator_signs_in_sees_the_program_fixes_an_invalid_colour_and_sees_the_new_name()
    {
        await Page.GotoAsync("/ops");
        await Expect(Page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fops$"));
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("PlusKonto der Regionalbank");
        await ShotAsync("sign-in");

        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("PlusKonto der Regionalbank");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "PlusKonto der Regionalbank", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal("rgb(0, 82, 155)", await HeaderBackgroundAsync()); // #00529B
        await ShotAsync("console");

        await Page.GetByLabel("Primary colour").FillAsync("dark blue");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save branding" }).ClickAsync();
        await Expect(Page.GetByText("Use a colour like #003366.")).ToBeVisibleAsync();
        await Expect(Page.Locator("#f-primaryColor")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator("#f-primaryColor")).ToHaveValueAsync("dark blue");
        await Expect(Page.GetByTestId("form-problem")).ToContainTextAsync("Please check the highlighted fields.");
        await ShotAsync("invalid-colour");

        await Page.GetByLabel("Program name").FillAsync("PlusKonto Premium");
        await Page.GetByLabel("Primary colour").FillAsync("#8B1E3F");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save branding" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/ops\\?saved=true$"));
        await Expect(Page.GetByTestId("saved")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("PlusKonto Premium");
        Assert.Equal("rgb(139, 30, 63)", await HeaderBackgroundAsync());
        await ShotAsync("saved");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Expect(Page.GetByTestId("hangfire-link")).ToHaveAttributeAsync("href", "/ops/hangfire");
        await ShotAsync("jobs");
    }

    [Fact]
    public async Task Partner_admin_creates_an_api_key_and_sees_it_only_once()
    {
        var email = await Fixture.CreatePartnerUserAsync(PartnerUserRole.Admin);
        await Page.GotoAsync("/signin");
        await SignInAsync(email, AppFixture.TestPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/partner$"));
        await ShotAsync("partner-home");

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Expect(Page.GetByText("No keys yet.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(Page.Locator("#f-name")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync("empty-name");

        await Page.GetByLabel("Name").FillAsync("Till system");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = Page.GetByTestId("new-key-value");
        await Expect(key).ToHaveTextAsync(new Regex("^bpk_"));
        var plain = await key.TextContentAsync();
        await Expect(Page.GetByTestId("key-list")).ToContainTextAsync("Till system");
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(Page.Locator(".portal-copy-status")).ToHaveTextAsync("Copied");
        await ShotAsync("key-created");

        await Page.GotoAsync("/partner/api-keys");
        await Expect(Page.GetByTestId("key-list")).ToContainTextAsync("Till system");
        await Expect(Page.GetByTestId("new-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(plain!, await Page.ContentAsync(), StringComparison.Ordinal);
        await ShotAsync("key-listed");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Revoke: Till system" }).ClickAsync();
        await Expect(Page.GetByTestId("key-list")).ToContainTextAsync("Revoked");
        await ShotAsync("key-revoked");
    }

    [Fact]
    public async Task A_partner_user_opening_the_operator_console_is_refused()
    {
        var email = await Fixture.CreatePartnerUserAsync(PartnerUserRole.Editor);
        await Page.GotoAsync("/signin");
        await SignInAsync(email, AppFixture.TestPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/partner$"));

        var response = await Page.GotoAsync("/ops");
        await Expect(Page).ToHaveURLAsync(new Regex("/denied"));
        await Expect(Page.GetByTestId("access-denied")).ToContainTextAsync("Your account may not open this area.");
        await Expect(Page.GetByTestId("console-title")).ToHaveCountAsync(0);
        await Expect(Header).ToContainTextAsync("Partner portal");
        await ShotAsync("ops-denied");

        await Page.GotoAsync("/partner/api-keys"); // editors may not manage keys either
        await Expect(Page).ToHaveURLAsync(new Regex("/denied"));
        Assert.NotNull(response);
    }

    [Fact]
    public async Task An_anonymous_visitor_opening_the_operator_console_is_sent_to_sign_in()
    {
        await Page.GotoAsync("/ops/jobs");
        await Expect(Page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fops%2Fjobs$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to your account" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("Operator console")).ToBeVisibleAsync();
        await ShotAsync("sent-to-sign-in");

        await SignInAsync(DemoIds.OperatorEmail, "wrong password!");
        await Expect(Page.GetByTestId("form-problem")).ToContainTextAsync("E-mail or password is wrong.");
        await ShotAsync("wrong-password");

        await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops/jobs$"));
    }

    [Fact]
    public async Task The_language_switch_changes_the_ui_language()
    {
        await Page.GotoAsync("/signin");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to your account" })).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "Deutsch" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/signin$"));
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Bei Ihrem Konto anmelden" })).ToBeVisibleAsync();
        await ShotAsync("german");

        await Page.GetByLabel("E-Mail").FillAsync(DemoIds.OperatorEmail);
        await Page.GetByLabel("Passwort").FillAsync(DemoIds.OperatorPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Markenauftritt speichern" })).ToBeVisibleAsync();
        await Page.GetByLabel("Hauptfarbe").FillAsync("blau");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Markenauftritt speichern" }).ClickAsync();
        await Expect(Page.GetByText("Verwenden Sie eine Farbe wie #003366.")).ToBeVisibleAsync();
        await ShotAsync("german-console");

        await Page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Save branding" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_operator_sees_only_the_own_program_whatever_the_url_asks_for()
    {
        await Page.GotoAsync("/signin?program=pluskonto");
        await SignInAsync("operator@stadtwerke.example", DemoIds.OperatorPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/ops$"));
        await Page.GotoAsync("/ops?program=pluskonto");
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("Stadtwerke Vorteilswelt");
        Assert.DoesNotContain("PlusKonto", await Page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("rgb(46, 125, 50)", await HeaderBackgroundAsync()); // #2E7D32
        await ShotAsync("other-program-console");
    }
}

/// <summary>The member portal on a phone-sized screen.</summary>
public sealed class MemberPortalOnAPhoneTests(PortalFixture fixture) : PortalTest(fixture)
{
    protected override ViewportSize Viewport => new() { Width = 390, Height = 844 };

    [Fact]
    public async Task A_member_signs_in_on_a_phone_and_sees_the_own_program_without_sideways_scrolling()
    {
        await Page.GotoAsync("/?program=stadtwerke");
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("Stadtwerke Vorteilswelt");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Stadtwerke Vorteilswelt", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await ShotAsync("landing");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("Stadtwerke Vorteilswelt"); // remembered
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await ShotAsync("sign-in-skip-link");

        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = Fixture.App.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<IUserAccounts>()
                .CreateMemberAsync(DemoIds.OtherProgram, Guid.NewGuid(), email, AppFixture.TestPassword, CancellationToken.None);
            Assert.True(created.Succeeded);
        }

        await SignInAsync(email, AppFixture.TestPassword);
        await Expect(Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(Page.GetByTestId("member-home")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("program-name")).ToHaveTextAsync("Stadtwerke Vorteilswelt");
        await ShotAsync("member-home");

        await Page.GotoAsync("/partner");
        await Expect(Page).ToHaveURLAsync(new Regex("/denied"));
    }
}
