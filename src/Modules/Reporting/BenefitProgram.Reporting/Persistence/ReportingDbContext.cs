using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Reporting.Persistence;

internal sealed class ReportingDbContext(DbContextOptions<ReportingDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "reporting";

    public override string Schema => SchemaName;

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class ReportingDesignTimeFactory : IDesignTimeDbContextFactory<ReportingDbContext>
{
    public ReportingDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<ReportingDbContext>(ReportingDbContext.SchemaName));
}
