using System.Reflection;
using BenefitProgram.Host.Infrastructure;
using MassTransit;

namespace BenefitProgram.Host.Operations;

/// <summary>
/// The event log: records every integration event a worker receives (message id, type, when, which node) in
/// host_ops.received_events, through the inbox, so a redelivered message is recorded once. Operators (and
/// infra/scaleout.sh) use it to see that each event was delivered, once, and by which worker.
/// All its consumers share the queue "event-log".
/// </summary>
internal sealed class EventLogConsumer<TEvent>(HostOpsDbContext db, TimeProvider clock, IConfiguration configuration) : IConsumer<TEvent>
    where TEvent : class
{
    public const string Name = "EventLog";

    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var ct = context.CancellationToken;
        var messageId = context.MessageId ?? throw new InvalidOperationException("An integration event without a MessageId cannot be de-duplicated.");
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.TryMarkProcessedAsync(messageId, Name, now, ct))
        {
            db.ReceivedEvents.Add(new ReceivedEvent
            {
                MessageId = messageId,
                Type = typeof(TEvent).Name,
                ReceivedAt = now,
                Node = configuration.GetNodeName(),
            });
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}

internal static class IntegrationEvents
{
    /// <summary>
    /// The integration events of every module: public, non-generic classes in the BenefitProgram.*.Contracts assemblies
    /// next to the host that carry an OccurredAt (the convention for events, docs/CONVENTIONS.md).
    /// </summary>
    public static IReadOnlyList<Type> Discover()
    {
        var files = Directory.GetFiles(AppContext.BaseDirectory, "BenefitProgram.*.Contracts.dll");
        return files
            .Select(f => Assembly.Load(AssemblyName.GetAssemblyName(f)))
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericType: false }
                && t.GetProperty("OccurredAt")?.PropertyType == typeof(DateTimeOffset))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
    }
}
