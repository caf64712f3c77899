using BenefitProgram.Common.Tenancy;
using BenefitProgram.Members.Contracts;

namespace BenefitProgram.Members.Domain;

internal enum BillingInterval
{
    Monthly,
    Yearly,
}

/// <summary>
/// One version of a plan of a program. A plan is identified by its code ("plus"); a change of its price or terms creates a
/// new version and retires the old one for new sign-ups, while memberships keep pointing at the version they bought.
/// </summary>
internal sealed class Plan : IProgramScoped
{
    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Code { get; private set; } = "";
    public int Version { get; private set; }
    public string Name { get; private set; } = "";
    public long PriceMinorUnits { get; private set; }
    public string Currency { get; private set; } = "EUR";
    public BillingInterval Interval { get; private set; }
    public int TrialDays { get; private set; }
    public List<string> OfferCategories { get; private set; } = [];
    public List<string> BenefitKinds { get; private set; } = [];
    public int CashbackMultiplierPercent { get; private set; } = 100;
    public List<RefundCap> RefundCaps { get; private set; } = [];
    public int SortOrder { get; private set; }
    public bool IsCurrent { get; private set; }
    public string? StripePriceId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RetiredAt { get; private set; }

    public bool IsFree => PriceMinorUnits == 0;

    /// <summary>The price per month in minor units, to compare plans of different intervals.</summary>
    public decimal MonthlyPrice => Interval == BillingInterval.Yearly ? PriceMinorUnits / 12m : PriceMinorUnits;

    public static Plan Create(Guid id, Guid programId, string code, int version, string name, long priceMinorUnits, string currency,
        BillingInterval interval, int trialDays, IEnumerable<string> offerCategories, IEnumerable<string> benefitKinds,
        int cashbackMultiplierPercent, IEnumerable<RefundCap> refundCaps, int sortOrder, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priceMinorUnits);
        ArgumentOutOfRangeException.ThrowIfNegative(trialDays);
        return new Plan
        {
            Id = id,
            ProgramId = programId,
            Code = code,
            Version = version,
            Name = name,
            PriceMinorUnits = priceMinorUnits,
            Currency = currency,
            Interval = interval,
            TrialDays = trialDays,
            OfferCategories = offerCategories.ToList(),
            BenefitKinds = benefitKinds.ToList(),
            CashbackMultiplierPercent = cashbackMultiplierPercent,
            RefundCaps = refundCaps.ToList(),
            SortOrder = sortOrder,
            IsCurrent = true,
            CreatedAt = now,
        };
    }

    /// <summary>True when the terms a member pays for differ (price, currency, interval, trial, entitlements).</summary>
    public bool TermsDifferFrom(Plan other) =>
        PriceMinorUnits != other.PriceMinorUnits || Currency != other.Currency || Interval != other.Interval || TrialDays != other.TrialDays
        || CashbackMultiplierPercent != other.CashbackMultiplierPercent
        || !OfferCategories.SequenceEqual(other.OfferCategories) || !BenefitKinds.SequenceEqual(other.BenefitKinds)
        || !RefundCaps.SequenceEqual(other.RefundCaps);

    public void Retire(DateTimeOffset now)
    {
        IsCurrent = false;
        RetiredAt = now;
    }

    public void Rename(string name, int sortOrder)
    {
        Name = name;
        SortOrder = sortOrder;
    }

    public void MapToStripePrice(string priceId) => StripePriceId = priceId;

    public DateTimeOffset PeriodEndFrom(DateTimeOffset start) =>
        Interval == BillingInterval.Yearly ? start.AddYears(1) : start.AddMonths(1);
}
