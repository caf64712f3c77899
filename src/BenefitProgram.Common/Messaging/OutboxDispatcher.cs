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

            await signal.WaitAsync(dispatcher.Schema, options.Value.PollInterval, stoppingToken);
        }
    }
}

/// <summary>
/// Wakes a module's dispatcher as soon as that module has stored outbox messages (after the SaveChanges, or after the
/// commit when they were saved inside an explicit transaction), instead of waiting for the poll. One signal per schema:
/// a redemption wakes the catalog's dispatcher only, not the seven others for an empty look at their outboxes.
/// </summary>
public sealed class OutboxSignal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> pending = new(StringComparer.Ordinal);

    private TaskCompletionSource Current(string schema) =>
        pending.GetOrAdd(schema, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Notify(string schema)
    {
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? old = null;
        pending.AddOrUpdate(schema, fresh, (_, existing) =>
        {
            old = existing;
            return fresh;
        });
        old?.TrySetResult();
    }

    public async Task WaitAsync(string schema, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Current(schema).Task.WaitAsync(timeout, ct);
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

/// <summary>
/// Notifies <see cref="OutboxSignal"/> for the context's schema after a SaveChanges that stored outbox messages: at once
/// when no explicit transaction is open, else when that transaction commits (before, the messages are not visible to the
/// dispatcher). Without the commit signal, messages saved in a transaction (redemptions, imports) waited for the next
/// poll and were dispatched in bursts once a second, each burst a spike of consumer transactions
/// (bench/README.md, "Search and redemption latency").
/// </summary>
public sealed class OutboxSignalInterceptor(OutboxSignal signal) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor,
    Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor
{
    private bool hadMessages;
    private bool pendingCommit;

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
        if (hadMessages && eventData.Context is ModuleDbContext context)
        {
            if (context.Database.CurrentTransaction is null)
            {
                signal.Notify(context.Schema);
            }
            else
            {
                pendingCommit = true;
            }
        }

        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    void Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor.TransactionCommitted(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        Committed(eventData);

    Task Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor.TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData,
        CancellationToken cancellationToken)
    {
        Committed(eventData);
        return Task.CompletedTask;
    }

    void Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor.TransactionRolledBack(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        pendingCommit = false;

    Task Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor.TransactionRolledBackAsync(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData,
        CancellationToken cancellationToken)
    {
        pendingCommit = false;
        return Task.CompletedTask;
    }

    private void Committed(Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData)
    {
        if (pendingCommit && eventData.Context is ModuleDbContext context)
        {
            pendingCommit = false;
            signal.Notify(context.Schema);
        }
    }
}
