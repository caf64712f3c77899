using BenefitProgram.Members.Contracts;
using BenefitProgram.Notifications.Contracts;
using BenefitProgram.Notifications.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Notifications.Gdpr;

/// <summary>
/// MemberErased: the notification log forgets who the mails went to: the recipient address, the subject
/// (it may greet the member by name) and the failure reason (an SMTP error may quote the address) are scrubbed in every
/// row of that member. Kind, category, language, status, attempts and times stay, so the log still says what was sent
/// when and whether it arrived. The row's recipient id is the member id, a surrogate that names nobody once Members has
/// erased the member. Running it twice changes nothing.
/// </summary>
internal sealed class NotificationLogErasureConsumer(NotificationsDbContext db, TimeProvider clock) : IConsumer<MemberErased>
{
    public const string Erased = "(erased)";

    public async Task Consume(ConsumeContext<MemberErased> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.TryMarkProcessedAsync(context.MessageId ?? Guid.NewGuid(), nameof(NotificationLogErasureConsumer), clock.GetUtcNow(), ct))
        {
            return;
        }

        await db.Notifications
            .Where(n => n.ProgramId == m.ProgramId && n.RecipientKind == NotificationRecipients.Member && n.RecipientId == m.MemberId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.RecipientEmail, (string?)null)
                .SetProperty(n => n.Subject, Erased)
                .SetProperty(n => n.LastError, n => n.LastError == null ? null : Erased), ct);
        await tx.CommitAsync(ct);
    }
}
