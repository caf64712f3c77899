using System.Collections.Concurrent;
using System.Net.Http.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Messaging;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Platform.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Platform;

/// <summary>
/// The outbox guarantee: an event committed with its fact arrives even when the process dies before publishing it,
/// and a message published twice (the process died after publishing, before marking it sent) has one effect.
/// Each test has a database of its own, because it starts and stops hosts on it.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await TestDatabase.CreateAsync("bp_outbox");

    public Task DisposeAsync() => TestDatabase.DropAsync(connectionString);

    [Fact]
    public async Task An_event_committed_before_a_crash_is_delivered_once_after_the_restart()
    {
        // First process: the operator's change and its event commit together; the process ends before any delivery.
        await using (var first = new BenefitProgramApp(connectionString))
        {
            await SeedAndRebrandAsync(first, "Before the crash");
            Assert.Equal(1, await PendingAsync(first));
        }

        // Second process on the same database delivers what the first left behind, exactly once.
        var log = new ProbeLog();
        await using var second = new BenefitProgramApp(connectionString, s => s.AddSingleton(log), bus => bus.AddConsumer<BrandingProbe>());
        _ = second.Server;
        Assert.Equal(1, await second.DeliverEventsAsync());
        await Eventually.TrueAsync(() => log.Effects.Count == 1, "the consumer handled the event");
        Assert.Equal("Before the crash", log.Effects.Single());
        Assert.Equal(0, await second.DeliverEventsAsync());
        Assert.Equal(0, await PendingAsync(second));
        await Task.Delay(300);
        Assert.Single(log.Deliveries);
    }

    [Fact]
    public async Task A_message_published_twice_because_of_a_crash_after_publish_has_one_effect()
    {
        var log = new ProbeLog();
        var crash = new CrashAfterFirstPublish();
        await using var app = new BenefitProgramApp(connectionString,
            s => s.AddSingleton(log).AddSingleton<IOutboxDeliveryObserver>(crash),
            bus => bus.AddConsumer<BrandingProbe>());
        await SeedAndRebrandAsync(app, "Published twice");

        // The dispatcher publishes, then "dies" before it can mark the message sent: its transaction rolls back.
        await Assert.ThrowsAsync<OperationCanceledException>(app.DeliverEventsAsync);
        Assert.Equal(1, await PendingAsync(app));

        // After the restart the same message goes out again with the same MessageId.
        Assert.Equal(1, await app.DeliverEventsAsync());
        await Eventually.TrueAsync(() => log.Deliveries.Count == 2, "both deliveries reached the consumer");
        Assert.Equal(log.Deliveries.First(), log.Deliveries.Last());
        Assert.Equal(["Published twice"], log.Effects);
        Assert.Equal(0, await PendingAsync(app));
    }

    private static async Task SeedAndRebrandAsync(BenefitProgramApp app, string name)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }
        }

        var client = app.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var response = await client.PutAsJsonAsync("/api/v1/ops/program/branding", new { name, primaryColor = "#112233", accentColor = "#445566" });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<int> PendingAsync(BenefitProgramApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().OutboxMessages.CountAsync(m => m.DispatchedAt == null);
    }

    public sealed class ProbeLog
    {
        public ConcurrentQueue<Guid> Deliveries { get; } = new();
        public ConcurrentQueue<string> Effects { get; } = new();
    }

    /// <summary>A consumer written the way module consumers are: the inbox row and the effect commit together.</summary>
    internal sealed class BrandingProbe(PlatformDbContext db, ProbeLog log, TimeProvider clock) : IConsumer<ProgramBrandingChanged>
    {
        public async Task Consume(ConsumeContext<ProgramBrandingChanged> context)
        {
            var id = context.MessageId!.Value;
            log.Deliveries.Enqueue(id);
            await using var tx = await db.Database.BeginTransactionAsync(context.CancellationToken);
            if (await db.TryMarkProcessedAsync(id, nameof(BrandingProbe), clock.GetUtcNow(), context.CancellationToken))
            {
                log.Effects.Enqueue(context.Message.Name);
            }

            await tx.CommitAsync(context.CancellationToken);
        }
    }

    private sealed class CrashAfterFirstPublish : IOutboxDeliveryObserver
    {
        private int calls;

        public Task AfterPublishAsync(OutboxMessage message, CancellationToken ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new OperationCanceledException("simulated crash after publish") : Task.CompletedTask;
    }
}
