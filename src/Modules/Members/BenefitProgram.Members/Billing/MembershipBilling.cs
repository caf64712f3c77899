using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Members.Billing;

/// <summary>
/// The money side of membership changes, for every provider: starting billing, charging a period (offline), and the
/// side effects of cancel / plan change at the provider. The entity decides what is legal; this class collects.
/// </summary>
internal sealed class MembershipBilling(MembersDbContext db, IServiceProvider services, IOptions<BillingOptions> options, TimeProvider clock)
{
    public const string SystemActor = "system:billing";

    public IBillingProvider ProviderFor(string name) =>
        services.GetRequiredKeyedService<IBillingProvider>(name);

    /// <summary>The provider new paid memberships use (configuration Billing:Provider).</summary>
    public IBillingProvider Current => ProviderFor(options.Value.Provider);

    public DunningSettings Dunning => options.Value.Dunning;

    /// <summary>Sets up a new membership: free plans start now; paid ones at the configured provider (trial or first charge).</summary>
    public async Task StartAsync(Member member, Membership membership, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (membership.Plan.IsFree)
        {
            membership.LinkSubscription(OfflineBillingProvider.ProviderName, null);
            membership.StartFreeOrTrial(now, actor);
            return;
        }

        var provider = Current;
        var outcome = await provider.StartAsync(member, membership, ct);
        membership.LinkSubscription(provider.Name, outcome.SubscriptionId);
        if (outcome.CustomerId is { } customer)
        {
            member.LinkStripeCustomer(customer);
        }

        if (outcome.AwaitsCheckout)
        {
            // The member pays on the provider's page (POST /api/v1/me/membership/checkout); its webhooks start the membership.
            return;
        }

        if (outcome.ProviderStatus is { } status)
        {
            membership.SyncFromProvider(outcome.ProviderVersion, status, outcome.PeriodStart, outcome.PeriodEnd, outcome.TrialEnd, false, now, provider.Name.ToLowerInvariant());
            return;
        }

        // Offline: the payment method is on file at once.
        if (membership.Plan.TrialDays > 0 && membership.Status == MembershipStatus.PendingPaymentMethod)
        {
            membership.StartFreeOrTrial(now, actor);
        }
        else
        {
            var end = membership.Plan.PeriodEndFrom(now);
            var paid = await ChargeAsync(membership, FeeKind.Subscription, membership.Plan.PriceMinorUnits, now, end, ct);
            if (paid)
            {
                membership.Activate(now, end, now, actor, membership.Status == MembershipStatus.Ended ? "reactivated" : "first-payment");
            }
            else if (membership.Status != MembershipStatus.PendingPaymentMethod)
            {
                throw new MembershipRuleException("payment-failed", "The payment for the new period failed; nothing was changed.", unprocessable: true);
            }
        }
    }

    /// <summary>
    /// Charges one fee with the membership's provider (offline). The fee reference is derived from the membership, kind and
    /// period, so a second run for the same period finds the existing fee instead of charging twice.
    /// </summary>
    public async Task<bool> ChargeAsync(Membership membership, FeeKind kind, long amount, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var plan = membership.Plan;
        if (amount == 0)
        {
            return true;
        }

        var reference = $"{membership.Id:N}:{kind}:{periodStart.ToUnixTimeSeconds()}:{plan.Id:N}";
        var fee = await db.Fees.SingleOrDefaultAsync(f => f.Provider == membership.BillingProvider && f.ProviderReference == reference, ct)
            ?? db.Fees.Local.SingleOrDefault(f => f.Provider == membership.BillingProvider && f.ProviderReference == reference);
        if (fee is { Status: FeeStatus.Paid })
        {
            return true;
        }

        if (fee is null)
        {
            fee = Fee.Create(Guid.CreateVersion7(now), membership, plan, kind, amount, periodStart, periodEnd, membership.BillingProvider, reference, now);
            db.Fees.Add(fee);
        }

        var outcome = await ProviderFor(membership.BillingProvider).ChargeAsync(membership, fee, ct);
        if (outcome.Paid)
        {
            fee.MarkPaid(now);
            db.Publish(new FeeCharged(fee.ProgramId, fee.MemberId, fee.MembershipId, fee.Id, fee.PlanId, fee.AmountMinorUnits, fee.Currency, periodStart, periodEnd, now), now);
            return true;
        }

        fee.MarkFailed(outcome.FailureReason);
        if (membership.Status is MembershipStatus.Active or MembershipStatus.Trialing or MembershipStatus.PastDue or MembershipStatus.Suspended or MembershipStatus.PendingPaymentMethod)
        {
            membership.RecordPaymentFailure(amount, plan.Currency, outcome.FailureReason, now, SystemActor);
        }

        return false;
    }

    /// <summary>Retries the latest failed fee of a past-due or suspended membership; true when it was paid now.</summary>
    public async Task<bool> RetryOutstandingAsync(Membership membership, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var fee = await db.Fees.Where(f => f.MembershipId == membership.Id && f.Status == FeeStatus.Failed)
            .OrderByDescending(f => f.PeriodStart).FirstOrDefaultAsync(ct);
        if (fee is null)
        {
            return false;
        }

        var outcome = await ProviderFor(membership.BillingProvider).ChargeAsync(membership, fee, ct);
        if (!outcome.Paid)
        {
            fee.MarkFailed(outcome.FailureReason);
            return false;
        }

        fee.MarkPaid(now);
        db.Publish(new FeeCharged(fee.ProgramId, fee.MemberId, fee.MembershipId, fee.Id, fee.PlanId, fee.AmountMinorUnits, fee.Currency, fee.PeriodStart, fee.PeriodEnd, now), now);
        var start = fee.PeriodEnd > now ? fee.PeriodStart : now;
        var end = fee.PeriodEnd > now ? fee.PeriodEnd : membership.Plan.PeriodEndFrom(now);
        membership.Activate(start, end, now, actor, "payment-recovered");
        return true;
    }
}
