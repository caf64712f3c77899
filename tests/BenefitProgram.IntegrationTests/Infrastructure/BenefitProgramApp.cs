using BenefitProgram.Common.Messaging;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>
/// The real host on a real PostgreSQL database of its own, with a fake clock, MassTransit's test harness and the outbox
/// delivered on demand (<see cref="DeliverEventsAsync"/>) so tests decide when events travel.
/// </summary>
public sealed class BenefitProgramApp(
    string connectionString,
    Action<IServiceCollection>? configureServices = null,
    Action<IBusRegistrationConfigurator>? extraConsumers = null)
    : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    public TestClock Clock { get; } = new(Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:BenefitProgram", connectionString);
        builder.UseSetting("Database:SeedDemo", "false");
        builder.UseSetting("Jobs:QueuePollIntervalMs", "100");
        builder.UseSetting("Jobs:WorkerCount", "1");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.Configure<OutboxOptions>(o => o.DispatchEnabled = false);
            services.AddMassTransitTestHarness(bus =>
            {
                bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(5));
                extraConsumers?.Invoke(bus);
            });
            configureServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetTestHarness();

    /// <summary>Delivers every module's outbox until all are empty; returns how many events were published.</summary>
    public async Task<int> DeliverEventsAsync()
    {
        var total = 0;
        foreach (var dispatcher in Services.GetServices<IOutboxDispatcher>())
        {
            int sent;
            do
            {
                sent = await dispatcher.DispatchBatchAsync(CancellationToken.None);
                total += sent;
            }
            while (sent > 0);
        }

        return total;
    }
}
