using BenefitProgram.Catalog.Contracts;

namespace BenefitProgram.Catalog.Domain;

/// <summary>
/// One redemption: a coupon code handed out, a discount pass issued (and later verified), or a tracked click-out.
/// Rows are written inside the redemption transaction (see RedeemOffer) together with the outbox event.
/// </summary>
internal sealed class Redemption
{
    public Guid Id { get; set; }
    public Guid ProgramId { get; set; }
    public Guid OfferId { get; set; }
    public Guid PartnerId { get; set; }
    public Guid MemberId { get; set; }
    public RedemptionKind Kind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CouponCode { get; set; }
    public string? ClickId { get; set; }
    public string? PassShortCode { get; set; }
    public DateTimeOffset? PassExpiresAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public string? VerifiedBy { get; set; }
    public long? AmountMinorUnits { get; set; }
    public string? Currency { get; set; }
}

/// <summary>A code of an offer's coupon pool; handed out once (assigned_at set) with <c>FOR UPDATE SKIP LOCKED</c>.</summary>
internal sealed class CouponCode
{
    public long Id { get; set; }
    public Guid OfferId { get; set; }
    public string Code { get; set; } = "";
    public Guid? AssignedTo { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public Guid? RedemptionId { get; set; }
}

/// <summary>How many redemptions a member used of an offer in a period ("all", "2026", "2026-11"); the row is the member's lock.</summary>
internal sealed class MemberOfferUsage
{
    public Guid OfferId { get; set; }
    public Guid MemberId { get; set; }
    public string PeriodKey { get; set; } = "";
    public int Used { get; set; }
}
