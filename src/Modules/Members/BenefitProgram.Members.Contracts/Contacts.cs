namespace BenefitProgram.Members.Contracts;

/// <summary>How to reach a member: for notifications. Null fields when the member was erased (GDPR) or gave no e-mail.</summary>
/// <param name="PostalCode">Filled by <see cref="IMemberContacts.ListMarketingRecipientsAsync"/> (regional offers); null elsewhere.</param>
public sealed record MemberContact(Guid MemberId, Guid ProgramId, string? Email, string? Name, string Language, bool ConsentMarketing, bool IsErased,
    string? PostalCode = null);

/// <summary>Narrow read access to a member's contact data for other modules (the Notifications module).</summary>
public interface IMemberContacts
{
    /// <summary>The member's contact data, or null when no such member exists in <paramref name="programId"/>.</summary>
    Task<MemberContact?> GetAsync(Guid programId, Guid memberId, CancellationToken ct);

    /// <summary>
    /// The members of <paramref name="programId"/> who may get marketing mail now: consent given, not erased, an e-mail
    /// address, and a membership with benefits (trialing, active, past due, cancelled but still paid); when
    /// <paramref name="planCodes"/> is not empty, only members on one of those plans. One query.
    /// </summary>
    Task<IReadOnlyList<MemberContact>> ListMarketingRecipientsAsync(Guid programId, IReadOnlyCollection<string> planCodes, CancellationToken ct);
}

/// <summary>Consent changes other modules may ask for (the unsubscribe link of marketing mails).</summary>
public interface IMemberConsents
{
    /// <summary>
    /// Sets the member's marketing consent to false, audit-logged with <paramref name="source"/>. True when the member
    /// exists in <paramref name="programId"/> (also when the consent was already withdrawn), false otherwise.
    /// </summary>
    Task<bool> WithdrawMarketingConsentAsync(Guid programId, Guid memberId, string source, CancellationToken ct);
}
