using Microsoft.AspNetCore.Identity;

namespace BenefitProgram.Platform.Accounts;

/// <summary>
/// A person who signs in: an operator of one program, a user of one partner, or a member of one program.
/// The role and the ids become claims (see <see cref="PlatformClaimsFactory"/>), which every endpoint checks.
/// </summary>
internal sealed class PlatformUser : IdentityUser<Guid>
{
    public string Role { get; set; } = "";
    public Guid? ProgramId { get; set; }
    public Guid? PartnerId { get; set; }
    public Guid? MemberId { get; set; }
    /// <summary>"Admin" or "Editor" for partner users.</summary>
    public string? PartnerRole { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
