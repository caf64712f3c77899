using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Catalog.Persistence;

internal sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "catalog";

    public override string Schema => SchemaName;

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class CatalogDesignTimeFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<CatalogDbContext>(CatalogDbContext.SchemaName));
}
