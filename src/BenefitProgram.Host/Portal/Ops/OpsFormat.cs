using System.Globalization;
using BenefitProgram.Reporting.Statistics;

namespace BenefitProgram.Host.Portal.Ops;

/// <summary>Figures on the operator pages in the UI culture; <see cref="Raw"/> for the invariant value in data attributes.</summary>
public static class OpsFormat
{
    public static string Money(long minorUnits, string currency) => Member.MemberFormat.Money(minorUnits, currency).Replace(' ', '\u00A0');

    /// <summary>The English text key of a membership status (German via PortalText).</summary>
    public static string Status(string status) => status switch
    {
        "PendingPaymentMethod" => "Waiting for a payment method",
        "PastDue" => "Payment overdue",
        "Trialing" => "Trial",
        _ => status,
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.CurrentCulture) + "\u00A0%";

    public static string Interval(double lower, double upper) =>
        $"{(lower * 100).ToString("0.0", CultureInfo.CurrentCulture)}–{(upper * 100).ToString("0.0", CultureInfo.CurrentCulture)}\u00A0%";

    /// <summary>"2026-10" → "Okt. 2026" / "Oct 2026".</summary>
    public static string Month(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("MMM yyyy", CultureInfo.CurrentCulture).Replace(' ', '\u00A0')
            : month;

    /// <summary>"2026-10" → "10/26": short enough for a chart axis.</summary>
    public static string ShortMonth(string month) => month.Length == 7 ? $"{month[5..]}/{month[2..4]}" : month;

    public static string Day(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>The exact value for a data attribute (what a test compares with the API).</summary>
    public static string Raw(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Raw(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string MonthKey(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The Kaplan-Meier step function at a day: the last point at or before it (1 before the first event).</summary>
    public static SurvivalPoint At(IReadOnlyList<SurvivalPoint> curve, int day)
    {
        SurvivalPoint? last = null;
        foreach (var p in curve)
        {
            if (p.Day > day)
            {
                break;
            }

            last = p;
        }

        return last ?? new SurvivalPoint(day, 0, 0, 1, 1, 1);
    }

    /// <summary>A background for a retention share: pale red (low) to the program-neutral green (high), text stays readable.</summary>
    public static string HeatColour(double share)
    {
        var hue = (int)Math.Round(Math.Clamp(share, 0, 1) * 120);
        return $"hsl({hue.ToString(CultureInfo.InvariantCulture)}, 60%, {(88 - (int)(Math.Clamp(share, 0, 1) * 20)).ToString(CultureInfo.InvariantCulture)}%)";
    }
}
