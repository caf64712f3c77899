using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace BenefitProgram.Common.Persistence;

/// <summary>Something the host migrates at start-up (and with the "migrate" command).</summary>
public interface IModuleDatabase
{
    string Schema { get; }
    Task MigrateAsync(IServiceProvider services, CancellationToken ct);
}

internal sealed class ModuleDatabase<TContext>(string schema) : IModuleDatabase where TContext : ModuleDbContext
{
    public string Schema => schema;

    public async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TContext>().Database.MigrateAsync(ct);
    }
}

public static class ModuleRegistration
{
    /// <summary>
    /// Registers a module's DbContext on the shared <see cref="NpgsqlDataSource"/> with its schema, its migrations history
    /// in that schema, snake_case names, the outbox dispatcher and the outbox clean-up job.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(this IServiceCollection services, string schema)
        where TContext : ModuleDbContext
    {
        services.AddDbContext<TContext>((sp, options) =>
        {
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql =>
                    npgsql.MigrationsHistoryTable("__EFMigrationsHistory", schema))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(new OutboxSignalInterceptor(sp.GetRequiredService<OutboxSignal>()));
        });
        services.TryAddSingleton<OutboxSignal>();
        services.AddSingleton<IModuleDatabase>(new ModuleDatabase<TContext>(schema));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OutboxDispatcher<TContext>>(sp, schema));
        services.AddSingleton<IOutboxDispatcher>(sp => sp.GetRequiredService<OutboxDispatcher<TContext>>());
        services.AddHostedService<OutboxDispatcherService<TContext>>();
        services.AddTransient<OutboxCleanupJob<TContext>>();
        services.AddSingleton<IRecurringJobDefinition>(new RecurringJobDefinition<OutboxCleanupJob<TContext>>(
            $"{schema}:outbox-cleanup", "30 3 * * *", job => job.RunAsync(CancellationToken.None)));
        return services;
    }
}
