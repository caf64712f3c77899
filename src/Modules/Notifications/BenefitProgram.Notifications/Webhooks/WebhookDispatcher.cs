using System.Diagnostics;
using System.Text;
using BenefitProgram.Common.Observability;
using BenefitProgram.Notifications.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>
/// "notifications:webhook-dispatch" (every minute): claims due deliveries in small batches with FOR UPDATE SKIP LOCKED
/// (several workers share the work; a claim is a lease of <see cref="Lease"/>, so a crashed worker's rows come back),
/// sends each batch concurrently with a timeout per delivery, records every attempt, and schedules the next try
/// (<see cref="WebhookOptions.RetryDelays"/>) or dead-letters. A slow endpoint delays only its own delivery.
/// </summary>
internal sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IDataProtectionProvider protection,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger)
{
    public const string HttpClientName = "webhooks";
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const int MaxRoundsPerRun = 50;

    private sealed record Claimed(Guid Id, Guid EventId, string Payload, int Attempt, int MaxAttempts, string Url, string Secret, string? PreviousSecret, bool Disabled);

    private sealed record Outcome(int? StatusCode, long DurationMs, string? Error)
    {
        public bool Succeeded => StatusCode is >= 200 and < 300 && Error is null;
    }

    /// <summary>Sends everything that is due now; returns how many attempts were made.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var total = 0;
        for (var round = 0; round < MaxRoundsPerRun; round++)
        {
            var batch = await ClaimAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            await Task.WhenAll(batch.Select(d => DeliverAsync(d, ct)));
            total += batch.Count;
        }

        return total;
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = clock.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            WITH due AS (
                SELECT d.id FROM notifications.webhook_deliveries d
                WHERE d.status IN ('Pending', 'Retrying', 'Sending') AND d.next_attempt_at <= @now
                ORDER BY d.next_attempt_at
                LIMIT @batch
                FOR UPDATE SKIP LOCKED)
            UPDATE notifications.webhook_deliveries d
            SET status = 'Sending', attempts = d.attempts + 1, next_attempt_at = @lease
            FROM due, notifications.webhook_endpoints e
            WHERE d.id = due.id AND e.id = d.endpoint_id
            RETURNING d.id, d.event_id, d.payload, d.attempts, d.max_attempts, e.url, e.secret_protected, e.previous_secret_protected,
                      e.previous_secret_expires_at, e.disabled_at IS NOT NULL
            """, connection);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease", now + Lease);
        command.Parameters.AddWithValue("batch", options.CurrentValue.BatchSize);
        var protector = protection.CreateProtector(WebhookSecrets.Purpose);
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var previousValid = !reader.IsDBNull(7) && !reader.IsDBNull(8) && reader.GetFieldValue<DateTimeOffset>(8) > now;
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetString(5), protector.Unprotect(reader.GetString(6)), previousValid ? protector.Unprotect(reader.GetString(7)) : null,
                reader.GetBoolean(9)));
        }

        return claimed;
    }

    private async Task DeliverAsync(Claimed delivery, CancellationToken ct)
    {
        var outcome = delivery.Disabled ? new Outcome(null, 0, "The endpoint is disabled.") : await SendAsync(delivery, ct);
        await RecordAsync(delivery, outcome, CancellationToken.None);
    }

    private async Task<Outcome> SendAsync(Claimed delivery, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var id = delivery.EventId.ToString();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var signatures = WebhookSignature.Sign(delivery.Secret, id, timestamp, delivery.Payload);
        if (delivery.PreviousSecret is { } previous)
        {
            signatures += " " + WebhookSignature.Sign(previous, id, timestamp, delivery.Payload);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signatures);
        request.Headers.UserAgent.ParseAdd("BenefitProgram-Webhooks/1.0");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !o.AllowPrivateTargets))
            {
                return new Outcome(null, 0, "Refused: the URL is not https.");
            }

            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await DrainAsync(response, o.MaxResponseBytes, timeout.Token);
            var status = (int)response.StatusCode;
            var error = status is >= 200 and < 300 ? null : $"HTTP {status} {response.ReasonPhrase}";
            return new Outcome(status, Elapsed(started), error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(null, Elapsed(started), $"Timed out after {o.TimeoutSeconds} s.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            var message = e.InnerException is { } inner && e.Message.Length < 200 ? $"{e.Message} ({inner.Message})" : e.Message;
            return new Outcome(null, Elapsed(started), message);
        }
    }

    /// <summary>Reads (and drops) at most <paramref name="limit"/> bytes of the body, so a huge answer costs nothing.</summary>
    private static async Task DrainAsync(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[8192];
        var read = 0;
        int n;
        while (read < limit && (n = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, limit - read)), ct)) > 0)
        {
            read += n;
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private async Task RecordAsync(Claimed delivery, Outcome outcome, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = clock.GetUtcNow();
        var error = outcome.Error is { Length: > 1000 } e ? e[..1000] : outcome.Error;
        WebhookDeliveryStatus status;
        DateTimeOffset next = now;
        DateTimeOffset? completed = null;
        if (outcome.Succeeded)
        {
            status = WebhookDeliveryStatus.Succeeded;
            completed = now;
        }
        else if (delivery.Disabled || delivery.Attempt >= delivery.MaxAttempts)
        {
            status = WebhookDeliveryStatus.DeadLettered;
            completed = now;
        }
        else
        {
            status = WebhookDeliveryStatus.Retrying;
            next = now + WebhookOptions.RetryDelays[Math.Min(delivery.Attempt, WebhookOptions.RetryDelays.Length) - 1];
        }

        if (!outcome.Succeeded)
        {
            BusinessMetrics.WebhookDeliveryFailed(status == WebhookDeliveryStatus.DeadLettered ? "dead_lettered" : "retrying",
                outcome.StatusCode switch { >= 500 => "http-5xx", >= 400 => "http-4xx", null => "unreachable", _ => "http-other" });
            logger.LogInformation("Webhook delivery {DeliveryId} attempt {Attempt} failed ({Error}); now {Status}", delivery.Id, delivery.Attempt, error, status);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!delivery.Disabled)
        {
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                DeliveryId = delivery.Id, Attempt = delivery.Attempt, At = now, StatusCode = outcome.StatusCode, DurationMs = outcome.DurationMs, Error = error,
            });
            await db.SaveChangesAsync(ct);
        }

        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Status == WebhookDeliveryStatus.Sending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, status)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LastStatusCode, outcome.StatusCode)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.CompletedAt, completed), ct);
        await tx.CommitAsync(ct);
    }
}
