using BenefitProgram.Common.Security;
using BenefitProgram.Platform.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Platform.Accounts;

internal sealed class AuditActorNames(UserManager<PlatformUser> users) : IAuditActorNames
{
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(Guid programId, IEnumerable<string> actors, CancellationToken ct)
    {
        var ids = actors.Distinct(StringComparer.Ordinal)
            .Select(a => a.StartsWith("user:", StringComparison.Ordinal) && Guid.TryParse(a.AsSpan(5), out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var found = await users.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.ProgramId == programId)
            .Select(u => new { u.Id, u.Role, u.Email }).ToListAsync(ct);
        return found.Where(u => u.Role == Roles.Operator || u.Role == Roles.Member)
            .ToDictionary(u => $"user:{u.Id}", u => u.Role == Roles.Operator ? u.Email ?? "operator" : "member", StringComparer.Ordinal);
    }
}

/// <summary>One audit actor ("user:{id}", "unsubscribe-link", ...) with its name, or null when it is no user of the program.</summary>
public sealed record AuditActorName(string Actor, string? Name);

/// <summary>
/// GET /ops/actors?names=user:…,user:…: the operator console names the actors of life-cycle and audit entries (an operator's
/// e-mail, "member" for the member themself). Only users of the operator's own program are named.
/// </summary>
internal static class AuditActorNameEndpoints
{
    public static void MapAuditActorNames(this IEndpointRouteBuilder api)
    {
        api.MapGet("/ops/actors", async (string? names, CurrentActor caller, IAuditActorNames lookup, CancellationToken ct) =>
        {
            var actors = (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(a => a.Length <= 100).Distinct(StringComparer.Ordinal).Take(100).ToList();
            var found = await lookup.NamesAsync(caller.RequireProgram(), actors, ct);
            return TypedResults.Ok(actors.Select(a => new AuditActorName(a, found.GetValueOrDefault(a))).ToList());
        }).RequireAuthorization(Policies.Operator).WithTags("Programs")
            .WithSummary("Names the actors of audit entries (user:{id} → the operator's e-mail, or \"member\"); users outside the program stay unnamed.");
    }
}
