using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Rewards.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Rewards;

public sealed class PayoutAndClaimTests(RewardsFixture fixture) : RewardsTest(fixture)
{
    private static readonly DateTimeOffset Booked = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private async Task<MemberRewardsBalance> BalanceAsync(Guid member)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var balances = await scope.ServiceProvider.GetRequiredService<IRewardsBalances>().GetMemberAsync(RewardsFixture.Program, member, CancellationToken.None);
        return balances.SingleOrDefault() ?? new MemberRewardsBalance(member, "EUR", 0, 0, 0, 0);
    }

    private async Task ConfirmAsync(DateOnly night)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == "rewards:confirm-cashback").RunAsync(night, CancellationToken.None);
    }

    private async Task<(Guid Partner, Guid Offer, HttpClient Client)> TravelAgencyAsync()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner, windowDays: 0);
        return (partner, offer, await Fixture.PartnerUserAsync(partner));
    }

    private static Task<HttpResponseMessage> BuyAsync(HttpClient client, string orderRef, string number, Guid offer, long amount, DateOnly? trip = null) =>
        client.PostAsJsonAsync("/api/v1/partner/purchases", new
        {
            orderReference = orderRef, memberNumber = number, offerId = offer, amountMinorUnits = amount, currency = "EUR", purchasedAt = Booked,
            serviceDate = trip?.ToString("yyyy-MM-dd"),
        });

    [Fact]
    public async Task A_payout_batch_is_prepared_once_per_period_paid_or_failed_per_line_and_a_return_after_payout_is_clawed_back()
    {
        var (_, offer, partnerClient) = await TravelAgencyAsync();
        var rich = Fixture.AddMember(number: "500001");
        var poor = Fixture.AddMember(number: "500002");
        var failing = Fixture.AddMember(number: "500003");
        await BuyAsync(partnerClient, "P-1", "500001", offer, 200_000);   // 100.00
        await BuyAsync(partnerClient, "P-2", "500002", offer, 9_000);     // 4.50, below the 5 EUR threshold
        await BuyAsync(partnerClient, "P-3", "500003", offer, 20_000);    // 10.00
        await ConfirmAsync(new DateOnly(2026, 11, 30));

        var ops = await Fixture.OperatorAsync();
        var prepare = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ops.PostAsJsonAsync("/api/v1/ops/rewards/payout-batches", new { periodKey = "2026-11" })));
        Assert.Equal(1, prepare.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(2, prepare.Count(r => r.StatusCode == HttpStatusCode.OK));
        var batch = await prepare.Single(r => r.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, batch.GetProperty("lineCount").GetInt32());
        Assert.Equal(11_000, batch.GetProperty("totalMinorUnits").GetInt64());
        var batchId = batch.GetProperty("id").GetGuid();
        Assert.Equal(new MemberRewardsBalance(rich, "EUR", 0, 0, 10_000, 0), await BalanceAsync(rich));
        Assert.Equal(450, (await BalanceAsync(poor)).Available);

        // Running the night job for the month's last night does not make a second batch.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == "rewards:prepare-payouts").RunAsync(new DateOnly(2026, 11, 30), CancellationToken.None);
        }

        Assert.Equal(1, (await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/rewards/payout-batches")).GetArrayLength());

        var xml = XDocument.Parse(await ops.GetStringAsync($"/api/v1/ops/rewards/payout-batches/{batchId}/export"));
        XNamespace ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
        Assert.Equal("2", xml.Descendants(ns + "GrpHdr").Single().Element(ns + "NbOfTxs")!.Value);
        Assert.Equal("110.00", xml.Descendants(ns + "GrpHdr").Single().Element(ns + "CtrlSum")!.Value);
        Assert.Contains(xml.Descendants(ns + "Othr").Select(o => o.Element(ns + "Id")!.Value), id => id == "500001");
        var csv = await ops.GetStringAsync($"/api/v1/ops/rewards/payout-batches/{batchId}/export?format=csv");
        Assert.Contains("500003,10.00,EUR", csv, StringComparison.Ordinal);

        var lines = batch.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("memberId").GetGuid(), l => l.GetProperty("id").GetGuid());
        var results = new { lines = new object[] { new { lineId = lines[rich], status = "Paid" }, new { lineId = lines[failing], status = "Failed", reason = "account closed" } } };
        var applied = await Task.WhenAll(ops.PostAsJsonAsync($"/api/v1/ops/rewards/payout-batches/{batchId}/results", results),
            ops.PostAsJsonAsync($"/api/v1/ops/rewards/payout-batches/{batchId}/results", results));
        Assert.All(applied, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(new MemberRewardsBalance(rich, "EUR", 0, 0, 0, 10_000), await BalanceAsync(rich));
        Assert.Equal(new MemberRewardsBalance(failing, "EUR", 0, 1_000, 0, 0), await BalanceAsync(failing));

        // Half of the paid trip is cancelled: claw-back, the member's available balance goes negative ...
        var ret = await partnerClient.PostAsJsonAsync("/api/v1/partner/purchases/P-1/returns", new { returnReference = "R-1", amountMinorUnits = 100_000 });
        Assert.Equal("Paid", (await ret.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cashbackStateBefore").GetString());
        Assert.Equal(new MemberRewardsBalance(rich, "EUR", 0, -5_000, 0, 10_000), await BalanceAsync(rich));
        // ... and is offset against the next cashback, never lost.
        await BuyAsync(partnerClient, "P-4", "500001", offer, 300_000);
        await ConfirmAsync(new DateOnly(2026, 12, 1));
        Assert.Equal(10_000, (await BalanceAsync(rich)).Available);

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<PayoutCompleted>(m => m.Context.Message.MemberId == rich && m.Context.Message.AmountMinorUnits == 10_000));
        Assert.True(await App.Harness.Published.Any<CashbackReversed>(m => m.Context.Message.ClawedBack));
    }

    private static MultipartFormDataContent Claim(Guid offer, long amount, DateOnly trip, byte[] receipt, string fileName = "receipt.pdf", string contentType = "application/pdf")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(offer.ToString()), "offerId" },
            { new StringContent(amount.ToString(System.Globalization.CultureInfo.InvariantCulture)), "amountMinorUnits" },
            { new StringContent("EUR"), "currency" },
            { new StringContent(trip.ToString("yyyy-MM-dd")), "tripDate" },
        };
        var file = new ByteArrayContent(receipt);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "receipt", fileName);
        return form;
    }

    private static byte[] Pdf(string text = "taxi") => [.. "%PDF-1.4\n"u8.ToArray(), .. System.Text.Encoding.ASCII.GetBytes(text)];

    [Fact]
    public async Task Taxi_claims_are_decided_by_the_rules_where_they_can_and_otherwise_wait_for_an_operator()
    {
        var (_, travelOffer, travelClient) = await TravelAgencyAsync();
        var taxiPartner = Fixture.AddPartner();
        var taxi = Fixture.AddTaxiOffer(taxiPartner);
        var premium = Fixture.AddMember(number: "600001");
        var plus = Fixture.AddMember(plan: "plus", number: "600002");
        var lapsed = Guid.NewGuid();
        Fixture.AddMember(number: "600003", id: lapsed);
        Fixture.AddMember(number: "600003", id: lapsed, inGoodStanding: false, from: new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var trip = new DateOnly(2026, 12, 20);
        await BuyAsync(travelClient, "TRIP-1", "600001", travelOffer, 150_000, trip.AddDays(2));
        await BuyAsync(travelClient, "TRIP-3", "600003", travelOffer, 150_000, trip);

        var member = await Fixture.MemberLoginAsync(RewardsFixture.Program, premium);
        // Matching booking (2 days off), amount above the 40 EUR cap: approved at the cap.
        var capped = await (await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 5_500, trip, Pdf("1")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PartlyApproved", capped.GetProperty("status").GetString());
        Assert.Equal(4_000, capped.GetProperty("approvedMinorUnits").GetInt64());
        // Matching booking, within the cap: approved.
        var ok = await (await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 3_250, trip.AddDays(1), Pdf("2")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Approved", ok.GetProperty("status").GetString());
        // Third claim of the year: rejected by the yearly count.
        var third = await (await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, Pdf("3")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Rejected", third.GetProperty("status").GetString());
        Assert.Equal("yearly-claim-limit-reached", third.GetProperty("reason").GetString());
        Assert.Equal(7_250, (await BalanceAsync(premium)).Available);

        // Next year, no booking near the trip: waits for review; the operator partly approves it.
        var review = await (await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 3_000, new DateOnly(2027, 3, 1), Pdf("4")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("InReview", review.GetProperty("status").GetString());
        var ops = await Fixture.OperatorAsync();
        var queue = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/rewards/claims");
        Assert.Equal(review.GetProperty("id").GetGuid(), queue.EnumerateArray().Single().GetProperty("claim").GetProperty("id").GetGuid());
        var decided = await ops.PostAsJsonAsync($"/api/v1/ops/rewards/claims/{review.GetProperty("id").GetGuid()}/decision",
            new { decision = "partly-approve", approvedMinorUnits = 2_000, reason = "Receipt shows 20 EUR for the airport leg" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var again = await ops.PostAsJsonAsync($"/api/v1/ops/rewards/claims/{review.GetProperty("id").GetGuid()}/decision", new { decision = "reject", reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(9_250, (await BalanceAsync(premium)).Available);

        // The Plus plan does not include the taxi refund.
        var plusClient = await Fixture.MemberLoginAsync(RewardsFixture.Program, plus);
        var notEntitled = await (await plusClient.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, Pdf("5")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("plan-does-not-include-this-refund", notEntitled.GetProperty("reason").GetString());
        // Membership not in good standing on the trip date.
        var lapsedClient = await Fixture.MemberLoginAsync(RewardsFixture.Program, lapsed);
        var inactive = await (await lapsedClient.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, Pdf("6")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("membership-not-active-on-trip-date", inactive.GetProperty("reason").GetString());

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<ClaimApproved>(m => m.Context.Message.ApprovedMinorUnits == 2_000 && !m.Context.Message.Automatically));
        Assert.True(await App.Harness.Published.Any<ClaimRejected>(m => m.Context.Message.Reason == "yearly-claim-limit-reached"));
    }

    [Fact]
    public async Task Receipts_must_be_pdf_jpeg_or_png_by_their_bytes_and_at_most_5_MB_and_the_same_claim_twice_counts_once()
    {
        var taxi = Fixture.AddTaxiOffer(Fixture.AddPartner());
        var premium = Fixture.AddMember();
        var member = await Fixture.MemberLoginAsync(RewardsFixture.Program, premium);
        var trip = new DateOnly(2026, 12, 20);

        var exe = await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, "MZ\u0090\0fake"u8.ToArray(), "receipt.pdf", "application/pdf"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, exe.StatusCode);
        var big = new byte[5 * 1024 * 1024 + 1];
        "%PDF-"u8.CopyTo(big);
        var tooLarge = await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var first = await member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, png, "../../etc/passwd", "application/pdf"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => member.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, trip, png))));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var claims = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/claims");
        Assert.Equal(1, claims.GetArrayLength());

        var id = claims[0].GetProperty("id").GetGuid();
        var receipt = await member.GetAsync($"/api/v1/me/rewards/claims/{id}/receipt");
        Assert.Equal("image/png", receipt.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", receipt.Content.Headers.ContentDisposition!.DispositionType);
        Assert.DoesNotContain("/", receipt.Content.Headers.ContentDisposition.FileName ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_sees_only_their_own_ledger_and_claims_and_operators_only_their_programs()
    {
        var (_, offer, partnerClient) = await TravelAgencyAsync();
        var taxi = Fixture.AddTaxiOffer(Fixture.AddPartner());
        var alice = Fixture.AddMember(number: "700001");
        var bob = Fixture.AddMember(number: "700002");
        await BuyAsync(partnerClient, "A-1", "700001", offer, 100_000);
        var aliceClient = await Fixture.MemberLoginAsync(RewardsFixture.Program, alice);
        var bobClient = await Fixture.MemberLoginAsync(RewardsFixture.Program, bob);
        var claim = await (await aliceClient.PostAsync("/api/v1/me/rewards/claims", Claim(taxi, 1_000, new DateOnly(2027, 5, 1), Pdf()))).Content.ReadFromJsonAsync<JsonElement>();
        var claimId = claim.GetProperty("id").GetGuid();

        Assert.Equal(5_000, (await aliceClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/balance"))[0].GetProperty("pending").GetInt64());
        Assert.Equal(0, (await bobClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/balance")).GetArrayLength());
        Assert.Equal(0, (await bobClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/history")).GetArrayLength());
        Assert.Equal(0, (await bobClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/claims")).GetArrayLength());
        Assert.Equal(0, (await bobClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/cashback")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/api/v1/me/rewards/claims/{claimId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/api/v1/me/rewards/claims/{claimId}/receipt")).StatusCode);
        var history = await aliceClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/history");
        Assert.Contains("A-1", history[0].GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Members and partners cannot use the operator API; another program's operator sees nothing of this program.
        Assert.Equal(HttpStatusCode.Forbidden, (await aliceClient.GetAsync("/api/v1/ops/rewards/claims")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partnerClient.GetAsync($"/api/v1/ops/rewards/members/{alice}/ledger")).StatusCode);
        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/ops/rewards/claims")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ops/rewards/members/{alice}/ledger")).StatusCode);
        var foreignAdjustment = await other.PostAsJsonAsync($"/api/v1/ops/rewards/members/{alice}/adjustments", new { amountMinorUnits = 500, currency = "EUR", reason = "not my member" });
        Assert.Equal(HttpStatusCode.NotFound, foreignAdjustment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/ops/rewards/claims/{claimId}/decision", new { decision = "approve", reason = "x" })).StatusCode);

        // The operator's manual adjustment is in the member's ledger with who and why.
        var ops = await Fixture.OperatorAsync();
        var adjust = await ops.PostAsJsonAsync($"/api/v1/ops/rewards/members/{bob}/adjustments", new { amountMinorUnits = 500, currency = "EUR", reason = "Goodwill for a late refund" });
        Assert.Equal(HttpStatusCode.Created, adjust.StatusCode);
        var bobLedger = await ops.GetFromJsonAsync<JsonElement>($"/api/v1/ops/rewards/members/{bob}/ledger");
        Assert.Equal(500, bobLedger.GetProperty("balances")[0].GetProperty("available").GetInt64());
        Assert.Contains("Goodwill", bobLedger.GetProperty("lines")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var statement = await bobClient.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/statement/2026");
        Assert.Equal(500, statement.GetProperty("totalReceivedMinorUnits").GetInt64());
    }

    [Fact]
    public async Task A_finder_reports_a_key_tag_without_learning_anything_and_the_member_and_operator_see_it()
    {
        var alice = Fixture.AddMember();
        var member = await Fixture.MemberLoginAsync(RewardsFixture.Program, alice);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/v1/me/key-tags", new { code = "KT-ABC123", label = "Haustür" })).StatusCode);
        var bob = await Fixture.MemberLoginAsync(RewardsFixture.Program, Fixture.AddMember());
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostAsJsonAsync("/api/v1/me/key-tags", new { code = "kt-abc123", label = "mine" })).StatusCode);

        var finder = Fixture.Anonymous();
        var found = await finder.PostAsJsonAsync("/api/v1/programs/pluskonto/key-tags/KT-ABC123/found", new { message = "Found at the station", finderContact = "0151 123" });
        var unknown = await finder.PostAsJsonAsync("/api/v1/programs/pluskonto/key-tags/KT-NOPE99/found", new { message = "x" });
        Assert.Equal(HttpStatusCode.Accepted, found.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await found.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var tags = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/key-tags");
        Assert.Equal("Found at the station", tags[0].GetProperty("foundReports")[0].GetProperty("message").GetString());
        var ops = await Fixture.OperatorAsync();
        Assert.Equal("KT-ABC123", (await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/rewards/key-tags/found"))[0].GetProperty("code").GetString());
        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<KeyTagFound>(m => m.Context.Message.MemberId == alice));
    }

    [Fact]
    public async Task Found_reports_are_rate_limited_per_client_and_program()
    {
        var finder = Fixture.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await finder.PostAsJsonAsync("/api/v1/programs/stadtwerke/key-tags/KT-000001/found", new { message = "x" })).StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task A_claim_upload_retried_with_the_same_idempotency_key_but_a_new_multipart_boundary_is_replayed_not_refused()
    {
        var taxi = Fixture.AddTaxiOffer(Fixture.AddPartner());
        var premium = Fixture.AddMember(number: "610001");
        var member = await Fixture.MemberLoginAsync(RewardsFixture.Program, premium);
        var trip = new DateOnly(2026, 11, 20);

        async Task<HttpResponseMessage> SendAsync(string key, byte[] receipt)
        {
            // MultipartFormDataContent picks a new random boundary each time, as a real client's retry does.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/rewards/claims") { Content = Claim(taxi, 2_000, trip, receipt) };
            request.Headers.Add("Idempotency-Key", key);
            return await member.SendAsync(request);
        }

        var first = await SendAsync("claim-retry-1", Pdf("retry"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await SendAsync("claim-retry-1", Pdf("retry"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());

        // The same key with another receipt is a different request.
        var other = await SendAsync("claim-retry-1", Pdf("another receipt"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.EndsWith("/idempotency-key-reused", (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var claims = await member.GetFromJsonAsync<JsonElement>("/api/v1/me/rewards/claims");
        Assert.Equal(1, claims.GetArrayLength());
    }
}
