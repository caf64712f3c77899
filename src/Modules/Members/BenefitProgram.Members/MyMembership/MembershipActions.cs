using BenefitProgram.Common.Http;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using BenefitProgram.Members.Plans;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Members.MyMembership;

public sealed record NextCharge(DateTimeOffset At, long AmountMinorUnits, string Currency);

public sealed record MembershipView(
    Guid MemberId, string MemberNumber, Guid MembershipId, PlanView Plan, MembershipStatus Status, bool InGoodStanding,
    DateTimeOffset MemberSince, DateTimeOffset? TrialEndsAt, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    NextCharge? NextCharge, PlanView? ScheduledPlan, string? CancellationReason, string? CancellationComment, DateTimeOffset? EndsAt,
    DateTimeOffset? PastDueSince, string BillingProvider);

public sealed record CancelMembershipRequest(string Reason, string? Comment);

public sealed record ChangePlanRequest(string PlanCode);

public sealed record FeeView(Guid Id, string Kind, long AmountMinorUnits, string Currency, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, string? FailureReason, Guid PlanId);

public sealed record TransitionView(MembershipStatus? From, MembershipStatus To, string PlanCode, DateTimeOffset At, string Actor, string Reason, string? Comment);

internal sealed class CancelMembershipRequestValidator : AbstractValidator<CancelMembershipRequest>
{
    public CancelMembershipRequestValidator()
    {
        RuleFor(r => r.Reason).Must(r => CancellationReasons.All.Contains(r))
            .WithMessage($"Choose a reason: {string.Join(", ", CancellationReasons.All)}.");
        RuleFor(r => r.Comment).MaximumLength(1000);
        RuleFor(r => r.Comment).NotEmpty().When(r => r.Reason == CancellationReasons.Other).WithMessage("Tell us a little more when the reason is 'other'.");
    }
}

internal sealed class ChangePlanRequestValidator : AbstractValidator<ChangePlanRequest>
{
    public ChangePlanRequestValidator() => RuleFor(r => r.PlanCode).NotEmpty().MaximumLength(40);
}

/// <summary>The membership use cases shared by the member's own API and the operator's support API.</summary>
internal sealed class MembershipActions(MembersDbContext db, MembershipBilling billing, TimeProvider clock)
{
    public Task<Membership?> LoadAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        db.Memberships.Include(m => m.Plan).SingleOrDefaultAsync(m => m.ProgramId == programId && m.MemberId == memberId, ct);

    public async Task<MembershipView?> ViewAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.ProgramId == programId && m.Id == memberId && m.ErasedAt == null, ct);
        var membership = await db.Memberships.AsNoTracking().Include(m => m.Plan).SingleOrDefaultAsync(m => m.ProgramId == programId && m.MemberId == memberId, ct);
        if (member is null || membership is null)
        {
            return null;
        }

        var scheduled = membership.ScheduledPlanId is { } sid ? await db.Plans.AsNoTracking().SingleAsync(p => p.Id == sid, ct) : null;
        return View(member, membership, scheduled, clock.GetUtcNow(), billing.Dunning);
    }

    public static MembershipView View(Member member, Membership m, Plan? scheduled, DateTimeOffset now, DunningSettings dunning)
    {
        NextCharge? next = null;
        var chargePlan = scheduled ?? m.Plan;
        if (m.Status is MembershipStatus.Active or MembershipStatus.Trialing && m.CurrentPeriodEnd is { } end && !chargePlan.IsFree)
        {
            next = new NextCharge(end, chargePlan.PriceMinorUnits, chargePlan.Currency);
        }

        return new MembershipView(member.Id, member.MemberNumber, m.Id, PlanView.From(m.Plan), m.Status, m.IsInGoodStanding(now, dunning.Grace),
            member.SignedUpAt, m.TrialEndsAt, m.CurrentPeriodStart, m.CurrentPeriodEnd, next, scheduled is null ? null : PlanView.From(scheduled),
            m.CancellationReasonCode, m.CancellationReasonText, m.Status == MembershipStatus.Cancelled ? m.CurrentPeriodEnd : m.EndedAt,
            m.PastDueSince, m.BillingProvider);
    }

    public async Task CancelAsync(Membership m, CancelMembershipRequest request, string actor, bool byOperator, CancellationToken ct)
    {
        var before = m.Status;
        m.Cancel(request.Reason, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(), clock.GetUtcNow(), actor, byOperator);
        var provider = billing.ProviderFor(m.BillingProvider);
        if (m.Status == MembershipStatus.Cancelled)
        {
            await provider.SetCancelAtPeriodEndAsync(m, true, ct);
        }
        else if (before != MembershipStatus.PendingPaymentMethod || m.ExternalSubscriptionId is not null)
        {
            await provider.EndNowAsync(m, ct);
        }
    }

    public async Task ReactivateAsync(Membership m, Member member, string actor, CancellationToken ct)
    {
        m.EnsureReactivatable();
        if (m.Status == MembershipStatus.Cancelled)
        {
            m.RevokeCancellation(clock.GetUtcNow(), actor);
            await billing.ProviderFor(m.BillingProvider).SetCancelAtPeriodEndAsync(m, false, ct);
            return;
        }

        if (m.Status is MembershipStatus.PastDue or MembershipStatus.Suspended)
        {
            if (!await billing.RetryOutstandingAsync(m, actor, ct))
            {
                throw new MembershipRuleException("payment-failed", "The outstanding fee could not be collected; the membership stays " + m.Status + ".", unprocessable: true);
            }

            return;
        }

        // Ended: a fresh start on the current version of the same plan.
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.ProgramId == m.ProgramId && p.Code == m.Plan.Code && p.IsCurrent, ct) ?? m.Plan;
        if (plan.Id != m.PlanId)
        {
            throw new MembershipRuleException("plan-retired", $"The plan version {m.Plan.Version} is retired; sign up again for the current '{plan.Code}' plan.", unprocessable: true);
        }

        var now = clock.GetUtcNow();
        if (m.Plan.IsFree)
        {
            m.Activate(now, m.Plan.PeriodEndFrom(now), now, actor, "reactivated");
            return;
        }

        var provider = billing.Current;
        if (provider.DrivesRenewals)
        {
            await billing.StartAsync(member, m, actor, ct);
            return;
        }

        m.LinkSubscription(provider.Name, null);
        var end = m.Plan.PeriodEndFrom(now);
        if (!await billing.ChargeAsync(m, FeeKind.Subscription, m.Plan.PriceMinorUnits, now, end, ct))
        {
            throw new MembershipRuleException("payment-failed", "The payment for the new period failed; the membership stays ended.", unprocessable: true);
        }

        m.Activate(now, end, now, actor, "reactivated");
    }

    /// <summary>Upgrade now (charging the difference for the rest of the period) or downgrade at the period end.</summary>
    public async Task<IResult?> ChangePlanAsync(Membership m, string planCode, string actor, CancellationToken ct)
    {
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.ProgramId == m.ProgramId && p.Code == planCode && p.IsCurrent, ct);
        if (plan is null)
        {
            return Problems.Validation("planCode", $"The program has no plan '{planCode}'.");
        }

        var now = clock.GetUtcNow();
        var upgrade = m.IsUpgrade(plan);
        var charge = upgrade ? m.UpgradeCharge(plan, now) : 0;
        var newPeriod = upgrade && m.UpgradeStartsNewPeriod(plan);
        if (m.Status is not (MembershipStatus.Active or MembershipStatus.Trialing) || plan.Id == m.PlanId)
        {
            m.ChangePlan(plan, now, actor); // throws the rule
        }

        var provider = billing.ProviderFor(m.BillingProvider);
        if (upgrade && charge > 0 && !provider.DrivesRenewals)
        {
            var start = newPeriod ? now : m.CurrentPeriodStart ?? now;
            var end = newPeriod ? plan.PeriodEndFrom(now) : m.CurrentPeriodEnd ?? plan.PeriodEndFrom(now);
            var fee = Fee.Create(Guid.CreateVersion7(now), m, plan, newPeriod ? FeeKind.Subscription : FeeKind.Upgrade, charge, start, end, m.BillingProvider,
                $"{m.Id:N}:upgrade:{now.ToUnixTimeMilliseconds()}:{plan.Id:N}", now);
            var outcome = await provider.ChargeAsync(m, fee, ct);
            if (!outcome.Paid)
            {
                return Problems.Unprocessable("payment-failed", "The upgrade could not be paid; the plan was not changed.");
            }

            fee.MarkPaid(now);
            db.Fees.Add(fee);
            db.Publish(new FeeCharged(m.ProgramId, m.MemberId, m.Id, fee.Id, plan.Id, charge, plan.Currency, start, end, now), now);
            if (newPeriod)
            {
                m.RestartPeriod(start, end);
            }
        }

        var immediately = m.ChangePlan(plan, now, actor);
        await provider.ChangePlanAsync(m, plan, immediately, ct);
        return null;
    }

    public async Task<List<FeeView>> FeesAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        (await db.Fees.AsNoTracking().Where(f => f.ProgramId == programId && f.MemberId == memberId).OrderByDescending(f => f.CreatedAt).ToListAsync(ct))
        .Select(f => new FeeView(f.Id, f.Kind.ToString(), f.AmountMinorUnits, f.Currency, f.PeriodStart, f.PeriodEnd, f.Status.ToString(), f.CreatedAt, f.PaidAt, f.FailureReason, f.PlanId))
        .ToList();

    public async Task<List<TransitionView>> HistoryAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        (await db.Transitions.AsNoTracking().Where(t => t.ProgramId == programId && t.MemberId == memberId).OrderBy(t => t.At).ThenBy(t => t.Id).ToListAsync(ct))
        .Select(t => new TransitionView(t.FromStatus, t.ToStatus, t.PlanCode, t.At, t.Actor, t.ReasonCode, t.ReasonText))
        .ToList();

    /// <summary>Runs a use case and answers a broken life-cycle rule as a 409 (or 422) problem whose type names the rule.</summary>
    public static async Task<IResult> RuleGuard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (MembershipRuleException rule)
        {
            return rule.Unprocessable ? Problems.Unprocessable(rule.Code, rule.Message) : Problems.Conflict(rule.Code, rule.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("membership-changed-concurrently", "The membership was changed by someone else at the same moment; reload and try again.");
        }
    }
}
