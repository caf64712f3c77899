using BenefitProgram.Common.Security;

namespace BenefitProgram.Host.Portal;

/// <summary>The three areas and which role lives where.</summary>
public static class PortalAreas
{
    public static string HomeOf(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return set.Contains(Roles.Operator) ? "/ops" : set.Contains(Roles.PartnerUser) ? "/partner" : "/";
    }

    public static string HomeOf(CurrentActor actor) => HomeOf(actor.Roles);

    public static string AreaOfPath(string path) =>
        path.StartsWith("/ops", StringComparison.OrdinalIgnoreCase) ? "ops"
        : path.StartsWith("/partner", StringComparison.OrdinalIgnoreCase) ? "partner"
        : "member";
}
