namespace BenefitProgram.Common.Tenancy;

/// <summary>
/// A row that belongs to one program (tenant). Every query over such rows filters by the caller's program;
/// see docs/adr/0003-binding-requests-to-a-program.md.
/// </summary>
public interface IProgramScoped
{
    Guid ProgramId { get; }
}
