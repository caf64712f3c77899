using BenefitProgram.Catalog.Contracts;

namespace BenefitProgram.Catalog.Domain;

/// <summary>A partner company. Platform-wide: it takes part in one or more programs (<see cref="PartnerProgram"/>).</summary>
internal sealed class Partner
{
    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string? LogoUrl { get; private set; }
    public List<string> Categories { get; private set; } = [];
    /// <summary>Postal-code prefixes served; empty means national.</summary>
    public List<string> Regions { get; private set; } = [];
    public CooperationModel CooperationModel { get; private set; }
    public int CommissionRateBasisPoints { get; private set; }
    public long FeePerRedemptionMinorUnits { get; private set; }
    public string Currency { get; private set; } = "EUR";
    public CashbackFunding CashbackFunding { get; private set; }
    public int PartnerShareBasisPoints { get; private set; }
    public PartnerStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public List<PartnerProgram> Programs { get; private set; } = [];

    private Partner()
    {
    }

    public static Partner Create(Guid id, string name, string? logoUrl, IEnumerable<string> categories, IEnumerable<string> regions,
        CooperationModel model, PartnerContractTerms terms, Guid programId, DateTimeOffset now)
    {
        var partner = new Partner { Id = id, CreatedAt = now, Status = PartnerStatus.Onboarding };
        partner.UpdateProfile(name, logoUrl, categories, regions);
        partner.ChangeContract(model, terms);
        partner.Programs.Add(new PartnerProgram { PartnerId = id, ProgramId = programId, JoinedAt = now });
        return partner;
    }

    public void UpdateProfile(string name, string? logoUrl, IEnumerable<string> categories, IEnumerable<string> regions)
    {
        Name = name.Trim();
        LogoUrl = logoUrl;
        Categories = categories.Distinct().ToList();
        Regions = regions.Distinct().ToList();
    }

    public void ChangeContract(CooperationModel model, PartnerContractTerms terms)
    {
        CooperationModel = model;
        CommissionRateBasisPoints = terms.CommissionRateBasisPoints;
        FeePerRedemptionMinorUnits = terms.FeePerRedemptionMinorUnits;
        Currency = terms.Currency;
        CashbackFunding = terms.CashbackFunding;
        PartnerShareBasisPoints = terms.CashbackFunding switch
        {
            CashbackFunding.Partner => 10_000,
            CashbackFunding.Program => 0,
            _ => terms.PartnerShareBasisPoints,
        };
    }

    public void ChangeStatus(PartnerStatus status) => Status = status;

    public bool TakesPartIn(Guid programId) => Programs.Any(p => p.ProgramId == programId);

    public void Join(Guid programId, DateTimeOffset now)
    {
        if (!TakesPartIn(programId))
        {
            Programs.Add(new PartnerProgram { PartnerId = Id, ProgramId = programId, JoinedAt = now });
        }
    }

    public PartnerContractTerms Terms => new(CommissionRateBasisPoints, FeePerRedemptionMinorUnits, Currency, CashbackFunding, PartnerShareBasisPoints);
}

internal sealed class PartnerProgram
{
    public Guid PartnerId { get; set; }
    public Guid ProgramId { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
}
