namespace BenefitProgram.Members.Contracts;

/// <summary>How to reach a member: for notifications. Null fields when the member was erased (GDPR) or gave no e-mail.</summary>
public sealed record MemberContact(Guid MemberId, Guid ProgramId, string? Email, string? Name, string Language, bool ConsentMarketing, bool IsErased);

/// <summary>Narrow read access to a member's contact data for other modules (the Notifications module).</summary>
public interface IMemberContacts
{
    /// <summary>The member's contact data, or null when no such member exists in <paramref name="programId"/>.</summary>
    Task<MemberContact?> GetAsync(Guid programId, Guid memberId, CancellationToken ct);
}
