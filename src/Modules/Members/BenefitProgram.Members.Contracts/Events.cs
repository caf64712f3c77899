namespace BenefitProgram.Members.Contracts;

// Integration events of the Members module. Each is written to the members outbox in the transaction of the fact.

/// <summary>How a member came in.</summary>
public enum SignUpChannel
{
    SelfService,
    Operator,
    Import,
}

/// <summary>Why a membership ended: by the member's own choice or because billing failed.</summary>
public enum EndKind
{
    Voluntary,
    Involuntary,
}

/// <summary>Cancellation reasons offered to members (plus free text).</summary>
public static class CancellationReasons
{
    public const string TooExpensive = "too-expensive";
    public const string NotUsingBenefits = "not-using-benefits";
    public const string MissingOffers = "missing-offers";
    public const string SwitchingBank = "switching-bank";
    public const string MovingAway = "moving-away";
    public const string ServiceProblems = "service-problems";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All =
        [TooExpensive, NotUsingBenefits, MissingOffers, SwitchingBank, MovingAway, ServiceProblems, Other];
}

public sealed record MemberSignedUp(
    Guid ProgramId, Guid MemberId, string MemberNumber, Guid MembershipId, Guid PlanId, string PlanCode,
    SignUpChannel Channel, string? PostalCode, string Language, string? ExternalCustomerNumber, DateTimeOffset OccurredAt);

/// <summary>Every status change (and plan change) of a membership, with its reason: the raw material of churn reports.</summary>
public sealed record MembershipTransitioned(
    Guid ProgramId, Guid MemberId, Guid MembershipId, MembershipStatus From, MembershipStatus To, Guid PlanId, string PlanCode,
    string ReasonCode, string Actor, DateTimeOffset OccurredAt);

public sealed record MembershipTrialStarted(Guid ProgramId, Guid MemberId, Guid MembershipId, Guid PlanId, string PlanCode, DateTimeOffset TrialEndsAt, DateTimeOffset OccurredAt);

public sealed record MembershipActivated(Guid ProgramId, Guid MemberId, Guid MembershipId, Guid PlanId, string PlanCode, MembershipStatus From, DateTimeOffset OccurredAt);

public sealed record MembershipCancelled(
    Guid ProgramId, Guid MemberId, Guid MembershipId, string ReasonCode, string? ReasonText, DateTimeOffset EffectiveAt, bool ByOperator, DateTimeOffset OccurredAt);

public sealed record MembershipEnded(Guid ProgramId, Guid MemberId, Guid MembershipId, EndKind Kind, string ReasonCode, DateTimeOffset OccurredAt);

public sealed record MembershipReactivated(Guid ProgramId, Guid MemberId, Guid MembershipId, Guid PlanId, string PlanCode, MembershipStatus From, DateTimeOffset OccurredAt);

public sealed record PlanChanged(
    Guid ProgramId, Guid MemberId, Guid MembershipId, Guid FromPlanId, string FromPlanCode, Guid ToPlanId, string ToPlanCode,
    bool IsUpgrade, DateTimeOffset EffectiveAt, DateTimeOffset OccurredAt);

public sealed record PaymentFailed(
    Guid ProgramId, Guid MemberId, Guid MembershipId, long AmountMinorUnits, string Currency, int Attempt, string? FailureReason, DateTimeOffset OccurredAt);

public sealed record MembershipSuspended(Guid ProgramId, Guid MemberId, Guid MembershipId, DateTimeOffset OccurredAt);

public sealed record MembershipPaused(Guid ProgramId, Guid MemberId, Guid MembershipId, DateTimeOffset OccurredAt);

public sealed record MembershipResumed(Guid ProgramId, Guid MemberId, Guid MembershipId, DateTimeOffset OccurredAt);

public sealed record FeeCharged(
    Guid ProgramId, Guid MemberId, Guid MembershipId, Guid FeeId, Guid PlanId, long AmountMinorUnits, string Currency,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset OccurredAt);

/// <summary>Personal data of the member was removed (GDPR). Other modules drop or pseudonymise what they hold about the person; money rows keep the id.</summary>
public sealed record MemberErased(Guid ProgramId, Guid MemberId, DateTimeOffset OccurredAt);

/// <summary>
/// The member's free trial ends within three days and the first fee will be charged then. Announced once per trial end
/// by the nightly step "members:trial-ending" (set-based, straight into the outbox).
/// </summary>
public sealed record TrialEnding(
    Guid ProgramId, Guid MemberId, Guid MembershipId, DateTimeOffset TrialEndsAt, string PlanCode, long PriceMinorUnits, string Currency, DateTimeOffset OccurredAt);
