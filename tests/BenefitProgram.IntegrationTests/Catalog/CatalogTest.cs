using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;

namespace BenefitProgram.IntegrationTests.Catalog;

/// <summary>Base of catalog tests: a clean database before each test and helpers to set up partners and live offers through the API.</summary>
[Collection(CatalogCollection.Name)]
public abstract class CatalogTest(CatalogFixture fixture) : IAsyncLifetime
{
    protected CatalogFixture Fixture { get; } = fixture;

    protected BenefitProgramApp App => Fixture.App;

    public virtual Task InitializeAsync() => Fixture.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected sealed record PartnerSetup(Guid Id, HttpClient Admin);

    protected void SetMember(Guid memberId, string plan = "plus", string? postalCode = null, bool goodStanding = true) =>
        Fixture.Eligibility.Members[memberId] = new MemberEligibility(plan, goodStanding, postalCode);

    /// <summary>An operator of <paramref name="program"/> creates an active partner; returns it with its admin's client.</summary>
    protected async Task<PartnerSetup> CreatePartnerAsync(string name = "Reisebüro Sonnenschein", HttpClient? operatorClient = null, bool activate = true)
    {
        var ops = operatorClient ?? await Fixture.OperatorAsync();
        var email = $"admin-{Guid.NewGuid():N}@partner.example";
        var response = await ops.PostAsJsonAsync("/api/v1/ops/partners", new
        {
            name,
            logoUrl = (string?)null,
            categories = new[] { "travel" },
            regions = Array.Empty<string>(),
            cooperationModel = "CoBranding",
            terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Shared", partnerShareBasisPoints = 6000 },
            adminEmail = email,
            adminPassword = AppFixture.TestPassword,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (activate)
        {
            Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/ops/partners/{id}/status", new { status = "Active" })).StatusCode);
        }

        return new PartnerSetup(id, await Fixture.SignInAsync(email, AppFixture.TestPassword));
    }

    protected static object OfferBody(
        string kind = "Coupon",
        string titleDe = "Gutschein für Kinokarten",
        string titleEn = "Cinema ticket coupon",
        string descriptionDe = "Zwei Karten zum Preis von einer.",
        string descriptionEn = "Two tickets for the price of one.",
        string category = "leisure",
        string[]? plans = null,
        string[]? regions = null,
        object? limit = null,
        DateTimeOffset? validFrom = null,
        DateTimeOffset? validUntil = null,
        int? stock = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["kind"] = kind,
            ["category"] = category,
            ["title"] = new { de = titleDe, en = titleEn },
            ["description"] = new { de = descriptionDe, en = descriptionEn },
            ["validFrom"] = validFrom ?? BenefitProgramApp.Start.AddDays(-1),
            ["validUntil"] = validUntil ?? BenefitProgramApp.Start.AddDays(90),
            ["eligiblePlans"] = plans ?? ["plus", "premium"],
            ["eligibleRegions"] = regions,
            ["limit"] = limit,
            ["stock"] = stock,
        };
        switch (kind)
        {
            case "Coupon":
                body["coupon"] = new { genericCode = (string?)null };
                break;
            case "Discount":
                body["discount"] = new { percentBasisPoints = 1000 };
                break;
            case "Cashback":
                body["cashback"] = new { rateBasisPoints = 500, minPurchaseMinorUnits = 0, returnWindowDays = 30, rateBasisPointsByPlan = new Dictionary<string, int> { ["premium"] = 700 } };
                body["landingUrl"] = "https://shop.partner.example/landing";
                break;
            case "Refund":
                body["refund"] = new { refundKind = "airport-taxi", capPerClaimMinorUnits = 4000, claimsPerYear = 2, proofRequired = true };
                break;
            case "Service":
                body["service"] = new { serviceKind = "key-finder" };
                body["landingUrl"] = "https://keys.partner.example/";
                break;
        }

        return body;
    }

    protected async Task<Guid> CreateDraftAsync(PartnerSetup partner, object body, Guid? program = null)
    {
        var response = await partner.Admin.PostAsJsonAsync($"/api/v1/partner/programs/{program ?? DemoIds.PlusKontoProgram}/offers", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Creates, submits and approves an offer (live at once); returns its id.</summary>
    protected async Task<Guid> CreateLiveOfferAsync(PartnerSetup partner, object body, HttpClient? operatorClient = null, Guid? program = null)
    {
        var id = await CreateDraftAsync(partner, body, program);
        Assert.Equal(HttpStatusCode.OK, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{id}/submit", null)).StatusCode);
        var ops = operatorClient ?? await Fixture.OperatorAsync();
        var approved = await ops.PostAsync($"/api/v1/ops/offers/{id}/approve", null);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        return id;
    }

    protected static async Task<HttpResponseMessage> UploadCodesAsync(HttpClient client, Guid offerId, string text, string query = "", string contentType = "text/plain")
    {
        using var content = new StringContent(text, Encoding.UTF8, contentType);
        return await client.PostAsync($"/api/v1/partner/offers/{offerId}/codes{query}", content);
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
