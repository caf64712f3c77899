using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace BenefitProgram.Common.Security;

/// <summary>
/// Who is calling, read once from the principal. Handlers use it for per-resource checks:
/// a partner may touch only rows of <see cref="PartnerId"/>, a member only rows of <see cref="MemberId"/>,
/// an operator only rows of <see cref="ProgramId"/>.
/// </summary>
public sealed record CurrentActor(
    Guid? UserId,
    Guid? ProgramId,
    Guid? PartnerId,
    Guid? MemberId,
    Guid? ApiKeyId,
    IReadOnlySet<string> Roles)
{
    public static readonly CurrentActor Anonymous = new(null, null, null, null, null, new HashSet<string>());

    public bool IsOperator => Roles.Contains(Security.Roles.Operator);
    public bool IsPartner => Roles.Contains(Security.Roles.PartnerUser);
    public bool IsMember => Roles.Contains(Security.Roles.Member);

    /// <summary>A stable text for audit trails: "user:{id}" or "api-key:{id}".</summary>
    public string AuditName => ApiKeyId is { } k ? $"api-key:{k}" : UserId is { } u ? $"user:{u}" : "anonymous";

    public Guid RequireProgram() => ProgramId ?? throw new InvalidOperationException("The caller is not bound to a program.");
    public Guid RequirePartner() => PartnerId ?? throw new InvalidOperationException("The caller is not a partner.");
    public Guid RequireMember() => MemberId ?? throw new InvalidOperationException("The caller is not a member.");

    /// <summary>Lets minimal-API handlers take a <see cref="CurrentActor"/> parameter.</summary>
    public static ValueTask<CurrentActor?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CurrentActor?>(From(context.User));

    public static CurrentActor From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        return new CurrentActor(
            Read(user, BpClaims.UserId),
            Read(user, BpClaims.ProgramId),
            Read(user, BpClaims.PartnerId),
            Read(user, BpClaims.MemberId),
            Read(user, BpClaims.ApiKeyId),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    private static Guid? Read(ClaimsPrincipal user, string type) =>
        Guid.TryParse(user.FindFirstValue(type), out var id) ? id : null;
}

public static class CurrentActorExtensions
{
    public static CurrentActor Actor(this HttpContext context) => CurrentActor.From(context.User);
}
