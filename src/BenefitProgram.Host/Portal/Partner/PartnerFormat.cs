using System.Globalization;

namespace BenefitProgram.Host.Portal.Partner;

/// <summary>Money, counts and months on the partner pages, in the UI culture.</summary>
public static class PartnerFormat
{
    /// <summary>Minor units as an amount with its currency, e.g. "1.234,50 EUR" (de) or "1,234.50 EUR" (en).</summary>
    public static string Money(long minorUnits, string currency) =>
        (minorUnits / 100m).ToString("N2", CultureInfo.CurrentCulture) + " " + currency;

    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"2026-11" as "November 2026" (en) or "November 2026" (de); other text unchanged.</summary>
    public static string Month(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("MMMM yyyy", CultureInfo.CurrentCulture)
            : month;

    /// <summary>The purchase importer's reason codes as sentences (English keys of PortalText); an unknown code stays as it is.</summary>
    public static string Reason(string code) => code switch
    {
        "member-not-found" => "No member with this member number in the program.",
        "member-missing" => "Give a click id or a member number with the offer id.",
        "member-reference-invalid" => "The member number or click id is not valid.",
        "click-not-found" => "This click id is unknown.",
        "offer-not-found" => "No offer of yours with this offer id.",
        "offer-id-invalid" => "The offer id is not valid.",
        "offer-does-not-match-click" => "The offer id does not match the click.",
        "order-reference-invalid" => "The order reference is missing or too long.",
        "amount-invalid" => "The amount is not a number like 1999.99.",
        "amount-must-be-positive" => "The amount must be more than zero.",
        "currency-invalid" => "The currency is not a code like EUR.",
        "purchase-date-invalid" => "The purchase date is not a date like 2026-11-20.",
        "service-date-invalid" => "The service date is not a date like 2026-11-20.",
        "csv-malformed" => "The row is not valid CSV (check the quotes).",
        _ => code,
    };

    /// <summary>Who funds the cashback, as a sentence end (English key of PortalText).</summary>
    public static string Funding(BenefitProgram.Catalog.Contracts.CashbackFunding funding) => funding switch
    {
        BenefitProgram.Catalog.Contracts.CashbackFunding.Partner => "you",
        BenefitProgram.Catalog.Contracts.CashbackFunding.Program => "the program",
        _ => "you and the program together",
    };

    /// <summary>A category code ("leisure") by its German name, or in English with a capital letter ("Leisure").</summary>
    public static string Category(PortalText text, string code)
    {
        var name = text[code];
        return name == code && code.Length > 0 ? char.ToUpperInvariant(code[0]) + code[1..] : name;
    }

    /// <summary>Short month for chart axes, e.g. "Nov 26".</summary>
    public static string ShortMonth(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("MMM yy", CultureInfo.CurrentCulture)
            : month;
}

public sealed class CodeUploadForm
{
    public Guid? OfferId { get; set; }
    public bool DryRun { get; set; }
    public bool SkipDuplicates { get; set; }
}

public sealed class ProfileForm
{
    public string? Name { get; set; }
    public string? LogoUrl { get; set; }
    public string? Categories { get; set; }
    public string? Regions { get; set; }

    public static List<string> List(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

public sealed class NewUserForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? Role { get; set; }
}
