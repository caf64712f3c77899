using System.Collections.Concurrent;
using System.Net.Http.Json;
using BenefitProgram.Common;
using BenefitProgram.Host.Operations;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Platform.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Messaging;

/// <summary>
/// What every transport must guarantee, run by the real host (its own bus configuration, the real outbox dispatcher)
/// once on the in-memory transport and once on a real RabbitMQ node (<see cref="RabbitMqMessagingTests"/>): an event
/// written through the outbox is handled once, a duplicate delivery has one effect, and a consumer that keeps failing
/// is retried and then parked. Each test has a database and a host of its own; every wait is bounded.
/// </summary>
public abstract class MessagingContractTests : IAsyncLifetime
{
    protected const int RetryLimit = 2;

    private string connectionString = "";

    protected abstract TestBus Transport { get; }

    public async Task InitializeAsync() => connectionString = await TestDatabase.CreateAsync("bp_msg");

    public Task DisposeAsync() => TestDatabase.DropAsync(connectionString);

    protected BenefitProgramApp StartApp(FailureLog? failures = null)
    {
        var app = new BenefitProgramApp(
            connectionString,
            s => s.AddSingleton(failures ?? new FailureLog()),
            bus => bus.AddConsumer<AlwaysFailingConsumer>(),
            new Dictionary<string, string?>
            {
                ["Host:NodeName"] = "test-node",
                ["Messaging:Outbox:PollIntervalMs"] = "100",
                ["Messaging:Outbox:PublishTimeoutSeconds"] = "5",
                ["Messaging:Retry:Limit"] = RetryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Messaging:Retry:MinIntervalMs"] = "50",
                ["Messaging:Retry:MaxIntervalMs"] = "200",
                ["Messaging:Retry:IntervalDeltaMs"] = "50",
            },
            Transport,
            deliverOnDemand: false);
        _ = app.Server;
        return app;
    }

    protected static CancellationToken Bounded(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task An_event_written_through_the_outbox_is_consumed_exactly_once()
    {
        await using var app = StartApp();
        await RebrandThroughTheApiAsync(app, "Outbox to event log");

        await EventuallyAsync(app, async db => await db.ReceivedEvents.CountAsync() == 1, "the event log received the event");
        var outboxId = await WithPlatformAsync(app, db => db.OutboxMessages.Select(m => m.Id).SingleAsync());
        await EventuallyAsync(app, async _ => await WithPlatformAsync(app, db => db.OutboxMessages.AllAsync(m => m.DispatchedAt != null)), "the outbox row is marked dispatched");

        // Give a second delivery every chance to show up, then count: one received event, one inbox row, same id.
        await Task.Delay(500);
        await WithHostOpsAsync(app, async db =>
        {
            var received = await db.ReceivedEvents.SingleAsync();
            Assert.Equal(outboxId, received.MessageId);
            Assert.Equal(nameof(ProgramBrandingChanged), received.Type);
            Assert.Equal("test-node", received.Node);
            Assert.Equal(1, await db.InboxMessages.CountAsync(m => m.MessageId == outboxId));
        });
    }

    [Fact]
    public async Task A_message_delivered_twice_with_the_same_MessageId_has_one_effect()
    {
        await using var app = StartApp();
        var messageId = NewId.NextGuid();
        var changed = new ProgramBrandingChanged(DemoIds.PlusKontoProgram, "Twice", "#112233", "#445566", BenefitProgramApp.Start);

        // The harness keeps one entry per MessageId, so count the deliveries with an observer of our own.
        var deliveries = new DeliveryCounter(messageId);
        using var _ = app.Harness.Bus.ConnectConsumeMessageObserver(deliveries);
        for (var i = 0; i < 2; i++)
        {
            await app.Harness.Bus.Publish(changed, ctx => ctx.MessageId = messageId, Bounded());
        }

        await Eventually.TrueAsync(() => deliveries.Handled >= 2, "both deliveries were handled by the event log", 20_000);
        await WithHostOpsAsync(app, async db =>
        {
            Assert.Equal(1, await db.ReceivedEvents.CountAsync(e => e.MessageId == messageId));
            Assert.Equal(1, await db.InboxMessages.CountAsync(m => m.MessageId == messageId));
        });
    }

    [Fact]
    public async Task A_consumer_that_keeps_failing_is_retried_and_then_parked_as_a_fault()
    {
        var failures = new FailureLog();
        await using var app = StartApp(failures);
        var probe = new FailingProbe(Guid.NewGuid());

        await app.Harness.Bus.Publish(probe, Bounded());

        await Eventually.TrueAsync(
            () => app.Harness.Published.Select<Fault<FailingProbe>>(Bounded()).Any(f => f.Context.Message.Message.Id == probe.Id),
            "a Fault<FailingProbe> was published after the retries", 20_000);
        Assert.Equal(1 + RetryLimit, failures.Attempts.Count(id => id == probe.Id));
        await AssertParkedAsync(app, probe.Id);
    }

    /// <summary>Transport-specific check that the failed message sits in the consumer's error queue.</summary>
    protected abstract Task AssertParkedAsync(BenefitProgramApp app, Guid probeId);

    internal static async Task RebrandThroughTheApiAsync(BenefitProgramApp app, string name)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
            {
                await seeder.SeedAsync(Bounded());
            }
        }

        var client = app.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword }, Bounded()))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Bounded());
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var response = await client.PutAsJsonAsync("/api/v1/ops/program/branding", new { name, primaryColor = "#112233", accentColor = "#445566" }, Bounded());
        response.EnsureSuccessStatusCode();
    }

    private static async Task<T> WithPlatformAsync<T>(BenefitProgramApp app, Func<PlatformDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PlatformDbContext>());
    }

    private static async Task WithHostOpsAsync(BenefitProgramApp app, Func<HostOpsDbContext, Task> check)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await check(scope.ServiceProvider.GetRequiredService<HostOpsDbContext>());
    }

    private static async Task EventuallyAsync(BenefitProgramApp app, Func<HostOpsDbContext, Task<bool>> condition, string what, int timeoutMs = 20_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                if (await condition(scope.ServiceProvider.GetRequiredService<HostOpsDbContext>()))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    private sealed class DeliveryCounter(Guid messageId) : IConsumeMessageObserver<ProgramBrandingChanged>
    {
        private int handled;

        public int Handled => Volatile.Read(ref handled);

        public Task PreConsume(ConsumeContext<ProgramBrandingChanged> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<ProgramBrandingChanged> context)
        {
            if (context.MessageId == messageId)
            {
                Interlocked.Increment(ref handled);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<ProgramBrandingChanged> context, Exception exception) => Task.CompletedTask;
    }

    public sealed class FailureLog
    {
        public ConcurrentQueue<Guid> Attempts { get; } = new();
    }

    /// <summary>A consumer whose every attempt fails (think: a bug or a poison message).</summary>
    public sealed class AlwaysFailingConsumer(FailureLog log) : IConsumer<FailingProbe>
    {
        public Task Consume(ConsumeContext<FailingProbe> context)
        {
            log.Attempts.Enqueue(context.Message.Id);
            throw new InvalidOperationException("This consumer always fails.");
        }
    }
}

/// <summary>A test-only message nobody else consumes.</summary>
public sealed record FailingProbe(Guid Id);

public sealed class InMemoryMessagingTests : MessagingContractTests
{
    protected override TestBus Transport => TestBus.InMemory;

    // In memory there is no broker to look into: the Fault above is what MassTransit moves to "always-failing_error".
    protected override Task AssertParkedAsync(BenefitProgramApp app, Guid probeId) => Task.CompletedTask;
}
