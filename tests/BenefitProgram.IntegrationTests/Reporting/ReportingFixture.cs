using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Reporting;

/// <summary>
/// A host on a database of its own whose night consists of the reporting steps only (the members billing run and other
/// steps would act on the hand-written facts at the fake clock's "now"). Reset with Respawn before each test.
/// </summary>
public sealed class ReportingFixture : IAsyncLifetime
{
    private ResettableHost host = null!;

    public string ConnectionString => host.ConnectionString;

    public BenefitProgramApp App => host.App;

    public async Task InitializeAsync() => host = await ResettableHost.StartAsync("bp_reporting", cs => new BenefitProgramApp(cs, services =>
        {
            var others = services.Where(d => d.ServiceType == typeof(INightlyJob)
                && d.ImplementationType?.Assembly != typeof(ReportingModule).Assembly).ToList();
            foreach (var descriptor in others)
            {
                services.Remove(descriptor);
            }
        }));

    public Task ResetAsync() => host.ResetAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ReportingCollection : ICollectionFixture<ReportingFixture>
{
    public const string Name = "reporting";
}
