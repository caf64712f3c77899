namespace BenefitProgram.Platform.Contracts;

/// <summary>A program (tenant): one co-branding company's benefit program with its own branding.</summary>
public sealed record ProgramInfo(
    Guid Id,
    string Slug,
    string Name,
    string? LogoUrl,
    string PrimaryColor,
    string AccentColor,
    string Currency,
    string DefaultLanguage,
    string TimeZone);

/// <summary>Read access to programs for other modules.</summary>
public interface IProgramDirectory
{
    Task<ProgramInfo?> FindByIdAsync(Guid id, CancellationToken ct);
    Task<ProgramInfo?> FindBySlugAsync(string slug, CancellationToken ct);
    Task<IReadOnlyList<ProgramInfo>> ListAsync(CancellationToken ct);
}

public enum PartnerUserRole
{
    Admin,
    Editor,
}

/// <summary>Creates sign-ins (ASP.NET Core Identity users) for members and partner users on behalf of other modules.</summary>
public interface IUserAccounts
{
    /// <summary>Creates a member's sign-in. Returns the errors (field → messages) when the e-mail or password is not acceptable.</summary>
    Task<AccountResult> CreateMemberAsync(Guid programId, Guid memberId, string email, string password, CancellationToken ct);

    Task<AccountResult> CreatePartnerUserAsync(Guid partnerId, string email, string password, PartnerUserRole role, CancellationToken ct);

    Task<AccountResult> CreateOperatorAsync(Guid programId, string email, string password, CancellationToken ct);

    /// <summary>Removes the sign-in of an erased member (GDPR); financial records elsewhere keep the member id.</summary>
    Task DeleteMemberAsync(Guid memberId, CancellationToken ct);

    /// <summary>The sign-ins of one partner company, oldest first.</summary>
    Task<IReadOnlyList<PartnerUserAccount>> ListPartnerUsersAsync(Guid partnerId, CancellationToken ct);

    /// <summary>
    /// Deactivates (no sign-in, refresh tokens refused) or reactivates a user of <paramref name="partnerId"/>; false when
    /// the user is not one of that partner's.
    /// </summary>
    Task<bool> SetPartnerUserActiveAsync(Guid partnerId, Guid userId, bool active, CancellationToken ct);
}

public sealed record PartnerUserAccount(Guid UserId, string Email, PartnerUserRole Role, bool Active, DateTimeOffset CreatedAt);

public sealed record AccountResult(Guid? UserId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => UserId is not null;
}

/// <summary>Published when an operator changes a program's branding.</summary>
public sealed record ProgramBrandingChanged(Guid ProgramId, string Name, string PrimaryColor, string AccentColor, DateTimeOffset OccurredAt);

/// <summary>Where a partner is reached by e-mail: its admin users (<paramref name="Language"/> "de" or "en").</summary>
public sealed record PartnerContact(string Email, string Language);

/// <summary>The e-mail addresses of a partner's admin users, for notifications (offer decisions, stock, statements).</summary>
public interface IPartnerContacts
{
    Task<IReadOnlyList<PartnerContact>> GetAsync(Guid partnerId, CancellationToken ct);
}

/// <summary>
/// Names for the actors of audit trails ("user:{id}" → the operator's e-mail), so the console never shows a user id.
/// Only users of the given program are named: an operator by e-mail, a member as "member"; anyone else stays unnamed.
/// </summary>
public interface IAuditActorNames
{
    /// <summary>The display name of each audit actor given (unknown ones are left out).</summary>
    Task<IReadOnlyDictionary<string, string>> NamesAsync(Guid programId, IEnumerable<string> actors, CancellationToken ct);
}
