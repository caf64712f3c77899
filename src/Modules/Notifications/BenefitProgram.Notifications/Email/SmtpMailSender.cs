using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BenefitProgram.Notifications.Email;

/// <summary>A rendered mail: subject, HTML and plain-text parts; a marketing mail has its unsubscribe link.</summary>
internal sealed record RenderedMail(string Subject, string Html, string Text, string? UnsubscribeUrl = null);

/// <summary>Sends one message over SMTP with MailKit (multipart/alternative: text + HTML).</summary>
internal sealed class SmtpMailSender(IOptionsMonitor<SmtpOptions> options)
{
    public async Task SendAsync(string toEmail, string? toName, string fromName, RenderedMail mail, string messageId, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, o.From));
        message.To.Add(new MailboxAddress(toName ?? "", toEmail));
        message.Subject = mail.Subject;
        message.MessageId = messageId;
        if (mail.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 2369 and RFC 8058 (one-click): mail clients show an "unsubscribe" button that POSTs to the link.
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        await client.ConnectAsync(o.Host!, o.Port, o.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(o.User))
        {
            await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
