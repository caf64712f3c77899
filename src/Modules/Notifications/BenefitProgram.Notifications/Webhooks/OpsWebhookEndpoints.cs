using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Notifications.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>A partner's webhook endpoint as the operator sees it: whose, where, what, and how its deliveries went (no secret).</summary>
public sealed record OpsWebhookEndpointView(Guid Id, Guid PartnerId, string PartnerName, string Url, IReadOnlyList<string> EventTypes, string? Description,
    bool Enabled, DateTimeOffset CreatedAt, int Succeeded, int Waiting, int Failed, DateTimeOffset? LastDeliveryAt);

/// <summary>
/// Read-only webhook pages of the operator console: the endpoints of the partners taking part in the operator's program
/// and their delivery attempts. An endpoint of a partner outside the program answers 404. Payloads are not shown.
/// </summary>
internal static class OpsWebhookEndpoints
{
    public static void MapOpsWebhooks(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/webhooks").WithTags("Notifications").RequireAuthorization(Policies.Operator);

        ops.MapGet("", async (CurrentActor actor, NotificationsDbContext db, IPartnerDirectory partners, CancellationToken ct) =>
        {
            var names = (await partners.ListByProgramAsync(actor.RequireProgram(), ct)).ToDictionary(p => p.PartnerId, p => p.Name);
            var ids = names.Keys.ToList();
            var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => ids.Contains(e.PartnerId)).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(ct);
            var endpointIds = endpoints.Select(e => e.Id).ToList();
            var counts = await db.WebhookDeliveries.AsNoTracking().Where(d => endpointIds.Contains(d.EndpointId))
                .GroupBy(d => new { d.EndpointId, d.Status })
                .Select(g => new { g.Key.EndpointId, g.Key.Status, Count = g.Count(), Last = g.Max(d => d.CreatedAt) }).ToListAsync(ct);
            return TypedResults.Ok(endpoints.Select(e =>
            {
                var mine = counts.Where(c => c.EndpointId == e.Id).ToList();
                return new OpsWebhookEndpointView(e.Id, e.PartnerId, names.GetValueOrDefault(e.PartnerId, ""), e.Url, e.EventTypes, e.Description,
                    e.DisabledAt is null, e.CreatedAt,
                    mine.Where(c => c.Status == WebhookDeliveryStatus.Succeeded).Sum(c => c.Count),
                    mine.Where(c => c.Status is WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Sending or WebhookDeliveryStatus.Retrying).Sum(c => c.Count),
                    mine.Where(c => c.Status is not (WebhookDeliveryStatus.Succeeded or WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Sending or WebhookDeliveryStatus.Retrying)).Sum(c => c.Count),
                    mine.Count == 0 ? null : mine.Max(c => c.Last));
            }).ToList());
        }).WithSummary("The webhook endpoints of the program's partners with delivery counts (read only, no secrets).");

        ops.MapGet("/{id:guid}/deliveries", async Task<Results<Ok<List<WebhookDeliveryView>>, ProblemHttpResult>> (
            Guid id, int? take, CurrentActor actor, NotificationsDbContext db, IPartnerDirectory partners, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
            if (endpoint is null || await partners.GetAsync(endpoint.PartnerId, ct) is not { } partner || !partner.ProgramIds.Contains(actor.RequireProgram()))
            {
                return Problems.NotFound("The webhook endpoint");
            }

            var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id)
                .OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Take(Math.Clamp(take ?? 100, 1, 500)).ToListAsync(ct);
            var deliveryIds = deliveries.Select(d => d.Id).ToList();
            var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => deliveryIds.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(ct))
                .ToLookup(a => a.DeliveryId);
            return TypedResults.Ok(deliveries.Select(d => new WebhookDeliveryView(d.Id, d.EventId, d.EventType, d.Status.ToString(), d.Attempts,
                d.LastStatusCode, d.LastError, d.CreatedAt, d.CompletedAt is null ? d.NextAttemptAt : null, d.CompletedAt,
                attempts[d.Id].Select(a => new WebhookAttemptView(a.Attempt, a.At, a.StatusCode, a.DurationMs, a.Error)).ToList())).ToList());
        }).WithSummary("The delivery attempts of a program partner's webhook endpoint, newest first (read only).");
    }
}
