using System.Globalization;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace BenefitProgram.Host.Portal;

/// <summary>
/// Which program's branding a page shows. Signed-in operators and members always see their own program (their
/// <c>bp:program</c> claim; a <c>?program=</c> in the URL cannot override it). Anonymous visitors see the program named by
/// <c>?program=slug</c> (remembered in the <c>bp.program</c> cookie) or Portal:DefaultProgram. Partner users are
/// platform-wide but take part in one or more programs: they see the program they chose the same way, but only among
/// their own programs (else their first one), so a partner never sees the branding of a program it is not part of.
/// Branding is public data (GET /api/v1/programs/{slug} serves the same), read through Platform's IProgramDirectory.
/// </summary>
public sealed class PortalContext(IHttpContextAccessor accessor, IProgramDirectory programs, IPartnerDirectory partners, IOptions<PortalOptions> options)
{
    private Task<ProgramInfo?>? program;
    private Task<IReadOnlyList<ProgramInfo>>? partnerPrograms;

    public CurrentActor Actor => CurrentActor.From(accessor.HttpContext?.User);

    public string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    /// <summary>The program of this request; the layout and the page share one look-up (they ask concurrently).</summary>
    public Task<ProgramInfo?> ProgramAsync(CancellationToken ct = default) => program ??= FindProgramAsync(ct);

    /// <summary>The programs the signed-in partner takes part in (by name); empty for everyone else.</summary>
    public Task<IReadOnlyList<ProgramInfo>> PartnerProgramsAsync(CancellationToken ct = default) => partnerPrograms ??= FindPartnerProgramsAsync(ct);

    private async Task<IReadOnlyList<ProgramInfo>> FindPartnerProgramsAsync(CancellationToken ct)
    {
        if (Actor.PartnerId is not { } partnerId || await partners.GetAsync(partnerId, ct) is not { } partner)
        {
            return [];
        }

        var list = new List<ProgramInfo>();
        foreach (var id in partner.ProgramIds)
        {
            if (await programs.FindByIdAsync(id, ct) is { } p)
            {
                list.Add(p);
            }
        }

        return list.OrderBy(p => p.Name, StringComparer.CurrentCulture).ToList();
    }

    private async Task<ProgramInfo?> FindProgramAsync(CancellationToken ct)
    {
        var http = accessor.HttpContext;
        if (Actor.ProgramId is { } own)
        {
            return await programs.FindByIdAsync(own, ct);
        }

        if (Actor.PartnerId is not null)
        {
            return await FindPartnerProgramAsync(http, ct);
        }

        var asked = http?.Request.Query["program"].ToString();
        if (!string.IsNullOrEmpty(asked) && await programs.FindBySlugAsync(asked, ct) is { } chosen)
        {
            if (http is { Response.HasStarted: false })
            {
                http.Response.Cookies.Append(PortalModule.ProgramCookie, chosen.Slug,
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            }

            return chosen;
        }

        var remembered = http?.Request.Cookies[PortalModule.ProgramCookie];
        if (!string.IsNullOrEmpty(remembered) && await programs.FindBySlugAsync(remembered, ct) is { } again)
        {
            return again;
        }

        return await programs.FindBySlugAsync(options.Value.DefaultProgram, ct);
    }

    /// <summary>A partner's program: the one asked for (?program=, then the bp.program cookie) if the partner takes part in it, else its first.</summary>
    private async Task<ProgramInfo?> FindPartnerProgramAsync(HttpContext? http, CancellationToken ct)
    {
        var own = await PartnerProgramsAsync(ct);
        var asked = http?.Request.Query["program"].ToString();
        if (!string.IsNullOrEmpty(asked) && own.FirstOrDefault(p => p.Slug == asked) is { } chosen)
        {
            if (http is { Response.HasStarted: false })
            {
                http.Response.Cookies.Append(PortalModule.ProgramCookie, chosen.Slug,
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            }

            return chosen;
        }

        var remembered = http?.Request.Cookies[PortalModule.ProgramCookie];
        return own.FirstOrDefault(p => p.Slug == remembered) ?? (own.Count > 0 ? own[0] : null);
    }

    public static MudTheme Theme(ProgramInfo? program)
    {
        var primary = program?.PrimaryColor ?? "#37474F";
        var accent = program?.AccentColor ?? "#FFB000";
        return new MudTheme
        {
            PaletteLight = new PaletteLight
            {
                Primary = primary,
                PrimaryContrastText = ContrastText(primary),
                Secondary = accent,
                SecondaryContrastText = ContrastText(accent),
                AppbarBackground = primary,
                AppbarText = ContrastText(primary),
                Background = "#F6F7F9",
                // MudBlazor's default status colours fail WCAG AA contrast (4.5:1) as text on white and under white
                // text (axe-core found the red "Cancel membership" button and the green "Live" chip): darker shades.
                Error = "#C62828",
                Success = "#2E7D32",
                Info = "#1565C0",
                Warning = "#A15C00",
            },
            Typography = new Typography { Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Arial", "sans-serif"] } },
        };
    }

    /// <summary>Black or white, whichever contrasts more with the colour (WCAG relative luminance).</summary>
    public static string ContrastText(string hex)
    {
        if (hex.Length != 7 || hex[0] != '#')
        {
            return "#FFFFFF";
        }

        static double Channel(string h)
        {
            var c = int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        var l = 0.2126 * Channel(hex[1..3]) + 0.7152 * Channel(hex[3..5]) + 0.0722 * Channel(hex[5..7]);
        return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? "#FFFFFF" : "#000000";
    }
}
