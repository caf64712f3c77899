namespace BenefitProgram.Rewards.Contracts;

// Integration events of the Rewards module. Each is written to the rewards outbox in the transaction of the fact
// (and of its ledger journal). Amounts are integer minor units with an ISO currency; states and reasons are strings.

/// <summary>
/// A partner reported a purchase; <paramref name="CashbackState"/> is "Pending" or "Declined". A declined purchase earns
/// no cashback and carries the reason as a stable code in <paramref name="DeclineReason"/> (e.g. "offer-not-live",
/// "yearly-cap-reached"); there is no separate per-purchase "declined" event.
/// </summary>
public sealed record PurchaseRecorded(
    Guid ProgramId, Guid PurchaseId, Guid PartnerId, Guid MemberId, Guid OfferId, string OrderReference,
    long AmountMinorUnits, string Currency, DateTimeOffset PurchasedAt, DateOnly? ServiceDate,
    long CashbackMinorUnits, string CashbackState, DateTimeOffset OccurredAt, string? DeclineReason = null);

/// <summary>A partner reported a (partial) return or cancellation of a purchase.</summary>
public sealed record PurchaseReturned(
    Guid ProgramId, Guid PurchaseId, Guid PartnerId, Guid MemberId, string OrderReference, string ReturnReference,
    long ReturnedMinorUnits, long RemainingMinorUnits, string Currency, DateTimeOffset OccurredAt);

/// <summary>The return window passed: the cashback is now available to the member.</summary>
/// <remarks><paramref name="PartnerId"/>: the partner of the purchase (null only in events stored before it was added).</remarks>
public sealed record CashbackConfirmed(Guid ProgramId, Guid PurchaseId, Guid MemberId, long CashbackMinorUnits, string Currency, DateTimeOffset OccurredAt,
    Guid? PartnerId = null);

/// <summary>
/// Cashback was reduced (partial return) or reversed (full return). <paramref name="FromState"/> is the state it was
/// taken from: "Pending", "Confirmed" or "Paid" (a claw-back from the member's balance).
/// </summary>
public sealed record CashbackReversed(
    Guid ProgramId, Guid PurchaseId, Guid MemberId, long ReversedMinorUnits, long RemainingCashbackMinorUnits, string Currency,
    string FromState, bool ClawedBack, DateTimeOffset OccurredAt);

public sealed record ClaimSubmitted(Guid ProgramId, Guid ClaimId, Guid MemberId, string RefundKind, long AmountMinorUnits, string Currency, string Status, DateTimeOffset OccurredAt);

public sealed record ClaimApproved(Guid ProgramId, Guid ClaimId, Guid MemberId, string RefundKind, long ApprovedMinorUnits, string Currency, bool Automatically, DateTimeOffset OccurredAt);

public sealed record ClaimRejected(Guid ProgramId, Guid ClaimId, Guid MemberId, string RefundKind, string Reason, bool Automatically, DateTimeOffset OccurredAt);

/// <summary>A payout line was paid by the bank.</summary>
public sealed record PayoutCompleted(Guid ProgramId, Guid PayoutBatchId, Guid PayoutLineId, Guid MemberId, long AmountMinorUnits, string Currency, DateTimeOffset OccurredAt);

/// <summary>A finder reported a member's key tag. Carries no finder data beyond what the finder chose to leave for the member.</summary>
public sealed record KeyTagFound(Guid ProgramId, Guid KeyTagId, Guid MemberId, Guid ReportId, DateTimeOffset OccurredAt);
