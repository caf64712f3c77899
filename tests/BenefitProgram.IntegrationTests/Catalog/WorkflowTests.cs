using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using BenefitProgram.Catalog.Contracts;

namespace BenefitProgram.IntegrationTests.Catalog;

public sealed class WorkflowTests(CatalogFixture fixture) : CatalogTest(fixture)
{
    [Fact]
    public async Task A_partner_cannot_approve_or_reject_its_own_offer()
    {
        var partner = await CreatePartnerAsync();
        var offer = await CreateDraftAsync(partner, OfferBody());
        await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null);

        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Admin.PostAsync($"/api/v1/ops/offers/{offer}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Admin.PostAsJsonAsync($"/api/v1/ops/offers/{offer}/reject", new { comment = "x" })).StatusCode);
        Assert.Equal("Submitted", (await Json(await partner.Admin.GetAsync($"/api/v1/partner/offers/{offer}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Illegal_steps_are_refused_with_409_naming_the_rule()
    {
        var partner = await CreatePartnerAsync();
        var ops = await Fixture.OperatorAsync();
        var offer = await CreateDraftAsync(partner, OfferBody());

        var approveDraft = await ops.PostAsync($"/api/v1/ops/offers/{offer}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, approveDraft.StatusCode);
        Assert.Contains("offer-not-submitted", await approveDraft.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/pause", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/withdraw", null)).StatusCode);
        var edit = await partner.Admin.PutAsJsonAsync($"/api/v1/partner/offers/{offer}", OfferBody(titleDe: "Neu"));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Contains("offer-not-editable", await edit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/withdraw", null)).StatusCode);

        var changeKind = await partner.Admin.PutAsJsonAsync($"/api/v1/partner/offers/{await CreateDraftAsync(partner, OfferBody())}", OfferBody("Discount"));
        Assert.Equal(HttpStatusCode.Conflict, changeKind.StatusCode);
    }

    [Fact]
    public async Task A_rejection_carries_the_operators_comment_and_the_partner_can_fix_and_resubmit()
    {
        var partner = await CreatePartnerAsync();
        var ops = await Fixture.OperatorAsync();
        var offer = await CreateDraftAsync(partner, OfferBody());
        await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null);

        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsJsonAsync($"/api/v1/ops/offers/{offer}/reject", new { comment = "" })).StatusCode);
        var rejected = await Json(await ops.PostAsJsonAsync($"/api/v1/ops/offers/{offer}/reject", new { comment = "Bitte Bedingungen ergänzen." }));
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("Bitte Bedingungen ergänzen.", rejected.GetProperty("rejectionComment").GetString());

        Assert.Equal(HttpStatusCode.OK, (await partner.Admin.PutAsJsonAsync($"/api/v1/partner/offers/{offer}", OfferBody(titleDe: "Kino mit Bedingungen"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null)).StatusCode);
        var live = await Json(await ops.PostAsync($"/api/v1/ops/offers/{offer}/approve", null));
        Assert.Equal("Live", live.GetProperty("status").GetString());

        var history = await partner.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/partner/offers/{offer}/history");
        Assert.Equal(["created", "submitted", "rejected", "edited", "submitted", "approved", "went live"],
            history.EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList());
        Assert.Equal("Bitte Bedingungen ergänzen.", history[2].GetProperty("comment").GetString());

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<OfferRejected>(m => m.Context.Message.OfferId == offer && m.Context.Message.Comment == "Bitte Bedingungen ergänzen."));
        Assert.True(await App.Harness.Published.Any<OfferWentLive>(m => m.Context.Message.OfferId == offer));
    }

    [Fact]
    public async Task Editing_a_live_offer_creates_a_revision_that_needs_approval_while_the_old_version_stays_live()
    {
        var partner = await CreatePartnerAsync();
        var ops = await Fixture.OperatorAsync();
        var offer = await CreateLiveOfferAsync(partner, OfferBody(titleDe: "Kino alt"));
        var member = await Fixture.MemberAsync(Guid.NewGuid());

        var edited = await Json(await partner.Admin.PutAsJsonAsync($"/api/v1/partner/offers/{offer}", OfferBody(titleDe: "Kino neu")));
        Assert.Equal("Live", edited.GetProperty("status").GetString());
        Assert.Equal("Kino alt", edited.GetProperty("content").GetProperty("title").GetProperty("de").GetString());
        Assert.Equal(2, edited.GetProperty("pendingRevision").GetProperty("number").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsync($"/api/v1/ops/offers/{offer}/approve", null)).StatusCode); // not submitted yet

        await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null);
        Assert.Equal("Kino alt", (await Json(await member.GetAsync($"/api/v1/me/offers/{offer}"))).GetProperty("title").GetProperty("de").GetString());

        var approved = await Json(await ops.PostAsync($"/api/v1/ops/offers/{offer}/approve", null));
        Assert.Equal("Live", approved.GetProperty("status").GetString());
        Assert.Equal(2, approved.GetProperty("revision").GetInt32());
        Assert.Equal(JsonValueKind.Null, approved.GetProperty("pendingRevision").ValueKind);
        Assert.Equal("Kino neu", (await Json(await member.GetAsync($"/api/v1/me/offers/{offer}"))).GetProperty("title").GetProperty("de").GetString());

        // A rejected revision leaves the live version alone.
        await partner.Admin.PutAsJsonAsync($"/api/v1/partner/offers/{offer}", OfferBody(titleDe: "Kino schlecht"));
        await partner.Admin.PostAsync($"/api/v1/partner/offers/{offer}/submit", null);
        var rejected = await Json(await ops.PostAsJsonAsync($"/api/v1/ops/offers/{offer}/reject", new { comment = "Nein." }));
        Assert.Equal("Kino neu", rejected.GetProperty("content").GetProperty("title").GetProperty("de").GetString());
        Assert.Equal("Rejected", rejected.GetProperty("pendingRevision").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_approved_offer_goes_live_when_its_validity_begins_and_expires_when_it_ends()
    {
        var partner = await CreatePartnerAsync();
        var ops = await Fixture.OperatorAsync();
        var start = BenefitProgramApp.Start;
        var offer = await CreateLiveOfferAsync(partner, OfferBody(validFrom: start.AddDays(2), validUntil: start.AddDays(10)), ops);
        Assert.Equal("Approved", (await Json(await ops.GetAsync($"/api/v1/ops/offers/{offer}"))).GetProperty("status").GetString());

        async Task RunJob()
        {
            await using var scope = App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BenefitProgram.Catalog.Offers.OfferLifecycleJob>().RunAsync(CancellationToken.None);
        }

        App.Clock.Advance(TimeSpan.FromDays(3));
        await RunJob();
        await RunJob();
        ops = await Fixture.OperatorAsync();
        Assert.Equal("Live", (await Json(await ops.GetAsync($"/api/v1/ops/offers/{offer}"))).GetProperty("status").GetString());

        App.Clock.Advance(TimeSpan.FromDays(8));
        await RunJob();
        ops = await Fixture.OperatorAsync();
        Assert.Equal("Expired", (await Json(await ops.GetAsync($"/api/v1/ops/offers/{offer}"))).GetProperty("status").GetString());
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<OfferExpired>(m => m.Context.Message.OfferId == offer));
    }

    [Fact]
    public async Task Offer_validation_names_the_fields()
    {
        var partner = await CreatePartnerAsync();
        var body = (Dictionary<string, object?>)OfferBody("Cashback", category: "nonsense", plans: ["Plus!"]);
        body["landingUrl"] = "http://insecure.example";
        var response = await partner.Admin.PostAsJsonAsync($"/api/v1/partner/programs/{BenefitProgram.Common.DemoIds.PlusKontoProgram}/offers", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("category", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("landingUrl", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("eligiblePlans[0]", out _), errors.ToString());
    }
}
