using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Members.Contracts;

namespace BenefitProgram.Rewards.Cashback;

/// <summary>Stable codes for why a purchase earns no cashback.</summary>
internal static class DeclineReasons
{
    public const string OfferNotCashback = "offer-not-cashback";
    public const string OfferNotLive = "offer-not-live";
    public const string MemberUnknown = "member-unknown";
    public const string NotInGoodStanding = "membership-not-in-good-standing";
    public const string PlanNotEligible = "plan-not-eligible";
    public const string RegionNotEligible = "region-not-eligible";
    public const string CurrencyMismatch = "currency-mismatch";
    public const string BelowMinimumPurchase = "below-minimum-purchase";
    public const string YearlyLimitReached = "yearly-limit-reached";
    public const string ZeroCashback = "zero-cashback";
}

internal sealed record CashbackInput(
    long AmountMinor,
    string Currency,
    DateTimeOffset PurchasedAt,
    OfferTerms? Offer,
    MemberEntitlement? Entitlement,
    /// <summary>Cashback the member already earned on this offer in the purchase's calendar year (after returns, not declined).</summary>
    long YearToDateMinor);

internal sealed record CashbackDecision(long AmountMinor, string? DeclineReason)
{
    public bool Declined => DeclineReason is not null;

    public static CashbackDecision Decline(string reason) => new(0, reason);
}

/// <summary>
/// The cashback rule, a pure function. Order of the checks: offer kind, offer live at the purchase instant, member known,
/// membership in good standing, plan eligible (offer's plans and the plan's benefit kinds), region, currency, minimum
/// purchase. Amount: rate (the plan's own rate or the base rate, in basis points) × plan multiplier (percent) applied to
/// the purchase amount in minor units, rounded half away from zero ONCE to a whole minor unit; a fixed cashback is
/// multiplied the same way. Then the per-purchase cap, then the per-member-per-year cap (what is left of it). A result
/// of zero is declined. Examples in docs/adr/0013-ledger-cashback-and-payouts.md.
/// </summary>
internal static class CashbackCalculator
{
    public static CashbackDecision Compute(CashbackInput input)
    {
        var offer = input.Offer;
        if (offer is null || offer.Kind != OfferKind.Cashback || offer.Cashback is null)
        {
            return CashbackDecision.Decline(DeclineReasons.OfferNotCashback);
        }

        if (!offer.IsLiveAt(input.PurchasedAt))
        {
            return CashbackDecision.Decline(DeclineReasons.OfferNotLive);
        }

        var member = input.Entitlement;
        if (member is null)
        {
            return CashbackDecision.Decline(DeclineReasons.MemberUnknown);
        }

        if (!member.InGoodStanding)
        {
            return CashbackDecision.Decline(DeclineReasons.NotInGoodStanding);
        }

        if ((offer.EligiblePlans.Count > 0 && !offer.EligiblePlans.Contains(member.PlanCode, StringComparer.Ordinal))
            || !member.BenefitKinds.Contains(BenefitKinds.Cashback, StringComparer.Ordinal))
        {
            return CashbackDecision.Decline(DeclineReasons.PlanNotEligible);
        }

        if (!offer.AppliesToPostalCode(member.PostalCode))
        {
            return CashbackDecision.Decline(DeclineReasons.RegionNotEligible);
        }

        var terms = offer.Cashback;
        if (!string.Equals(terms.Currency, input.Currency, StringComparison.Ordinal))
        {
            return CashbackDecision.Decline(DeclineReasons.CurrencyMismatch);
        }

        if (input.AmountMinor < terms.MinPurchaseMinorUnits)
        {
            return CashbackDecision.Decline(DeclineReasons.BelowMinimumPurchase);
        }

        var amount = Raw(input.AmountMinor, terms.RateFor(member.PlanCode), terms.FixedMinorUnits, member.CashbackMultiplierPercent);
        if (terms.CapPerPurchaseMinorUnits is { } perPurchase)
        {
            amount = Math.Min(amount, perPurchase);
        }

        if (terms.CapPerMemberPerYearMinorUnits is { } perYear)
        {
            var left = perYear - input.YearToDateMinor;
            if (left <= 0)
            {
                return CashbackDecision.Decline(DeclineReasons.YearlyLimitReached);
            }

            amount = Math.Min(amount, left);
        }

        return amount <= 0 ? CashbackDecision.Decline(DeclineReasons.ZeroCashback) : new CashbackDecision(amount, null);
    }

    /// <summary>amount × rate/10,000 × multiplier/100 (or fixed × multiplier/100), rounded half away from zero once.</summary>
    public static long Raw(long amountMinor, int? rateBasisPoints, long? fixedMinor, int multiplierPercent)
    {
        var exact = rateBasisPoints is { } rate
            ? (decimal)amountMinor * rate * multiplierPercent / 1_000_000m
            : (decimal)(fixedMinor ?? 0) * multiplierPercent / 100m;
        return (long)Math.Round(exact, 0, MidpointRounding.AwayFromZero);
    }
}
