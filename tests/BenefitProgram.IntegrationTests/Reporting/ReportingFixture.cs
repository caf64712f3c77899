using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace BenefitProgram.IntegrationTests.Reporting;

/// <summary>
/// A host on a database of its own whose night consists of the reporting steps only (the members billing run and other
/// steps would act on the hand-written facts at the fake clock's "now"). Reset with Respawn before each test.
/// </summary>
public sealed class ReportingFixture : IAsyncLifetime
{
    private Respawner? respawner;

    public string ConnectionString { get; private set; } = "";

    public BenefitProgramApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("bp_reporting");
        App = new BenefitProgramApp(ConnectionString, services =>
        {
            var others = services.Where(d => d.ServiceType == typeof(INightlyJob)
                && d.ImplementationType?.Assembly != typeof(ReportingModule).Assembly).ToList();
            foreach (var descriptor in others)
            {
                services.Remove(descriptor);
            }
        });
        _ = App.Server;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = AppFixture.ModuleSchemas,
            TablesToIgnore = [new Table("__EFMigrationsHistory"), new Table("identity", "data_protection_keys")],
        });
    }

    public async Task ResetAsync()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await respawner!.ResetAsync(connection);
        }

        App.Clock.SetUtcNow(BenefitProgramApp.Start);
        await using var scope = App.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class ReportingCollection : ICollectionFixture<ReportingFixture>
{
    public const string Name = "reporting";
}
