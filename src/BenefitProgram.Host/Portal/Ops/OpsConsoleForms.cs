using BenefitProgram.Catalog.Contracts;

namespace BenefitProgram.Host.Portal.Ops;

// Forms of the console pages added with issue #7 (partner detail, barometer, baseline, audit log, plan editor).

public sealed class ContractForm
{
    public string? CooperationModel { get; set; }
    /// <summary>Percent as typed ("2,5"); sent as basis points.</summary>
    public string? Commission { get; set; }
    public string? FeePerRedemption { get; set; }
    public string? Currency { get; set; }
    public string? CashbackFunding { get; set; }
    /// <summary>Percent as typed; sent as basis points.</summary>
    public string? PartnerShare { get; set; }
}

public sealed class BarometerForm
{
    public string? ContractAndRolesClear { get; set; }
    public string? SharedProcessesWork { get; set; }
    public string? DataExchangeWorks { get; set; }
    public string? TrustBetweenTeams { get; set; }
    public string? CommunicationIsRegular { get; set; }
    public string? SharedGoalsAgreed { get; set; }
    public string? Comment { get; set; }
}

public sealed class BaselineForm
{
    /// <summary>The CSV as pasted (the file input is read from the request's files instead).</summary>
    public string? Text { get; set; }
}

public sealed class PlanEditForm
{
    public string? Name { get; set; }
    public string? Price { get; set; }
    public string? TrialDays { get; set; }
    public string? CashbackMultiplier { get; set; }
}

/// <summary>Texts of the partner contract and barometer in the console.</summary>
public static class PartnerTexts
{
    public static string Model(CooperationModel model) => model switch
    {
        CooperationModel.CoBranding => "Co-branding",
        CooperationModel.ProductBundling => "Product bundling",
        CooperationModel.CrossSelling => "Cross-selling",
        CooperationModel.DistributionCooperation => "Distribution cooperation",
        CooperationModel.IngredientBranding => "Ingredient branding",
        _ => model.ToString(),
    };

    public static string Funding(CashbackFunding funding) => funding switch
    {
        CashbackFunding.Partner => "Partner",
        CashbackFunding.Program => "Program",
        _ => "Shared",
    };

    /// <summary>The six questions of the cooperation barometer (structure: the first three; social: the last three), by JSON field.</summary>
    public static readonly IReadOnlyList<(string Field, string Question, string Level)> Questions =
    [
        ("contractAndRolesClear", "The contract and the roles are clear", "Structure"),
        ("sharedProcessesWork", "The shared processes work", "Structure"),
        ("dataExchangeWorks", "The data exchange works", "Structure"),
        ("trustBetweenTeams", "The teams trust each other", "Social"),
        ("communicationIsRegular", "Communication is regular", "Social"),
        ("sharedGoalsAgreed", "Shared goals are agreed", "Social"),
    ];

    /// <summary>"3 established" (the API's maturity name) in words.</summary>
    public static string Maturity(int? level) => level switch
    {
        1 => "1 – initial",
        2 => "2 – trial",
        3 => "3 – established",
        4 => "4 – deepened",
        5 => "5 – strategic",
        _ => "–",
    };

    /// <summary>The English key of an audit action (German via PortalText).</summary>
    public static string AuditAction(string action) => action switch
    {
        "membership-cancelled" => "Membership cancelled on behalf",
        "membership-reactivated" => "Membership reactivated on behalf",
        "billing-simulation" => "Billing simulation changed",
        "member-erased" => "Personal data erased",
        "plan-created" => "Plan created",
        "plan-versioned" => "Plan changed (new version)",
        "members-imported" => "Members imported",
        "marketing-consent-withdrawn" => "Marketing consent withdrawn",
        _ => action,
    };
}
