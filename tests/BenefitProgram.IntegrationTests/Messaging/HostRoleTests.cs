using System.Net;
using BenefitProgram.Common.Messaging;
using BenefitProgram.Host.Operations;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BenefitProgram.IntegrationTests.Messaging;

/// <summary>Host:Role decides what one process does: web serves HTTP only, worker does the background work only.</summary>
public sealed class HostRoleTests : IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await TestDatabase.CreateAsync("bp_role");

    public Task DisposeAsync() => TestDatabase.DropAsync(connectionString);

    private BenefitProgramApp App(string role) => new(
        connectionString,
        settings: new Dictionary<string, string?> { ["Host:Role"] = role, ["Host:NodeName"] = $"{role}-1" },
        bus: TestBus.InMemory,
        deliverOnDemand: false);

    private static bool RunsJobServer(IServiceProvider services) =>
        services.GetServices<IHostedService>().Any(s => s.GetType().FullName!.StartsWith("Hangfire.", StringComparison.Ordinal));

    [Fact]
    public async Task A_web_node_serves_the_api_but_runs_no_job_server_no_outbox_dispatch_and_no_consumers()
    {
        await using var app = App("web");
        using var client = app.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web-1", response.Headers.GetValues("X-Node").Single());
        Assert.False(RunsJobServer(app.Services));
        Assert.False(app.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.DispatchEnabled);
        Assert.Null(app.Services.GetService<EventLogConsumer<ProgramBrandingChanged>>());
    }

    [Fact]
    public async Task A_worker_node_runs_jobs_dispatch_and_consumers_and_answers_only_health_checks()
    {
        await using var app = App("worker");
        using var client = app.CreateClient();

        var api = await client.GetAsync("/openapi/v1.json");
        var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("worker-1", live.Headers.GetValues("X-Node").Single());
        Assert.True(RunsJobServer(app.Services));
        Assert.True(app.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.DispatchEnabled);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.NotNull(scope.ServiceProvider.GetService<EventLogConsumer<ProgramBrandingChanged>>());
    }
}
