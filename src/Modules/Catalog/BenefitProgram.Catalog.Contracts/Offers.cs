namespace BenefitProgram.Catalog.Contracts;

/// <summary>What an offer gives the member.</summary>
public enum OfferKind
{
    /// <summary>A percentage or fixed discount shown at the till (a signed discount pass).</summary>
    Discount,
    /// <summary>A coupon code from the offer's pool (or one generic code).</summary>
    Coupon,
    /// <summary>Cashback on purchases reported by the partner (attributed through a tracked click-out).</summary>
    Cashback,
    /// <summary>Refund of costs claimed by the member (e.g. airport taxi).</summary>
    Refund,
    /// <summary>A service (e.g. key-finder).</summary>
    Service,
}

/// <summary>
/// Life cycle of an offer: Draft → Submitted → Approved / Rejected → Live (during its validity) → Paused / Expired / Withdrawn.
/// An edit of an approved or live offer is a pending revision; the offer itself keeps its status meanwhile.
/// </summary>
public enum OfferStatus
{
    Draft,
    Submitted,
    Approved,
    Rejected,
    Live,
    Paused,
    Expired,
    Withdrawn,
}

/// <summary>Cashback terms. Either a rate (basis points of the purchase amount) or a fixed amount; amounts in minor units.</summary>
/// <param name="RateBasisPoints">5 % is 500. Null when the cashback is a fixed amount.</param>
/// <param name="FixedMinorUnits">A fixed cashback per purchase. Null when the cashback is a rate.</param>
/// <param name="MinPurchaseMinorUnits">Purchases below this earn nothing (0 = no minimum).</param>
/// <param name="CapPerPurchaseMinorUnits">At most this much per purchase (null = no cap).</param>
/// <param name="CapPerMemberPerYearMinorUnits">At most this much per member and calendar year (null = no cap).</param>
/// <param name="ReturnWindowDays">Cashback stays pending this many days after the purchase (or the trip) before it is confirmed.</param>
/// <param name="RateBasisPointsByPlan">A higher rate for some plans, by plan code (e.g. "premium" → 700); falls back to <paramref name="RateBasisPoints"/>.</param>
public sealed record CashbackTerms(
    int? RateBasisPoints,
    long? FixedMinorUnits,
    long MinPurchaseMinorUnits,
    long? CapPerPurchaseMinorUnits,
    long? CapPerMemberPerYearMinorUnits,
    int ReturnWindowDays,
    IReadOnlyDictionary<string, int> RateBasisPointsByPlan,
    string Currency)
{
    /// <summary>The rate for a plan: the plan's own rate when set, else the base rate.</summary>
    public int? RateFor(string planCode) =>
        RateBasisPointsByPlan.TryGetValue(planCode, out var rate) ? rate : RateBasisPoints;
}

/// <summary>Refund-of-costs terms, e.g. RefundKind "airport-taxi", 4000 minor units per claim, 2 claims a year, receipt required.</summary>
public sealed record RefundTerms(string RefundKind, long CapPerClaimMinorUnits, int ClaimsPerYear, bool ProofRequired, string Currency);

/// <summary>
/// An offer's terms as other modules (the rewards engine) need them. An offer belongs to one partner and one program
/// (a partner that offers the same benefit in two programs has two offers, each approved by that program's operator).
/// </summary>
/// <param name="EligiblePlans">Plan codes ("plus", "premium") whose members may use the offer.</param>
/// <param name="EligibleRegions">Postal-code prefixes ("80", "81") where the offer applies; empty means national.</param>
public sealed record OfferTerms(
    Guid OfferId,
    Guid PartnerId,
    Guid ProgramId,
    OfferKind Kind,
    OfferStatus Status,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidUntil,
    IReadOnlyList<string> EligiblePlans,
    IReadOnlyList<string> EligibleRegions,
    string TitleDe,
    string TitleEn,
    CashbackTerms? Cashback,
    RefundTerms? Refund)
{
    /// <summary>True when the offer is live and <paramref name="at"/> lies in its validity window.</summary>
    public bool IsLiveAt(DateTimeOffset at) =>
        Status == OfferStatus.Live && ValidFrom <= at && (ValidUntil is null || at < ValidUntil);

    public bool AppliesToPostalCode(string? postalCode) =>
        EligibleRegions.Count == 0 || (postalCode is not null && EligibleRegions.Any(p => postalCode.StartsWith(p, StringComparison.Ordinal)));
}

/// <summary>Read access to offers for other modules.</summary>
public interface IOfferDirectory
{
    Task<OfferTerms?> GetAsync(Guid offerId, CancellationToken ct);

    /// <summary>The offers of a program, optionally of one kind (e.g. the refund offers a claim may match); any status.</summary>
    Task<IReadOnlyList<OfferTerms>> ListAsync(Guid programId, OfferKind? kind, CancellationToken ct);
}
