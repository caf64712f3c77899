namespace BenefitProgram.Members.Contracts;

/// <summary>The life-cycle states of a membership. Stored and serialised by name.</summary>
public enum MembershipStatus
{
    /// <summary>Signed up, waiting for a payment method (Stripe checkout not completed yet). No benefits.</summary>
    PendingPaymentMethod,
    /// <summary>In the free trial. Benefits available.</summary>
    Trialing,
    /// <summary>Paid and running. Benefits available.</summary>
    Active,
    /// <summary>A payment failed; benefits stay available during the grace period, then stop until paid.</summary>
    PastDue,
    /// <summary>Dunning exhausted: no benefits; ends after the suspension period unless paid.</summary>
    Suspended,
    /// <summary>Paused by the member: no benefits, no charges; the unused paid days are kept for the resume.</summary>
    Paused,
    /// <summary>Cancelled with a reason; benefits until the end of the paid period, then <see cref="Ended"/>.</summary>
    Cancelled,
    /// <summary>Over. A member can reactivate.</summary>
    Ended,
}

/// <summary>Plan codes of the reference case; programs may define others.</summary>
public static class PlanCodes
{
    public const string Basis = "basis";
    public const string Plus = "plus";
    public const string Premium = "premium";
}

/// <summary>Well-known benefit kinds a plan can include (the catalog's offer kinds).</summary>
public static class BenefitKinds
{
    public const string Discount = "discount";
    public const string Coupon = "coupon";
    public const string Cashback = "cashback";
    public const string Refund = "refund";
    public const string Service = "service";

    public static readonly IReadOnlyList<string> All = [Discount, Coupon, Cashback, Refund, Service];
}

/// <summary>A refund allowance of a plan, e.g. "airport-taxi": 2 claims a year, at most 4,000 cents each.</summary>
public sealed record RefundCap(string Kind, int ClaimsPerYear, long MaxMinorUnitsPerClaim, string Currency);

/// <summary>What a member is entitled to at one instant: the answer other modules (catalog, rewards) rely on.</summary>
public sealed record MemberEntitlement(
    Guid MemberId,
    Guid ProgramId,
    string MemberNumber,
    Guid MembershipId,
    Guid PlanId,
    string PlanCode,
    int PlanVersion,
    MembershipStatus Status,
    /// <summary>True when the member may redeem new benefits now (trialing, active, cancelled-but-paid, past due within grace).</summary>
    bool InGoodStanding,
    string? PostalCode,
    string Language,
    IReadOnlyList<string> OfferCategories,
    IReadOnlyList<string> BenefitKinds,
    /// <summary>100 = the offer's base cashback rate, 150 = 1.5 times.</summary>
    int CashbackMultiplierPercent,
    IReadOnlyList<RefundCap> RefundCaps,
    DateTimeOffset MemberSince,
    DateTimeOffset? CurrentPeriodEnd)
{
    /// <summary>True when the plan includes the benefit kind and the member is in good standing.</summary>
    public bool MayRedeem(string benefitKind, string? offerCategory = null) =>
        InGoodStanding
        && BenefitKinds.Contains(benefitKind, StringComparer.Ordinal)
        && (offerCategory is null || OfferCategories.Count == 0 || OfferCategories.Contains(offerCategory, StringComparer.Ordinal));
}

/// <summary>
/// "What is member M entitled to right now": the one query other modules use. Answers null for an unknown member, a member
/// of another program, or an erased member.
/// </summary>
public interface IMemberEntitlements
{
    /// <summary>The entitlement now.</summary>
    Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, CancellationToken ct);

    /// <summary>
    /// The entitlement at a past instant (e.g. when a purchase was made), rebuilt from the membership's transition history:
    /// the status and plan in force at <paramref name="at"/>.
    /// </summary>
    Task<MemberEntitlement?> GetAsync(Guid programId, Guid memberId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Entitlements of several members of one program (now), for batch work; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<Guid, MemberEntitlement>> GetManyAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct);

    /// <summary>The member id for a member number (as printed on the member card / discount pass), or null.</summary>
    Task<Guid?> FindMemberIdByNumberAsync(Guid programId, string memberNumber, CancellationToken ct);

    /// <summary>Member ids for many member numbers of one program in one query (batch work); unknown numbers are left out.</summary>
    Task<IReadOnlyDictionary<string, Guid>> FindMemberIdsByNumberAsync(Guid programId, IReadOnlyCollection<string> memberNumbers, CancellationToken ct);

    /// <summary>
    /// The entitlement history of many members of one program, read in a few queries (batch work such as a purchase
    /// import): <c>timeline.At(t)</c> answers exactly what <see cref="GetAsync(Guid, Guid, DateTimeOffset, CancellationToken)"/>
    /// answers for <c>t</c>. Unknown, erased or other programs' members are left out.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, MemberEntitlementTimeline>> GetTimelinesAsync(Guid programId, IReadOnlyCollection<Guid> memberIds, CancellationToken ct);
}

/// <summary>
/// A member's entitlement over time: segments in time order, each valid from its instant until the next one. A segment
/// may be null (no entitlement from then on). Before the first segment the member had no entitlement (null).
/// </summary>
public sealed class MemberEntitlementTimeline
{
    private readonly DateTimeOffset[] from;
    private readonly MemberEntitlement?[] entitlements;

    /// <param name="segments">In time order; of several segments starting at the same instant the last one applies.</param>
    public MemberEntitlementTimeline(IReadOnlyList<(DateTimeOffset From, MemberEntitlement? Entitlement)> segments)
    {
        from = new DateTimeOffset[segments.Count];
        entitlements = new MemberEntitlement?[segments.Count];
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0 && segments[i].From < segments[i - 1].From)
            {
                throw new ArgumentException("Segments must be in time order.", nameof(segments));
            }

            from[i] = segments[i].From;
            entitlements[i] = segments[i].Entitlement;
        }
    }

    /// <summary>The entitlement in force at <paramref name="at"/>: the last segment starting at or before it, else null.</summary>
    public MemberEntitlement? At(DateTimeOffset at)
    {
        // Binary search for the last index with from[i] <= at.
        int lo = 0, hi = from.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (from[mid] <= at)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : entitlements[found];
    }
}
