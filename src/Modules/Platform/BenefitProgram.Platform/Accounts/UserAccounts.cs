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
