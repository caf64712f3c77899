using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class OfferRatingTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    private async Task<(PartnerSetup Partner, Guid Offer)> CouponOfferAsync(string name)
    {
        var partner = await CreatePartnerAsync(name);
        var offer = await CreateLiveOfferAsync(partner, OfferBody());
        Assert.Equal(HttpStatusCode.OK, (await UploadCodesAsync(partner.Admin, offer, "CODE-1\nCODE-2\nCODE-3")).StatusCode);
        return (partner, offer);
    }

    [Fact]
    public async Task A_member_who_redeemed_an_offer_rates_it_once_and_rating_again_replaces_the_earlier_stars()
    {
        var (_, offer) = await CouponOfferAsync("Kinopalast");
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        var other = await Fixture.MemberAsync(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);

        var first = await member.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars = 2 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var again = await Json(await member.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars = 5 }));
        Assert.Equal(1, again.GetProperty("ratings").GetInt32());
        Assert.Equal(5m, again.GetProperty("averageStars").GetDecimal());
        Assert.Equal(5, again.GetProperty("myStars").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await other.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars = 4 })).StatusCode);
        var seenByOther = await other.GetFromJsonAsync<JsonElement>($"/api/v1/me/offers/{offer}/rating");
        Assert.Equal(2, seenByOther.GetProperty("ratings").GetInt32());
        Assert.Equal(4.5m, seenByOther.GetProperty("averageStars").GetDecimal());
        Assert.Equal(4, seenByOther.GetProperty("myStars").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/v1/me/offers/{offer}/rating")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/me/offers/{offer}/rating")).StatusCode);
        var after = await member.GetFromJsonAsync<JsonElement>($"/api/v1/me/offers/{offer}/rating");
        Assert.Equal(1, after.GetProperty("ratings").GetInt32());
        Assert.Equal(5m, after.GetProperty("averageStars").GetDecimal());
    }

    [Fact]
    public async Task Ratings_without_a_redemption_out_of_range_or_on_another_programs_offer_are_refused_and_change_nothing()
    {
        var (_, offer) = await CouponOfferAsync("Kinopalast");
        var member = await Fixture.MemberAsync(Guid.NewGuid());

        var notRedeemed = await member.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars = 5 });
        Assert.Equal(HttpStatusCode.Conflict, notRedeemed.StatusCode);
        Assert.Contains("rating-needs-redemption", await notRedeemed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
        foreach (var stars in new[] { 0, 6, -1, 1000 })
        {
            var response = await member.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await Json(response);
            Assert.True(problem.GetProperty("errors").TryGetProperty("stars", out _), problem.ToString());
        }

        var elsewhere = await Fixture.MemberAsync(Guid.NewGuid(), DemoIds.OtherProgram);
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/me/offers/{offer}/rating")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PutAsJsonAsync($"/api/v1/me/offers/{Guid.NewGuid()}/rating", new { stars = 3 })).StatusCode);

        var view = await member.GetFromJsonAsync<JsonElement>($"/api/v1/me/offers/{offer}/rating");
        Assert.Equal(0, view.GetProperty("ratings").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("myStars").ValueKind);
    }

    [Fact]
    public async Task A_partner_sees_the_ratings_of_its_own_offers_only_and_an_operator_those_of_its_program()
    {
        var (a, offerA) = await CouponOfferAsync("Kinopalast");
        var (b, offerB) = await CouponOfferAsync("Reisebüro Sonnenschein");
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        foreach (var (offer, stars) in new[] { (offerA, 4), (offerB, 2) })
        {
            Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await member.PutAsJsonAsync($"/api/v1/me/offers/{offer}/rating", new { stars })).StatusCode);
        }

        var ofA = await a.Admin.GetFromJsonAsync<JsonElement>("/api/v1/partner/ratings");
        var row = Assert.Single(ofA.EnumerateArray());
        Assert.Equal(offerA, row.GetProperty("offerId").GetGuid());
        Assert.Equal(4m, row.GetProperty("averageStars").GetDecimal());
        Assert.Equal([0, 0, 0, 1, 0], row.GetProperty("starCounts").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal([offerB], (await b.Admin.GetFromJsonAsync<JsonElement>("/api/v1/partner/ratings")).EnumerateArray().Select(r => r.GetProperty("offerId").GetGuid()));

        var ops = await Fixture.OperatorAsync();
        var program = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/ratings");
        Assert.Equal(new[] { offerA, offerB }.Order(), program.EnumerateArray().Select(r => r.GetProperty("offerId").GetGuid()).Order());
        Assert.Equal([offerB], (await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/ratings?partnerId={b.Id}")).EnumerateArray().Select(r => r.GetProperty("offerId").GetGuid()));
        var otherOperator = await Fixture.OtherProgramOperatorAsync();
        Assert.Empty((await otherOperator.GetFromJsonAsync<JsonElement>("/api/v1/ops/ratings")).EnumerateArray());

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/partner/ratings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await a.Admin.GetAsync("/api/v1/ops/ratings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await a.Admin.PutAsJsonAsync($"/api/v1/me/offers/{offerA}/rating", new { stars = 5 })).StatusCode);
    }

}
