using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Catalog.Demo;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class SearchTests(CatalogFixture fixture, ITestOutputHelper output) : CatalogTest(fixture)
{
    private static async Task<List<string>> TitlesAsync(HttpClient member, string query)
    {
        var response = await member.GetAsync("/api/v1/me/offers" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetProperty("de").GetString()!).ToList();
    }

    private static async Task<long> TotalAsync(HttpClient member, string query) =>
        (await member.GetFromJsonAsync<JsonElement>("/api/v1/me/offers" + query)).GetProperty("total").GetInt64();

    [Fact]
    public async Task German_stems_find_German_offers_and_English_words_find_English_ones()
    {
        var partner = await CreatePartnerAsync("Sonnenschein GmbH");
        await CreateLiveOfferAsync(partner, OfferBody("Cashback", "Rückvergütung für jede Reise", "Cashback on every trip", "Pauschalreisen ans Meer und in die Berge.", "Package holidays to the sea and the mountains.", "travel"));
        await CreateLiveOfferAsync(partner, OfferBody("Coupon", "Kinogutschein", "Cinema coupon", "Zwei Karten zum Preis von einer.", "Two tickets for the price of one."));
        var member = await Fixture.MemberAsync(Guid.NewGuid());

        Assert.Equal(["Rückvergütung für jede Reise"], await TitlesAsync(member, "?q=Reisen"));
        Assert.Equal(["Rückvergütung für jede Reise"], await TitlesAsync(member, "?q=holiday"));
        Assert.Equal(["Rückvergütung für jede Reise"], await TitlesAsync(member, "?q=Pauschalreise"));
        Assert.Equal(["Kinogutschein"], await TitlesAsync(member, "?q=Karte"));
        Assert.Equal(2, (await TitlesAsync(member, "?q=Sonnenschein")).Count); // the partner's name
        Assert.Empty(await TitlesAsync(member, "?q=Versicherung"));
    }

    [Fact]
    public async Task Search_never_returns_offers_outside_the_members_plan_region_validity_or_program()
    {
        var partner = await CreatePartnerAsync("Gasthaus-Gruppe");
        var ops = await Fixture.OperatorAsync();
        var start = BenefitProgramApp.Start;
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant national", "Restaurant national", category: "gastronomy"));
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant München", "Restaurant Munich", category: "gastronomy", regions: ["80", "81"]));
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant Hamburg", "Restaurant Hamburg", category: "gastronomy", regions: ["20"]));
        await CreateLiveOfferAsync(partner, OfferBody("Refund", "Taxi nur Premium", "Taxi premium only", category: "mobility", plans: ["premium"]));
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant abgelaufen", "Restaurant expired", category: "gastronomy", validFrom: start.AddDays(-30), validUntil: start.AddDays(-1)));
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant zukünftig", "Restaurant future", category: "gastronomy", validFrom: start.AddDays(5)));
        await CreateDraftAsync(partner, OfferBody("Discount", "Restaurant Entwurf", "Restaurant draft", category: "gastronomy"));
        var paused = await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant pausiert", "Restaurant paused", category: "gastronomy"));
        Assert.Equal(HttpStatusCode.OK, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{paused}/pause", null)).StatusCode);

        // The same partner in the other program, with an offer there.
        var otherOps = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(HttpStatusCode.OK, (await otherOps.PostAsync($"/api/v1/ops/partners/{partner.Id}/programs", null)).StatusCode);
        await CreateLiveOfferAsync(partner, OfferBody("Discount", "Restaurant Stadtwerke", "Restaurant other program", category: "gastronomy"), otherOps, DemoIds.OtherProgram);

        var munich = Guid.NewGuid();
        SetMember(munich, "plus", "80331");
        Assert.Equal(["Restaurant München", "Restaurant national"], (await TitlesAsync(await Fixture.MemberAsync(munich), "?q=Restaurant")).Order());

        var premiumNoPostal = Guid.NewGuid();
        SetMember(premiumNoPostal, "premium", null);
        Assert.Equal(["Restaurant national", "Taxi nur Premium"], (await TitlesAsync(await Fixture.MemberAsync(premiumNoPostal), "")).Order());

        var basis = Guid.NewGuid();
        SetMember(basis, "basis", "80331");
        Assert.Empty(await TitlesAsync(await Fixture.MemberAsync(basis), ""));

        var lapsed = Guid.NewGuid();
        SetMember(lapsed, "plus", "80331", goodStanding: false);
        Assert.Empty(await TitlesAsync(await Fixture.MemberAsync(lapsed), ""));

        var otherProgramMember = Guid.NewGuid();
        Assert.Equal(["Restaurant Stadtwerke"], await TitlesAsync(await Fixture.MemberAsync(otherProgramMember, DemoIds.OtherProgram), ""));

        // Filters: region by postal code, category, kind, partner.
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        Assert.Equal(["Restaurant Hamburg", "Restaurant national"], (await TitlesAsync(member, "?postalCode=20095")).Order());
        Assert.Empty(await TitlesAsync(member, "?category=travel"));
        Assert.Empty(await TitlesAsync(member, "?kind=Coupon"));
        Assert.Single(await TitlesAsync(member, $"?partnerId={partner.Id}"));
    }

    [Fact]
    public async Task Offers_whose_limit_the_member_used_up_or_whose_stock_is_gone_disappear_from_search()
    {
        var partner = await CreatePartnerAsync("Kinopalast");
        var once = await CreateLiveOfferAsync(partner, OfferBody("Coupon", "Einmal-Gutschein", "One-time coupon", limit: new { count = 1, period = "Lifetime" }));
        await UploadCodesAsync(partner.Admin, once, "A1\nA2\nA3");
        var scarce = await CreateLiveOfferAsync(partner, OfferBody("Discount", "Knapper Rabatt", "Scarce discount", category: "gastronomy", stock: 1));
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        Assert.Equal(2, (await TitlesAsync(member, "")).Count);

        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{once}/redeem", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{scarce}/redeem", null)).StatusCode);

        Assert.Empty(await TitlesAsync(member, ""));
        Assert.Equal(["Einmal-Gutschein"], await TitlesAsync(await Fixture.MemberAsync(Guid.NewGuid()), ""));
        // The total of a browse (no words) is the member-independent count minus the member's used-up offers among it;
        // with words the matches are counted directly. Both leave out what this member may no longer redeem.
        Assert.Equal(0, await TotalAsync(member, ""));
        Assert.Equal(0, await TotalAsync(member, "?q=Gutschein"));
        Assert.Equal(1, await TotalAsync(await Fixture.MemberAsync(Guid.NewGuid()), ""));
        Assert.Equal(1, await TotalAsync(await Fixture.MemberAsync(Guid.NewGuid()), "?q=Gutschein"));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/v1/me/offers/{once}")).StatusCode);
    }

    [Fact]
    public async Task A_browse_total_is_kept_for_its_lifetime_while_the_items_stay_current()
    {
        // Tests run with the kept total switched off (each test resets the database under the same host); on here.
        var configuration = App.Services.GetRequiredService<IConfiguration>();
        configuration["Catalog:Search:BrowseTotalSeconds"] = "600";
        try
        {
            var partner = await CreatePartnerAsync("Kinopalast");
            await CreateLiveOfferAsync(partner, OfferBody("Coupon", "Erster Gutschein", "First coupon"));
            var member = await Fixture.MemberAsync(Guid.NewGuid());
            Assert.Equal(1, await TotalAsync(member, "?pageSize=1"));

            await CreateLiveOfferAsync(partner, OfferBody("Coupon", "Zweiter Gutschein", "Second coupon"));
            Assert.Equal(2, (await TitlesAsync(member, "?pageSize=5")).Count); // the items at once
            Assert.Equal(1, await TotalAsync(member, "?pageSize=1"));          // the kept total until its lifetime ends
            Assert.Equal(2, await TotalAsync(member, "?q=Gutschein"));        // a search with words counts every time

            App.Clock.Advance(TimeSpan.FromSeconds(601));
            Assert.Equal(2, await TotalAsync(member, "?pageSize=1"));
        }
        finally
        {
            configuration["Catalog:Search:BrowseTotalSeconds"] = "0";
        }
    }

    [Fact]
    public async Task Sorting_by_cashback_uses_the_members_plan_rate_and_paging_counts_all_hits()
    {
        var partner = await CreatePartnerAsync("Shops");
        for (var i = 1; i <= 5; i++)
        {
            var body = (Dictionary<string, object?>)OfferBody("Cashback", $"Shop {i}", $"Shop {i}", category: "shopping");
            body["cashback"] = new { rateBasisPoints = i * 100, minPurchaseMinorUnits = 0, returnWindowDays = 14, rateBasisPointsByPlan = i == 1 ? new Dictionary<string, int> { ["premium"] = 900 } : null };
            await CreateLiveOfferAsync(partner, body);
        }

        var premium = Guid.NewGuid();
        SetMember(premium, "premium");
        var response = await (await Fixture.MemberAsync(premium)).GetFromJsonAsync<JsonElement>("/api/v1/me/offers?sort=Cashback&pageSize=2&page=1");
        Assert.Equal(5, response.GetProperty("total").GetInt64());
        Assert.Equal(["Shop 1", "Shop 5"], response.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetProperty("de").GetString()).ToList());
        Assert.Equal(900, response.GetProperty("items")[0].GetProperty("cashbackRateBasisPoints").GetInt32());
    }

    [Fact]
    public async Task Demo_seed_is_searchable_and_idempotent_and_search_latency_is_measured()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order > 0).OrderBy(s => s.Order))
            {
                await seeder.SeedAsync(CancellationToken.None);
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        var munich = Guid.NewGuid();
        SetMember(munich, "premium", "80331");
        var member = await Fixture.MemberAsync(munich);
        var all = await TitlesAsync(member, "");
        Assert.Equal(6, all.Count);
        Assert.Contains("5 % Rückvergütung auf Pauschalreisen", await TitlesAsync(member, "?q=Reise"));
        Assert.Contains("2 für 1 im Kino", await TitlesAsync(member, "?q=Kinokarten"));

        var travelAdmin = await Fixture.SignInAsync(CatalogDemoIds.TravelAdminEmail, CatalogDemoIds.PartnerPassword);
        Assert.Equal(HttpStatusCode.OK, (await travelAdmin.GetAsync("/api/v1/partner/profile")).StatusCode);

        var queries = new[] { "?q=Reisen", "?q=cinema", "?q=Restaurant&sort=Relevance", "", "?sort=Cashback", "?q=Schlüssel", "?category=travel" };
        foreach (var q in queries)
        {
            await member.GetAsync("/api/v1/me/offers" + q); // warm up
        }

        var watch = Stopwatch.StartNew();
        const int rounds = 30;
        for (var i = 0; i < rounds; i++)
        {
            foreach (var q in queries)
            {
                Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/v1/me/offers" + q)).StatusCode);
            }
        }

        output.WriteLine($"search over the demo data: {watch.Elapsed.TotalMilliseconds / (rounds * queries.Length):F2} ms per request (HTTP in-process, {rounds * queries.Length} requests)");
    }
}
