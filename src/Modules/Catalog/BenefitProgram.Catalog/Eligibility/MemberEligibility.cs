using BenefitProgram.Members.Contracts;

namespace BenefitProgram.Catalog.Eligibility;

/// <summary>What the catalog needs to know about a member to decide which offers they may see and redeem.</summary>
/// <param name="PlanCode">Lower-case plan code ("basis", "plus", "premium").</param>
/// <param name="PostalCode">The member's postal code, for regional offers; null when unknown (then only national offers).</param>
internal sealed record MemberEligibility(string PlanCode, bool InGoodStanding, string? PostalCode);

internal interface IMemberEligibility
{
    Task<MemberEligibility?> GetAsync(Guid programId, Guid memberId, CancellationToken ct);
}

/// <summary>Reads the member's plan, standing and postal code from the Members module ("what is M entitled to now").</summary>
internal sealed class MemberEntitlementEligibility(IMemberEntitlements entitlements) : IMemberEligibility
{
    public async Task<MemberEligibility?> GetAsync(Guid programId, Guid memberId, CancellationToken ct) =>
        await entitlements.GetAsync(programId, memberId, ct) is { } e
            ? new MemberEligibility(e.PlanCode, e.InGoodStanding, e.PostalCode)
            : null;
}
