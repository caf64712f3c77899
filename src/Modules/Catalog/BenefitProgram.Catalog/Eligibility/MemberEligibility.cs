using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace BenefitProgram.Catalog.Eligibility;

/// <summary>What the catalog needs to know about a member to decide which offers they may see and redeem.</summary>
/// <param name="PlanCode">Lower-case plan code ("basis", "plus", "premium").</param>
/// <param name="PostalCode">The member's postal code, for regional offers; null when unknown (then only national offers).</param>
internal sealed record MemberEligibility(string PlanCode, bool InGoodStanding, string? PostalCode);

internal interface IMemberEligibility
{
    Task<MemberEligibility?> GetAsync(Guid programId, Guid memberId, CancellationToken ct);
}

// STAND-IN until Members.Contracts.IMemberEntitlements exists: every member is on plan "plus" and in good standing;
// the postal code comes from the request (?postalCode=) or a "bp:postal_code" claim. Swap it in CatalogModule.AddCatalog
// (one line) for an adapter over IMemberEntitlements.
internal sealed class StandInMemberEligibility(IHttpContextAccessor http) : IMemberEligibility
{
    public Task<MemberEligibility?> GetAsync(Guid programId, Guid memberId, CancellationToken ct)
    {
        var context = http.HttpContext;
        var postal = context?.Request.Query["postalCode"].ToString();
        if (string.IsNullOrEmpty(postal))
        {
            postal = context?.User.FindFirstValue("bp:postal_code");
        }

        return Task.FromResult<MemberEligibility?>(new MemberEligibility("plus", true, string.IsNullOrEmpty(postal) ? null : postal));
    }
}
