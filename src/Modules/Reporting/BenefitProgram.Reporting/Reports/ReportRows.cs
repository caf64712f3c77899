using BenefitProgram.Reporting.Statistics;

namespace BenefitProgram.Reporting.Reports;

// The rows the report endpoints answer (JSON, or CSV with one column per property). Money in minor units. Definitions: docs/reports.md.

public sealed record DailyKpiRow(DateOnly Day, long Members, long PayingMembers, long TrialingMembers, long NewMembers, long ReactivatedMembers,
    long CancellationsRequested, long ChurnedVoluntary, long ChurnedInvoluntary, long MembersTenureUnder12Months, long ChurnedTenureUnder12Months,
    long MrrMinorUnits, long FeeRevenueMinorUnits, long Redemptions, string Currency, long? TotalCustomers, double? Penetration);

public sealed record PlanStatusRow(DateOnly Day, string PlanCode, string Status, long Members, long MrrMinorUnits);

public sealed record MonthlyChurnRow(string Month, long ActiveAtStart, long Churned, double ChurnRate, double ChurnRateLower, double ChurnRateUpper,
    long ChurnedVoluntary, double VoluntaryRate, long ChurnedInvoluntary, double InvoluntaryRate,
    long NewCustomersAtStart, long NewCustomersChurned, double NewCustomerChurnRate, double NewCustomerChurnRateLower, double NewCustomerChurnRateUpper);

public sealed record ChurnReasonRow(string Month, string Event, string ReasonCode, long Members);

public sealed record CohortRow(string CohortMonth, string Month, int MonthsSinceJoining, long Joined, long Active, double Retention);

public sealed record MrrMovementRow(string Month, string Movement, long Members, long MrrMinorUnits);

public sealed record PartnerRevenueRow(string Month, Guid ProgramId, Guid PartnerId, string PartnerName, string Currency, long Redemptions,
    long RedemptionFeesMinorUnits, long PassRevenueMinorUnits, long Purchases, long PurchaseRevenueMinorUnits, long ReferredRevenueMinorUnits,
    long CommissionMinorUnits, long CashbackMinorUnits, long CashbackPartnerFundedMinorUnits, long NetOwedMinorUnits, bool Final, bool RewardsIncluded);

public sealed record TopOfferRow(string Month, Guid OfferId, Guid PartnerId, string? Title, long Redemptions);

public sealed record EconomicsRow(string Month, string Currency, long FeeRevenueMinorUnits, long PartnerIncomeMinorUnits, long CashbackMinorUnits,
    long CashbackProgramCostMinorUnits, long RefundCostMinorUnits, long NetMinorUnits, double AverageMembers, double NetPerMemberMinorUnits,
    bool RewardsIncluded);

public sealed record TripleWinRow(string Month, Guid PartnerId, string PartnerName, string Currency,
    long MemberRedemptions, long MemberCashbackMinorUnits,
    long PartnerReferredRevenueMinorUnits, long PartnerCostsMinorUnits, long PartnerNetMinorUnits,
    long ProgramIncomeMinorUnits);

public sealed record BarometerRow(string Month, Guid PartnerId, string PartnerName, long Redemptions, long ReferredRevenueMinorUnits,
    long RedemptionsPreviousMonth, decimal RedemptionsPer1000Members, int PerformanceLevel, int? StructureLevel, int? SocialLevel,
    int? MaturityLevel, string? Maturity, int Ratings, decimal? AverageStars);

/// <summary>Operator questionnaire, each answer 1 (not at all) to 5 (fully).</summary>
public sealed record BarometerAnswers(
    int ContractAndRolesClear, int SharedProcessesWork, int DataExchangeWorks,
    int TrustBetweenTeams, int CommunicationIsRegular, int SharedGoalsAgreed, string? Comment);

public sealed record BarometerAssessed(Guid PartnerId, int StructureLevel, int SocialLevel, DateTimeOffset AssessedAt);

/// <summary>Customers of the co-branding company in a month (imported): the comparison groups of the program effect.</summary>
public sealed record BaselineMonth(string Month, long TotalCustomers, long TotalCancellations, long NonMemberCustomers, long NonMemberCancellations,
    long NewCustomers, long NewCustomerCancellations);

public sealed record BaselineImported(int Months);

public sealed record SurvivalGroup(string Group, int Members, int Churned, SurvivalPoint AtDay365, IReadOnlyList<SurvivalPoint> Curve);

public sealed record RateRow(string Group, long Events, long Population, double Value, double Lower, double Upper);

public sealed record DifferenceRow(string Group, string ComparedWith, double Value, double Lower, double Upper, bool Significant);

public sealed record ProgramEffectReport(string? AsOfMonth, string? From, string? To, IReadOnlyList<SurvivalGroup> Survival, IReadOnlyList<RateRow> MonthlyChurn,
    IReadOnlyList<DifferenceRow> Differences, long? ActiveMembers, long? TotalCustomers, double? Penetration, string SelectionBiasNote);

/// <summary>The program-effect report flattened for CSV.</summary>
public sealed record ProgramEffectCsvRow(string Section, string Group, string? ComparedWith, int? Day, long? Events, long? Population, double Value, double Lower, double Upper);
