using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using Microsoft.Extensions.Options;
using Stripe;
using Plan = BenefitProgram.Members.Domain.Plan;

namespace BenefitProgram.Members.Billing;

internal sealed class BillingOptions
{
    /// <summary>"Offline" (default: fees recorded as collected) or "Stripe".</summary>
    public string Provider { get; set; } = OfflineBillingProvider.ProviderName;
    public StripeSettings Stripe { get; set; } = new();
    public DunningSettings Dunning { get; set; } = new();
}

internal sealed class StripeSettings
{
    public string? ApiKey { get; set; }
    public string? WebhookSecret { get; set; }
    /// <summary>Only for tests (a local HTTP stub); empty means api.stripe.com.</summary>
    public string? ApiBase { get; set; }
    public long ToleranceSeconds { get; set; } = 300;
    /// <summary>
    /// The member portal's public address for Stripe Checkout's return links (e.g. https://plus.bank.example); empty
    /// means the address the member's request came in on.
    /// </summary>
    public string? PortalUrl { get; set; }
}

internal sealed class DunningSettings
{
    /// <summary>Benefits stay available this long after a failed payment.</summary>
    public int GraceDays { get; set; } = 7;
    /// <summary>Past due this long → suspended.</summary>
    public int SuspendAfterDays { get; set; } = 14;
    /// <summary>Suspended this long → ended (involuntary).</summary>
    public int EndAfterSuspendedDays { get; set; } = 30;
    /// <summary>A pause ends by itself after this many days.</summary>
    public int MaxPauseDays { get; set; } = 90;

    public TimeSpan Grace => TimeSpan.FromDays(GraceDays);
}

internal sealed record StartOutcome(
    string? CustomerId, string? SubscriptionId, MembershipStatus? ProviderStatus, long ProviderVersion,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, DateTimeOffset? TrialEnd, bool AwaitsCheckout = false);

/// <summary>A hosted payment page the member is sent to (Stripe Checkout).</summary>
public sealed record CheckoutView(string Url, DateTimeOffset ExpiresAt);

internal sealed record ChargeOutcome(bool Paid, string? FailureReason);

/// <summary>Who collects the fees. The membership life cycle is the same for every provider.</summary>
internal interface IBillingProvider
{
    string Name { get; }

    /// <summary>True when the provider charges renewals and runs dunning itself and tells us by webhook (Stripe).</summary>
    bool DrivesRenewals { get; }

    /// <summary>
    /// Sets up billing for a new (or reactivated) paid membership. Stripe creates the customer only: the subscription
    /// starts when the member completes <see cref="CheckoutAsync"/> (a card is needed, also for a trial).
    /// </summary>
    Task<StartOutcome> StartAsync(Member member, Membership membership, CancellationToken ct);

    /// <summary>A hosted payment page for a membership waiting for its first payment; null when the provider has none.</summary>
    Task<CheckoutView?> CheckoutAsync(Member member, Membership membership, bool withTrial, string returnBase, CancellationToken ct);

    /// <summary>Collects one fee now (offline provider; Stripe collects through its subscription).</summary>
    Task<ChargeOutcome> ChargeAsync(Membership membership, Fee fee, CancellationToken ct);

    Task SetCancelAtPeriodEndAsync(Membership membership, bool cancel, CancellationToken ct);

    Task EndNowAsync(Membership membership, CancellationToken ct);

    Task ChangePlanAsync(Membership membership, Plan plan, bool immediately, CancellationToken ct);
}

/// <summary>The local default: fees are recorded as if collected; a membership flagged for it fails its charges (demo, tests).</summary>
internal sealed class OfflineBillingProvider : IBillingProvider
{
    public const string ProviderName = "Offline";

    public string Name => ProviderName;

    public bool DrivesRenewals => false;

    public Task<StartOutcome> StartAsync(Member member, Membership membership, CancellationToken ct) =>
        Task.FromResult(new StartOutcome(null, null, null, 0, null, null, null));

    public Task<CheckoutView?> CheckoutAsync(Member member, Membership membership, bool withTrial, string returnBase, CancellationToken ct) =>
        Task.FromResult<CheckoutView?>(null);

    public Task<ChargeOutcome> ChargeAsync(Membership membership, Fee fee, CancellationToken ct) =>
        Task.FromResult(membership.SimulatePaymentFailure
            ? new ChargeOutcome(false, "card_declined (simulated)")
            : new ChargeOutcome(true, null));

    public Task SetCancelAtPeriodEndAsync(Membership membership, bool cancel, CancellationToken ct) => Task.CompletedTask;

    public Task EndNowAsync(Membership membership, CancellationToken ct) => Task.CompletedTask;

    public Task ChangePlanAsync(Membership membership, Plan plan, bool immediately, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Stripe through Stripe.net: a customer per member, a subscription per membership (price from our plan ↔ Stripe price
/// mapping, created on first use), changes pushed to the subscription. Every call carries an idempotency key derived from
/// our own ids, so a retry after a timeout never creates a second customer or subscription.
/// </summary>
internal sealed class StripeBillingProvider(IOptions<BillingOptions> options, TimeProvider clock) : IBillingProvider
{
    public const string ProviderName = "Stripe";

    private StripeClient? client;

    public string Name => ProviderName;

    public bool DrivesRenewals => true;

    private StripeClient Client => client ??= new StripeClient(new StripeClientOptions
    {
        ApiKey = options.Value.Stripe.ApiKey ?? throw new InvalidOperationException("Billing:Stripe:ApiKey is not set."),
        ApiBase = string.IsNullOrEmpty(options.Value.Stripe.ApiBase) ? null : options.Value.Stripe.ApiBase,
    });

    private static RequestOptions Key(string key) => new() { IdempotencyKey = "bp-" + key };

    public async Task<StartOutcome> StartAsync(Member member, Membership membership, CancellationToken ct)
    {
        await EnsurePriceAsync(membership.Plan, ct);
        var customerId = await EnsureCustomerAsync(member, ct);
        return new StartOutcome(customerId, null, null, 0, null, null, null, AwaitsCheckout: true);
    }

    /// <summary>
    /// A Checkout Session in subscription mode: Stripe's hosted page takes the card (and SCA), then creates the
    /// subscription with our membership id in its metadata; the webhooks (checkout.session.completed,
    /// customer.subscription.*) link and drive the membership from there.
    /// </summary>
    public async Task<CheckoutView?> CheckoutAsync(Member member, Membership membership, bool withTrial, string returnBase, CancellationToken ct)
    {
        var plan = membership.Plan;
        var priceId = await EnsurePriceAsync(plan, ct);
        var customerId = await EnsureCustomerAsync(member, ct);
        var now = clock.GetUtcNow();
        var metadata = new Dictionary<string, string>
        {
            ["membership_id"] = membership.Id.ToString(),
            ["member_id"] = member.Id.ToString(),
            ["program_id"] = member.ProgramId.ToString(),
        };
        var session = await new Stripe.Checkout.SessionService(Client).CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription",
            Customer = customerId,
            ClientReferenceId = membership.Id.ToString(),
            LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = priceId, Quantity = 1 }],
            SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions
            {
                TrialPeriodDays = withTrial && plan.TrialDays > 0 ? plan.TrialDays : null,
                Metadata = metadata,
            },
            Metadata = metadata,
            Locale = member.Language is "de" or "en" ? member.Language : "auto",
            SuccessUrl = returnBase + "/membership?checkout=done",
            CancelUrl = returnBase + "/membership?checkout=cancelled",
            ExpiresAt = now.AddHours(1).UtcDateTime,
        }, Key($"checkout-{membership.Id}-{now.ToUnixTimeSeconds()}"), ct);
        return new CheckoutView(session.Url, now.AddHours(1));
    }

    private async Task<string> EnsureCustomerAsync(Member member, CancellationToken ct)
    {
        if (member.StripeCustomerId is { } existing)
        {
            return existing;
        }

        var customer = await new CustomerService(Client).CreateAsync(new CustomerCreateOptions
        {
            Email = member.Email,
            Name = $"{member.FirstName} {member.LastName}".Trim(),
            PreferredLocales = [member.Language],
            Metadata = new Dictionary<string, string> { ["member_id"] = member.Id.ToString(), ["program_id"] = member.ProgramId.ToString() },
        }, Key($"customer-{member.Id}"), ct);
        member.LinkStripeCustomer(customer.Id);
        return customer.Id;
    }

    public Task<ChargeOutcome> ChargeAsync(Membership membership, Fee fee, CancellationToken ct) =>
        throw new InvalidOperationException("Stripe collects fees through the subscription; the fee history follows its invoice webhooks.");

    public async Task SetCancelAtPeriodEndAsync(Membership membership, bool cancel, CancellationToken ct)
    {
        if (membership.ExternalSubscriptionId is { } id)
        {
            await new SubscriptionService(Client).UpdateAsync(id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = cancel },
                Key($"cancel-{membership.Id}-{cancel}-{clock.GetUtcNow().ToUnixTimeSeconds()}"), ct);
        }
    }

    public async Task EndNowAsync(Membership membership, CancellationToken ct)
    {
        if (membership.ExternalSubscriptionId is { } id)
        {
            await new SubscriptionService(Client).CancelAsync(id, new SubscriptionCancelOptions(), Key($"end-{membership.Id}-{id}"), ct);
        }
    }

    public async Task ChangePlanAsync(Membership membership, Plan plan, bool immediately, CancellationToken ct)
    {
        if (membership.ExternalSubscriptionId is not { } id)
        {
            return;
        }

        var priceId = await EnsurePriceAsync(plan, ct);
        var service = new SubscriptionService(Client);
        var subscription = await service.GetAsync(id, cancellationToken: ct);
        var itemId = subscription.Items.Data[0].Id;
        await service.UpdateAsync(id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = itemId, Price = priceId }],
            ProrationBehavior = immediately ? "always_invoice" : "none",
        }, Key($"plan-{membership.Id}-{plan.Id}"), ct);
    }

    private async Task<string> EnsurePriceAsync(Plan plan, CancellationToken ct)
    {
        if (plan.StripePriceId is { } existing)
        {
            return existing;
        }

        var price = await new PriceService(Client).CreateAsync(new PriceCreateOptions
        {
            Currency = plan.Currency.ToLowerInvariant(),
            UnitAmount = plan.PriceMinorUnits,
            Recurring = new PriceRecurringOptions { Interval = plan.Interval == BillingInterval.Yearly ? "year" : "month" },
            ProductData = new PriceProductDataOptions { Name = $"{plan.Name} (v{plan.Version})" },
            LookupKey = $"bp-plan-{plan.Id}",
            Metadata = new Dictionary<string, string> { ["plan_id"] = plan.Id.ToString(), ["plan_code"] = plan.Code },
        }, Key($"price-{plan.Id}"), ct);
        plan.MapToStripePrice(price.Id);
        return price.Id;
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v && v > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

internal static class StripeStatus
{
    public static MembershipStatus? Map(string? status) => status switch
    {
        "trialing" => MembershipStatus.Trialing,
        "active" => MembershipStatus.Active,
        "past_due" => MembershipStatus.PastDue,
        "unpaid" => MembershipStatus.Suspended,
        "canceled" or "incomplete_expired" => MembershipStatus.Ended,
        "paused" => MembershipStatus.Paused,
        "incomplete" => MembershipStatus.PendingPaymentMethod,
        _ => null,
    };
}
