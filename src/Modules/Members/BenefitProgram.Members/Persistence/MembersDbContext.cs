using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Members.Persistence;

internal sealed class MembersDbContext(DbContextOptions<MembersDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "members";

    public override string Schema => SchemaName;

    protected override void ConfigureModule(ModelBuilder modelBuilder)
    {
    }
}

// Used only by `dotnet ef migrations add`.
internal sealed class MembersDesignTimeFactory : IDesignTimeDbContextFactory<MembersDbContext>
{
    public MembersDbContext CreateDbContext(string[] args) =>
        new(ModuleDesignTime.Options<MembersDbContext>(MembersDbContext.SchemaName));
}
