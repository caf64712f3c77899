using System.Globalization;

namespace BenefitProgram.Host.Portal.Member;

/// <summary>Money and dates on the member pages, in the UI culture.</summary>
public static class MemberFormat
{
    public static string Money(long minorUnits, string currency)
    {
        var culture = CultureInfo.CurrentCulture;
        var amount = (minorUnits / 100m).ToString("N2", culture);
        return currency == "EUR" ? $"{amount} €" : $"{amount} {currency}";
    }

    public static string Date(DateTimeOffset value) => TimeZoneInfo.ConvertTime(value, Berlin).ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateOnly value) => value.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>"12.50" or "12,50" typed by a member → minor units; null when it is no amount.</summary>
    public static long? ParseAmount(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = text.Trim().Replace("€", "", StringComparison.Ordinal).Replace("EUR", "", StringComparison.OrdinalIgnoreCase).Trim().Replace(',', '.');
        return decimal.TryParse(normalized, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? (long)Math.Round(value * 100m) : null;
    }

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
}

/// <summary>What an offer gives, in one short line ("5 % cashback", "10 % off", "Coupon code").</summary>
public static class OfferTexts
{
    public static readonly string[] Categories = ["travel", "leisure", "gastronomy", "shopping", "mobility", "security"];

    public static string Benefit(PortalText t, Catalog.Search.OfferCard offer)
    {
        static string Percent(int basisPoints) => (basisPoints / 100m).ToString("0.##", CultureInfo.CurrentCulture) + " %";
        return offer.Kind switch
        {
            Catalog.Contracts.OfferKind.Cashback when offer.CashbackRateBasisPoints is { } bp => $"{Percent(bp)} {t["cashback"]}",
            Catalog.Contracts.OfferKind.Cashback when offer.CashbackFixedMinorUnits is { } fixedCash => $"{MemberFormat.Money(fixedCash, offer.Currency)} {t["cashback"]}",
            Catalog.Contracts.OfferKind.Discount when offer.DiscountBasisPoints is { } bp => $"{Percent(bp)} {t["off"]}",
            Catalog.Contracts.OfferKind.Discount when offer.DiscountFixedMinorUnits is { } fixedOff => $"{MemberFormat.Money(fixedOff, offer.Currency)} {t["off"]}",
            _ => t[Kind(offer.Kind)],
        };
    }

    public static string Kind(Catalog.Contracts.OfferKind kind) => kind switch
    {
        Catalog.Contracts.OfferKind.Discount => "Discount pass",
        Catalog.Contracts.OfferKind.Coupon => "Coupon code",
        Catalog.Contracts.OfferKind.Cashback => "Cashback",
        Catalog.Contracts.OfferKind.Refund => "Refund",
        _ => "Service",
    };

    public static string Category(string category) => category switch
    {
        "travel" => "Travel",
        "leisure" => "Leisure",
        "gastronomy" => "Restaurants",
        "shopping" => "Shopping",
        "mobility" => "Mobility",
        "security" => "Security",
        _ => category,
    };

    public static string Title(Catalog.Offers.LocalizedText text) => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "de" ? text.De : text.En;
}
