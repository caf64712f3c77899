using System.Globalization;
using System.Net;
using System.Text;
using BenefitProgram.Platform.Contracts;

namespace BenefitProgram.Notifications.Email;

/// <summary>
/// The mails, in German and English, inside a layout branded per program (name and colours from IProgramDirectory).
/// A template is a subject and paragraphs with {placeholders}; values are HTML-encoded in the HTML part.
/// </summary>
internal static class MailTemplates
{
    private sealed record Template(string SubjectDe, string[] BodyDe, string SubjectEn, string[] BodyEn);

    private static readonly Dictionary<string, Template> Templates = new(StringComparer.Ordinal)
    {
        [MailKinds.Welcome] = new(
            "Willkommen bei {program}",
            ["Hallo {name},", "willkommen bei {program}! Ihre Mitgliedsnummer ist {memberNumber}.", "Ab sofort können Sie alle Vorteile Ihres Tarifs {plan} nutzen."],
            "Welcome to {program}",
            ["Hello {name},", "welcome to {program}! Your member number is {memberNumber}.", "From now on you can use all benefits of your plan {plan}."]),
        [MailKinds.PaymentFailed] = new(
            "{program}: Ihre Zahlung ist fehlgeschlagen",
            ["Hallo {name},", "wir konnten Ihren Beitrag von {amount} nicht einziehen (Versuch {attempt}).", "Bitte prüfen Sie Ihre Zahlungsdaten, damit Ihre Mitgliedschaft aktiv bleibt."],
            "{program}: your payment failed",
            ["Hello {name},", "we could not collect your fee of {amount} (attempt {attempt}).", "Please check your payment details so your membership stays active."]),
        [MailKinds.MembershipSuspended] = new(
            "{program}: Ihre Mitgliedschaft ist ausgesetzt",
            ["Hallo {name},", "da Ihr Beitrag nicht bezahlt wurde, ist Ihre Mitgliedschaft ausgesetzt.", "Sobald die Zahlung eingeht, ist sie wieder aktiv."],
            "{program}: your membership is suspended",
            ["Hello {name},", "as your fee has not been paid, your membership is suspended.", "It becomes active again as soon as the payment arrives."]),
        [MailKinds.MembershipEndedUnpaid] = new(
            "{program}: Ihre Mitgliedschaft wurde beendet",
            ["Hallo {name},", "da Ihr Beitrag trotz Erinnerungen nicht bezahlt wurde, haben wir Ihre Mitgliedschaft beendet."],
            "{program}: your membership has ended",
            ["Hello {name},", "as your fee remained unpaid despite reminders, we have ended your membership."]),
        [MailKinds.CancellationConfirmed] = new(
            "{program}: Ihre Kündigung ist bestätigt",
            ["Hallo {name},", "wir bestätigen Ihre Kündigung. Ihre Mitgliedschaft endet am {effectiveAt}.",
             "Ihre Bilanz als Mitglied: Beiträge bezahlt {feesPaid}; zurückerhalten {received} (Cashback {cashback}, Erstattungen {refunds}, Gutschriften {adjustments}).",
             "Schade, dass Sie gehen. Sie sind jederzeit wieder willkommen."],
            "{program}: your cancellation is confirmed",
            ["Hello {name},", "we confirm your cancellation. Your membership ends on {effectiveAt}.",
             "Your membership in figures: fees paid {feesPaid}; received {received} (cashback {cashback}, refunds {refunds}, credits {adjustments}).",
             "We are sorry to see you go; you are welcome back at any time."]),
        [MailKinds.TrialEnding] = new(
            "{program}: Ihr Testzeitraum endet am {trialEndsAt}",
            ["Hallo {name},", "Ihr kostenloser Testzeitraum im Tarif {plan} endet am {trialEndsAt}.",
             "Danach wird der Beitrag von {price} fällig. Wenn Sie nicht weitermachen möchten, können Sie vorher im Mitgliederbereich kündigen."],
            "{program}: your trial ends on {trialEndsAt}",
            ["Hello {name},", "your free trial of the plan {plan} ends on {trialEndsAt}.",
             "After that the fee of {price} is due. If you do not want to continue, you can cancel in the member area before then."]),
        [MailKinds.NewOffer] = new(
            "{program}: Neu für Sie – {offer}",
            ["Hallo {name},", "für Ihren Tarif gibt es ein neues Angebot: {offer}.", "Melden Sie sich im Mitgliederbereich an, um es zu nutzen."],
            "{program}: new for you – {offer}",
            ["Hello {name},", "there is a new offer for your plan: {offer}.", "Sign in to the member area to use it."]),
        [MailKinds.CashbackConfirmed] = new(
            "{program}: {amount} Cashback bestätigt",
            ["Hallo {name},", "Ihr Cashback von {amount} ist bestätigt und steht Ihnen zur Auszahlung bereit."],
            "{program}: {amount} cashback confirmed",
            ["Hello {name},", "your cashback of {amount} is confirmed and available for payout."]),
        [MailKinds.PayoutCompleted] = new(
            "{program}: {amount} ausgezahlt",
            ["Hallo {name},", "wir haben {amount} an Sie ausgezahlt."],
            "{program}: {amount} paid out",
            ["Hello {name},", "we have paid {amount} to you."]),
        [MailKinds.ClaimApproved] = new(
            "{program}: Ihr Antrag wurde genehmigt",
            ["Hallo {name},", "Ihr Erstattungsantrag ({refundKind}) wurde genehmigt: {amount}."],
            "{program}: your claim was approved",
            ["Hello {name},", "your refund claim ({refundKind}) was approved: {amount}."]),
        [MailKinds.ClaimRejected] = new(
            "{program}: Ihr Antrag wurde abgelehnt",
            ["Hallo {name},", "Ihr Erstattungsantrag ({refundKind}) wurde leider abgelehnt. Grund: {reason}."],
            "{program}: your claim was rejected",
            ["Hello {name},", "unfortunately your refund claim ({refundKind}) was rejected. Reason: {reason}."]),
        [MailKinds.KeyFound] = new(
            "{program}: Ihr Schlüssel wurde gefunden",
            ["Hallo {name},", "jemand hat Ihren Schlüsselanhänger gefunden und gemeldet. Bitte melden Sie sich im Mitgliederbereich an, um die Rückgabe zu klären."],
            "{program}: your keys were found",
            ["Hello {name},", "someone found your key tag and reported it. Please sign in to the member area to arrange the return."]),

        // Partner mails: to the partner's admin users; {offer} is the offer's title in the mail's language.
        [MailKinds.OfferApproved] = new(
            "{program}: Ihr Angebot „{offer}“ wurde freigegeben",
            ["Guten Tag,", "{program} hat Ihr Angebot „{offer}“ (Version {revision}) freigegeben.", "Es wird zum vorgesehenen Zeitpunkt für die Mitglieder sichtbar."],
            "{program}: your offer \"{offer}\" was approved",
            ["Hello,", "{program} approved your offer \"{offer}\" (revision {revision}).", "Members will see it from its start date."]),
        [MailKinds.OfferRejected] = new(
            "{program}: Ihr Angebot „{offer}“ wurde abgelehnt",
            ["Guten Tag,", "{program} hat Ihr Angebot „{offer}“ (Version {revision}) nicht freigegeben.", "Kommentar: {comment}", "Bitte überarbeiten Sie das Angebot im Partnerportal und reichen Sie es erneut ein."],
            "{program}: your offer \"{offer}\" was rejected",
            ["Hello,", "{program} did not approve your offer \"{offer}\" (revision {revision}).", "Comment: {comment}", "Please revise the offer in the partner portal and submit it again."]),
        [MailKinds.CouponStockLow] = new(
            "{program}: Gutscheincodes für „{offer}“ gehen zur Neige",
            ["Guten Tag,", "für Ihr Angebot „{offer}“ sind nur noch {remaining} von {total} Gutscheincodes übrig.", "Bitte laden Sie rechtzeitig neue Codes hoch, damit Mitglieder das Angebot weiter nutzen können."],
            "{program}: coupon codes for \"{offer}\" are running low",
            ["Hello,", "only {remaining} of {total} coupon codes are left for your offer \"{offer}\".", "Please upload new codes in time so members can keep using the offer."]),
        [MailKinds.StatementReady] = new(
            "{program}: Ihre Abrechnung für {month} ist bereit",
            ["Guten Tag,", "Ihre Partnerabrechnung für {month} liegt im Partnerportal bereit.", "Offener Betrag: {amount}."],
            "{program}: your statement for {month} is ready",
            ["Hello,", "your partner statement for {month} is ready in the partner portal.", "Amount owed: {amount}."]),
    };

    public static bool IsEnglish(string? language) => language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase);

    public static string Money(long minorUnits, string currency, string language)
    {
        var culture = IsEnglish(language) ? CultureInfo.GetCultureInfo("en-GB") : CultureInfo.GetCultureInfo("de-DE");
        return string.Create(culture, $"{minorUnits / 100m:N2} {currency}");
    }

    public static string Date(DateTimeOffset at, string language) =>
        at.UtcDateTime.ToString(IsEnglish(language) ? "d MMMM yyyy" : "d. MMMM yyyy",
            IsEnglish(language) ? CultureInfo.GetCultureInfo("en-GB") : CultureInfo.GetCultureInfo("de-DE"));

    public static string Month(DateOnly month, string language) =>
        month.ToString("MMMM yyyy", IsEnglish(language) ? CultureInfo.GetCultureInfo("en-GB") : CultureInfo.GetCultureInfo("de-DE"));

    /// <param name="toPartner">A mail to a partner's users: their own footer (they are not members).</param>
    /// <param name="unsubscribeUrl">A marketing mail: its footer says why the member gets it and links to the unsubscribe page.</param>
    public static RenderedMail Render(string kind, string language, ProgramInfo program, IReadOnlyDictionary<string, string> values, bool toPartner = false,
        string? unsubscribeUrl = null)
    {
        var template = Templates[kind];
        var english = IsEnglish(language);
        var all = new Dictionary<string, string>(values, StringComparer.Ordinal) { ["program"] = program.Name };
        if (!all.ContainsKey("name"))
        {
            all["name"] = english ? "member" : "Mitglied";
        }

        var subject = Fill(english ? template.SubjectEn : template.SubjectDe, all, html: false);
        var paragraphs = english ? template.BodyEn : template.BodyDe;
        var footer = (toPartner, english) switch
        {
            (true, true) => $"You receive this service e-mail as a partner of {program.Name}.",
            (true, false) => $"Sie erhalten diese Service-E-Mail als Partner von {program.Name}.",
            (false, true) => $"You receive this service e-mail as a member of {program.Name}.",
            (false, false) => $"Sie erhalten diese Service-E-Mail als Mitglied von {program.Name}.",
        };
        if (unsubscribeUrl is not null)
        {
            footer = english
                ? $"You receive this e-mail because you agreed to news from {program.Name}."
                : $"Sie erhalten diese E-Mail, weil Sie Neuigkeiten von {program.Name} zugestimmt haben.";
        }

        var unsubscribeLabel = english ? "Unsubscribe" : "Abmelden";

        var text = new StringBuilder();
        foreach (var p in paragraphs)
        {
            text.Append(Fill(p, all, html: false)).Append("\r\n\r\n");
        }

        text.Append("-- \r\n").Append(footer).Append("\r\n");
        if (unsubscribeUrl is not null)
        {
            text.Append(unsubscribeLabel).Append(": ").Append(unsubscribeUrl).Append("\r\n");
        }

        var primary = SafeColor(program.PrimaryColor, "#003366");
        var accent = SafeColor(program.AccentColor, "#ff9900");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(english ? "en" : "de").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"margin:0;font-family:Arial,sans-serif;color:#222\">")
            .Append("<div style=\"background:").Append(primary).Append(";color:#fff;padding:16px 24px;font-size:20px;font-weight:bold\">")
            .Append(WebUtility.HtmlEncode(program.Name)).Append("</div><div style=\"padding:24px;border-bottom:4px solid ").Append(accent).Append("\">");
        foreach (var p in paragraphs)
        {
            html.Append("<p>").Append(Fill(p, all, html: true)).Append("</p>");
        }

        html.Append("</div><p style=\"padding:0 24px;font-size:12px;color:#666\">").Append(WebUtility.HtmlEncode(footer));
        if (unsubscribeUrl is not null)
        {
            html.Append(" <a href=\"").Append(WebUtility.HtmlEncode(unsubscribeUrl)).Append("\">").Append(unsubscribeLabel).Append("</a>");
        }

        html.Append("</p></body></html>");
        return new RenderedMail(subject, html.ToString(), text.ToString(), unsubscribeUrl);
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html)
    {
        var result = new StringBuilder();
        var source = html ? WebUtility.HtmlEncode(template) : template;
        var i = 0;
        while (i < source.Length)
        {
            var open = source.IndexOf('{', i);
            var close = open < 0 ? -1 : source.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                result.Append(source, i, source.Length - i);
                break;
            }

            result.Append(source, i, open - i);
            var key = source[(open + 1)..close];
            var value = values.TryGetValue(key, out var v) ? v : "";
            result.Append(html ? WebUtility.HtmlEncode(value) : value);
            i = close + 1;
        }

        return result.ToString();
    }

    /// <summary>Colours go into a style attribute: only #rgb/#rrggbb pass.</summary>
    private static string SafeColor(string? color, string fallback) =>
        color is { Length: 4 or 7 } c && c[0] == '#' && c[1..].All(Uri.IsHexDigit) ? c : fallback;
}

/// <summary>The notification kinds (stable codes stored in the log).</summary>
internal static class MailKinds
{
    public const string Welcome = "welcome";
    public const string PaymentFailed = "payment-failed";
    public const string MembershipSuspended = "membership-suspended";
    public const string MembershipEndedUnpaid = "membership-ended-unpaid";
    public const string CancellationConfirmed = "cancellation-confirmed";
    public const string CashbackConfirmed = "cashback-confirmed";
    public const string PayoutCompleted = "payout-completed";
    public const string ClaimApproved = "claim-approved";
    public const string ClaimRejected = "claim-rejected";
    public const string KeyFound = "key-found";
    public const string OfferApproved = "offer-approved";
    public const string OfferRejected = "offer-rejected";
    public const string CouponStockLow = "coupon-stock-low";
    public const string StatementReady = "statement-ready";
    public const string TrialEnding = "trial-ending";
    /// <summary>Marketing: a new offer went live (only to members who consented).</summary>
    public const string NewOffer = "new-offer";
}
