namespace BenefitProgram.Catalog.Contracts;

public enum PartnerStatus
{
    Onboarding,
    Active,
    Paused,
    Ended,
}

/// <summary>The cooperation model of a partnership (whitepaper: Kooperationsmarketing).</summary>
public enum CooperationModel
{
    CoBranding,
    Couponing,
    ProductBundling,
    CrossSelling,
    DistributionCooperation,
    IngredientBranding,
}

/// <summary>Who pays the cashback members earn on a partner's offers.</summary>
public enum CashbackFunding
{
    Partner,
    Program,
    /// <summary>Split: the partner pays <see cref="PartnerContractTerms.PartnerShareBasisPoints"/>, the program the rest.</summary>
    Shared,
}

/// <summary>The contract terms reports and statements use. Amounts in minor units.</summary>
/// <param name="CommissionRateBasisPoints">Commission the partner owes on referred revenue (250 = 2.5 %).</param>
/// <param name="FeePerRedemptionMinorUnits">Fee the partner owes per redemption.</param>
/// <param name="PartnerShareBasisPoints">Share of cashback the partner funds: 10,000 for Partner, 0 for Program, the ratio for Shared.</param>
public sealed record PartnerContractTerms(
    int CommissionRateBasisPoints,
    long FeePerRedemptionMinorUnits,
    string Currency,
    CashbackFunding CashbackFunding,
    int PartnerShareBasisPoints);

/// <summary>A partner company (platform-wide; it takes part in one or more programs).</summary>
public sealed record PartnerInfo(
    Guid PartnerId,
    string Name,
    PartnerStatus Status,
    CooperationModel CooperationModel,
    PartnerContractTerms Terms,
    IReadOnlyList<Guid> ProgramIds);

/// <summary>Read access to partners for other modules.</summary>
public interface IPartnerDirectory
{
    Task<PartnerInfo?> GetAsync(Guid partnerId, CancellationToken ct);

    /// <summary>The partners taking part in a program.</summary>
    Task<IReadOnlyList<PartnerInfo>> ListByProgramAsync(Guid programId, CancellationToken ct);
}

/// <summary>A tracked click-out: who clicked which offer when, so a purchase reported with the click id can be attributed.</summary>
public sealed record ClickInfo(string ClickId, Guid MemberId, Guid ProgramId, Guid OfferId, Guid PartnerId, DateTimeOffset ClickedAt);

public interface IClickAttribution
{
    Task<ClickInfo?> FindAsync(string clickId, CancellationToken ct);

    /// <summary>Many click ids in one query (batch work such as a purchase import); unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, ClickInfo>> FindManyAsync(IReadOnlyCollection<string> clickIds, CancellationToken ct);
}
