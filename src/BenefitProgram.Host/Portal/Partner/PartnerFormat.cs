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
