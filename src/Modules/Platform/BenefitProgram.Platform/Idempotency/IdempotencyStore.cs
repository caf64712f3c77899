using BenefitProgram.Common.Http;
using BenefitProgram.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Idempotency;

/// <summary>
/// Keeps Idempotency-Key records in platform.idempotency_requests. The first request claims the key with an
/// INSERT ... ON CONFLICT DO NOTHING, so two concurrent requests cannot both run. A claim older than
/// <see cref="AbandonedAfter"/> without an answer (its process died) may be taken over.
/// </summary>
internal sealed class IdempotencyStore(PlatformDbContext db, TimeProvider clock) : IIdempotencyStore
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task<IdempotencyBegin> BeginAsync(string scope, string key, string requestHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO platform.idempotency_requests (scope, key, request_hash, created_at) VALUES ({scope}, {key}, {requestHash}, {now}) ON CONFLICT DO NOTHING", ct);
        if (claimed == 1)
        {
            return new IdempotencyBegin.Started();
        }

        var existing = await db.IdempotencyRequests.AsNoTracking().SingleAsync(r => r.Scope == scope && r.Key == key, ct);
        if (existing.RequestHash != requestHash)
        {
            return new IdempotencyBegin.Mismatch();
        }

        if (existing.CompletedAt is not null)
        {
            return new IdempotencyBegin.Completed(existing.StatusCode!.Value, existing.ContentType, existing.ResponseBody ?? []);
        }

        var stale = now - AbandonedAfter;
        var takenOver = await db.Database.ExecuteSqlAsync(
            $"UPDATE platform.idempotency_requests SET created_at = {now} WHERE scope = {scope} AND key = {key} AND completed_at IS NULL AND created_at < {stale}", ct);
        return takenOver == 1 ? new IdempotencyBegin.Started() : new IdempotencyBegin.InProgress();
    }

    public Task CompleteAsync(string scope, string key, int statusCode, string? contentType, byte[] body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.IdempotencyRequests.Where(r => r.Scope == scope && r.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.CompletedAt, now)
            .SetProperty(r => r.StatusCode, statusCode)
            .SetProperty(r => r.ContentType, contentType)
            .SetProperty(r => r.ResponseBody, body), ct);
    }

    public Task AbandonAsync(string scope, string key, CancellationToken ct) =>
        db.IdempotencyRequests.Where(r => r.Scope == scope && r.Key == key && r.CompletedAt == null).ExecuteDeleteAsync(ct);
}
