using BenefitProgram.Host.Operations;
using MassTransit;

namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// The one MassTransit bus: in-memory by default, RabbitMQ when Messaging:Transport = RabbitMq (docs/adr/0006).
/// Every role gets a bus (its health is part of /health/ready); only roles that run background work host consumers.
/// </summary>
public static class MessageBus
{
    public static bool UsesRabbitMq(IConfiguration configuration) =>
        string.Equals(configuration["Messaging:Transport"], "RabbitMq", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddMessageBus(this WebApplicationBuilder builder, Action<IBusRegistrationConfigurator> consumers)
    {
        var configuration = builder.Configuration;
        var runsConsumers = configuration.GetHostRole().RunsBackgroundWork();
        builder.Services.AddMassTransit(bus =>
        {
            ConfigureRegistration(bus, configuration);
            if (runsConsumers)
            {
                consumers(bus);
                bus.AddHostOpsConsumers(configuration["Messaging:EndpointPrefix"]);
            }

            if (UsesRabbitMq(configuration))
            {
                bus.UsingRabbitMq((context, cfg) => ConfigureRabbitMq(context, cfg, configuration));
            }
            else
            {
                bus.UsingInMemory((context, cfg) => ConfigureInMemory(context, cfg, configuration));
            }
        });
        return builder;
    }

    /// <summary>Endpoint names and health check: shared by the host and the tests that swap in the test harness.</summary>
    public static void ConfigureRegistration(IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        // Queue names are kebab-case consumer names ("event-log"); a prefix lets two installations share one broker.
        var prefix = configuration["Messaging:EndpointPrefix"];
        bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(string.IsNullOrWhiteSpace(prefix) ? null : prefix, false));
        // MassTransit adds a health check per bus; make sure /health/ready (tag "ready") includes it.
        bus.ConfigureHealthCheckOptions(o =>
        {
            o.Name = "masstransit-bus";
            o.Tags.Add("ready");
        });
    }

    /// <summary>
    /// RabbitMQ: durable queues and exchanges (MassTransit's default), publisher confirms, retries with exponential
    /// back-off in the consumer, then the message moves to the queue's "_error" queue (MassTransit's default fault path).
    /// </summary>
    public static void ConfigureRabbitMq(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator cfg, IConfiguration configuration)
    {
        var rabbit = configuration.GetSection("Messaging:RabbitMq");
        cfg.Host(rabbit["Host"] ?? "127.0.0.1", rabbit.GetValue<ushort>("Port", 5672), rabbit["VirtualHost"] ?? "/", h =>
        {
            h.Username(rabbit["Username"] ?? "guest");
            h.Password(rabbit["Password"] ?? "guest");
            h.PublisherConfirmation = true;
            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(rabbit.GetValue("ConnectionTimeoutSeconds", 10)));
        });
        cfg.Durable = true;
        cfg.PrefetchCount = rabbit.GetValue("PrefetchCount", 16);
        cfg.UseConsumeFilter(typeof(ConsumeLoggingScopeFilter<>), context);
        ConfigureRetry(cfg, configuration, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        cfg.ConfigureEndpoints(context);
    }

    public static void ConfigureInMemory(IBusRegistrationContext context, IInMemoryBusFactoryConfigurator cfg, IConfiguration configuration)
    {
        cfg.UseConsumeFilter(typeof(ConsumeLoggingScopeFilter<>), context);
        ConfigureRetry(cfg, configuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        cfg.ConfigureEndpoints(context);
    }

    /// <summary>Messaging:Retry:Limit / MinIntervalMs / MaxIntervalMs / IntervalDeltaMs; defaults per transport.</summary>
    private static void ConfigureRetry(IBusFactoryConfigurator cfg, IConfiguration configuration, TimeSpan min, TimeSpan max, TimeSpan delta)
    {
        var retry = configuration.GetSection("Messaging:Retry");
        var limit = retry.GetValue("Limit", 5);
        var minInterval = TimeSpan.FromMilliseconds(retry.GetValue("MinIntervalMs", (int)min.TotalMilliseconds));
        var maxInterval = TimeSpan.FromMilliseconds(retry.GetValue("MaxIntervalMs", (int)max.TotalMilliseconds));
        var deltaInterval = TimeSpan.FromMilliseconds(retry.GetValue("IntervalDeltaMs", (int)delta.TotalMilliseconds));
        cfg.UseMessageRetry(r => r.Exponential(limit, minInterval, maxInterval, deltaInterval));
    }
}
