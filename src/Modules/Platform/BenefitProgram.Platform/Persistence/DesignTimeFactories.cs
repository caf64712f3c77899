using BenefitProgram.Common.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace BenefitProgram.Platform.Persistence;

// Used only by `dotnet ef migrations add`; the app configures its contexts in PlatformModule.
internal sealed class PlatformDesignTimeFactory : IDesignTimeDbContextFactory<PlatformDbContext>
{
    public PlatformDbContext CreateDbContext(string[] args) => new(ModuleDesignTime.Options<PlatformDbContext>(PlatformDbContext.SchemaName));
}

internal sealed class AccountsDesignTimeFactory : IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args) => new(ModuleDesignTime.Options<AccountsDbContext>(AccountsDbContext.SchemaName));
}
