using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Notifications.Webhooks;
using BenefitProgram.Rewards.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Notifications;

/// <summary>Webhooks against a real receiver on 127.0.0.1: signatures, retries, dead letters, deduplication, rotation, isolation.</summary>
[Collection(WebhooksCollection.Name)]
public sealed class WebhookTests(WebhooksFixture fixture) : IAsyncLifetime
{
    private BenefitProgramApp App => fixture.App;

    private WebhookReceiver Receiver => fixture.Receiver;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Partner(Guid Id, HttpClient Admin);

    private sealed record Hook(Guid Id, string Secret, string Path);

    [Fact]
    public async Task A_delivery_carries_the_event_and_a_signature_that_the_documented_algorithm_verifies()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["redemption.created"]);
        var redemption = Redemption(partner.Id);

        await App.Harness.Bus.Publish(redemption);
        await DeliveriesQueuedAsync(partner, hook, 1);
        await DispatchAsync();

        var received = Assert.Single(Receiver.To(hook.Path));
        // The documented check (docs/webhooks.md), written out here rather than calling the server's code.
        var key = Convert.FromBase64String(hook.Secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{received.Id}.{received.Timestamp}.{received.Body}")));
        Assert.Equal(expected, received.Signature);
        Assert.Equal(App.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);

        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("redemption.created", body.GetProperty("type").GetString());
        Assert.Equal(redemption.RedemptionId, body.GetProperty("data").GetProperty("redemptionId").GetGuid());
        Assert.Equal(1990, body.GetProperty("data").GetProperty("amountMinorUnits").GetInt64());

        var delivery = Assert.Single(await DeliveriesAsync(partner, hook));
        Assert.Equal("Succeeded", delivery.GetProperty("status").GetString());
        Assert.Equal(received.Id, delivery.GetProperty("eventId").GetGuid().ToString());
        var attempt = Assert.Single(delivery.GetProperty("attemptLog").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task A_500_is_retried_with_back_off_and_a_2xx_stops_the_retries()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["purchase.recorded"]);
        var answers = new Queue<int>([500, 500, 204]);
        Receiver.Respond = path => path == hook.Path && answers.TryDequeue(out var code) ? code : 200;

        await App.Harness.Bus.Publish(Purchase(partner.Id));
        await DeliveriesQueuedAsync(partner, hook, 1);
        await DispatchAsync();
        Assert.Single(Receiver.To(hook.Path));
        Assert.Equal("Retrying", Status(Assert.Single(await DeliveriesAsync(partner, hook))));

        await DispatchAsync(); // not due yet: nothing is sent
        Assert.Single(Receiver.To(hook.Path));

        App.Clock.Advance(TimeSpan.FromMinutes(1)); // the first back-off
        await DispatchAsync();
        Assert.Equal(2, Receiver.To(hook.Path).Count);

        App.Clock.Advance(TimeSpan.FromMinutes(4));
        await DispatchAsync(); // the second back-off (5 min) has not passed
        Assert.Equal(2, Receiver.To(hook.Path).Count);

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await DispatchAsync();
        Assert.Equal(3, Receiver.To(hook.Path).Count);

        App.Clock.Advance(TimeSpan.FromDays(2));
        await DispatchAsync(); // delivered: no more tries
        Assert.Equal(3, Receiver.To(hook.Path).Count);

        var delivery = Assert.Single(await DeliveriesAsync(partner, hook, signIn: true));
        Assert.Equal("Succeeded", Status(delivery));
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal([500, 500, 204], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).ToArray());
        Assert.All(delivery.GetProperty("attemptLog").EnumerateArray(), a => Assert.True(a.GetProperty("durationMs").GetInt64() >= 0));
        Assert.Equal("HTTP 500 Internal Server Error", delivery.GetProperty("attemptLog")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_duplicate_event_is_delivered_once()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["offer.rejected", "offer.approved"]);
        var rejected = new OfferRejected(Guid.NewGuid(), partner.Id, DemoIds.PlusKontoProgram, 1, "Bitte Preis angeben", App.Clock.GetUtcNow());
        var messageId = Guid.NewGuid();

        await App.Harness.Bus.Publish(rejected, ctx => ctx.MessageId = messageId, CancellationToken.None);
        await App.Harness.Bus.Publish(rejected, ctx => ctx.MessageId = messageId, CancellationToken.None); // the outbox redelivers a message
        await App.Harness.Bus.Publish(rejected); // the same fact published again as a new message
        await Eventually.TrueAsync(() => Inbox(nameof(OfferRejected)) == 2, "both messages consumed");
        await DeliveriesQueuedAsync(partner, hook, 1);
        await DispatchAsync();
        await DispatchAsync();

        var received = Assert.Single(Receiver.To(hook.Path));
        Assert.Equal("Bitte Preis angeben", JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("comment").GetString());
        Assert.Single(await DeliveriesAsync(partner, hook));
    }

    [Fact]
    public async Task An_unreachable_endpoint_ends_dead_lettered_after_about_a_day_without_blocking_another_endpoint()
    {
        var partner = await CreatePartnerAsync();
        var dead = await RegisterAsync(partner, ["cashback.confirmed"], $"http://127.0.0.1:{ClosedPort()}/gone");
        var alive = await RegisterAsync(partner, ["cashback.confirmed"]);

        await App.Harness.Bus.Publish(Cashback(partner.Id));
        await DeliveriesQueuedAsync(partner, alive, 1);
        await DispatchAsync();
        Assert.Single(Receiver.To(alive.Path)); // delivered at once, whatever the other endpoint does

        var waited = TimeSpan.Zero;
        foreach (var delay in WebhookOptionsDelays())
        {
            App.Clock.Advance(delay);
            waited += delay;
            if (waited == TimeSpan.FromMinutes(36))
            {
                await App.Harness.Bus.Publish(Cashback(partner.Id)); // a new event while the other endpoint is failing
                await DeliveriesQueuedAsync(partner, alive, 2);
            }

            await DispatchAsync();
        }

        Assert.Equal(2, Receiver.To(alive.Path).Count);
        Assert.InRange(waited, TimeSpan.FromHours(20), TimeSpan.FromHours(30));
        App.Clock.Advance(TimeSpan.FromDays(2));
        await DispatchAsync(); // dead-lettered: the first delivery is not tried again
        var deliveries = await DeliveriesAsync(partner, dead, signIn: true);
        Assert.Equal(2, deliveries.Count);
        var first = deliveries.Single(d => d.GetProperty("attempts").GetInt32() == 8);
        Assert.Equal("DeadLettered", Status(first));
        Assert.All(first.GetProperty("attemptLog").EnumerateArray(), a =>
        {
            Assert.Equal(JsonValueKind.Null, a.GetProperty("statusCode").ValueKind);
            Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString()));
        });

        Assert.Equal(8, first.GetProperty("attemptLog").GetArrayLength());
    }

    [Fact]
    public async Task A_dead_lettered_delivery_can_be_sent_again_by_hand()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["coupon_stock.low"]);
        Receiver.Respond = _ => 503;
        await App.Harness.Bus.Publish(new CouponStockLow(Guid.NewGuid(), partner.Id, DemoIds.PlusKontoProgram, 9, 100, App.Clock.GetUtcNow()));
        await DeliveriesQueuedAsync(partner, hook, 1);
        var admin = partner.Admin;
        await DispatchAsync();
        foreach (var delay in WebhookOptionsDelays())
        {
            App.Clock.Advance(delay);
            await DispatchAsync();
        }

        App.Clock.SetUtcNow(BenefitProgramApp.Start); // the partner's sign-in lives at the start
        var delivery = Assert.Single(await DeliveriesAsync(partner, hook));
        Assert.Equal("DeadLettered", Status(delivery));
        Receiver.Respond = _ => 200;

        var response = await admin.PostAsync($"/api/v1/partner/webhooks/{hook.Id}/deliveries/{delivery.GetProperty("id").GetGuid()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await DispatchAsync();

        delivery = Assert.Single(await DeliveriesAsync(partner, hook));
        Assert.Equal("Succeeded", Status(delivery));
        Assert.Equal(9, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(9, Receiver.To(hook.Path).Count);
    }

    [Fact]
    public async Task After_a_secret_rotation_both_secrets_sign_during_the_overlap_and_only_the_new_one_after()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["offer.approved"]);
        var rotated = await partner.Admin.PostAsync($"/api/v1/partner/webhooks/{hook.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var rotation = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotation.GetProperty("secret").GetString()!;
        Assert.NotEqual(hook.Secret, newSecret);
        Assert.Equal(App.Clock.GetUtcNow().AddHours(24), rotation.GetProperty("previousSecretValidUntil").GetDateTimeOffset());

        await App.Harness.Bus.Publish(new OfferApproved(Guid.NewGuid(), partner.Id, DemoIds.PlusKontoProgram, 1, App.Clock.GetUtcNow()));
        await DeliveriesQueuedAsync(partner, hook, 1);
        await DispatchAsync();
        var during = Assert.Single(Receiver.To(hook.Path));
        var signatures = during.Signature.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.True(WebhookSignature.Verify(newSecret, during.Id, long.Parse(during.Timestamp, System.Globalization.CultureInfo.InvariantCulture), during.Body, signatures[0]));
        Assert.True(WebhookSignature.Verify(hook.Secret, during.Id, long.Parse(during.Timestamp, System.Globalization.CultureInfo.InvariantCulture), during.Body, signatures[1]));

        App.Clock.Advance(TimeSpan.FromHours(25));
        await App.Harness.Bus.Publish(new OfferApproved(Guid.NewGuid(), partner.Id, DemoIds.PlusKontoProgram, 1, App.Clock.GetUtcNow()));
        await Eventually.TrueAsync(() => CountDeliveries(hook.Id) == 2, "the second delivery");
        await DispatchAsync();
        var after = Receiver.To(hook.Path)[1];
        var ts = long.Parse(after.Timestamp, System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(' ', after.Signature);
        Assert.True(WebhookSignature.Verify(newSecret, after.Id, ts, after.Body, after.Signature));
        Assert.False(WebhookSignature.Verify(hook.Secret, after.Id, ts, after.Body, after.Signature));
    }

    [Fact]
    public async Task A_partner_cannot_see_or_change_another_partners_webhooks_or_deliveries()
    {
        var a = await CreatePartnerAsync("Partner A");
        var b = await CreatePartnerAsync("Partner B");
        var hook = await RegisterAsync(b, ["redemption.created"]);
        await App.Harness.Bus.Publish(Redemption(b.Id));
        await DeliveriesQueuedAsync(b, hook, 1);
        await DispatchAsync();
        var deliveryId = Assert.Single(await DeliveriesAsync(b, hook)).GetProperty("id").GetGuid();

        Assert.Empty((await a.Admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/partner/webhooks"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.GetAsync($"/api/v1/partner/webhooks/{hook.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.GetAsync($"/api/v1/partner/webhooks/{hook.Id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.PostAsync($"/api/v1/partner/webhooks/{hook.Id}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await a.Admin.PostAsync($"/api/v1/partner/webhooks/{hook.Id}/deliveries/{deliveryId}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Admin.DeleteAsync($"/api/v1/partner/webhooks/{hook.Id}")).StatusCode);

        // B's endpoint is untouched; A's events do not reach it.
        Assert.True((await b.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/partner/webhooks/{hook.Id}")).GetProperty("enabled").GetBoolean());
        await App.Harness.Bus.Publish(Redemption(a.Id));
        await Eventually.TrueAsync(() => Inbox(nameof(RedemptionRecorded)) == 2, "A's redemption consumed");
        await DispatchAsync();
        Assert.Single(Receiver.To(hook.Path));

        // B disables it: no new deliveries.
        Assert.Equal(HttpStatusCode.NoContent, (await b.Admin.DeleteAsync($"/api/v1/partner/webhooks/{hook.Id}")).StatusCode);
        await App.Harness.Bus.Publish(Redemption(b.Id));
        await Eventually.TrueAsync(() => Inbox(nameof(RedemptionRecorded)) == 3, "B's second redemption consumed");
        Assert.Equal(1, CountDeliveries(hook.Id));
    }

    [Fact]
    public async Task A_monthly_statement_is_announced_once_even_when_the_night_runs_twice()
    {
        var partner = await CreatePartnerAsync();
        var hook = await RegisterAsync(partner, ["statement.ready"]);
        var night = new DateOnly(2026, 11, 30);

        await RunStatementStepAsync(night);
        await RunStatementStepAsync(night);
        Assert.Equal(1L, Scalar($"""
            SELECT count(*) FROM reporting.outbox_messages
            WHERE type LIKE 'BenefitProgram.Reporting.Contracts.PartnerStatementReady,%' AND payload->>'partnerId' = '{partner.Id}'
            """));

        await App.DeliverEventsAsync();
        await DeliveriesQueuedAsync(partner, hook, 1);
        await DispatchAsync();
        var data = JsonDocument.Parse(Assert.Single(Receiver.To(hook.Path)).Body).RootElement.GetProperty("data");
        Assert.Equal("2026-11", data.GetProperty("month").GetString());
        Assert.Equal(DemoIds.PlusKontoProgram, data.GetProperty("programId").GetGuid());
        Assert.Equal("EUR", data.GetProperty("currency").GetString());
    }

    private async Task RunStatementStepAsync(DateOnly night)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var step = scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == "reporting:partner-statements");
        await step.RunAsync(night, CancellationToken.None);
    }

    // ------------------------------------------------------------------ helpers ------------------------------------------------------------------

    private static IEnumerable<TimeSpan> WebhookOptionsDelays() =>
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    private RedemptionRecorded Redemption(Guid partnerId) =>
        new(Guid.NewGuid(), RedemptionKind.DiscountPass, Guid.NewGuid(), DemoIds.PlusKontoProgram, Guid.NewGuid(), partnerId, 1990, "EUR", null, App.Clock.GetUtcNow());

    private PurchaseRecorded Purchase(Guid partnerId) =>
        new(DemoIds.PlusKontoProgram, Guid.NewGuid(), partnerId, Guid.NewGuid(), Guid.NewGuid(), "ORD-1", 10_000, "EUR", App.Clock.GetUtcNow(), null, 300, "Pending",
            App.Clock.GetUtcNow());

    private CashbackConfirmed Cashback(Guid partnerId) =>
        new(DemoIds.PlusKontoProgram, Guid.NewGuid(), Guid.NewGuid(), 300, "EUR", App.Clock.GetUtcNow(), partnerId);

    private Task DispatchAsync() => App.Services.GetRequiredService<WebhookDispatcher>().RunAsync(CancellationToken.None);

    private static string Status(JsonElement delivery) => delivery.GetProperty("status").GetString()!;

    private async Task<Partner> CreatePartnerAsync(string name = "Reisebüro Sonnenschein")
    {
        var ops = await fixture.SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        var email = $"admin-{Guid.NewGuid():N}@partner.example";
        var response = await ops.PostAsJsonAsync("/api/v1/ops/partners", new
        {
            name,
            logoUrl = (string?)null,
            categories = new[] { "travel" },
            regions = Array.Empty<string>(),
            cooperationModel = "CoBranding",
            terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Partner", partnerShareBasisPoints = 10000 },
            adminEmail = email,
            adminPassword = AppFixture.TestPassword,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new Partner(id, await fixture.SignInAsync(email, AppFixture.TestPassword));
    }

    private async Task<Hook> RegisterAsync(Partner partner, string[] eventTypes, string? url = null)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        var response = await partner.Admin.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = url ?? Receiver.BaseUrl + path, eventTypes, description = "ERP" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return new Hook(created.GetProperty("id").GetGuid(), secret, url is null ? path : new Uri(url).AbsolutePath);
    }

    private async Task<List<JsonElement>> DeliveriesAsync(Partner partner, Hook hook, bool signIn = false)
    {
        if (signIn)
        {
            App.Clock.SetUtcNow(BenefitProgramApp.Start); // bearer tokens were issued at the start
        }

        return (await partner.Admin.GetFromJsonAsync<List<JsonElement>>($"/api/v1/partner/webhooks/{hook.Id}/deliveries"))!;
    }

    private async Task DeliveriesQueuedAsync(Partner partner, Hook hook, int count)
    {
        _ = partner;
        await Eventually.TrueAsync(() => CountDeliveries(hook.Id) >= count, $"{count} deliveries queued");
    }

    private long Inbox(string eventName) =>
        Scalar($"SELECT count(*) FROM notifications.inbox_messages WHERE consumer = 'WebhookEventConsumer:{eventName}'");

    private long CountDeliveries(Guid endpointId) => Scalar($"SELECT count(*) FROM notifications.webhook_deliveries WHERE endpoint_id = '{endpointId}'");

    private long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(fixture.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (long)command.ExecuteScalar()!;
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
