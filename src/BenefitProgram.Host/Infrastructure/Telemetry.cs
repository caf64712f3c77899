using System.Diagnostics;
using BenefitProgram.Common.Observability;
using Hangfire.Common;
using Hangfire.Server;
using MassTransit;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// OpenTelemetry traces and metrics (docs/adr/0016-observability.md): HTTP in and out, Npgsql, MassTransit, Hangfire jobs
/// and the night's steps, .NET runtime, and the business counters of <see cref="BusinessMetrics"/>. Exported by
/// configuration only:
/// - Telemetry:Otlp:Endpoint (e.g. http://otel-collector:4318) and Telemetry:Otlp:Protocol (HttpProtobuf | Grpc):
///   traces, metrics and logs to an OpenTelemetry collector;
/// - Telemetry:Prometheus:Enabled = true: a scrape endpoint GET /metrics that answers only on the management port
///   Telemetry:Prometheus:Port (default 9464), which the host then also listens on; the public port answers 404.
/// Without either, spans and measurements are made (log lines carry TraceId/SpanId) but nothing leaves the process.
/// Every response carries X-Correlation-Id (the trace id) and traceparent, so a support case can be found in logs and traces.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var role = configuration.GetHostRole();

        // Every log line written inside a request, consumer or job carries the trace and span ids as a scope.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService("benefitprogram", serviceInstanceId: configuration.GetNodeName())
                .AddAttributes([new("benefitprogram.host.role", role.ToString())]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("MassTransit")
                .AddSource(BusinessMetrics.ActivitySourceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(BusinessMetrics.MeterName));

        if (configuration["Telemetry:Otlp:Endpoint"] is { Length: > 0 } endpoint)
        {
            var protocol = string.Equals(configuration["Telemetry:Otlp:Protocol"], "Grpc", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.Grpc
                : OtlpExportProtocol.HttpProtobuf;
            otel.UseOtlpExporter(protocol, new Uri(endpoint));
        }

        if (PrometheusEnabled(configuration))
        {
            // A scrape answer is cached briefly (Telemetry:Prometheus:ScrapeCacheMilliseconds, default 300) against scrape storms.
            var cacheMs = configuration.GetValue("Telemetry:Prometheus:ScrapeCacheMilliseconds", 300);
            otel.WithMetrics(metrics => metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = cacheMs));
            // The management port is listened on besides the configured addresses; the endpoint answers only there.
            var urls = ListenAddresses(builder.WebHost);
            var management = $"http://+:{PrometheusPort(configuration)}";
            if (!urls.Contains(management, StringComparison.Ordinal))
            {
                builder.WebHost.UseUrls($"{urls};{management}");
            }
        }

        // Hangfire: a span and a duration per performed job (the per-host filter provider, not Hangfire's static GlobalJobFilters).
        builder.Services.AddSingleton<IJobFilterProvider>(_ =>
            new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { new HangfireTelemetryFilter() }));
        return builder;
    }

    /// <summary>
    /// What Kestrel would listen on: ASPNETCORE_URLS, else ASPNETCORE_HTTP_PORTS/HTTPS_PORTS (the container image sets
    /// HTTP_PORTS=8080), else ASP.NET Core's default. UseUrls replaces all of them, so they are carried over.
    /// </summary>
    private static string ListenAddresses(IWebHostBuilder webHost)
    {
        if (webHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } urls)
        {
            return urls;
        }

        static IEnumerable<string> Ports(string? ports, string scheme) =>
            (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://+:{p}");
        var fromPorts = Ports(webHost.GetSetting("http_ports"), "http").Concat(Ports(webHost.GetSetting("https_ports"), "https")).ToList();
        return fromPorts.Count > 0 ? string.Join(';', fromPorts) : "http://localhost:5000";
    }

    public static bool PrometheusEnabled(IConfiguration configuration) => configuration.GetValue("Telemetry:Prometheus:Enabled", false);

    public static int PrometheusPort(IConfiguration configuration) => configuration.GetValue("Telemetry:Prometheus:Port", 9464);

    /// <summary>Correlation headers on every response, and the scrape endpoint when Prometheus is on.</summary>
    public static WebApplication UseTelemetry(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var activity = Activity.Current;
            if (activity is not null)
            {
                // Set when the response starts, so they survive the exception handler clearing the headers.
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers["X-Correlation-Id"] = activity.TraceId.ToHexString();
                    headers["traceparent"] = activity.Id;
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });

        if (PrometheusEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireHost($"*:{PrometheusPort(app.Configuration)}");
        }

        return app;
    }

    /// <summary>Health probes and scrapes are not traced: they would drown the traces people look at.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}

/// <summary>
/// A span "hangfire {Type.Method}" around every performed Hangfire job and its duration in benefitprogram.job.duration
/// (runner "hangfire"). The night's steps inside the nightly job get spans of their own from the job run log.
/// </summary>
internal sealed class HangfireTelemetryFilter : IServerFilter
{
    private const string ActivityKey = "bp-telemetry-activity";
    private const string StartedKey = "bp-telemetry-started";

    public void OnPerforming(PerformingContext context)
    {
        var name = JobName(context.BackgroundJob.Job);
        var activity = BusinessMetrics.ActivitySource.StartActivity($"hangfire {name}", ActivityKind.Internal);
        activity?.SetTag("benefitprogram.job", name);
        activity?.SetTag("hangfire.job_id", context.BackgroundJob.Id);
        context.Items[ActivityKey] = activity;
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        var failed = context.Exception is not null && !context.ExceptionHandled;
        if (context.Items.TryGetValue(ActivityKey, out var value) && value is Activity activity)
        {
            if (failed)
            {
                activity.SetStatus(ActivityStatusCode.Error, context.Exception!.GetType().Name);
            }

            activity.Dispose();
        }

        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
        {
            BusinessMetrics.JobRan("hangfire", JobName(context.BackgroundJob.Job), failed ? "Failed" : "Succeeded", Stopwatch.GetElapsedTime(timestamp));
        }
    }

    private static string JobName(Job? job) => job is null ? "unknown" : $"{job.Type.Name}.{job.Method.Name}";
}

/// <summary>
/// Every message a consumer handles is logged inside a scope with its MessageId, CorrelationId, ConversationId and
/// message type (besides the TraceId/SpanId of the consume span), so a consumer's log lines can be tied to the event.
/// </summary>
internal sealed class ConsumeLoggingScopeFilter<T>(ILogger<ConsumeLoggingScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["MessageId"] = context.MessageId,
            ["CorrelationId"] = context.CorrelationId,
            ["ConversationId"] = context.ConversationId,
            ["MessageType"] = typeof(T).Name,
        }))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("logging-scope");
}
