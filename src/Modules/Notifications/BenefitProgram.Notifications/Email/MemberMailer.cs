using BenefitProgram.Members.Contracts;
using BenefitProgram.Notifications.Contracts;
using BenefitProgram.Notifications.Persistence;
using BenefitProgram.Notifications.Unsubscribe;
using BenefitProgram.Platform.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Email;

/// <summary>
/// Sends one transactional mail to a member because of one event, at most once per (kind, event key, member):
/// the notification row is inserted with ON CONFLICT DO NOTHING on its unique dedup key, then claimed
/// (Pending/Failed → Sending) by one consumer only, then sent, then marked Sent or Failed with the reason.
/// A failure is rethrown so the bus retries the message; the retry claims the Failed row again.
/// </summary>
internal sealed class MemberMailer(
    NotificationsDbContext db,
    IMemberContacts contacts,
    IProgramDirectory programs,
    SmtpMailSender sender,
    IOptionsMonitor<SmtpOptions> options,
    UnsubscribeLinks unsubscribeLinks,
    TimeProvider clock,
    ILogger<MemberMailer> logger)
{
    public async Task SendAsync(Guid programId, Guid memberId, string kind, string eventKey,
        Func<string, Dictionary<string, string>> values, CancellationToken ct)
    {
        if (!options.CurrentValue.Enabled)
        {
            logger.LogDebug("E-mail is off (no Notifications:Smtp:Host): {Kind} for member {MemberId} not sent", kind, memberId);
            return;
        }

        var member = await contacts.GetAsync(programId, memberId, ct);
        var program = await programs.FindByIdAsync(programId, ct);
        if (member is null || program is null)
        {
            logger.LogWarning("{Kind}: member {MemberId} or program {ProgramId} not found; nothing sent", kind, memberId, programId);
            return;
        }

        await SendToAsync(program, member, kind, eventKey, marketing: false, values, ct);
    }

    /// <summary>
    /// A marketing mail to one member (category "marketing"): sent only with the member's marketing consent (else a
    /// Skipped row), with an unsubscribe link in the body and the List-Unsubscribe headers (RFC 2369/8058).
    /// </summary>
    public Task SendMarketingAsync(ProgramInfo program, MemberContact member, string kind, string eventKey,
        Func<string, Dictionary<string, string>> values, CancellationToken ct) =>
        options.CurrentValue.Enabled ? SendToAsync(program, member, kind, eventKey, marketing: true, values, ct) : Task.CompletedTask;

    private async Task SendToAsync(ProgramInfo program, MemberContact member, string kind, string eventKey, bool marketing,
        Func<string, Dictionary<string, string>> values, CancellationToken ct)
    {
        var programId = program.Id;
        var memberId = member.MemberId;
        var language = MailTemplates.IsEnglish(member.Language) ? "en" : "de";
        var v = values(language);
        if (member.Name is { } name)
        {
            v["name"] = name;
        }

        var unsubscribe = marketing ? unsubscribeLinks.For(program, memberId) : null;
        var mail = MailTemplates.Render(kind, language, program, v, unsubscribeUrl: unsubscribe);
        var key = $"{kind}:{eventKey}:{NotificationRecipients.Member}:{memberId}";
        var now = clock.GetUtcNow();
        var (status, error) = (member.Email, marketing && !member.ConsentMarketing) switch
        {
            (null, _) => (NotificationStatus.Skipped, "no e-mail address (erased or never given)"),
            (_, true) => (NotificationStatus.Skipped, "no marketing consent"),
            _ => (NotificationStatus.Pending, (string?)null),
        };
        var category = marketing ? "marketing" : "transactional";
        var id = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notifications.notifications
                (id, program_id, dedup_key, kind, category, recipient_kind, recipient_id, recipient_email, language, subject, status, attempts, last_error, created_at)
            VALUES ({id}, {programId}, {key}, {kind}, {category}, {NotificationRecipients.Member}, {memberId}, {member.Email}, {language},
                    {Truncate(mail.Subject, 300)}, {status.ToString()}, 0, {error}, {now})
            ON CONFLICT (dedup_key) DO NOTHING
            """, ct);

        var claimed = await db.Database.ExecuteSqlAsync($"""
            UPDATE notifications.notifications SET status = 'Sending', attempts = attempts + 1
            WHERE dedup_key = {key} AND status IN ('Pending', 'Failed')
            """, ct);
        if (claimed == 0)
        {
            return; // sent already, being sent by another consumer, or nothing to send
        }

        try
        {
            await sender.SendAsync(member.Email!, member.Name, program.Name, mail, $"{id:N}@benefitprogram", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = Truncate($"{e.GetType().Name}: {e.Message}", 1000);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE notifications.notifications SET status = 'Failed', last_error = {reason} WHERE dedup_key = {key}", CancellationToken.None);
            throw;
        }

        var sentAt = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE notifications.notifications SET status = 'Sent', sent_at = {sentAt}, last_error = NULL WHERE dedup_key = {key}", CancellationToken.None);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
