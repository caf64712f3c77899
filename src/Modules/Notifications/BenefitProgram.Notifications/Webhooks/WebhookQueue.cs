using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common.Messaging;
using BenefitProgram.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>
/// Turns one integration event into one delivery per subscribed, enabled endpoint of the partner, in one set-based
/// insert: ON CONFLICT (event_id, endpoint_id) DO NOTHING, inside the transaction that marks the message processed in
/// the module's inbox. The event id is derived from the event's business key, so the same fact published twice (not
/// only the same message redelivered) is delivered once.
/// </summary>
internal sealed class WebhookQueue(NotificationsDbContext db, TimeProvider clock)
{
    public async Task EnqueueAsync(Guid partnerId, string eventType, string businessKey, object data, DateTimeOffset occurredAt,
        Guid messageId, string consumer, CancellationToken ct)
    {
        var eventId = EventId(eventType, businessKey);
        var payload = JsonSerializer.Serialize(new { type = eventType, timestamp = occurredAt, data }, OutboxMessage.Json);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.TryMarkProcessedAsync(messageId, consumer, now, ct))
        {
            return;
        }

        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notifications.webhook_deliveries
                (id, endpoint_id, partner_id, event_id, event_type, payload, status, attempts, max_attempts, next_attempt_at, created_at)
            SELECT gen_random_uuid(), e.id, e.partner_id, {eventId}, {eventType}, {payload}, {nameof(WebhookDeliveryStatus.Pending)}, 0,
                   {WebhookOptions.MaxAttempts}, {now}, {now}
            FROM notifications.webhook_endpoints e
            WHERE e.partner_id = {partnerId} AND e.disabled_at IS NULL AND {eventType} = ANY(e.event_types)
            ON CONFLICT (event_id, endpoint_id) DO NOTHING
            """, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A stable id per (event type, business key): the first 16 bytes of their SHA-256.</summary>
    public static Guid EventId(string eventType, string businessKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventType}:{businessKey}")).AsSpan(0, 16));
}
