using BenefitProgram.Notifications.Contracts;
using BenefitProgram.Notifications.Persistence;
using BenefitProgram.Platform.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Email;

/// <summary>
/// Sends one transactional mail to each admin user of a partner because of one event, at most once per
/// (kind, event key, recipient address): the same insert-claim-send-mark steps as <see cref="MemberMailer"/>.
/// A failure is rethrown so the bus retries the message; addresses already sent are skipped then.
/// </summary>
internal sealed class PartnerMailer(
    NotificationsDbContext db,
    IPartnerContacts contacts,
    IProgramDirectory programs,
    SmtpMailSender sender,
    IOptionsMonitor<SmtpOptions> options,
    TimeProvider clock,
    ILogger<PartnerMailer> logger)
{
    public async Task SendAsync(Guid programId, Guid partnerId, string kind, string eventKey,
        Func<string, Task<Dictionary<string, string>>> values, CancellationToken ct)
    {
        if (!options.CurrentValue.Enabled)
        {
            logger.LogDebug("E-mail is off (no Notifications:Smtp:Host): {Kind} for partner {PartnerId} not sent", kind, partnerId);
            return;
        }

        var program = await programs.FindByIdAsync(programId, ct);
        if (program is null)
        {
            logger.LogWarning("{Kind}: program {ProgramId} not found; nothing sent to partner {PartnerId}", kind, programId, partnerId);
            return;
        }

        var recipients = await contacts.GetAsync(partnerId, ct);
        if (recipients.Count == 0)
        {
            logger.LogWarning("{Kind}: partner {PartnerId} has no admin user with an e-mail address; nothing sent", kind, partnerId);
            return;
        }

        Exception? failure = null;
        foreach (var recipient in recipients)
        {
            var language = MailTemplates.IsEnglish(recipient.Language) ? "en" : "de";
            var mail = MailTemplates.Render(kind, language, program, await values(language), toPartner: true);
            var key = $"{kind}:{eventKey}:{NotificationRecipients.Partner}:{recipient.Email.ToLowerInvariant()}";
            var id = Guid.NewGuid();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO notifications.notifications
                    (id, program_id, dedup_key, kind, category, recipient_kind, recipient_id, recipient_email, language, subject, status, attempts, last_error, created_at)
                VALUES ({id}, {programId}, {Truncate(key, 300)}, {kind}, {"transactional"}, {NotificationRecipients.Partner}, {partnerId}, {recipient.Email},
                        {language}, {Truncate(mail.Subject, 300)}, {nameof(NotificationStatus.Pending)}, 0, {(string?)null}, {clock.GetUtcNow()})
                ON CONFLICT (dedup_key) DO NOTHING
                """, ct);

            var claimed = await db.Database.ExecuteSqlAsync($"""
                UPDATE notifications.notifications SET status = 'Sending', attempts = attempts + 1
                WHERE dedup_key = {Truncate(key, 300)} AND status IN ('Pending', 'Failed')
                """, ct);
            if (claimed == 0)
            {
                continue; // sent already or being sent
            }

            try
            {
                await sender.SendAsync(recipient.Email, null, program.Name, mail, $"{id:N}@benefitprogram", ct);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE notifications.notifications SET status = 'Sent', sent_at = {clock.GetUtcNow()}, last_error = NULL WHERE dedup_key = {Truncate(key, 300)}",
                    CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var reason = Truncate($"{e.GetType().Name}: {e.Message}", 1000);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE notifications.notifications SET status = 'Failed', last_error = {reason} WHERE dedup_key = {Truncate(key, 300)}", CancellationToken.None);
                failure ??= e; // try the other recipients first, then let the bus retry
            }
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"Sending {kind} to partner {partnerId} failed for at least one recipient.", failure);
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
