using BenefitProgram.Common.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Common.Messaging;

/// <summary>Lets tests (and only tests) step into delivery, e.g. to crash right after a publish.</summary>
public interface IOutboxDeliveryObserver
{
    Task AfterPublishAsync(OutboxMessage message, CancellationToken ct);
}

public sealed class OutboxOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 100;
    /// <summary>Off in hosts that only serve HTTP (role "web"); on in "worker" and "all".</summary>
    public bool DispatchEnabled { get; set; } = true;
    /// <summary>
    /// How long one publish may take. A stopped RabbitMQ makes MassTransit retry a publish for over a minute; after
    /// this the message stays pending (LastError says why) and the next round tries again.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Delivers a module's outbox: locks a batch of undelivered rows (FOR UPDATE SKIP LOCKED, so several workers share the
/// work and never send the same row concurrently), publishes each with MessageId = outbox id, marks it dispatched and
/// commits. A crash after publish and before commit sends that message again: delivery is at least once, and consumers
/// drop duplicates by MessageId (see <see cref="ModuleDbContext.TryMarkProcessedAsync"/>). docs/adr/0004-outbox.md.
/// </summary>
public interface IOutboxDispatcher
{
    string Schema { get; }

    /// <summary>Delivers one batch; returns how many messages were published.</summary>
    Task<int> DispatchBatchAsync(CancellationToken ct);
}

public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher<TContext>> logger,
    string schema) : IOutboxDispatcher where TContext : ModuleDbContext
{
    public string Schema => schema;

    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var observer = scope.ServiceProvider.GetService<IOutboxDeliveryObserver>();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The schema is the module's constant name, the limit an int: nothing from outside reaches this SQL.
        var sql = $"SELECT * FROM \"{db.Schema}\".outbox_messages WHERE dispatched_at IS NULL ORDER BY sequence LIMIT {options.Value.BatchSize} FOR UPDATE SKIP LOCKED";
        var batch = await db.OutboxMessages.FromSqlRaw(sql).ToListAsync(ct);
        var published = 0;
        foreach (var message in batch)
        {
            try
            {
                var (payload, type) = message.Deserialize();
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    timeout.CancelAfter(options.Value.PublishTimeout);
                    try
                    {
                        await publisher.Publish(payload, type, ctx => ctx.MessageId = message.Id, timeout.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout.IsCancellationRequested)
                    {
                        throw new TimeoutException($"Publishing took longer than {options.Value.PublishTimeout.TotalSeconds:0.#} s (is the broker down?).");
                    }
                }

                if (observer is not null)
                {
                    await observer.AfterPublishAsync(message, ct);
                }

                message.DispatchedAt = clock.GetUtcNow();
                message.Attempts++;
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                message.Attempts++;
                message.LastError = ex.Message.Length > 900 ? ex.Message[..900] : ex.Message;
                logger.LogWarning(ex, "Outbox {Schema}: delivery of {MessageId} ({Type}) failed", db.Schema, message.Id, message.Type);
                break; // keep the order: later messages wait for this one
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return published;
    }
}

/// <summary>Runs <see cref="OutboxDispatcher{TContext}"/> in a loop, woken by <see cref="OutboxSignal"/> or the poll interval.</summary>
public sealed class OutboxDispatcherService<TContext>(
    OutboxDispatcher<TContext> dispatcher,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcherService<TContext>> logger) : BackgroundService where TContext : ModuleDbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await dispatcher.DispatchBatchAsync(stoppingToken);
                if (sent == options.Value.BatchSize)
                {
                    continue; // more may be waiting
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Outbox dispatcher for {Context} failed; retrying", typeof(TContext).Name);
            }

            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }
}

/// <summary>Wakes the dispatchers as soon as a SaveChanges has stored outbox messages, instead of waiting for the poll.</summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() =>
        Interlocked.Exchange(ref pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref pending).Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            // poll
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}

/// <summary>Notifies <see cref="OutboxSignal"/> after a SaveChanges that stored outbox messages.</summary>
public sealed class OutboxSignalInterceptor(OutboxSignal signal) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    private bool hadMessages;

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
        Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        hadMessages = eventData.Context?.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) == true;
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override ValueTask<int> SavedChangesAsync(
        Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (hadMessages && eventData.Context?.Database.CurrentTransaction is null)
        {
            signal.Notify();
        }

        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }
}
