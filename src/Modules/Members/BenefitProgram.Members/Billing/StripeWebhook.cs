using System.Text;
using BenefitProgram.Common.Http;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace BenefitProgram.Members.Billing;

public sealed record StripeWebhookAnswer(string EventId, string Outcome);

/// <summary>
/// POST /api/v1/billing/stripe/webhook. Verifies the signature (and its age) on the raw body, stores the event id once
/// (a redelivery is acknowledged and ignored), and applies the state of the object it carries by that object's own
/// time and status, not by arrival order: a subscription event older than the one applied last is ignored, an invoice
/// that is paid stays paid. See docs/adr/0010-membership-life-cycle-and-billing.md.
/// </summary>
internal static class StripeWebhook
{
    public static void MapStripeWebhook(this IEndpointRouteBuilder api) =>
        api.MapPost("/billing/stripe/webhook", HandleAsync)
            .AllowAnonymous().WithTags("Billing").WithSummary("Stripe webhook (signature-verified).").DisableAntiforgery();

    private static async Task<Results<Ok<StripeWebhookAnswer>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, MembersDbContext db, IOptions<BillingOptions> options, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var settings = options.Value.Stripe;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return Problems.Make(StatusCodes.Status503ServiceUnavailable, "stripe-not-configured", "Not configured", "Stripe webhooks are not configured here.");
        }

        string json;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            json = await reader.ReadToEndAsync(ct);
        }

        var now = clock.GetUtcNow();
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, request.Headers["Stripe-Signature"].ToString(), settings.WebhookSecret,
                settings.ToleranceSeconds, now.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            logs.CreateLogger("StripeWebhook").LogWarning("Rejected a Stripe webhook: {Reason}", ex.Message);
            return Problems.BadRequest("stripe-signature-invalid", "The Stripe-Signature header does not verify for this payload (wrong secret, changed payload or too old).");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO members.stripe_events (event_id, type, stripe_created_at, received_at, object_id, outcome) VALUES ({stripeEvent.Id}, {stripeEvent.Type}, {new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc))}, {now}, {(stripeEvent.Data.Object as IHasId)?.Id}, {"processing"}) ON CONFLICT DO NOTHING", ct);
        if (inserted == 0)
        {
            return TypedResults.Ok(new StripeWebhookAnswer(stripeEvent.Id, "duplicate-ignored"));
        }

        var version = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)).ToUnixTimeSeconds();
        var outcome = stripeEvent.Data.Object switch
        {
            Subscription subscription when stripeEvent.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) =>
                await ApplySubscriptionAsync(db, subscription, stripeEvent.Type, version, now, ct),
            Invoice invoice when stripeEvent.Type.StartsWith("invoice.", StringComparison.Ordinal) =>
                await ApplyInvoiceAsync(db, invoice, stripeEvent.Type, version, now, ct),
            Stripe.Checkout.Session session when stripeEvent.Type == "checkout.session.completed" =>
                await ApplyCheckoutAsync(db, session, ct),
            _ => "ignored-type",
        };

        await db.SaveChangesAsync(ct);
        await db.StripeEvents.Where(e => e.EventId == stripeEvent.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Outcome, outcome), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new StripeWebhookAnswer(stripeEvent.Id, outcome));
    }

    private static async Task<Membership?> FindAsync(MembersDbContext db, string? subscriptionId, IDictionary<string, string>? metadata, CancellationToken ct)
    {
        if (subscriptionId is not null
            && await db.Memberships.Include(m => m.Plan).SingleOrDefaultAsync(m => m.ExternalSubscriptionId == subscriptionId, ct) is { } found)
        {
            return found;
        }

        return metadata is not null && metadata.TryGetValue("membership_id", out var raw) && Guid.TryParse(raw, out var id)
            ? await db.Memberships.Include(m => m.Plan).SingleOrDefaultAsync(m => m.Id == id, ct)
            : null;
    }

    private static async Task<string> ApplySubscriptionAsync(MembersDbContext db, Subscription subscription, string type, long version, DateTimeOffset now, CancellationToken ct)
    {
        var membership = await FindAsync(db, subscription.Id, subscription.Metadata, ct);
        if (membership is null)
        {
            return "unknown-subscription";
        }

        var linkedBefore = membership.ExternalSubscriptionId;
        if (linkedBefore is null || (linkedBefore != subscription.Id && StartsAgain(membership, subscription)))
        {
            membership.LinkSubscription(StripeBillingProvider.ProviderName, subscription.Id);
        }
        else if (linkedBefore != subscription.Id)
        {
            return "other-subscription";
        }

        var target = type == "customer.subscription.deleted" ? MembershipStatus.Ended : StripeStatus.Map(subscription.Status);
        if (target is null)
        {
            return "unknown-status";
        }

        var item = subscription.Items?.Data?.FirstOrDefault();
        var applied = membership.SyncFromProvider(version, target.Value, Utc(item?.CurrentPeriodStart), Utc(item?.CurrentPeriodEnd), Utc(subscription.TrialEnd),
            subscription.CancelAtPeriodEnd, now, "stripe",
            subscription.CancelAtPeriodEnd || subscription.CancellationDetails?.Reason == "cancellation_requested" ? EndKind.Voluntary : EndKind.Involuntary);
        if (!applied && linkedBefore is not null && linkedBefore != subscription.Id)
        {
            membership.LinkSubscription(StripeBillingProvider.ProviderName, linkedBefore);
        }

        return applied ? $"applied:{membership.Status}" : "stale-ignored";
    }

    /// <summary>
    /// A membership that ended (or never got going) may start again with a new subscription from Checkout; its events
    /// can come before checkout.session.completed, so they may link it themselves. A live membership keeps its own.
    /// </summary>
    private static bool StartsAgain(Membership membership, Subscription subscription) =>
        membership.Status is MembershipStatus.Ended or MembershipStatus.PendingPaymentMethod
        && subscription.Status is not ("canceled" or "incomplete_expired");

    private static async Task<string> ApplyCheckoutAsync(MembersDbContext db, Stripe.Checkout.Session session, CancellationToken ct)
    {
        if (session.Mode != "subscription" || session.SubscriptionId is null)
        {
            return "ignored-checkout";
        }

        var metadata = session.Metadata ?? new Dictionary<string, string>();
        if (!metadata.ContainsKey("membership_id") && session.ClientReferenceId is { } reference)
        {
            metadata = new Dictionary<string, string>(metadata) { ["membership_id"] = reference };
        }

        var membership = await FindAsync(db, session.SubscriptionId, metadata, ct);
        if (membership is null)
        {
            return "unknown-subscription";
        }

        if (membership.ExternalSubscriptionId == session.SubscriptionId)
        {
            return "checkout-already-linked";
        }

        if (membership.ExternalSubscriptionId is not null && membership.Status is not (MembershipStatus.Ended or MembershipStatus.PendingPaymentMethod))
        {
            return "other-subscription";
        }

        // The state itself comes with the subscription's own events (customer.subscription.created/updated).
        membership.LinkSubscription(StripeBillingProvider.ProviderName, session.SubscriptionId);
        return "checkout-linked";
    }

    private static async Task<string> ApplyInvoiceAsync(MembersDbContext db, Invoice invoice, string type, long version, DateTimeOffset now, CancellationToken ct)
    {
        var details = invoice.Parent?.SubscriptionDetails;
        var membership = await FindAsync(db, details?.SubscriptionId, details?.Metadata, ct);
        if (membership is null)
        {
            return "unknown-subscription";
        }

        var paid = type is "invoice.paid" or "invoice.payment_succeeded" || invoice.Status == "paid";
        var failed = type == "invoice.payment_failed";
        if (!paid && !failed)
        {
            return "ignored-invoice-event";
        }

        var fee = await db.Fees.SingleOrDefaultAsync(f => f.Provider == StripeBillingProvider.ProviderName && f.ProviderReference == invoice.Id, ct);
        var line = invoice.Lines?.Data?.FirstOrDefault();
        var periodStart = Utc(line?.Period?.Start) ?? Utc(invoice.PeriodStart) ?? now;
        var periodEnd = Utc(line?.Period?.End) ?? Utc(invoice.PeriodEnd) ?? now;
        if (fee is null)
        {
            fee = Fee.Create(Guid.CreateVersion7(now), membership, membership.Plan, FeeKind.Subscription, invoice.AmountDue, periodStart, periodEnd,
                StripeBillingProvider.ProviderName, invoice.Id, now);
            fee.SetAmount(invoice.AmountDue, (invoice.Currency ?? membership.Plan.Currency).ToUpperInvariant());
            db.Fees.Add(fee);
        }

        fee.SetProviderVersion(version);
        if (paid)
        {
            if (fee.MarkPaid(now))
            {
                db.Publish(new FeeCharged(fee.ProgramId, fee.MemberId, fee.MembershipId, fee.Id, fee.PlanId, fee.AmountMinorUnits, fee.Currency, fee.PeriodStart, fee.PeriodEnd, now), now);
            }

            return "fee-paid";
        }

        if (fee.MarkFailed(invoice.LastFinalizationError?.Message ?? "payment_failed"))
        {
            db.Publish(new PaymentFailed(fee.ProgramId, fee.MemberId, fee.MembershipId, fee.AmountMinorUnits, fee.Currency, (int)invoice.AttemptCount, "payment_failed", now), now);
            return "fee-failed";
        }

        return "fee-already-paid";
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v && v > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
