using BenefitProgram.Common.Messaging;
using BenefitProgram.Host.Infrastructure;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>How a test app's bus is built.</summary>
public enum TestBus
{
    /// <summary>MassTransit's in-memory test harness as it comes (no retry): the default for API tests.</summary>
    Harness,
    /// <summary>The host's own in-memory configuration (retries, endpoint names), observed through the harness.</summary>
    InMemory,
    /// <summary>The host's own RabbitMQ configuration against the test broker (BP_TEST_RABBITMQ), observed through the harness.</summary>
    RabbitMq,
    /// <summary>
    /// The host's bus exactly as Program.cs registers it, on RabbitMQ, without the harness (which waits for the broker
    /// at start-up, where the host does not).
    /// </summary>
    RabbitMqWithoutHarness,
}

/// <summary>
/// The real host on a real PostgreSQL database of its own, with a fake clock, MassTransit's test harness and the outbox
/// delivered on demand (<see cref="DeliverEventsAsync"/>) so tests decide when events travel. Messaging tests pass
/// <paramref name="bus"/>, <paramref name="settings"/> (e.g. Host:Role) and <paramref name="deliverOnDemand"/> = false
/// to run the real outbox dispatcher.
/// </summary>
public sealed class BenefitProgramApp(
    string connectionString,
    Action<IServiceCollection>? configureServices = null,
    Action<IBusRegistrationConfigurator>? extraConsumers = null,
    IReadOnlyDictionary<string, string?>? settings = null,
    TestBus bus = TestBus.Harness,
    bool deliverOnDemand = true)
    : WebApplicationFactory<Program>
{
    /// <summary>The test broker infra/test.sh starts; the default matches its default port.</summary>
    public static Uri RabbitMqUri => new(Environment.GetEnvironmentVariable("BP_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5699/");

    private Dictionary<string, string?> AllSettings()
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (bus is TestBus.RabbitMq or TestBus.RabbitMqWithoutHarness)
        {
            var uri = RabbitMqUri;
            var user = uri.UserInfo.Split(':');
            all["Messaging:Transport"] = "RabbitMq";
            all["Messaging:RabbitMq:Host"] = uri.Host;
            all["Messaging:RabbitMq:Port"] = uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            all["Messaging:RabbitMq:Username"] = Uri.UnescapeDataString(user[0]);
            all["Messaging:RabbitMq:Password"] = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "";
            all["Messaging:RabbitMq:ConnectionTimeoutSeconds"] = "5";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    public static readonly DateTimeOffset Start = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    public TestClock Clock { get; } = new(Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Like Development: every registration must be constructible, so a broken one fails here and not at a customer's start-up.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.UseSetting("ConnectionStrings:BenefitProgram", connectionString);
        builder.UseSetting("Database:SeedDemo", "false");
        builder.UseSetting("Jobs:QueuePollIntervalMs", "100");
        builder.UseSetting("Jobs:WorkerCount", "1");
        // The hourly night trigger would fire on the wall clock and run nights at the test clock's "now" in the middle of a
        // test; tests run nights themselves (INightRunner.RunNightAsync / RunDueNightsAsync).
        builder.UseSetting("Jobs:NightTriggerCron", "0 0 31 2 *");
        // Tests sign in and redeem far more often than a person; AbuseLimitTests checks the limits with low values.
        builder.UseSetting("Platform:SignIn:PermitsPerMinute", "100000");
        builder.UseSetting("Catalog:Redemptions:PermitsPerMinute", "100000");
        builder.UseSetting("Catalog:PassVerification:PermitsPerMinute", "100000");
        // Each test resets the database under the same host: a browse total kept from the previous test would be wrong.
        builder.UseSetting("Catalog:Search:BrowseTotalSeconds", "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (Environment.GetEnvironmentVariable("BP_BENCH") == "1")
        {
            // infra/bench.sh reads the purchase importer's phase timings from the log.
            builder.UseSetting("Logging:LogLevel:BenefitProgram.Rewards.Purchases", "Information");
            builder.ConfigureLogging(l => l.AddFilter("BenefitProgram.Rewards.Purchases", LogLevel.Information));
        }
        var all = AllSettings();
        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (deliverOnDemand)
            {
                services.Configure<OutboxOptions>(o => o.DispatchEnabled = false);
            }

            if (bus == TestBus.RabbitMqWithoutHarness)
            {
                configureServices?.Invoke(services);
                return;
            }

            services.AddMassTransitTestHarness(x =>
            {
                x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(5));
                if (bus != TestBus.Harness)
                {
                    MessageBus.ConfigureRegistration(x, configuration);
                }

                extraConsumers?.Invoke(x);
                if (bus == TestBus.RabbitMq)
                {
                    x.UsingRabbitMq((context, cfg) => MessageBus.ConfigureRabbitMq(context, cfg, configuration));
                }
                else if (bus == TestBus.InMemory)
                {
                    x.UsingInMemory((context, cfg) => MessageBus.ConfigureInMemory(context, cfg, configuration));
                }
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
