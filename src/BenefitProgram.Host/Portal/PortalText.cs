using System.Globalization;

namespace BenefitProgram.Host.Portal;

/// <summary>
/// The portals' texts in English and German. Keys are the English text, so a page reads naturally and a missing
/// translation shows English rather than a key. The current UI culture (culture cookie, then Accept-Language) decides.
/// </summary>
public sealed partial class PortalText
{
    private static readonly Dictionary<string, string> German = Combine(new(StringComparer.Ordinal)
    {
        ["Skip to content"] = "Zum Inhalt springen",
        ["Language"] = "Sprache",
        ["Sign in"] = "Anmelden",
        ["Sign out"] = "Abmelden",
        ["E-mail"] = "E-Mail",
        ["Password"] = "Passwort",
        ["Signed in as"] = "Angemeldet als",
        ["Member portal"] = "Mitgliederbereich",
        ["Partner portal"] = "Partnerportal",
        ["Operator console"] = "Betreiberkonsole",
        ["Main navigation"] = "Hauptnavigation",
        ["Home"] = "Start",
        ["Overview"] = "Übersicht",
        ["Branding"] = "Markenauftritt",
        ["Jobs"] = "Hintergrundjobs",
        ["API keys"] = "API-Schlüssel",
        ["Sign in to your account"] = "Bei Ihrem Konto anmelden",
        ["E-mail or password is wrong."] = "E-Mail-Adresse oder Passwort ist falsch.",
        ["Too many failed sign-ins; the account is locked for a few minutes."] = "Zu viele Fehlversuche; das Konto ist für einige Minuten gesperrt.",
        ["Something went wrong. Please try again."] = "Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.",
        ["Please check the highlighted fields."] = "Bitte prüfen Sie die markierten Felder.",
        ["Access denied"] = "Zugriff verweigert",
        ["Your account may not open this area."] = "Ihr Konto darf diesen Bereich nicht öffnen.",
        ["Go to your area"] = "Zu Ihrem Bereich",
        ["Sign in with another account"] = "Mit einem anderen Konto anmelden",
        ["Welcome"] = "Willkommen",
        ["Your benefits, discounts and cashback in one place."] = "Ihre Vorteile, Rabatte und Cashback an einem Ort.",
        ["Offers will appear here soon."] = "Hier erscheinen bald Ihre Angebote.",
        ["You are signed in with an account of another area."] = "Sie sind mit einem Konto eines anderen Bereichs angemeldet.",
        ["Program"] = "Programm",
        ["Program name"] = "Programmname",
        ["Primary colour"] = "Hauptfarbe",
        ["Accent colour"] = "Akzentfarbe",
        ["Logo address"] = "Logo-Adresse",
        ["An https address or a path on this site, e.g. /branding/logo.svg"] = "Eine https-Adresse oder ein Pfad auf dieser Seite, z. B. /branding/logo.svg",
        ["A colour like #003366"] = "Eine Farbe wie #003366",
        ["Save branding"] = "Markenauftritt speichern",
        ["The branding was saved."] = "Der Markenauftritt wurde gespeichert.",
        ["How members, partners and this console see your program."] = "So sehen Mitglieder, Partner und diese Konsole Ihr Programm.",
        ["Currency"] = "Währung",
        ["Default language"] = "Standardsprache",
        ["Time zone"] = "Zeitzone",
        ["Background jobs"] = "Hintergrundjobs",
        ["Nightly jobs (cashback confirmation, payouts, KPI snapshots) run in Hangfire. Its dashboard shows runs, failures and retries."] =
            "Nächtliche Jobs (Cashback-Bestätigung, Auszahlungen, Kennzahlen) laufen in Hangfire. Sein Dashboard zeigt Läufe, Fehler und Wiederholungen.",
        ["Open the job dashboard"] = "Job-Dashboard öffnen",
        ["Partner portal home"] = "Partnerportal",
        ["Maintain offers, see redemptions and statements. More pages follow."] = "Angebote pflegen, Einlösungen und Abrechnungen sehen. Weitere Seiten folgen.",
        ["Keys let your systems call the partner API (header X-Api-Key)."] = "Mit Schlüsseln rufen Ihre Systeme die Partner-API auf (Header X-Api-Key).",
        ["Name"] = "Name",
        ["e.g. Till system"] = "z. B. Kassensystem",
        ["Create key"] = "Schlüssel erstellen",
        ["Your new key"] = "Ihr neuer Schlüssel",
        ["Copy it now: it is shown only once."] = "Kopieren Sie ihn jetzt: Er wird nur einmal angezeigt.",
        ["Copy"] = "Kopieren",
        ["Copied"] = "Kopiert",
        ["Prefix"] = "Präfix",
        ["Created"] = "Erstellt",
        ["Last used"] = "Zuletzt benutzt",
        ["State"] = "Status",
        ["Active"] = "Aktiv",
        ["Revoked"] = "Widerrufen",
        ["Revoke"] = "Widerrufen",
        ["never"] = "nie",
        ["No keys yet."] = "Noch keine Schlüssel.",
        ["The key was revoked."] = "Der Schlüssel wurde widerrufen.",
        ["Only partner admins manage API keys."] = "Nur Partner-Administratoren verwalten API-Schlüssel.",
        ["Page not found"] = "Seite nicht gefunden",
        ["Back to the start page"] = "Zurück zur Startseite",
        ["Open"] = "Öffnen",
        ["Use a colour like #003366."] = "Verwenden Sie eine Farbe wie #003366.",
        ["Use a colour like #FFB000."] = "Verwenden Sie eine Farbe wie #FFB000.",
        ["The logo must be an https URL or a path on this site."] = "Das Logo muss eine https-Adresse oder ein Pfad auf dieser Seite sein.",
    });

    public string this[string english] =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "de" && German.TryGetValue(english, out var german) ? german : english;

    /// <summary>Translates an API message when we know it; otherwise shows it as the API said it.</summary>
    public string Message(string? apiMessage) => string.IsNullOrEmpty(apiMessage) ? "" : this[apiMessage];

    internal static IReadOnlyCollection<string> Keys => German.Keys;

    // Each area keeps its texts in a file of its own (PortalText.Member.cs, PortalText.PartnerOps.cs).
    private static Dictionary<string, string> Combine(Dictionary<string, string> shell)
    {
        foreach (var part in new[] { MemberGerman(), PartnerOpsGerman(), OpsGerman(), PartnerGerman() })
        {
            foreach (var (english, german) in part)
            {
                shell[english] = german;
            }
        }

        return shell;
    }

    private static partial Dictionary<string, string> MemberGerman();

    private static partial Dictionary<string, string> PartnerOpsGerman();

    private static partial Dictionary<string, string> OpsGerman();

    private static partial Dictionary<string, string> PartnerGerman();
}
