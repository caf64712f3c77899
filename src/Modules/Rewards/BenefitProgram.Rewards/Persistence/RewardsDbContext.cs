using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Rewards.Persistence;

internal sealed class RewardsDbContext(DbContextOptions<RewardsDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "rewards";

    public override string Schema => SchemaName;

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class RewardsDesignTimeFactory : IDesignTimeDbContextFactory<RewardsDbContext>
{
    public RewardsDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<RewardsDbContext>(RewardsDbContext.SchemaName));
}
