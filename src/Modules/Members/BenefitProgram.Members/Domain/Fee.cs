using BenefitProgram.Common.Tenancy;

namespace BenefitProgram.Members.Domain;

internal enum FeeStatus
{
    Paid,
    Failed,
    Open,
}

internal enum FeeKind
{
    Subscription,
    Upgrade,
}

/// <summary>
/// One charge of a membership fee (what, when, status). Holds no personal data, so it stays after a member is erased
/// (the member id is the surrogate). Unique per (membership, period start, kind) for our charges and per provider reference.
/// </summary>
internal sealed class Fee : IProgramScoped
{
    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid MemberId { get; private set; }
    public Guid MembershipId { get; private set; }
    public Guid PlanId { get; private set; }
    public FeeKind Kind { get; private set; }
    public long AmountMinorUnits { get; private set; }
    public string Currency { get; private set; } = "EUR";
    public DateTimeOffset PeriodStart { get; private set; }
    public DateTimeOffset PeriodEnd { get; private set; }
    public FeeStatus Status { get; private set; }
    public string Provider { get; private set; } = "";
    /// <summary>Stripe invoice id or our offline charge reference.</summary>
    public string ProviderReference { get; private set; } = "";
    public int Attempts { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    /// <summary>Provider's own timestamp of the state applied last (Stripe invoice events), for out-of-order delivery.</summary>
    public long ProviderStateVersion { get; private set; }

    public static Fee Create(Guid id, Membership membership, Plan plan, FeeKind kind, long amount, DateTimeOffset periodStart, DateTimeOffset periodEnd,
        string provider, string reference, DateTimeOffset now) => new()
        {
            Id = id,
            ProgramId = membership.ProgramId,
            MemberId = membership.MemberId,
            MembershipId = membership.Id,
            PlanId = plan.Id,
            Kind = kind,
            AmountMinorUnits = amount,
            Currency = plan.Currency,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            Status = FeeStatus.Open,
            Provider = provider,
            ProviderReference = reference,
            CreatedAt = now,
        };

    /// <summary>Paid is final: a later (or late-arriving) failure of the same charge does not undo it. Returns true when this changed it.</summary>
    public bool MarkPaid(DateTimeOffset paidAt)
    {
        if (Status == FeeStatus.Paid)
        {
            return false;
        }

        Attempts++;
        Status = FeeStatus.Paid;
        PaidAt = paidAt;
        FailureReason = null;
        return true;
    }

    public bool MarkFailed(string? reason)
    {
        if (Status == FeeStatus.Paid)
        {
            return false;
        }

        Attempts++;
        Status = FeeStatus.Failed;
        FailureReason = reason;
        return true;
    }

    public void SetAmount(long amount, string currency)
    {
        AmountMinorUnits = amount;
        Currency = currency;
    }

    public void SetProviderVersion(long version) => ProviderStateVersion = Math.Max(ProviderStateVersion, version);
}

/// <summary>A Stripe event id we have processed; the primary key makes a redelivery a no-op.</summary>
internal sealed class ProcessedStripeEvent
{
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset StripeCreatedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? ObjectId { get; set; }
    public string Outcome { get; set; } = "";
}

/// <summary>What an operator did to a member's data or membership (support actions, import, erasure).</summary>
internal sealed class OperatorAuditEntry
{
    public long Id { get; private set; }
    public Guid ProgramId { get; init; }
    public Guid? MemberId { get; init; }
    public string Actor { get; init; } = "";
    public string Action { get; init; } = "";
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }
}
