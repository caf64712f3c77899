using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Common.Persistence;

/// <summary>Options for `dotnet ef migrations add`, matching what <see cref="ModuleRegistration.AddModuleDbContext{TContext}"/> configures.</summary>
public static class ModuleDesignTime
{
    public static DbContextOptions<TContext> Options<TContext>(string schema) where TContext : DbContext =>
        new DbContextOptionsBuilder<TContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__EFMigrationsHistory", schema))
            .UseSnakeCaseNamingConvention()
            .Options;
}
