using System.Text.RegularExpressions;
using BenefitProgram.Common.Jobs;

namespace BenefitProgram.Platform.Programs;

/// <summary>A co-branded benefit program (tenant), e.g. the bank's "PlusKonto". Every program-owned row carries its id.</summary>
internal sealed partial class CoBrandingProgram
{
    public Guid Id { get; private set; }
    public string Slug { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? LogoUrl { get; private set; }
    public string PrimaryColor { get; private set; } = "#003366";
    public string AccentColor { get; private set; } = "#FFB000";
    public string Currency { get; private set; } = "EUR";
    public string DefaultLanguage { get; private set; } = "de";
    public string TimeZone { get; private set; } = "Europe/Berlin";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LaunchedAt { get; private set; }

    private CoBrandingProgram()
    {
    }

    public static CoBrandingProgram Create(Guid id, string slug, string name, string currency, string language, string timeZone,
        string primaryColor, string accentColor, string? logoUrl, DateTimeOffset now, DateTimeOffset? launchedAt) => new()
    {
        // The night of the program runs in this zone (docs/adr/0019-nights-per-time-zone.md): only IANA ids PostgreSQL and .NET agree on.
        TimeZone = NightScope.IsIanaTimeZone(timeZone) ? timeZone : throw new ArgumentException($"'{timeZone}' is not an IANA time zone id.", nameof(timeZone)),
        Id = id,
        Slug = slug,
        Name = name,
        Currency = currency,
        DefaultLanguage = language,
        PrimaryColor = primaryColor,
        AccentColor = accentColor,
        LogoUrl = logoUrl,
        CreatedAt = now,
        LaunchedAt = launchedAt,
    };

    public void Rebrand(string name, string primaryColor, string accentColor, string? logoUrl)
    {
        Name = name;
        PrimaryColor = primaryColor;
        AccentColor = accentColor;
        LogoUrl = logoUrl;
    }

    /// <summary>
    /// Moves the program to another time zone. Its nights from then on run in the new zone; a night of a date that already
    /// ran in the old zone is not run again for it (the steps are idempotent if it is), see ADR 0019.
    /// </summary>
    public void MoveToTimeZone(string timeZone) =>
        TimeZone = NightScope.IsIanaTimeZone(timeZone) ? timeZone : throw new ArgumentException($"'{timeZone}' is not an IANA time zone id.", nameof(timeZone));

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    public static partial Regex ColorPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")]
    public static partial Regex SlugPattern();
}
