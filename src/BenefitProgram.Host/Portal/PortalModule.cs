using System.Globalization;
using BenefitProgram.Host.Portal.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using MudBlazor.Services;

namespace BenefitProgram.Host.Portal;

/// <summary>
/// The three portals (member at <c>/</c>, partner at <c>/partner</c>, operator console at <c>/ops</c>): Razor components
/// rendered on the server (static SSR, plain form posts), MudBlazor for components, data from the REST API through
/// <see cref="PortalApi"/>. See docs/adr/0012-portal-technology.md.
/// </summary>
public static class PortalModule
{
    public const string CultureCookie = "bp.culture";
    public const string ProgramCookie = "bp.program";
    public static readonly string[] Cultures = ["de", "en"];
    private static readonly CultureInfo EnglishFormats = CultureInfo.GetCultureInfo("en-GB");

    public static WebApplicationBuilder AddPortals(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Static web assets (MudBlazor's CSS inside its package, wwwroot) from the build output in every environment,
        // not only Development: tests run as "Testing". A published app has no such manifest and serves wwwroot.
        builder.WebHost.UseStaticWebAssets();
        services.Configure<PortalOptions>(builder.Configuration.GetSection(PortalOptions.Section));
        services.AddRazorComponents();
        services.AddMudServices();
        services.AddHttpContextAccessor();
        services.AddCascadingAuthenticationState();
        services.AddSingleton<PortalApiAddress>();
        services.AddHttpClient<PortalApi>()
            // The portal forwards only the signed-in user's bp.auth cookie and relays Set-Cookie itself.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        services.AddScoped<PortalContext>();
        services.AddSingleton<PortalText>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Cultures.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture(builder.Configuration["Portal:DefaultLanguage"] ?? "de");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = CultureCookie },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return builder;
    }

    public static WebApplication MapPortals(this WebApplication app)
    {
        app.UseRequestLocalization();
        // English texts with British formats (day before month, 24-hour clock), closer to what German members expect.
        app.Use((context, next) =>
        {
            if (CultureInfo.CurrentCulture.Name == "en")
            {
                CultureInfo.CurrentCulture = EnglishFormats;
            }

            return next(context);
        });
        app.UseAntiforgery();
        app.MapStaticAssets();

        // Language switch: a plain link, remembered for a year in a cookie.
        app.MapGet("/culture/{culture}", (string culture, string? returnUrl, HttpContext http) =>
        {
            if (Cultures.Contains(culture))
            {
                http.Response.Cookies.Append(CultureCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            }

            return TypedResults.LocalRedirect(LocalOr(returnUrl, "/"));
        }).ExcludeFromDescription().AllowAnonymous();

        // Sign-out: a form post (antiforgery-checked) that drops the cookie and goes back to the sign-in page.
        app.MapPost("/signout", async ([FromForm] string? area, HttpContext http) =>
        {
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            return TypedResults.LocalRedirect("/signin" + (area is "ops" or "partner" ? "?area=" + area : ""));
        }).ExcludeFromDescription().AllowAnonymous();

        app.MapRazorComponents<App>();
        return app;
    }

    public static string LocalOr(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>The program an anonymous visitor sees when the URL names none (<c>/?program=slug</c>).</summary>
    public string DefaultProgram { get; set; } = "pluskonto";

    /// <summary>Where the portal reaches the REST API; empty = this host's own first listening address.</summary>
    public string? ApiBaseUrl { get; set; }
}
