using System.Text.Json;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace BenefitProgram.IntegrationTests.Messaging;

/// <summary>
/// Tests against the RabbitMQ node infra/test.sh starts (BP_TEST_RABBITMQ). One collection, so its hosts never
/// share the broker's queues at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqCollection
{
    public const string Name = "rabbitmq";
}

[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqMessagingTests : MessagingContractTests
{
    protected override TestBus Transport => TestBus.RabbitMq;

    /// <summary>MassTransit moved the message to the consumer queue's "_error" queue, with the exception in its headers.</summary>
    protected override async Task AssertParkedAsync(BenefitProgramApp app, Guid probeId)
    {
        var ct = Bounded();
        var factory = new ConnectionFactory { Uri = BenefitProgramApp.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until)
        {
            var got = await channel.BasicGetAsync("always-failing_error", autoAck: true, ct);
            if (got is null)
            {
                await Task.Delay(100, ct);
                continue;
            }

            using var body = JsonDocument.Parse(got.Body);
            if (body.RootElement.GetProperty("message").GetProperty("id").GetGuid() == probeId)
            {
                Assert.True(got.BasicProperties.Headers?.ContainsKey("MT-Fault-Message") == true, "the error queue copy carries MT-Fault-Message");
                return;
            }
        }

        Assert.Fail("The failed message did not reach the queue always-failing_error.");
    }

    [Fact]
    public async Task Readiness_includes_the_RabbitMQ_bus()
    {
        await using var app = StartApp();
        using var client = app.CreateClient();
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement health;
        do
        {
            var response = await client.GetAsync("/health/ready", Bounded());
            health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Bounded())).RootElement;
            if (health.GetProperty("status").GetString() == "Healthy")
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("masstransit-bus").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("postgres").GetString());
    }
}

/// <summary>A broker that does not answer must not hang the outbox: the publish times out and the event stays pending.</summary>
public sealed class RabbitMqDownTests : IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await TestDatabase.CreateAsync("bp_down");

    public Task DisposeAsync() => TestDatabase.DropAsync(connectionString);

    [Fact]
    public async Task With_RabbitMQ_down_the_outbox_gives_up_after_the_publish_timeout_and_keeps_the_event_and_readiness_fails()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var deadPort = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there any more

        await using var app = new BenefitProgramApp(
            connectionString,
            settings: new Dictionary<string, string?>
            {
                ["Messaging:RabbitMq:Port"] = deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Messaging:Outbox:PublishTimeoutSeconds"] = "2",
            },
            bus: TestBus.RabbitMqWithoutHarness);
        _ = app.Server; // the host starts although the broker is down (MassTransit keeps trying to connect)
        await MessagingContractTests.RebrandThroughTheApiAsync(app, "Broker down");

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, await app.DeliverEventsAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"the dispatcher gave up after {started.Elapsed}");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BenefitProgram.Platform.Persistence.PlatformDbContext>();
            var pending = await db.OutboxMessages.SingleAsync();
            Assert.Null(pending.DispatchedAt);
            Assert.Contains("longer than 2 s", pending.LastError);
        }

        using var client = app.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
