using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class PartnerIsolationTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    /// <summary>Every partner route that names a resource, discovered from the running app so a new endpoint cannot be forgotten.</summary>
    private List<(string Method, string Route)> PartnerRoutesWithIds() =>
        App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/partner/", StringComparison.Ordinal) && e.RoutePattern.Parameters.Count > 0)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .Distinct().OrderBy(x => x.Item2).ToList();

    [Fact]
    public async Task Partner_A_user_and_api_key_get_404_or_403_on_every_offer_code_pool_redemption_and_report_of_partner_B()
    {
        var a = await CreatePartnerAsync("Partner A");
        var b = await CreatePartnerAsync("Partner B");

        // B: a live coupon offer with codes and a redemption, a discount pass, an offer in a program A is not part of, an API key.
        var offerB = await CreateLiveOfferAsync(b, OfferBody());
        Assert.Equal(HttpStatusCode.OK, (await UploadCodesAsync(b.Admin, offerB, "B1\nB2\nB3")).StatusCode);
        var member = await Fixture.MemberAsync(Guid.NewGuid());
        var redemptionB = (await Json(await member.PostAsync($"/api/v1/me/offers/{offerB}/redeem", null))).GetProperty("redemptionId").GetGuid();
        var discountB = await CreateLiveOfferAsync(b, OfferBody("Discount", category: "gastronomy"));
        var passB = (await Json(await member.PostAsync($"/api/v1/me/offers/{discountB}/redeem", null))).GetProperty("pass");
        await (await Fixture.OtherProgramOperatorAsync()).PostAsync($"/api/v1/ops/partners/{b.Id}/programs", null);
        var keyB = (await Json(await b.Admin.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "B's till" }))).GetProperty("id").GetGuid();
        var userB = (await Json(await b.Admin.GetAsync("/api/v1/auth/me"))).GetProperty("userId").GetGuid();

        var keyA = (await Json(await a.Admin.PostAsJsonAsync("/api/v1/partner/api-keys", new { name = "A's system" }))).GetProperty("key").GetString()!;
        var systemA = Fixture.Anonymous();
        systemA.DefaultRequestHeaders.Add("X-Api-Key", keyA);
        var editorA = await Fixture.PartnerUserAsync(a.Id, BenefitProgram.Platform.Contracts.PartnerUserRole.Editor);

        var routes = PartnerRoutesWithIds();
        Assert.True(routes.Count >= 14, "expected the partner routes: " + string.Join(", ", routes));
        var tried = new List<string>();
        foreach (var caller in new[] { ("user", a.Admin), ("editor", editorA), ("api key", systemA) })
        {
            foreach (var (method, route) in routes)
            {
                var id = route.StartsWith("/api/v1/partner/redemptions/", StringComparison.Ordinal) ? redemptionB
                    : route.StartsWith("/api/v1/partner/api-keys/", StringComparison.Ordinal) ? keyB
                    : route.Contains("{id", StringComparison.Ordinal) && route.Contains("offers", StringComparison.Ordinal) ? offerB
                    : Guid.Empty;
                var path = route.Replace("{id:guid}", id.ToString(), StringComparison.Ordinal)
                    .Replace("{programId:guid}", DemoIds.OtherProgram.ToString(), StringComparison.Ordinal)
                    // Purchases of another partner by order reference: Rewards' PurchaseTests create and probe them.
                    .Replace("{orderReference}", "B-ORDER-1", StringComparison.Ordinal)
                    .Replace("{month}", "2026-10", StringComparison.Ordinal)
                    .Replace("{userId:guid}", userB.ToString(), StringComparison.Ordinal)
                    // Webhook endpoints and deliveries of another partner: Notifications' WebhookTests probe them with real ids.
                    .Replace("{deliveryId:guid}", Guid.Empty.ToString(), StringComparison.Ordinal).TrimEnd('/');
                Assert.DoesNotContain("{", path, StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = path.EndsWith("/codes", StringComparison.Ordinal) ? new StringContent("X1\nX2", Encoding.UTF8, "text/plain")
                        : path.EndsWith("/upload", StringComparison.Ordinal) ? new StringContent("kind;category\n", Encoding.UTF8, "text/csv")
                        : path.EndsWith("/returns", StringComparison.Ordinal) ? JsonContent.Create(new { returnReference = "R1", amountMinorUnits = 100 })
                        : JsonContent.Create(OfferBody());
                }

                var response = await caller.Item2.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden,
                    $"{caller.Item1}: {method} {route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                tried.Add($"{method} {route}");
            }

            // B's pass cannot be verified by A, by token or short code.
            foreach (var pass in new[] { passB.GetProperty("token").GetString(), passB.GetProperty("shortCode").GetString() })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await caller.Item2.PostAsJsonAsync("/api/v1/partner/passes/verify", new { pass })).StatusCode);
            }

            // Lists show none of B's rows.
            var offers = await caller.Item2.GetStringAsync("/api/v1/partner/offers");
            Assert.DoesNotContain(offerB.ToString(), offers, StringComparison.Ordinal);
            var redemptions = await caller.Item2.GetStringAsync("/api/v1/partner/redemptions");
            Assert.DoesNotContain(redemptionB.ToString(), redemptions, StringComparison.Ordinal);
        }

        Assert.Contains(tried, t => t.Contains("/codes", StringComparison.Ordinal));
        Assert.Contains(tried, t => t.Contains("/report", StringComparison.Ordinal));
        Assert.Contains(tried, t => t.Contains("/redemptions/", StringComparison.Ordinal));

        // Nothing of B changed.
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var offer = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == offerB);
        Assert.Equal(BenefitProgram.Catalog.Contracts.OfferStatus.Live, offer.Status);
        Assert.Equal("Gutschein für Kinokarten", offer.TitleDe);
        Assert.Equal(3, await db.CouponCodes.CountAsync(c => c.OfferId == offerB));
        Assert.Null((await db.Redemptions.AsNoTracking().SingleAsync(r => r.Kind == BenefitProgram.Catalog.Contracts.RedemptionKind.DiscountPass)).VerifiedAt);
        Assert.Equal(HttpStatusCode.OK, (await b.Admin.GetAsync($"/api/v1/partner/offers/{offerB}")).StatusCode);
    }

    [Fact]
    public async Task An_operator_sees_only_its_programs_partners_offers_and_redemptions()
    {
        var b = await CreatePartnerAsync("Partner B");
        var offerB = await CreateLiveOfferAsync(b, OfferBody());
        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/partners/{b.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/offers/{offerB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/ops/offers/{offerB}/withdraw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/offers/{offerB}/report")).StatusCode);
        Assert.DoesNotContain(offerB.ToString(), await other.GetStringAsync("/api/v1/ops/offers"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.Admin.GetAsync("/api/v1/ops/offers")).StatusCode);
    }
}
