using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Stripe;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

/// <summary>
/// Stripe chaos: the webhook streams of 60 memberships (540 events) delivered once in order, and once shuffled across
/// all memberships with duplicates and forged deliveries (about 1,000 deliveries). Forged ones are refused with 400;
/// the final memberships and fees equal those of the clean ordered run.
/// </summary>
[Collection(StripeCollection.Name)]
public sealed class StripeChaosTests(StripeFixture stripe) : IAsyncLifetime
{
    private const int Memberships = 60;
    private BenefitProgramApp App => stripe.App;

    public Task InitializeAsync() => stripe.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_thousand_shuffled_duplicated_and_partly_forged_webhooks_end_in_the_state_of_the_clean_ordered_stream()
    {
        var ordered = await RunAsync(streams => streams.SelectMany(s => s).Select(e => (e, Forged: false)).ToList());

        await stripe.ResetAsync();
        var random = new Random(2026);
        var chaos = await RunAsync(streams =>
        {
            var all = streams.SelectMany(s => s).ToList();
            var deliveries = all.Select(e => (e, Forged: false))
                .Concat(all.Where(_ => random.Next(2) == 0).Select(e => (e, Forged: false)))   // duplicates
                .Concat(all.Where(_ => random.Next(2) == 0).Select(e => (e, Forged: true)))    // forged copies
                .OrderBy(_ => random.Next())
                .ToList();
            return deliveries;
        });

        Assert.True(chaos.Deliveries >= 1_000, $"only {chaos.Deliveries} deliveries");
        Assert.Equal(ordered.States, chaos.States);
        Assert.Equal(Memberships * 9, await DbAsync(App, db => db.StripeEvents.CountAsync()));
        TestFigures.Record($"stripe chaos: {chaos.Deliveries} deliveries ({chaos.Forged} forged, refused), {Memberships} memberships equal to the ordered stream");
    }

    private async Task<(int Deliveries, int Forged, List<string> States)> RunAsync(Func<List<List<string>>, List<(string Json, bool Forged)>> plan)
    {
        var memberships = new List<Guid>();
        var client = App.CreateClient();
        for (var i = 0; i < Memberships; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", SignUpBody($"chaos-{i:000}@example.com", "plus"));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            var membershipId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("membership").GetProperty("membershipId").GetGuid();
            memberships.Add(membershipId);
            // The stub answers every subscription with the same id; give each membership its own, as Stripe would.
            await DbAsync(App, db => db.Database.ExecuteSqlAsync($"UPDATE members.memberships SET external_subscription_id = {"sub_" + i} WHERE id = {membershipId}"));
        }

        App.Clock.SetUtcNow(BenefitProgramApp.Start.AddDays(91));
        var deliveries = plan(memberships.Select((m, i) => Stream(i, m)).ToList());
        var forged = 0;
        foreach (var (json, isForged) in deliveries)
        {
            var secret = isForged ? "whsec_forged" : StripeFixture.Secret;
            var header = EventUtility.GenerateSignatureHeader(json, secret, App.Clock.GetUtcNow().ToUnixTimeSeconds());
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Add("Stripe-Signature", header);
            var answer = await client.SendAsync(request);
            Assert.Equal(isForged ? HttpStatusCode.BadRequest : HttpStatusCode.OK, answer.StatusCode);
            forged += isForged ? 1 : 0;
        }

        var states = new List<string>();
        foreach (var membershipId in memberships)
        {
            states.Add(await DbAsync(App, async db =>
            {
                var m = await db.Memberships.AsNoTracking().SingleAsync(x => x.Id == membershipId);
                var fees = await db.Fees.AsNoTracking().Where(f => f.MembershipId == membershipId).OrderBy(f => f.ProviderReference)
                    .Select(f => $"{f.ProviderReference}:{f.Status}:{f.AmountMinorUnits}:{f.PeriodStart:O}").ToListAsync();
                return $"{m.Status} {m.EndKind} {m.CurrentPeriodStart:O} {m.CurrentPeriodEnd:O} | {string.Join(", ", fees)}";
            }));
        }

        return (deliveries.Count, forged, states);
    }

    /// <summary>A membership's year in Stripe: trial, paid, a failed payment recovered, some cancel at period end.</summary>
    private static List<string> Stream(int i, Guid membershipId)
    {
        var t = BenefitProgramApp.Start;
        var cancels = i % 3 == 0;
        string Sub(int n, string type, DateTimeOffset created, string status, DateTimeOffset from, DateTimeOffset to, bool cancel = false) =>
            Event($"evt_{i}_{n}", type, created, $$$$"""
                {"id":"sub_{{{{i}}}}","object":"subscription","status":"{{{{status}}}}","cancel_at_period_end":{{{{(cancel ? "true" : "false")}}}},"customer":"cus_test_1",
                 "metadata":{"membership_id":"{{{{membershipId}}}}"},"trial_end":{{{{t.AddDays(30).ToUnixTimeSeconds()}}}},
                 "cancellation_details":{"reason":{{{{(cancel ? "\"cancellation_requested\"" : "null")}}}}},
                 "items":{"object":"list","data":[{"id":"si_{{{{i}}}}","object":"subscription_item","current_period_start":{{{{from.ToUnixTimeSeconds()}}}},"current_period_end":{{{{to.ToUnixTimeSeconds()}}}}}]}}
                """);
        string Inv(int n, string type, DateTimeOffset created, int invoice, string status, DateTimeOffset from, DateTimeOffset to) =>
            Event($"evt_{i}_{n}", type, created, $$$$"""
                {"id":"in_{{{{i}}}}_{{{{invoice}}}}","object":"invoice","status":"{{{{status}}}}","amount_due":690,"amount_paid":{{{{(status == "paid" ? 690 : 0)}}}},"currency":"eur","attempt_count":1,
                 "period_start":{{{{from.ToUnixTimeSeconds()}}}},"period_end":{{{{to.ToUnixTimeSeconds()}}}},
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_{{{{i}}}}","metadata":{"membership_id":"{{{{membershipId}}}}"}}},
                 "lines":{"object":"list","data":[{"id":"il_{{{{i}}}}_{{{{invoice}}}}","object":"line_item","period":{"start":{{{{from.ToUnixTimeSeconds()}}}},"end":{{{{to.ToUnixTimeSeconds()}}}}}}]}}
                """);
        return
        [
            Sub(1, "customer.subscription.created", t.AddSeconds(1), "trialing", t, t.AddDays(30)),
            Inv(2, "invoice.paid", t.AddDays(30), 1, "paid", t.AddDays(30), t.AddDays(60)),
            Sub(3, "customer.subscription.updated", t.AddDays(30).AddSeconds(1), "active", t.AddDays(30), t.AddDays(60)),
            Inv(4, "invoice.payment_failed", t.AddDays(60), 2, "open", t.AddDays(60), t.AddDays(90)),
            Sub(5, "customer.subscription.updated", t.AddDays(60).AddSeconds(1), "past_due", t.AddDays(60), t.AddDays(90)),
            Inv(6, "invoice.paid", t.AddDays(63), 2, "paid", t.AddDays(60), t.AddDays(90)),
            Sub(7, "customer.subscription.updated", t.AddDays(63).AddSeconds(1), "active", t.AddDays(60), t.AddDays(90)),
            Sub(8, "customer.subscription.updated", t.AddDays(70), "active", t.AddDays(60), t.AddDays(90), cancel: cancels),
            cancels
                ? Sub(9, "customer.subscription.deleted", t.AddDays(90), "canceled", t.AddDays(60), t.AddDays(90), cancel: true)
                : Sub(9, "customer.subscription.updated", t.AddDays(90), "active", t.AddDays(90), t.AddDays(120)),
        ];
    }

    private static string Event(string id, string type, DateTimeOffset created, string objectJson) =>
        $$$$"""{"id":"{{{{id}}}}","object":"event","api_version":"2026-10-28.endive","created":{{{{created.ToUnixTimeSeconds()}}}},"type":"{{{{type}}}}","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"data":{"object":{{{{objectJson}}}}}}""";
}
