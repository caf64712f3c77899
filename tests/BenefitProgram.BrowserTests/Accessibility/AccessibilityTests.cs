using System.Text;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BenefitProgram.BrowserTests.Accessibility;

/// <summary>
/// Runs axe-core (Deque's rules engine, the same one browser extensions use) over every page of the three areas with
/// the demo data, in English and German and at phone and desktop widths, against the WCAG 2.0/2.1 A and AA rules.
/// A serious or critical violation fails the test with the page, the rule and the offending element; minor and
/// moderate ones are written to the figures. Automated rules find a part of the problems only (keyboard order and
/// screen-reader wording still need a person), see docs/adr/0012-portal-technology.md.
/// </summary>
public sealed class AccessibilityTests(PortalFixture fixture) : PortalTest(fixture)
{
    private static readonly AxeRunOptions Wcag = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        ResultTypes = [ResultType.Violations],
    };

    private async Task SeedDemoAsync()
    {
        await using var scope = Fixture.App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order is > 0 and <= 20).OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    private async Task<IBrowserContext> ContextAsync(string locale, int width, string? email, string? password)
    {
        var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl.ToString().TrimEnd('/'),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        if (email is not null)
        {
            var response = await context.APIRequest.PostAsync("/api/v1/auth/signin", new() { DataObject = new { email, password } });
            Assert.True(response.Ok, $"sign-in of {email}: {response.Status}");
        }

        return context;
    }

    [Fact]
    public async Task Every_portal_page_passes_the_automated_wcag_a_and_aa_rules()
    {
        await SeedDemoAsync();
        var areas = new (string Area, string? Email, string? Password, int Width, string[] Paths)[]
        {
            ("anonymous", null, null, 390, ["/signin", "/signup"]),
            ("member", "anna.schmidt@example.com", "Demo-Member-2026", 390, ["/", "/?q=Reise", "{offer}", "/cashback", "/claims", "/key-tags", "/membership"]),
            ("partner", "reisen@partner.example", "Demo-Partner-2026", 1280,
                ["/partner", "/partner/offers", "/partner/offers/new", "/partner/offers/upload", "/partner/redemptions", "/partner/till", "/partner/api-keys",
                 "/partner/codes", "/partner/purchases", "/partner/statements", "/partner/revenue", "/partner/users", "/partner/profile"]),
            ("operator", "operator@pluskonto.example", "Demo-Operator-2026", 1280,
                ["/ops", "/ops/offers", "/ops/claims", "/ops/members", "{member}", "/ops/partners", "{partner}", "/ops/plans", "/ops/plans/plus",
                 "/ops/payouts", "/ops/jobs", "/ops/audit", "/ops/baseline", "/ops/notifications", "/ops/webhooks"]),
        };

        var serious = new StringBuilder();
        int pages = 0, seriousCount = 0, lesser = 0;
        var lesserRules = new SortedSet<string>();
        foreach (var locale in new[] { "en-GB", "de-DE" })
        {
            foreach (var (area, email, password, width, paths) in areas)
            {
                var context = await ContextAsync(locale, width, email, password);
                try
                {
                    var page = await context.NewPageAsync();
                    foreach (var template in paths)
                    {
                        var path = await ResolveAsync(page, template);
                        var response = await page.GotoAsync(path);
                        Assert.True(response is { Ok: true }, $"{area} {path}: HTTP {response?.Status}");
                        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                        var result = await page.RunAxe(Wcag);
                        pages++;
                        foreach (var violation in result.Violations)
                        {
                            if (violation.Impact is "serious" or "critical")
                            {
                                seriousCount++;
                                serious.AppendLine($"{locale} {area} {path}: {violation.Id} ({violation.Impact}) {violation.Help}");
                                foreach (var node in violation.Nodes.Take(3))
                                {
                                    serious.AppendLine($"    {node.Html}");
                                }
                            }
                            else
                            {
                                lesser++;
                                lesserRules.Add(violation.Id);
                            }
                        }
                    }
                }
                finally
                {
                    await context.CloseAsync();
                }
            }
        }

        TestFigures.Record($"accessibility (axe-core {typeof(AxeResult).Assembly.GetName().Version}, WCAG 2.1 A/AA rules): {pages} page views in English and German, "
            + $"{seriousCount} serious or critical violations, {lesser} minor or moderate ({string.Join(", ", lesserRules)})");
        Assert.True(seriousCount == 0, "serious or critical accessibility violations:\n" + serious);
    }

    [Fact]
    public async Task A_member_signs_in_and_reaches_the_offers_with_the_keyboard_only()
    {
        await SeedDemoAsync();
        await Page.GotoAsync("/signin");

        // The first Tab shows the skip link; Enter moves the focus to the page's main content.
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await Page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        Assert.True(await Page.Locator(".skip-link").IsVisibleAsync(), "the focused skip link is not visible");
        await Page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await Page.EvaluateAsync<string>("() => document.activeElement.id"));

        var email = await TabUntilAsync("input[autocomplete='username'], input[type='email']");
        Assert.True(await HasVisibleFocusRingAsync(), "the focused e-mail field shows no focus ring");
        await ShotAsync("email-focused");
        await Page.Keyboard.TypeAsync("anna.schmidt@example.com");
        await TabUntilAsync("input[type='password']");
        await Page.Keyboard.TypeAsync("Demo-Member-2026");
        await Page.Keyboard.PressAsync("Enter");
        await Microsoft.Playwright.Assertions.Expect(Page.GetByTestId("offer-results")).ToBeVisibleAsync();
        Assert.True(email <= 4, $"the e-mail field needed {email} Tab presses after the skip link");

        // The first offer opens with Enter from the keyboard.
        await TabUntilAsync("[data-testid='offer-card']", limit: 40);
        Assert.True(await HasVisibleFocusRingAsync(), "the focused offer card shows no focus ring");
        await ShotAsync("offer-card-focused");
        await Page.Keyboard.PressAsync("Enter");
        await Microsoft.Playwright.Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/offers/[0-9a-f-]+$"));
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>; returns the number of presses.</summary>
    private async Task<int> TabUntilAsync(string selector, int limit = 15)
    {
        for (var presses = 1; presses <= limit; presses++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await Page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return presses;
            }
        }

        throw new Xunit.Sdk.XunitException($"{limit} Tab presses never reached {selector}");
    }

    private async Task<bool> HasVisibleFocusRingAsync() =>
        await Page.EvaluateAsync<bool>("""
            () => {
              const ring = e => {
                if (!e) return false;
                const s = getComputedStyle(e);
                return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
              };
              const e = document.activeElement;
              return ring(e) || ring(e.closest('.mud-input'));
            }
            """);

    /// <summary>"{offer}" is the first offer a member finds, "{member}" and "{partner}" the first an operator finds.</summary>
    private static async Task<string> ResolveAsync(IPage page, string template)
    {
        switch (template)
        {
            case "{offer}":
                await page.GotoAsync("/");
                return await page.GetByTestId("offer-card").First.GetAttributeAsync("href")
                    ?? throw new InvalidOperationException("no offer link on the member's home page");
            case "{member}":
                await page.GotoAsync("/ops/members");
                return await page.Locator("a[href^='/ops/members/']").First.GetAttributeAsync("href")
                    ?? throw new InvalidOperationException("no member link in the operator's member list");
            case "{partner}":
                await page.GotoAsync("/ops/partners");
                return await page.Locator("a[href^='/ops/partners/']").First.GetAttributeAsync("href")
                    ?? throw new InvalidOperationException("no partner link in the operator's partner list");
            default:
                return template;
        }
    }
}
