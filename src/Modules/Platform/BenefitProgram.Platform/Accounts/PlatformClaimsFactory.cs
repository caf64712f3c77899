using System.Security.Claims;
using BenefitProgram.Common.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Platform.Accounts;

/// <summary>Puts the role and the program / partner / member ids of a user into its sign-in (cookie or bearer token).</summary>
internal sealed class PlatformClaimsFactory(UserManager<PlatformUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PlatformUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PlatformUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role));
        identity.AddClaim(new Claim(BpClaims.UserId, user.Id.ToString()));
        if (user.ProgramId is { } program)
        {
            identity.AddClaim(new Claim(BpClaims.ProgramId, program.ToString()));
        }

        if (user.PartnerId is { } partner)
        {
            identity.AddClaim(new Claim(BpClaims.PartnerId, partner.ToString()));
        }

        if (user.MemberId is { } member)
        {
            identity.AddClaim(new Claim(BpClaims.MemberId, member.ToString()));
        }

        if (user.PartnerRole is { } partnerRole)
        {
            identity.AddClaim(new Claim(BpClaims.PartnerRole, partnerRole));
        }

        return identity;
    }
}
