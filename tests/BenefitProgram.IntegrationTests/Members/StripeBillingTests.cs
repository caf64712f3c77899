using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stripe;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

/// <summary>A host billing through Stripe: outgoing calls go to a WireMock stub, webhooks are signed with a test secret.</summary>
public sealed class StripeFixture : IAsyncLifetime
{
    public const string Secret = "whsec_test_benefitprogram";
    private ResettableHost host = null!;

    public WireMockServer Stub { get; } = WireMockServer.Start();
    public string ConnectionString => host.ConnectionString;
    public BenefitProgramApp App => host.App;

    public async Task InitializeAsync() => host = await ResettableHost.StartAsync("bp_stripe", cs => new BenefitProgramApp(cs, services =>
        services.PostConfigure<BillingOptions>(o =>
        {
            o.Provider = StripeBillingProvider.ProviderName;
            o.Stripe.ApiKey = "sk_test_benefitprogram";
            o.Stripe.WebhookSecret = Secret;
            o.Stripe.ApiBase = Stub.Url;
        })));

    public async Task ResetAsync()
    {
        await host.ResetAsync();
        await SeedPlansAsync(App);
        Stub.Reset();
        var start = BenefitProgramApp.Start.ToUnixTimeSeconds();
        var trialEnd = BenefitProgramApp.Start.AddDays(30).ToUnixTimeSeconds();
        Stub.Given(Request.Create().WithPath("/v1/prices").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"id":"price_test_1","object":"price"}"""));
        Stub.Given(Request.Create().WithPath("/v1/customers").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"id":"cus_test_1","object":"customer"}"""));
        Stub.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"cs_test_1","object":"checkout.session","mode":"subscription","url":"https://checkout.stripe.com/c/pay/cs_test_1"}"""));
        Stub.Given(Request.Create().WithPath("/v1/subscriptions").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(
                $$$$"""{"id":"sub_test_1","object":"subscription","status":"trialing","cancel_at_period_end":false,"customer":"cus_test_1","trial_end":{{{{trialEnd}}}},"items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","current_period_start":{{{{start}}}},"current_period_end":{{{{trialEnd}}}}}]}}"""));
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        Stub.Stop();
    }
}

[CollectionDefinition(Name)]
public sealed class StripeCollection : ICollectionFixture<StripeFixture>
{
    public const string Name = "stripe";
}

[Collection(StripeCollection.Name)]
public sealed class StripeBillingTests(StripeFixture stripe) : IAsyncLifetime
{
    private BenefitProgramApp App => stripe.App;

    public Task InitializeAsync() => stripe.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private string lastEmail = "";

    private async Task<(Guid MemberId, Guid MembershipId)> SignUpPlusAsync()
    {
        var client = App.CreateClient();
        lastEmail = $"s-{Guid.NewGuid():N}@example.com";
        var response = await client.PostAsJsonAsync($"/api/v1/programs/{DemoIds.PlusKontoSlug}/members", SignUpBody(lastEmail, "plus"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("memberId").GetGuid(), body.GetProperty("membership").GetProperty("membershipId").GetGuid());
    }

    private async Task<HttpClient> MemberAsync(string email)
    {
        var client = App.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = AppFixture.TestPassword })).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    private static string Checkout(string eventId, DateTimeOffset created, string subscriptionId, Guid membershipId) =>
        Event(eventId, "checkout.session.completed", created, $$$$"""
            {"id":"cs_test_1","object":"checkout.session","mode":"subscription","status":"complete","customer":"cus_test_1",
             "subscription":"{{{{subscriptionId}}}}","client_reference_id":"{{{{membershipId}}}}","metadata":{"membership_id":"{{{{membershipId}}}}"}}
            """);

    [Fact]
    public async Task Signing_up_creates_the_stripe_customer_and_the_member_pays_on_stripe_checkout_which_starts_the_subscription()
    {
        var (memberId, membershipId) = await SignUpPlusAsync();
        var calls = stripe.Stub.LogEntries.Select(e => e.RequestMessage).ToList();
        var customer = Assert.Single(calls, c => c.Path == "/v1/customers");
        Assert.Equal($"bp-customer-{memberId}", customer.Headers!["Idempotency-Key"].Single());
        Assert.DoesNotContain(calls, c => c.Path == "/v1/subscriptions");

        // No card yet: the membership waits for the payment page, without benefits.
        var membership = await DbAsync(App, db => db.Memberships.Include(m => m.Plan).SingleAsync(m => m.Id == membershipId));
        Assert.Equal(MembershipStatus.PendingPaymentMethod, membership.Status);
        Assert.Null(membership.ExternalSubscriptionId);
        Assert.Equal("Stripe", membership.BillingProvider);
        Assert.Equal("price_test_1", membership.Plan.StripePriceId);
        Assert.Equal("cus_test_1", await DbAsync(App, db => db.Members.Where(m => m.Id == memberId).Select(m => m.StripeCustomerId).SingleAsync()));

        var member = await MemberAsync(lastEmail);
        var opened = await member.PostAsJsonAsync("/api/v1/me/membership/checkout", new { });
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("https://checkout.stripe.com/c/pay/cs_test_1", (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString());
        var session = Assert.Single(stripe.Stub.LogEntries.Select(e => e.RequestMessage), c => c.Path == "/v1/checkout/sessions");
        Assert.StartsWith($"bp-checkout-{membershipId}-", session.Headers!["Idempotency-Key"].Single(), StringComparison.Ordinal);
        var form = System.Web.HttpUtility.ParseQueryString(session.Body!);
        Assert.Equal("subscription", form["mode"]);
        Assert.Equal("cus_test_1", form["customer"]);
        Assert.Equal(membershipId.ToString(), form["client_reference_id"]);
        Assert.Equal("price_test_1", form["line_items[0][price]"]);
        Assert.Equal("30", form["subscription_data[trial_period_days]"]);
        Assert.Equal(membershipId.ToString(), form["subscription_data[metadata][membership_id]"]);
        Assert.Equal("de", form["locale"]);
        Assert.StartsWith("http://localhost/membership?checkout=done", form["success_url"], StringComparison.Ordinal);

        // The member paid: Stripe reports the session and the new subscription (in either order).
        var t = BenefitProgramApp.Start;
        Assert.Equal("checkout-linked", (await (await DeliverAsync(Checkout("evt_c1", t.AddSeconds(2), "sub_test_1", membershipId))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Sub("evt_c2", "customer.subscription.created", t.AddSeconds(3), "trialing", t, t.AddDays(30), membershipId))).StatusCode);
        membership = await DbAsync(App, db => db.Memberships.SingleAsync(m => m.Id == membershipId));
        Assert.Equal(MembershipStatus.Trialing, membership.Status);
        Assert.Equal("sub_test_1", membership.ExternalSubscriptionId);

        // Nothing left to pay on a payment page now.
        var again = await member.PostAsJsonAsync("/api/v1/me/membership/checkout", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.EndsWith("/no-payment-needed", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_ended_member_starts_again_through_checkout_and_the_new_subscription_replaces_the_old_one_whatever_the_event_order()
    {
        var (_, membershipId) = await SignUpPlusAsync();
        var t = BenefitProgramApp.Start;
        App.Clock.SetUtcNow(t.AddDays(91));
        foreach (var json in Stream(membershipId))
        {
            Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(json)).StatusCode);
        }

        Assert.Equal(MembershipStatus.Ended, await DbAsync(App, db => db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Status).SingleAsync()));
        var member = await MemberAsync(lastEmail);
        var opened = await member.PostAsJsonAsync("/api/v1/me/membership/checkout", new { });
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(stripe.Stub.LogEntries.Select(e => e.RequestMessage).Last(c => c.Path == "/v1/checkout/sessions").Body!);
        Assert.Null(form["subscription_data[trial_period_days]"]); // no second trial

        // The new subscription's event comes before checkout.session.completed: it links itself to the ended membership.
        var created = $$$$"""
            {"id":"sub_test_2","object":"subscription","status":"active","cancel_at_period_end":false,"customer":"cus_test_1",
             "metadata":{"membership_id":"{{{{membershipId}}}}"},
             "items":{"object":"list","data":[{"id":"si_2","object":"subscription_item","current_period_start":{{{{t.AddDays(91).ToUnixTimeSeconds()}}}},"current_period_end":{{{{t.AddDays(121).ToUnixTimeSeconds()}}}}}]}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Event("evt_r1", "customer.subscription.created", t.AddDays(91).AddSeconds(5), created))).StatusCode);
        Assert.Equal("checkout-already-linked", (await (await DeliverAsync(Checkout("evt_r2", t.AddDays(91).AddSeconds(6), "sub_test_2", membershipId))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        // A late event of the old, ended subscription changes nothing.
        var stale = await (await DeliverAsync(Sub("evt_r3", "customer.subscription.updated", t.AddDays(91).AddSeconds(7), "active", t.AddDays(60), t.AddDays(90), membershipId))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("other-subscription", stale.GetProperty("outcome").GetString());

        var membership = await DbAsync(App, db => db.Memberships.SingleAsync(m => m.Id == membershipId));
        Assert.Equal(MembershipStatus.Active, membership.Status);
        Assert.Equal("sub_test_2", membership.ExternalSubscriptionId);
    }

    [Fact]
    public async Task Stripe_refusing_the_checkout_is_a_502_problem_and_changes_nothing()
    {
        var (_, membershipId) = await SignUpPlusAsync();
        stripe.Stub.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost()).AtPriority(-1000)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such price"}}"""));
        var member = await MemberAsync(lastEmail);
        var response = await member.PostAsJsonAsync("/api/v1/me/membership/checkout", new { });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("resource_missing", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(MembershipStatus.PendingPaymentMethod, await DbAsync(App, db => db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Status).SingleAsync()));
    }

    private static string Sub(string eventId, string type, DateTimeOffset created, string status, DateTimeOffset periodStart, DateTimeOffset periodEnd, Guid membershipId, bool cancelAtPeriodEnd = false) =>
        Event(eventId, type, created, $$$$"""
            {"id":"sub_test_1","object":"subscription","status":"{{{{status}}}}","cancel_at_period_end":{{{{(cancelAtPeriodEnd ? "true" : "false")}}}},"customer":"cus_test_1",
             "metadata":{"membership_id":"{{{{membershipId}}}}"},"trial_end":{{{{BenefitProgramApp.Start.AddDays(30).ToUnixTimeSeconds()}}}},
             "cancellation_details":{"reason":{{{{(cancelAtPeriodEnd ? "\"cancellation_requested\"" : "null")}}}}},
             "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","current_period_start":{{{{periodStart.ToUnixTimeSeconds()}}}},"current_period_end":{{{{periodEnd.ToUnixTimeSeconds()}}}}}]}}
            """);

    private static string Inv(string eventId, string type, DateTimeOffset created, string invoiceId, string status, DateTimeOffset periodStart, DateTimeOffset periodEnd, Guid membershipId) =>
        Event(eventId, type, created, $$$$"""
            {"id":"{{{{invoiceId}}}}","object":"invoice","status":"{{{{status}}}}","amount_due":690,"amount_paid":{{{{(status == "paid" ? 690 : 0)}}}},"currency":"eur","attempt_count":1,
             "period_start":{{{{periodStart.ToUnixTimeSeconds()}}}},"period_end":{{{{periodEnd.ToUnixTimeSeconds()}}}},
             "parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_test_1","metadata":{"membership_id":"{{{{membershipId}}}}"}}},
             "lines":{"object":"list","data":[{"id":"il_{{{{invoiceId}}}}","object":"line_item","period":{"start":{{{{periodStart.ToUnixTimeSeconds()}}}},"end":{{{{periodEnd.ToUnixTimeSeconds()}}}}}}]}}
            """);

    private static string Event(string id, string type, DateTimeOffset created, string objectJson) =>
        $$$$"""{"id":"{{{{id}}}}","object":"event","api_version":"2026-10-28.endive","created":{{{{created.ToUnixTimeSeconds()}}}},"type":"{{{{type}}}}","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"data":{"object":{{{{objectJson}}}}}}""";

    private async Task<HttpResponseMessage> DeliverAsync(string json, string? secret = null, long? timestamp = null, string? body = null)
    {
        var header = EventUtility.GenerateSignatureHeader(json, secret ?? StripeFixture.Secret, timestamp ?? App.Clock.GetUtcNow().ToUnixTimeSeconds());
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook") { Content = new StringContent(body ?? json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", header);
        return await App.CreateClient().SendAsync(request);
    }

    private static List<string> Stream(Guid membershipId)
    {
        var t = BenefitProgramApp.Start;
        return
        [
            Sub("evt_1", "customer.subscription.created", t.AddSeconds(1), "trialing", t, t.AddDays(30), membershipId),
            Inv("evt_2", "invoice.paid", t.AddDays(30), "in_1", "paid", t.AddDays(30), t.AddDays(60), membershipId),
            Sub("evt_3", "customer.subscription.updated", t.AddDays(30).AddSeconds(1), "active", t.AddDays(30), t.AddDays(60), membershipId),
            Inv("evt_4", "invoice.payment_failed", t.AddDays(60), "in_2", "open", t.AddDays(60), t.AddDays(90), membershipId),
            Sub("evt_5", "customer.subscription.updated", t.AddDays(60).AddSeconds(1), "past_due", t.AddDays(60), t.AddDays(90), membershipId),
            Inv("evt_6", "invoice.paid", t.AddDays(63), "in_2", "paid", t.AddDays(60), t.AddDays(90), membershipId),
            Sub("evt_7", "customer.subscription.updated", t.AddDays(63).AddSeconds(1), "active", t.AddDays(60), t.AddDays(90), membershipId),
            Sub("evt_8", "customer.subscription.updated", t.AddDays(70), "active", t.AddDays(60), t.AddDays(90), membershipId, cancelAtPeriodEnd: true),
            Sub("evt_9", "customer.subscription.deleted", t.AddDays(90), "canceled", t.AddDays(60), t.AddDays(90), membershipId, cancelAtPeriodEnd: true),
        ];
    }

    private async Task<string> SnapshotAsync(Guid membershipId) => await DbAsync(App, async db =>
    {
        var m = await db.Memberships.AsNoTracking().SingleAsync(x => x.Id == membershipId);
        var fees = await db.Fees.AsNoTracking().Where(f => f.MembershipId == membershipId).OrderBy(f => f.ProviderReference)
            .Select(f => $"{f.ProviderReference}:{f.Status}:{f.AmountMinorUnits}:{f.PeriodStart:O}").ToListAsync();
        return $"{m.Status} {m.EndKind} {m.CurrentPeriodStart:O} {m.CurrentPeriodEnd:O} {m.TrialEndsAt:O} | {string.Join(", ", fees)}";
    });

    [Fact]
    public async Task A_shuffled_stream_of_webhooks_with_duplicates_ends_in_the_same_state_as_the_stream_in_order()
    {
        // In order.
        var (_, first) = await SignUpPlusAsync();
        App.Clock.SetUtcNow(BenefitProgramApp.Start.AddDays(91));
        var snapshots = new List<string>();
        var history = new List<MembershipStatus>();
        foreach (var json in Stream(first))
        {
            Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(json)).StatusCode);
            history.Add(await DbAsync(App, db => db.Memberships.Where(m => m.Id == first).Select(m => m.Status).SingleAsync()));
        }

        Assert.Equal([MembershipStatus.Trialing, MembershipStatus.Trialing, MembershipStatus.Active, MembershipStatus.Active, MembershipStatus.PastDue,
            MembershipStatus.PastDue, MembershipStatus.Active, MembershipStatus.Cancelled, MembershipStatus.Ended], history);
        var ordered = await SnapshotAsync(first);
        Assert.StartsWith("Ended Voluntary", ordered, StringComparison.Ordinal);

        // Shuffled with duplicates, several times, each on a fresh database.
        for (var seed = 1; seed <= 4; seed++)
        {
            await stripe.ResetAsync();
            var (_, again) = await SignUpPlusAsync();
            App.Clock.SetUtcNow(BenefitProgramApp.Start.AddDays(91));
            var random = new Random(seed);
            var events = Stream(again);
            var delivery = events.Concat(events.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            foreach (var json in delivery)
            {
                Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(json)).StatusCode);
            }

            snapshots.Add(await SnapshotAsync(again));
            Assert.Equal(9, await DbAsync(App, db => db.StripeEvents.CountAsync()));
        }

        Assert.All(snapshots, s => Assert.Equal(ordered, s));
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_and_ignored()
    {
        var (_, membershipId) = await SignUpPlusAsync();
        var json = Inv("evt_dup", "invoice.paid", BenefitProgramApp.Start.AddSeconds(5), "in_9", "paid", BenefitProgramApp.Start, BenefitProgramApp.Start.AddDays(30), membershipId);
        var first = await (await DeliverAsync(json)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await DeliverAsync(json);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("fee-paid", first.GetProperty("outcome").GetString());
        Assert.Equal("duplicate-ignored", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(1, await DbAsync(App, db => db.Fees.CountAsync()));
        await App.DeliverEventsAsync();
        Assert.Equal(1, App.Harness.Published.Select<FeeCharged>().Count(m => m.Context.Message.MembershipId == membershipId));
    }

    public static TheoryData<string> Tampering() => new() { "payload", "secret", "stale", "missing" };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_tampered_payload_a_wrong_secret_or_a_stale_signature_is_rejected_and_changes_nothing(string how)
    {
        var (_, membershipId) = await SignUpPlusAsync();
        var json = Sub("evt_bad", "customer.subscription.deleted", BenefitProgramApp.Start.AddSeconds(10), "canceled", BenefitProgramApp.Start, BenefitProgramApp.Start.AddDays(30), membershipId);
        HttpResponseMessage response;
        if (how == "missing")
        {
            response = await App.CreateClient().PostAsync("/api/v1/billing/stripe/webhook", new StringContent(json, Encoding.UTF8, "application/json"));
        }
        else
        {
            response = how switch
            {
                "payload" => await DeliverAsync(json, body: json.Replace("canceled", "active", StringComparison.Ordinal)),
                "secret" => await DeliverAsync(json, secret: "whsec_someone_else"),
                _ => await DeliverAsync(json, timestamp: App.Clock.GetUtcNow().AddSeconds(-301).ToUnixTimeSeconds()),
            };
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await DbAsync(App, db => db.StripeEvents.CountAsync()));
        Assert.Equal(MembershipStatus.PendingPaymentMethod, await DbAsync(App, db => db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Status).SingleAsync()));

        // The same event, correctly signed, is accepted.
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(json)).StatusCode);
        Assert.Equal(MembershipStatus.Ended, await DbAsync(App, db => db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Status).SingleAsync()));
    }
}
