using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Accounts;

internal sealed class UserAccounts(UserManager<PlatformUser> users, TimeProvider clock) : IUserAccounts
{
    public Task<AccountResult> CreateMemberAsync(Guid programId, Guid memberId, string email, string password, CancellationToken ct) =>
        CreateAsync(new PlatformUser { Role = Roles.Member, ProgramId = programId, MemberId = memberId }, email, password);

    public Task<AccountResult> CreatePartnerUserAsync(Guid partnerId, string email, string password, PartnerUserRole role, CancellationToken ct) =>
        CreateAsync(new PlatformUser { Role = Roles.PartnerUser, PartnerId = partnerId, PartnerRole = role.ToString() }, email, password);

    public Task<AccountResult> CreateOperatorAsync(Guid programId, string email, string password, CancellationToken ct) =>
        CreateAsync(new PlatformUser { Role = Roles.Operator, ProgramId = programId }, email, password);

    public async Task DeleteMemberAsync(Guid memberId, CancellationToken ct)
    {
        var user = await users.Users.SingleOrDefaultAsync(u => u.MemberId == memberId, ct);
        if (user is not null)
        {
            await users.DeleteAsync(user);
        }
    }

    public async Task<IReadOnlyList<PartnerUserAccount>> ListPartnerUsersAsync(Guid partnerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await users.Users.AsNoTracking().Where(u => u.PartnerId == partnerId && u.Role == Roles.PartnerUser)
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, u.PartnerRole, u.LockoutEnd, u.CreatedAt }).ToListAsync(ct);
        return rows.Select(u => new PartnerUserAccount(u.Id, u.Email ?? "",
            Enum.TryParse<PartnerUserRole>(u.PartnerRole, out var role) ? role : PartnerUserRole.Editor,
            !IsDeactivated(u.LockoutEnd), u.CreatedAt)).ToList();
    }

    public async Task<bool> SetPartnerUserActiveAsync(Guid partnerId, Guid userId, bool active, CancellationToken ct)
    {
        var user = await users.Users.SingleOrDefaultAsync(u => u.Id == userId && u.PartnerId == partnerId && u.Role == Roles.PartnerUser, ct);
        if (user is null)
        {
            return false;
        }

        // Deactivated = locked out for good; a new security stamp makes refresh tokens (and cookies at their next check) invalid.
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, active ? null : DateTimeOffset.MaxValue);
        if (!active)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        return true;
    }

    /// <summary>A lockout that ends beyond a century is a deactivation, not the five minutes after failed sign-ins.</summary>
    internal static bool IsDeactivated(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end.Year > 9000;

    private async Task<AccountResult> CreateAsync(PlatformUser user, string email, string password)
    {
        user.Id = Guid.CreateVersion7(clock.GetUtcNow());
        user.Email = email;
        user.UserName = email;
        user.EmailConfirmed = true;
        user.CreatedAt = clock.GetUtcNow();
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            return new AccountResult(user.Id, new Dictionary<string, string[]>());
        }

        var errors = result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
        return new AccountResult(null, errors);
    }
}
