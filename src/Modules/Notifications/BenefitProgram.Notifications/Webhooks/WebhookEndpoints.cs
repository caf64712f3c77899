using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using BenefitProgram.Notifications.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Webhooks;

public sealed record RegisterWebhookRequest(string Url, IReadOnlyList<string> EventTypes, string? Description);

internal sealed class RegisterWebhookRequestValidator : AbstractValidator<RegisterWebhookRequest>
{
    public RegisterWebhookRequestValidator()
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2000)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            .WithMessage("Must be an absolute https URL.");
        RuleFor(r => r.EventTypes).NotEmpty();
        RuleForEach(r => r.EventTypes).Must(t => WebhookEventTypes.All.Contains(t))
            .WithMessage($"Unknown event type; known: {string.Join(", ", WebhookEventTypes.All)}.");
        RuleFor(r => r.Description).MaximumLength(200);
    }
}

public sealed record WebhookEndpointView(Guid Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>The answer to a registration: the secret is shown only here.</summary>
public sealed record WebhookEndpointCreated(Guid Id, string Url, IReadOnlyList<string> EventTypes, string? Description, string Secret, DateTimeOffset CreatedAt);

/// <summary>The new secret (shown only here); the previous one keeps signing until <paramref name="PreviousSecretValidUntil"/>.</summary>
public sealed record WebhookSecretRotated(string Secret, DateTimeOffset PreviousSecretValidUntil);

public sealed record WebhookAttemptView(int Attempt, DateTimeOffset At, int? StatusCode, long DurationMs, string? Error);

public sealed record WebhookDeliveryView(Guid Id, Guid EventId, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt, IReadOnlyList<WebhookAttemptView> AttemptLog);

/// <summary>Encrypts signing secrets at rest (ASP.NET Core Data Protection; the key ring lives in the database).</summary>
internal static class WebhookSecrets
{
    public const string Purpose = "BenefitProgram.Notifications.Webhooks.Secret";
}

/// <summary>A partner admin registers, lists, disables webhook endpoints, rotates their secret, reads the delivery log, redelivers.</summary>
internal static class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder api)
    {
        var hooks = api.MapGroup("/partner/webhooks").WithTags("Partner webhooks").RequireAuthorization(Policies.PartnerAdmin);

        hooks.MapPost("", async Task<Results<Created<WebhookEndpointCreated>, ValidationProblem>> (
            RegisterWebhookRequest request, CurrentActor actor, NotificationsDbContext db, TargetGuard guard, IDataProtectionProvider protection,
            TimeProvider clock, CancellationToken ct) =>
        {
            var url = request.Url.Trim();
            if (await guard.CheckUrlAsync(url, ct) is { } problem)
            {
                return Problems.Validation("url", problem);
            }

            var secret = WebhookSignature.NewSecret();
            var now = clock.GetUtcNow();
            var endpoint = new WebhookEndpoint
            {
                Id = Guid.CreateVersion7(now),
                PartnerId = actor.RequirePartner(),
                Url = url,
                EventTypes = request.EventTypes.Distinct(StringComparer.Ordinal).ToList(),
                Description = request.Description?.Trim(),
                SecretProtected = protection.CreateProtector(WebhookSecrets.Purpose).Protect(secret),
                CreatedAt = now,
                CreatedBy = actor.AuditName,
            };
            db.WebhookEndpoints.Add(endpoint);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/partner/webhooks/{endpoint.Id}",
                new WebhookEndpointCreated(endpoint.Id, endpoint.Url, endpoint.EventTypes, endpoint.Description, secret, endpoint.CreatedAt));
        }).Validate<RegisterWebhookRequest>()
            .WithSummary("Registers an endpoint for the given event types; the signing secret is shown only in this answer. Targets must be public https URLs.");

        hooks.MapGet("", async (CurrentActor actor, NotificationsDbContext db, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var list = await db.WebhookEndpoints.AsNoTracking().Where(e => e.PartnerId == partner).OrderBy(e => e.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(list.Select(View).ToList());
        }).WithSummary("The partner's webhook endpoints (without secrets).");

        hooks.MapGet("/{id:guid}", async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, NotificationsDbContext db, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.PartnerId == partner, ct);
            return endpoint is null ? Problems.NotFound("The webhook endpoint") : TypedResults.Ok(View(endpoint));
        });

        hooks.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid id, CurrentActor actor, NotificationsDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == id && e.PartnerId == partner, ct);
            if (endpoint is null)
            {
                return Problems.NotFound("The webhook endpoint");
            }

            endpoint.DisabledAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).WithSummary("Disables the endpoint: no new deliveries; waiting ones are dead-lettered at their next attempt. The log stays.");

        hooks.MapPost("/{id:guid}/rotate-secret", async Task<Results<Ok<WebhookSecretRotated>, ProblemHttpResult>> (
            Guid id, CurrentActor actor, NotificationsDbContext db, IDataProtectionProvider protection, IOptionsMonitor<WebhookOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == id && e.PartnerId == partner, ct);
            if (endpoint is null)
            {
                return Problems.NotFound("The webhook endpoint");
            }

            var secret = WebhookSignature.NewSecret();
            var until = clock.GetUtcNow().AddHours(options.CurrentValue.SecretOverlapHours);
            endpoint.PreviousSecretProtected = endpoint.SecretProtected;
            endpoint.PreviousSecretExpiresAt = until;
            endpoint.SecretProtected = protection.CreateProtector(WebhookSecrets.Purpose).Protect(secret);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new WebhookSecretRotated(secret, until));
        }).WithSummary("Issues a new secret (shown only here). Until the answer's time both secrets sign: two signatures in webhook-signature.");

        hooks.MapGet("/{id:guid}/deliveries", async Task<Results<Ok<List<WebhookDeliveryView>>, ProblemHttpResult>> (
            Guid id, string? status, int? take, CurrentActor actor, NotificationsDbContext db, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id && e.PartnerId == partner, ct))
            {
                return Problems.NotFound("The webhook endpoint");
            }

            var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id && d.PartnerId == partner);
            if (!string.IsNullOrWhiteSpace(status) && Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var s))
            {
                query = query.Where(d => d.Status == s);
            }

            var deliveries = await query.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Take(Math.Clamp(take ?? 100, 1, 500)).ToListAsync(ct);
            var ids = deliveries.Select(d => d.Id).ToList();
            var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(ct))
                .ToLookup(a => a.DeliveryId);
            return TypedResults.Ok(deliveries.Select(d => new WebhookDeliveryView(d.Id, d.EventId, d.EventType, d.Status.ToString(), d.Attempts,
                d.LastStatusCode, d.LastError, d.CreatedAt, d.CompletedAt is null ? d.NextAttemptAt : null, d.CompletedAt,
                attempts[d.Id].Select(a => new WebhookAttemptView(a.Attempt, a.At, a.StatusCode, a.DurationMs, a.Error)).ToList())).ToList());
        }).WithSummary("The delivery log of an endpoint, newest first: status, attempts with status code, duration and error.");

        hooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", async Task<Results<Accepted, ProblemHttpResult>> (
            Guid id, Guid deliveryId, CurrentActor actor, NotificationsDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var partner = actor.RequirePartner();
            var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id && d.PartnerId == partner, ct);
            if (delivery is null)
            {
                return Problems.NotFound("The delivery");
            }

            if (delivery.Status is not (WebhookDeliveryStatus.Succeeded or WebhookDeliveryStatus.DeadLettered))
            {
                return Problems.Conflict("delivery-in-progress", "The delivery is still scheduled; it is sent again automatically.");
            }

            if (await db.WebhookEndpoints.AnyAsync(e => e.Id == id && e.DisabledAt != null, ct))
            {
                return Problems.Conflict("endpoint-disabled", "The endpoint is disabled.");
            }

            // One more attempt, now; if it fails the delivery is dead-lettered again (no new retry schedule).
            var now = clock.GetUtcNow();
            delivery.Status = WebhookDeliveryStatus.Pending;
            delivery.MaxAttempts = delivery.Attempts + 1;
            delivery.NextAttemptAt = now;
            delivery.CompletedAt = null;
            await db.SaveChangesAsync(ct);
            return TypedResults.Accepted($"/api/v1/partner/webhooks/{id}/deliveries");
        }).WithSummary("Sends a delivered or dead-lettered delivery once more (with the next dispatcher run, within a minute).");
    }

    private static WebhookEndpointView View(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventTypes, e.Description, e.DisabledAt is null, e.CreatedAt, e.DisabledAt, e.PreviousSecretExpiresAt);
}
