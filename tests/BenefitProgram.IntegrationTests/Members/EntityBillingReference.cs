using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.IntegrationTests.Members;

/// <summary>
/// The billing run as it was before ADR 0018, entity by entity (kept verbatim as the reference the set-based run must
/// equal): every step calls the same entity methods and <see cref="MembershipBilling"/> the interactive paths use.
/// Only <see cref="BillingNightSqlTests"/> runs it.
/// </summary>
internal sealed class EntityBillingReference(MembersDbContext db, MembershipBilling billing, TimeProvider clock)
{
    private const int BatchSize = 200;

    public async Task<BillingRunReport> RunAsync(Guid? programId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var d = billing.Dunning;
        int trials = 0, renewed = 0, failed = 0, recovered = 0, downgrades = 0, ended = 0, suspended = 0, pauses = 0;
        var offline = OfflineBillingProvider.ProviderName;
        IQueryable<Membership> Scope() => db.Memberships.Include(m => m.Plan)
            .Where(m => m.BillingProvider == offline && (programId == null || m.ProgramId == programId));

        // 1. Cancelled memberships whose paid period is over end (voluntary).
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.Cancelled && m.CurrentPeriodEnd <= now), m =>
        {
            m.End(EndKind.Voluntary, m.CancellationReasonCode ?? "cancelled", now, MembershipBilling.SystemActor);
            ended++;
            return Task.CompletedTask;
        }, ct);

        // 2. Trials that are over: the first charge decides between active and past due.
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.Trialing && m.TrialEndsAt <= now), async m =>
        {
            var start = m.TrialEndsAt!.Value;
            var end = m.Plan.PeriodEndFrom(start);
            if (await billing.ChargeAsync(m, FeeKind.Subscription, m.Plan.PriceMinorUnits, start, end, ct))
            {
                m.Activate(start, end, now, MembershipBilling.SystemActor, "trial-converted");
                trials++;
            }
            else
            {
                failed++;
            }
        }, ct);

        // 3. Renewals (with scheduled downgrades first); catches up at most 12 missed periods.
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.Active && m.CurrentPeriodEnd <= now), async m =>
        {
            for (var i = 0; i < 12 && m.Status == MembershipStatus.Active && m.CurrentPeriodEnd <= now; i++)
            {
                if (m.ScheduledPlanId is { } scheduled)
                {
                    var plan = await db.Plans.SingleAsync(p => p.Id == scheduled, ct);
                    m.ApplyScheduledPlan(plan, now, MembershipBilling.SystemActor);
                    downgrades++;
                }

                var start = m.CurrentPeriodEnd!.Value;
                var end = m.Plan.PeriodEndFrom(start);
                if (await billing.ChargeAsync(m, FeeKind.Subscription, m.Plan.PriceMinorUnits, start, end, ct))
                {
                    m.Renew(start, end);
                    renewed++;
                }
                else
                {
                    failed++;
                }
            }
        }, ct);

        // 4. Dunning: past due too long → suspended; otherwise retry the charge once a day.
        var suspendBefore = now.AddDays(-d.SuspendAfterDays);
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.PastDue), async m =>
        {
            if (m.PastDueSince <= suspendBefore)
            {
                m.Suspend(now, MembershipBilling.SystemActor);
                suspended++;
            }
            else if (m.PastDueSince < now.AddHours(-20) && await billing.RetryOutstandingAsync(m, MembershipBilling.SystemActor, ct))
            {
                recovered++;
            }
        }, ct);

        // 5. Suspended too long → ended (involuntary churn).
        var endBefore = now.AddDays(-d.EndAfterSuspendedDays);
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.Suspended && m.StatusChangedAt <= endBefore), m =>
        {
            m.End(EndKind.Involuntary, "dunning-exhausted", now, MembershipBilling.SystemActor);
            ended++;
            return Task.CompletedTask;
        }, ct);

        // 6. Pauses that ran out resume by themselves.
        var pauseBefore = now.AddDays(-d.MaxPauseDays);
        await ForEachAsync(Scope().Where(m => m.Status == MembershipStatus.Paused && m.PausedAt <= pauseBefore), m =>
        {
            m.Resume(now, MembershipBilling.SystemActor, "pause-expired");
            pauses++;
            return Task.CompletedTask;
        }, ct);

        var report = new BillingRunReport(trials, renewed, failed, recovered, downgrades, ended, suspended, pauses);
        return report;
    }

    private async Task ForEachAsync(IQueryable<Membership> query, Func<Membership, Task> act, CancellationToken ct)
    {
        var last = Guid.Empty;
        while (true)
        {
            var batch = await query.Where(m => m.Id.CompareTo(last) > 0).OrderBy(m => m.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var membership in batch)
            {
                await act(membership);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            last = batch[^1].Id;
        }
    }
}
