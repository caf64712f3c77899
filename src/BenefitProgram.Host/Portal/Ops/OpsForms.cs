using BenefitProgram.Catalog.Offers;
using BenefitProgram.Members.Operators;
using BenefitProgram.Host.Portal.PartnerOps;
using BenefitProgram.Rewards.Claims;

namespace BenefitProgram.Host.Portal.Ops;

public sealed class ClaimDecisionForm
{
    /// <summary>approve, partly-approve or reject: the value of the submit button pressed.</summary>
    public string? Action { get; set; }
    public string? ApprovedAmount { get; set; }
    public string? Reason { get; set; }
}

public sealed class AdjustmentForm
{
    public string? Amount { get; set; }
    public string? Reason { get; set; }
}

public sealed class OpsCancelForm
{
    public string? Reason { get; set; }
    public string? Comment { get; set; }
}

public sealed class ReactivateForm
{
    public bool Confirm { get; set; }
}

public sealed class PreparePayoutForm
{
    public string? PeriodKey { get; set; }
}

public sealed class PayoutResultForm
{
    public Guid LineId { get; set; }
    /// <summary>Paid or Failed: the value of the submit button pressed.</summary>
    public string? Status { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Names instead of ids on the operator pages: members and offers looked up through the API, once per page.</summary>
public sealed class OpsNames(PortalApi api)
{
    private readonly Dictionary<Guid, MemberSummary?> members = [];
    private Dictionary<Guid, OfferView>? offers;

    /// <summary>Loads the members (at most 100 distinct, in parallel) and, if asked, the program's offers.</summary>
    public async Task LoadAsync(IEnumerable<Guid> memberIds, bool withOffers, CancellationToken ct)
    {
        var wanted = memberIds.Distinct().Where(id => !members.ContainsKey(id)).Take(100).ToList();
        var found = await Task.WhenAll(wanted.Select(id => api.GetAsync<MemberDetails>($"/api/v1/ops/members/{id}", ct)));
        foreach (var (id, result) in wanted.Zip(found))
        {
            members[id] = result.Value?.Member;
        }

        if (withOffers && offers is null)
        {
            offers = ((await api.GetAsync<List<OfferView>>("/api/v1/ops/offers", ct)).Value ?? []).ToDictionary(o => o.Id);
        }
    }

    public MemberSummary? Member(Guid id) => members.GetValueOrDefault(id);

    public string MemberName(Guid id, PortalText t) => members.GetValueOrDefault(id) switch
    {
        { Erased: true } m => $"{t["Erased member"]} ({m.MemberNumber})",
        { } m => $"{m.Name} ({m.MemberNumber})",
        null => t["Unknown member"],
    };

    public string OfferTitle(Guid id, string language, PortalText t) =>
        offers?.GetValueOrDefault(id) is { } o ? OfferDisplay.Title(o.Content, language) : t["Unknown offer"];

    public string? PartnerName(Guid offerId) => offers?.GetValueOrDefault(offerId)?.PartnerName;
}

public static class ClaimTexts
{
    public static string Status(string status) => status switch
    {
        "InReview" => "In review",
        "Approved" => "Approved",
        "PartlyApproved" => "Partly approved",
        "Rejected" => "Rejected",
        _ => status,
    };

    public static MudBlazor.Color Colour(string status) => status switch
    {
        "Approved" => MudBlazor.Color.Success,
        "PartlyApproved" => MudBlazor.Color.Warning,
        "Rejected" => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Info,
    };

    /// <summary>The rules' reason codes in words; an operator's own reason stays as written.</summary>
    public static string Reason(string reason) => reason switch
    {
        "plan-does-not-include-this-refund" => "The member's plan does not include this refund.",
        "membership-not-active-on-trip-date" => "The membership was not active on the date of the trip.",
        "yearly-claim-limit-reached" => "The yearly number of claims is reached.",
        "no-matching-travel-booking" => "No matching travel booking found: check the receipt by hand.",
        "approved-up-to-the-per-claim-cap" => "Approved up to the limit per claim.",
        _ => reason,
    };
}
