namespace BenefitProgram.Reporting.Contracts;

/// <summary>
/// A partner's monthly statement for one program was made (by the night of the month's last day). Published once per
/// (program, partner, month): only when the statement row is inserted, in the same statement (docs/reports.md).
/// <paramref name="Month"/> is the first day of the month.
/// </summary>
public sealed record PartnerStatementReady(
    Guid ProgramId,
    Guid PartnerId,
    DateOnly Month,
    string Currency,
    long NetOwedMinorUnits,
    DateTimeOffset OccurredAt);
