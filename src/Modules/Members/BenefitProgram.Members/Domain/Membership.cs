using BenefitProgram.Common.Tenancy;
using BenefitProgram.Members.Contracts;
using S = BenefitProgram.Members.Contracts.MembershipStatus;

namespace BenefitProgram.Members.Domain;

/// <summary>A business rule of the membership life cycle was broken; answered as 409 (or 422) with <see cref="Code"/> as the problem type.</summary>
internal sealed class MembershipRuleException(string code, string message, bool unprocessable = false) : Exception(message)
{
    public string Code { get; } = code;
    public bool Unprocessable { get; } = unprocessable;
}

/// <summary>One row of the history: every status change and plan change, with time, actor and reason. Reports read it.</summary>
internal sealed class MembershipTransition
{
    public long Id { get; private set; }
    public Guid ProgramId { get; init; }
    public Guid MembershipId { get; init; }
    public Guid MemberId { get; init; }
    public S? FromStatus { get; init; }
    public S ToStatus { get; init; }
    public Guid PlanId { get; init; }
    public string PlanCode { get; init; } = "";
    public DateTimeOffset At { get; init; }
    /// <summary>"user:{id}" of a member or operator, "system:billing", "stripe", "import".</summary>
    public string Actor { get; init; } = "";
    public string ReasonCode { get; init; } = "";
    public string? ReasonText { get; set; }
}

/// <summary>
/// A member's membership and its life cycle. <see cref="Allowed"/> is the table of legal status changes; every method
/// checks it (and its own rule), records a <see cref="MembershipTransition"/> and queues the integration events, which the
/// DbContext writes with the change (outbox). One membership per member; reactivation reuses it.
/// </summary>
internal sealed class Membership : IProgramScoped
{
    public static readonly IReadOnlySet<(S From, S To)> Allowed = new HashSet<(S, S)>
    {
        (S.PendingPaymentMethod, S.Trialing), (S.PendingPaymentMethod, S.Active), (S.PendingPaymentMethod, S.Ended),
        (S.Trialing, S.Active), (S.Trialing, S.PastDue), (S.Trialing, S.Cancelled), (S.Trialing, S.Ended),
        (S.Active, S.PastDue), (S.Active, S.Cancelled), (S.Active, S.Paused), (S.Active, S.Ended),
        (S.PastDue, S.Active), (S.PastDue, S.Suspended), (S.PastDue, S.Ended),
        (S.Suspended, S.Active), (S.Suspended, S.Ended),
        (S.Paused, S.Active), (S.Paused, S.Ended),
        (S.Cancelled, S.Active), (S.Cancelled, S.Trialing), (S.Cancelled, S.Ended),
        (S.Ended, S.Active), (S.Ended, S.PendingPaymentMethod),
    };

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid MemberId { get; private set; }
    public Guid PlanId { get; private set; }
    public Plan Plan { get; private set; } = null!;
    public S Status { get; private set; }
    public DateTimeOffset StatusChangedAt { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? TrialEndsAt { get; private set; }
    /// <summary>The trial end that was announced to the member (TrialEnding event); set only by the step "members:trial-ending".</summary>
    public DateTimeOffset? TrialEndAnnouncedFor { get; private set; }
    public DateTimeOffset? CurrentPeriodStart { get; private set; }
    public DateTimeOffset? CurrentPeriodEnd { get; private set; }
    public string? CancellationReasonCode { get; private set; }
    public string? CancellationReasonText { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public Guid? ScheduledPlanId { get; private set; }
    public DateTimeOffset? PastDueSince { get; private set; }
    public int FailedAttempts { get; private set; }
    public DateTimeOffset? PausedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public EndKind? EndKind { get; private set; }
    /// <summary>"Offline" or "Stripe": who collects this membership's fees.</summary>
    public string BillingProvider { get; private set; } = "Offline";
    public string? ExternalSubscriptionId { get; private set; }
    /// <summary>Stripe: the <c>created</c> (unix seconds) of the last subscription event applied, for the ordering rule.</summary>
    public long ProviderStateVersion { get; private set; }
    /// <summary>Offline provider only: charges of this membership fail (demo and tests).</summary>
    public bool SimulatePaymentFailure { get; private set; }
    public uint RowVersion { get; private set; }

    internal List<MembershipTransition> NewTransitions { get; } = [];
    internal List<object> NewEvents { get; } = [];

    private Membership()
    {
    }

    public static Membership Create(Guid id, Member member, Plan plan, string billingProvider, DateTimeOffset now, string actor, SignUpChannel channel)
    {
        var m = new Membership
        {
            Id = id,
            ProgramId = member.ProgramId,
            MemberId = member.Id,
            PlanId = plan.Id,
            Plan = plan,
            Status = S.PendingPaymentMethod,
            StatusChangedAt = now,
            StartedAt = now,
            BillingProvider = billingProvider,
        };
        m.Record(null, S.PendingPaymentMethod, now, actor, "sign-up", channel.ToString());
        return m;
    }

    // ---------- queries ----------

    public bool IsInGoodStanding(DateTimeOffset now, TimeSpan grace) => Status switch
    {
        S.Trialing or S.Active => true,
        S.Cancelled => CurrentPeriodEnd is null || CurrentPeriodEnd > now,
        S.PastDue => PastDueSince is { } since && now < since + grace,
        _ => false,
    };

    public static bool IsAllowed(S from, S to) => Allowed.Contains((from, to));

    // ---------- transitions ----------

    /// <summary>The payment method is there (offline at once; Stripe when checkout completes): free plans and trials start now.</summary>
    public void StartFreeOrTrial(DateTimeOffset now, string actor)
    {
        if (Plan.IsFree)
        {
            Activate(now, Plan.PeriodEndFrom(now), now, actor, "free-plan");
        }
        else if (Plan.TrialDays > 0)
        {
            StartTrial(now, now.AddDays(Plan.TrialDays), actor);
        }
        else
        {
            throw new InvalidOperationException("A paid plan without a trial starts with a charge: call Activate after the first fee was paid.");
        }
    }

    public void StartTrial(DateTimeOffset now, DateTimeOffset trialEnd, string actor)
    {
        Move(S.Trialing, now, actor, "trial-started");
        TrialEndsAt = trialEnd;
        CurrentPeriodStart = now;
        CurrentPeriodEnd = trialEnd;
        NewEvents.Add(new MembershipTrialStarted(ProgramId, MemberId, Id, PlanId, Plan.Code, trialEnd, now));
    }

    /// <summary>A paid (or free) period starts: from pending, trial, past due, suspended, or a new start after the end.</summary>
    public void Activate(DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset now, string actor, string reason)
    {
        var from = Status;
        Move(S.Active, now, actor, reason);
        CurrentPeriodStart = periodStart;
        CurrentPeriodEnd = periodEnd;
        ClearDunning();
        if (from == S.Ended)
        {
            EndedAt = null;
            EndKind = null;
            CancellationReasonCode = null;
            CancellationReasonText = null;
            CancelledAt = null;
            NewEvents.Add(new MembershipReactivated(ProgramId, MemberId, Id, PlanId, Plan.Code, from, now));
        }
        else if (from is S.Suspended)
        {
            NewEvents.Add(new MembershipReactivated(ProgramId, MemberId, Id, PlanId, Plan.Code, from, now));
        }

        NewEvents.Add(new MembershipActivated(ProgramId, MemberId, Id, PlanId, Plan.Code, from, now));
    }

    /// <summary>A renewal was paid: the next period starts; the status does not change.</summary>
    public void Renew(DateTimeOffset periodStart, DateTimeOffset periodEnd)
    {
        if (Status != S.Active)
        {
            throw new MembershipRuleException("renewal-not-allowed", $"A {Status} membership is not renewed.");
        }

        CurrentPeriodStart = periodStart;
        CurrentPeriodEnd = periodEnd;
    }

    public void RecordPaymentFailure(long amountMinorUnits, string currency, string? failureReason, DateTimeOffset now, string actor)
    {
        FailedAttempts++;
        if (Status is S.Active or S.Trialing)
        {
            Move(S.PastDue, now, actor, "payment-failed", failureReason);
            PastDueSince = now;
        }
        else if (Status is not (S.PastDue or S.Suspended or S.PendingPaymentMethod))
        {
            throw new MembershipRuleException("payment-failure-not-applicable", $"A payment failure does not apply to a {Status} membership.");
        }

        NewEvents.Add(new PaymentFailed(ProgramId, MemberId, Id, amountMinorUnits, currency, FailedAttempts, failureReason, now));
    }

    /// <summary>Dunning exhausted.</summary>
    public void Suspend(DateTimeOffset now, string actor)
    {
        Move(S.Suspended, now, actor, "dunning-exhausted");
        NewEvents.Add(new MembershipSuspended(ProgramId, MemberId, Id, now));
    }

    /// <summary>
    /// The member (or an operator for them) cancels with a reason. A running paid period or trial is used up first
    /// (status Cancelled, ends at its end); a free plan, or a membership with nothing paid ahead, ends now.
    /// </summary>
    public void Cancel(string reasonCode, string? reasonText, DateTimeOffset now, string actor, bool byOperator)
    {
        switch (Status)
        {
            case S.Cancelled:
                throw new MembershipRuleException("membership-already-cancelled", $"The membership is already cancelled with effect from {CurrentPeriodEnd:yyyy-MM-dd}.");
            case S.Ended:
                throw new MembershipRuleException("membership-ended", "The membership has already ended.");
        }

        CancellationReasonCode = reasonCode;
        CancellationReasonText = reasonText;
        CancelledAt = now;
        if (Status is S.Active or S.Trialing && !Plan.IsFree && CurrentPeriodEnd > now)
        {
            ScheduledPlanId = null;
            Move(S.Cancelled, now, actor, reasonCode, reasonText);
            NewEvents.Add(new MembershipCancelled(ProgramId, MemberId, Id, reasonCode, reasonText, CurrentPeriodEnd!.Value, byOperator, now));
        }
        else
        {
            NewEvents.Add(new MembershipCancelled(ProgramId, MemberId, Id, reasonCode, reasonText, now, byOperator, now));
            End(Contracts.EndKind.Voluntary, reasonCode, now, actor, reasonText);
        }
    }

    /// <summary>The end of the paid period of a cancelled membership (the nightly job), or an end now (erasure, Stripe deleted, dunning).</summary>
    public void End(EndKind kind, string reasonCode, DateTimeOffset now, string actor, string? reasonText = null)
    {
        Move(S.Ended, now, actor, reasonCode, reasonText);
        EndedAt = now;
        EndKind = kind;
        ScheduledPlanId = null;
        PausedAt = null;
        NewEvents.Add(new MembershipEnded(ProgramId, MemberId, Id, kind, reasonCode, now));
    }

    /// <summary>
    /// Undo a cancellation before it takes effect (back to trial or active, nothing charged). Other states need a payment:
    /// see <see cref="NeedsChargeToReactivate"/>.
    /// </summary>
    public void RevokeCancellation(DateTimeOffset now, string actor)
    {
        if (Status != S.Cancelled)
        {
            throw new MembershipRuleException("reactivation-not-allowed", $"Only a cancelled membership can be reactivated without a payment; this one is {Status}.");
        }

        var back = TrialEndsAt is { } trialEnd && trialEnd > now && CurrentPeriodEnd == trialEnd ? S.Trialing : S.Active;
        Move(back, now, actor, "cancellation-revoked");
        CancellationReasonCode = null;
        CancellationReasonText = null;
        CancelledAt = null;
        NewEvents.Add(new MembershipReactivated(ProgramId, MemberId, Id, PlanId, Plan.Code, S.Cancelled, now));
    }

    /// <summary>True when reactivation starts a new paid period (ended, suspended, past due).</summary>
    public bool NeedsChargeToReactivate => Status is S.Ended or S.Suspended or S.PastDue;

    public void EnsureReactivatable()
    {
        if (Status is not (S.Cancelled or S.Ended or S.Suspended or S.PastDue))
        {
            throw new MembershipRuleException("reactivation-not-allowed", $"A {Status} membership cannot be reactivated.");
        }
    }

    /// <summary>
    /// A change of plan. Upgrades (higher monthly price) apply now; downgrades at the end of the period. Returns true when
    /// the change applied now.
    /// </summary>
    public bool ChangePlan(Plan newPlan, DateTimeOffset now, string actor)
    {
        if (Status is not (S.Active or S.Trialing))
        {
            throw new MembershipRuleException("plan-change-not-allowed", $"The plan of a {Status} membership cannot be changed; it must be active or in trial.");
        }

        if (newPlan.ProgramId != ProgramId)
        {
            throw new MembershipRuleException("unknown-plan", "The plan does not belong to this program.", unprocessable: true);
        }

        if (newPlan.Id == PlanId)
        {
            throw new MembershipRuleException("same-plan", "The membership is already on this plan.", unprocessable: true);
        }

        if (IsUpgrade(newPlan))
        {
            ApplyPlan(newPlan, now, actor, "plan-upgrade", isUpgrade: true);
            return true;
        }

        ScheduledPlanId = newPlan.Id;
        return false;
    }

    public bool IsUpgrade(Plan newPlan) => newPlan.MonthlyPrice > Plan.MonthlyPrice;

    /// <summary>Applies a scheduled downgrade at the period boundary.</summary>
    public void ApplyScheduledPlan(Plan plan, DateTimeOffset now, string actor)
    {
        if (ScheduledPlanId != plan.Id)
        {
            throw new InvalidOperationException("This is not the scheduled plan.");
        }

        ApplyPlan(plan, now, actor, "plan-downgrade", isUpgrade: false);
    }

    private void ApplyPlan(Plan plan, DateTimeOffset now, string actor, string reason, bool isUpgrade)
    {
        var old = Plan;
        PlanId = plan.Id;
        Plan = plan;
        ScheduledPlanId = null;
        Record(Status, Status, now, actor, reason, null);
        NewEvents.Add(new PlanChanged(ProgramId, MemberId, Id, old.Id, old.Code, plan.Id, plan.Code, isUpgrade, now, now));
    }

    /// <summary>
    /// The amount an immediate upgrade costs now: the price difference for the rest of the current period (same interval),
    /// rounded half away from zero; nothing in a trial.
    /// </summary>
    public long UpgradeCharge(Plan newPlan, DateTimeOffset now)
    {
        if (Status == S.Trialing || CurrentPeriodStart is not { } start || CurrentPeriodEnd is not { } end || end <= now)
        {
            return 0;
        }

        if (newPlan.Interval != Plan.Interval || Plan.IsFree)
        {
            return newPlan.PriceMinorUnits;
        }

        var remaining = (decimal)(end - now).Ticks / (end - start).Ticks;
        return (long)Math.Round((newPlan.PriceMinorUnits - Plan.PriceMinorUnits) * remaining, MidpointRounding.AwayFromZero);
    }

    /// <summary>Upgrading from a free plan or to another interval starts a new period now.</summary>
    public bool UpgradeStartsNewPeriod(Plan newPlan) => Status == S.Active && (Plan.IsFree || newPlan.Interval != Plan.Interval);

    public void RestartPeriod(DateTimeOffset start, DateTimeOffset end)
    {
        CurrentPeriodStart = start;
        CurrentPeriodEnd = end;
    }

    public void Pause(DateTimeOffset now, string actor)
    {
        if (Status != S.Active || Plan.IsFree)
        {
            throw new MembershipRuleException("pause-not-allowed", $"Only an active paid membership can be paused; this one is {Status}{(Plan.IsFree ? " on a free plan" : "")}.");
        }

        Move(S.Paused, now, actor, "paused");
        PausedAt = now;
        NewEvents.Add(new MembershipPaused(ProgramId, MemberId, Id, now));
    }

    /// <summary>Resumes a pause; the paid days that were left when it paused are added to the period.</summary>
    public void Resume(DateTimeOffset now, string actor, string reason = "resumed")
    {
        if (Status != S.Paused)
        {
            throw new MembershipRuleException("resume-not-allowed", $"Only a paused membership can be resumed; this one is {Status}.");
        }

        Move(S.Active, now, actor, reason);
        if (PausedAt is { } pausedAt && CurrentPeriodEnd is { } end)
        {
            CurrentPeriodEnd = end + (now - pausedAt);
        }

        PausedAt = null;
        NewEvents.Add(new MembershipResumed(ProgramId, MemberId, Id, now));
    }

    public void SetPaymentFailureSimulation(bool fail) => SimulatePaymentFailure = fail;

    public void LinkSubscription(string provider, string? subscriptionId)
    {
        BillingProvider = provider;
        ExternalSubscriptionId = subscriptionId;
    }

    /// <summary>
    /// Applies the state of the provider's subscription object (Stripe) when it is newer than what was applied last
    /// (<paramref name="version"/> = the object's event time). Returns false for a stale state, which is ignored.
    /// </summary>
    public bool SyncFromProvider(long version, S target, DateTimeOffset? periodStart, DateTimeOffset? periodEnd, DateTimeOffset? trialEnd,
        bool cancelAtPeriodEnd, DateTimeOffset now, string actor, EndKind endKind = Contracts.EndKind.Involuntary)
    {
        if (version < ProviderStateVersion || (Status == S.Ended && target != S.Ended && version == ProviderStateVersion))
        {
            return false;
        }

        ProviderStateVersion = version;
        if (target == S.Active && cancelAtPeriodEnd)
        {
            target = S.Cancelled;
        }

        if (target != Status)
        {
            if (!IsAllowed(Status, target))
            {
                // e.g. Stripe says active while we were pending-then-trial: go through trial first where that is legal.
                if (Status == S.PendingPaymentMethod && target is S.PastDue or S.Cancelled && trialEnd is { } te)
                {
                    StartTrial(now, te, actor);
                }
                else if (Status == S.PastDue && target == S.Cancelled)
                {
                    Activate(periodStart ?? now, periodEnd ?? now, now, actor, "payment-recovered");
                }
                else if (!IsAllowed(Status, target))
                {
                    return false;
                }
            }

            switch (target)
            {
                case S.Trialing:
                    if (Status == S.Cancelled)
                    {
                        RevokeCancellation(now, actor);
                    }
                    else
                    {
                        StartTrial(now, trialEnd ?? periodEnd ?? now, actor);
                    }

                    break;
                case S.Active:
                    if (Status == S.Cancelled && TrialEndsAt is null)
                    {
                        RevokeCancellation(now, actor);
                    }
                    else
                    {
                        Activate(periodStart ?? now, periodEnd ?? now, now, actor, Status == S.PastDue ? "payment-recovered" : "payment-succeeded");
                    }

                    break;
                case S.PastDue:
                    Move(S.PastDue, now, actor, "payment-failed");
                    PastDueSince = now;
                    break;
                case S.Suspended:
                    Suspend(now, actor);
                    break;
                case S.Cancelled:
                    CurrentPeriodEnd = periodEnd ?? CurrentPeriodEnd;
                    CancellationReasonCode ??= "cancelled-at-provider";
                    CancelledAt ??= now;
                    Move(S.Cancelled, now, actor, CancellationReasonCode, CancellationReasonText);
                    NewEvents.Add(new MembershipCancelled(ProgramId, MemberId, Id, CancellationReasonCode, CancellationReasonText, CurrentPeriodEnd ?? now, false, now));
                    break;
                case S.Ended:
                    End(endKind, endKind == Contracts.EndKind.Voluntary ? CancellationReasonCode ?? "cancelled-at-provider" : "payment-failed", now, actor);
                    break;
                case S.Paused:
                    Pause(now, actor);
                    break;
                case S.PendingPaymentMethod:
                    return false;
            }
        }

        // The provider object is the truth for its version: its period and trial apply whatever the status.
        {
            CurrentPeriodStart = periodStart ?? CurrentPeriodStart;
            CurrentPeriodEnd = periodEnd ?? CurrentPeriodEnd;
            TrialEndsAt = trialEnd ?? TrialEndsAt;
        }

        return true;
    }

    private void ClearDunning()
    {
        PastDueSince = null;
        FailedAttempts = 0;
    }

    private void Move(S to, DateTimeOffset now, string actor, string reason, string? text = null)
    {
        if (!IsAllowed(Status, to))
        {
            throw new MembershipRuleException("membership-transition-not-allowed",
                $"A membership cannot go from {Status} to {to}.");
        }

        var from = Status;
        Status = to;
        StatusChangedAt = now;
        Record(from, to, now, actor, reason, text);
    }

    private void Record(S? from, S to, DateTimeOffset now, string actor, string reason, string? text)
    {
        NewTransitions.Add(new MembershipTransition
        {
            ProgramId = ProgramId,
            MembershipId = Id,
            MemberId = MemberId,
            FromStatus = from,
            ToStatus = to,
            PlanId = PlanId,
            PlanCode = Plan.Code,
            At = now,
            Actor = actor,
            ReasonCode = reason,
            ReasonText = text,
        });
        if (from is { } f)
        {
            NewEvents.Add(new MembershipTransitioned(ProgramId, MemberId, Id, f, to, PlanId, Plan.Code, reason, actor, now));
        }
    }
}
