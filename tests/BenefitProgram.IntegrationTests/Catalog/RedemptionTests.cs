using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class RedemptionTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    private async Task<(PartnerSetup Partner, Guid Offer)> CouponOfferWithCodesAsync(int codes, object? limit = null)
    {
        var partner = await CreatePartnerAsync("Kinopalast");
        var offer = await CreateLiveOfferAsync(partner, OfferBody(limit: limit));
        var upload = await UploadCodesAsync(partner.Admin, offer, string.Join('\n', Enumerable.Range(1, codes).Select(i => $"KINO-{i:D6}")));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        return (partner, offer);
    }

    [Fact]
    public async Task Two_hundred_members_racing_for_a_fifty_code_pool_get_exactly_fifty_distinct_codes()
    {
        var (_, offer) = await CouponOfferWithCodesAsync(50);
        var members = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Fixture.MemberAsync(Guid.NewGuid())));

        var responses = await Task.WhenAll(members.Select(m => m.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)));

        var codes = new List<string>();
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            codes.Add((await Json(response)).GetProperty("couponCode").GetString()!);
        }

        Assert.Equal(50, codes.Count);
        Assert.Equal(50, codes.Distinct().Count());
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(150, refused.Count);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Contains("coupon-pool-exhausted", await refused[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        Assert.Equal(50, await db.Redemptions.CountAsync(r => r.OfferId == offer));
        Assert.Equal(50, await db.CouponCodes.CountAsync(c => c.OfferId == offer && c.AssignedTo != null));
        Assert.Equal(50, await db.OutboxMessages.CountAsync(m => m.Type.StartsWith(typeof(RedemptionRecorded).FullName!)));
    }

    [Fact]
    public async Task One_member_racing_against_their_own_limit_gets_at_most_the_limit()
    {
        var (_, offer) = await CouponOfferWithCodesAsync(100, limit: new { count = 3, period = "Month" });
        var memberId = Guid.NewGuid();
        var member = await Fixture.MemberAsync(memberId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.First(r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("redemption-limit-reached", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Next month the limit starts again.
        App.Clock.Advance(TimeSpan.FromDays(6));
        member = await Fixture.MemberAgainAsync(memberId);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_same_code_instead_of_handing_out_another()
    {
        var (_, offer) = await CouponOfferWithCodesAsync(10);
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        async Task<string> Redeem()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/me/offers/{offer}/redeem");
            request.Headers.Add("Idempotency-Key", "tap-1");
            var response = await member.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await Json(response)).GetProperty("couponCode").GetString()!;
        }

        Assert.Equal(await Redeem(), await Redeem());
        await using var scope = App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Redemptions.CountAsync());
    }

    [Fact]
    public async Task A_member_not_in_good_standing_or_on_another_plan_cannot_redeem()
    {
        var (_, offer) = await CouponOfferWithCodesAsync(10);
        var lapsed = Guid.NewGuid();
        SetMember(lapsed, goodStanding: false);
        var basis = Guid.NewGuid();
        SetMember(basis, plan: "basis");

        Assert.Equal(HttpStatusCode.Forbidden, (await (await Fixture.MemberAsync(lapsed)).PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);
        var refused = await (await Fixture.MemberAsync(basis)).PostAsync($"/api/v1/me/offers/{offer}/redeem", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("offer-not-in-plan", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(PartnerSetup Partner, Guid Offer, HttpClient Member, JsonElement Pass)> IssuePassAsync()
    {
        var partner = await CreatePartnerAsync("Gasthaus Isartal");
        var offer = await CreateLiveOfferAsync(partner, OfferBody("Discount", "10 % Rabatt im Restaurant", "10 % off in the restaurant", category: "gastronomy"));
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        var response = await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (partner, offer, member, (await Json(response)).GetProperty("pass"));
    }

    [Fact]
    public async Task A_pass_verified_twice_is_refused_the_second_time()
    {
        var (partner, _, member, pass) = await IssuePassAsync();
        var token = pass.GetProperty("token").GetString()!;

        var first = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = token, purchaseAmountMinorUnits = 4_250L });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(4_250, (await Json(first)).GetProperty("purchaseAmountMinorUnits").GetInt64());

        var second = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = token });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("pass-already-used", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var byShortCode = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = pass.GetProperty("shortCode").GetString() });
        Assert.Equal(HttpStatusCode.Conflict, byShortCode.StatusCode);

        var qr = await member.GetAsync(pass.GetProperty("qrSvgUrl").GetString());
        Assert.Equal("image/svg+xml", qr.Content.Headers.ContentType?.MediaType);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.Type.StartsWith(typeof(PassVerified).FullName!)));
    }

    [Fact]
    public async Task Two_tills_verifying_the_same_pass_at_once_use_it_once()
    {
        var (partner, _, _, pass) = await IssuePassAsync();
        var token = pass.GetProperty("token").GetString()!;
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = token })));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Fact]
    public async Task A_pass_verified_by_short_code_records_the_purchase()
    {
        var (partner, _, _, pass) = await IssuePassAsync();
        var code = pass.GetProperty("shortCode").GetString()!.ToLowerInvariant();
        var response = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = code, purchaseAmountMinorUnits = 1_999L });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_pass_is_refused()
    {
        var (partner, _, _, pass) = await IssuePassAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(16));
        var response = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = pass.GetProperty("token").GetString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("pass-expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var byCode = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = pass.GetProperty("shortCode").GetString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, byCode.StatusCode);
    }

    [Fact]
    public async Task A_forged_pass_is_refused()
    {
        var (partner, _, _, pass) = await IssuePassAsync();
        var token = pass.GetProperty("token").GetString()!;
        var parts = token.Split('.');
        // Push the expiry into the future without the key: the signature no longer matches.
        var payload = Convert.FromBase64String(parts[1].Replace('-', '+').Replace('_', '/') + "====="[..((4 - (parts[1].Length % 4)) % 4)]);
        payload[^1] ^= 0x7F;
        var forged = $"{parts[0]}.{Convert.ToBase64String(payload).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";

        foreach (var bad in new[] { forged, token[..^2] + (token[^2] == 'A' ? "BB" : "AA"), "BP1.garbage.garbage" })
        {
            var response = await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = bad });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("pass-invalid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await partner.Admin.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass = "ZZZZZZZZ" })).StatusCode);
    }

    [Fact]
    public async Task A_cashback_click_out_records_a_click_id_and_redirects_to_the_landing_url_with_it()
    {
        var partner = await CreatePartnerAsync("Sonnenschein Reisen");
        var offer = await CreateLiveOfferAsync(partner, OfferBody("Cashback", "5 % Rückvergütung auf Pauschalreisen", "5 % cashback on package holidays", category: "travel"));
        var memberId = Guid.NewGuid();
        var member = await Fixture.MemberAsync(memberId);

        var response = await member.GetAsync($"/api/v1/me/offers/{offer}/go");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("https://shop.partner.example/landing?bp_click=", location, StringComparison.Ordinal);
        var clickId = location[(location.IndexOf('=', StringComparison.Ordinal) + 1)..];
        await using var scope = App.Services.CreateAsyncScope();
        var click = await scope.ServiceProvider.GetRequiredService<IClickAttribution>().FindAsync(clickId, CancellationToken.None);
        Assert.NotNull(click);
        Assert.Equal(memberId, click.MemberId);
        Assert.Equal(offer, click.OfferId);
        Assert.Equal(partner.Id, click.PartnerId);
        var many = await scope.ServiceProvider.GetRequiredService<IClickAttribution>().FindManyAsync([clickId, "no-such-click"], CancellationToken.None);
        Assert.Equal(click, Assert.Single(many, kv => kv.Key == clickId).Value);
        Assert.DoesNotContain("no-such-click", many.Keys);

        Assert.True(await App.DeliverEventsAsync() >= 2);
        Assert.True(await App.Harness.Published.Any<ClickRecorded>(m => m.Context.Message.ClickId == clickId));
        Assert.True(await App.Harness.Published.Any<RedemptionRecorded>(m => m.Context.Message.Kind == RedemptionKind.ClickOut && m.Context.Message.MemberId == memberId));
    }
}
