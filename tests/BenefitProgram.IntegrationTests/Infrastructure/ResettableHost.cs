using BenefitProgram.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// A host on a database of its own that is reset before each test: Respawn empties the module schemas (migration
/// history, the data-protection keys and Hangfire's schema are kept), the clock goes back to the start, and the two
/// demo programs with their operators are seeded again. Every test fixture builds on it.
/// </summary>
public sealed class ResettableHost : IAsyncDisposable
{
    private readonly Respawner respawner;

    private ResettableHost(string connectionString, BenefitProgramApp app, Respawner respawner)
    {
        ConnectionString = connectionString;
        App = app;
        this.respawner = respawner;
    }

    public string ConnectionString { get; }

    public BenefitProgramApp App { get; }

    /// <summary>Creates the database, starts the host (which migrates it) and prepares the reset.</summary>
    public static async Task<ResettableHost> StartAsync(string databasePrefix, Func<string, BenefitProgramApp> createApp)
    {
        var connectionString = await TestDatabase.CreateAsync(databasePrefix);
        var app = createApp(connectionString);
        _ = app.Server;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = AppFixture.ModuleSchemas,
            TablesToIgnore = [new Table("__EFMigrationsHistory"), new Table("identity", "data_protection_keys")],
        });
        return new ResettableHost(connectionString, app, respawner);
    }

    public async Task ResetAsync()
    {
        await DatabaseReset.ResetAsync(respawner, ConnectionString);

        App.Clock.SetUtcNow(BenefitProgramApp.Start);
        await using var scope = App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
    }
}
