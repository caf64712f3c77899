using System.Globalization;

namespace BenefitProgram.Host.Portal;

/// <summary>Dates and times as people in the program's region read them (Europe/Berlin for now), in the UI culture.</summary>
public static class PortalFormat
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static string DateTime(DateTimeOffset value) =>
        TimeZoneInfo.ConvertTime(value, Zone).ToString("g", CultureInfo.CurrentCulture);
}
