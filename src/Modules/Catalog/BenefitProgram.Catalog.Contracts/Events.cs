namespace BenefitProgram.Catalog.Contracts;

/// <summary>How a member redeemed an offer.</summary>
public enum RedemptionKind
{
    /// <summary>A coupon code was handed out.</summary>
    Coupon,
    /// <summary>A discount pass was issued (verified later by the partner).</summary>
    DiscountPass,
    /// <summary>A tracked click-out to the partner's shop.</summary>
    ClickOut,
}

/// <summary>A partner submitted an offer (or a revision of a live offer, <paramref name="Revision"/> &gt; 1) for approval.</summary>
public sealed record OfferSubmitted(Guid OfferId, Guid PartnerId, Guid ProgramId, int Revision, DateTimeOffset OccurredAt);

public sealed record OfferApproved(Guid OfferId, Guid PartnerId, Guid ProgramId, int Revision, DateTimeOffset OccurredAt);

public sealed record OfferRejected(Guid OfferId, Guid PartnerId, Guid ProgramId, int Revision, string Comment, DateTimeOffset OccurredAt);

public sealed record OfferWentLive(Guid OfferId, Guid PartnerId, Guid ProgramId, OfferKind Kind, DateTimeOffset OccurredAt);

public sealed record OfferExpired(Guid OfferId, Guid PartnerId, Guid ProgramId, DateTimeOffset OccurredAt);

/// <summary>An offer was paused, resumed or withdrawn (<paramref name="Status"/> is the new status).</summary>
public sealed record OfferStatusChanged(Guid OfferId, Guid PartnerId, Guid ProgramId, OfferStatus Status, DateTimeOffset OccurredAt);

/// <summary>
/// A member redeemed an offer: a coupon code handed out, a discount pass issued, or a click-out. Amount when known
/// (minor units). <paramref name="ClickId"/> is set for click-outs.
/// </summary>
public sealed record RedemptionRecorded(
    Guid RedemptionId,
    RedemptionKind Kind,
    Guid MemberId,
    Guid ProgramId,
    Guid OfferId,
    Guid PartnerId,
    long? AmountMinorUnits,
    string? Currency,
    string? ClickId,
    DateTimeOffset OccurredAt);

/// <summary>A partner verified a member's discount pass at the till (the pass is used now).</summary>
public sealed record PassVerified(
    Guid RedemptionId,
    Guid MemberId,
    Guid ProgramId,
    Guid OfferId,
    Guid PartnerId,
    long? PurchaseAmountMinorUnits,
    string? Currency,
    DateTimeOffset OccurredAt);

/// <summary>A member clicked out to the partner's shop; purchases reported with <paramref name="ClickId"/> are attributed to it.</summary>
public sealed record ClickRecorded(string ClickId, Guid RedemptionId, Guid MemberId, Guid ProgramId, Guid OfferId, Guid PartnerId, DateTimeOffset OccurredAt);

/// <summary>A coupon pool dropped below its alert threshold (10 % of its size, at least 10 codes).</summary>
public sealed record CouponStockLow(Guid OfferId, Guid PartnerId, Guid ProgramId, long Remaining, long Total, DateTimeOffset OccurredAt);
