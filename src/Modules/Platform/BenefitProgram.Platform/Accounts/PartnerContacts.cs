using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Accounts;

/// <summary>
/// A partner's admin users with a confirmed e-mail address. Partner users have no language setting yet, so every
/// contact is German ("de"), the platform's default.
/// </summary>
internal sealed class PartnerContacts(UserManager<PlatformUser> users) : IPartnerContacts
{
    public async Task<IReadOnlyList<PartnerContact>> GetAsync(Guid partnerId, CancellationToken ct)
    {
        var admin = nameof(PartnerUserRole.Admin);
        var emails = await users.Users
            .Where(u => u.Role == Roles.PartnerUser && u.PartnerId == partnerId && u.PartnerRole == admin && u.Email != null)
            .OrderBy(u => u.Email)
            .Select(u => u.Email!)
            .ToListAsync(ct);
        return emails.Select(e => new PartnerContact(e, "de")).ToList();
    }
}
