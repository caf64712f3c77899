using System.Security.Cryptography;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Unsubscribe;

/// <summary>Notifications:PublicBaseUrl: the address members reach this API at, for links in mails (the unsubscribe link).</summary>
internal sealed class MailLinkOptions
{
    public string PublicBaseUrl { get; set; } = "http://localhost:8080";
}

/// <summary>
/// The unsubscribe link of marketing mails: <c>{PublicBaseUrl}/api/v1/programs/{slug}/unsubscribe?token=...</c>, where the
/// token is (program id, member id) protected by ASP.NET Core Data Protection (authenticated encryption with the key
/// ring kept in PostgreSQL), so it can be neither read nor forged. It does not expire: an old mail's link keeps working.
/// </summary>
internal sealed class UnsubscribeLinks(IDataProtectionProvider dataProtection, IOptionsMonitor<MailLinkOptions> options)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("BenefitProgram.Notifications.Unsubscribe.v1");

    public string For(ProgramInfo program, Guid memberId) =>
        $"{options.CurrentValue.PublicBaseUrl.TrimEnd('/')}/api/v1/programs/{Uri.EscapeDataString(program.Slug)}/unsubscribe?token={Token(program.Id, memberId)}";

    public string Token(Guid programId, Guid memberId) => protector.Protect($"{programId:N}.{memberId:N}");

    /// <summary>The (program, member) of a genuine token, or null for anything else.</summary>
    public (Guid ProgramId, Guid MemberId)? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return null;
        }

        string plain;
        try
        {
            plain = protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = plain.Split('.');
        return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var programId) && Guid.TryParseExact(parts[1], "N", out var memberId)
            ? (programId, memberId)
            : null;
    }
}
