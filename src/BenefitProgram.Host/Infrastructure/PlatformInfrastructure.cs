using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenefitProgram.Common;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Messaging;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Common.Security;
using Hangfire;
using Hangfire.PostgreSql;
using MassTransit;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scalar.AspNetCore;

namespace BenefitProgram.Host.Infrastructure;

public static class PlatformInfrastructure
{
    public const string ConnectionStringName = "BenefitProgram";

    public static WebApplicationBuilder AddPlatformInfrastructure(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var role = configuration.GetHostRole();

        builder.Logging.ClearProviders();
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.");
        FileClock.Register(builder); // tests only (Testing environment + Testing:ClockFile)
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());

        services.Configure<OutboxOptions>(o =>
        {
            o.DispatchEnabled = role.RunsBackgroundWork();
            o.PollInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Messaging:Outbox:PollIntervalMs", 1000));
            o.PublishTimeout = TimeSpan.FromSeconds(configuration.GetValue("Messaging:Outbox:PublishTimeoutSeconds", 10));
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // A field the endpoint does not know is refused, so nobody can slip in an id, a status or an amount.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // An explicit null for a non-nullable field is a 400 naming the field. (Missing fields stay optional at the JSON
            // level so that nullable fields may be left out; each request's validator says which fields are required.)
            o.SerializerOptions.RespectNullableAnnotations = true;
            // A number sent as a string ("100") is a wrong type, not a number: refused like any other type mismatch.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new ControlCharacterGuard());
        });

        // Every rate limit (sign-in, key finder, redemptions, pass verification) refuses with a 429 ProblemDetails and
        // Retry-After (seconds until the window ends), so clients and tills know when to try again.
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(Problems.Make(StatusCodes.Status429TooManyRequests, "rate-limited", "Too Many Requests",
                    $"Too many requests of this kind; try again in {retryAfter} seconds.").ExecuteAsync(context.HttpContext));
            };
        });

        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<PostgresReadyCheck>("postgres", tags: ["ready"]);

        services.AddHangfireWithPostgres(connectionString, configuration, role);
        return builder;
    }

    private static void AddHangfireWithPostgres(this IServiceCollection services, string connectionString, IConfiguration configuration, HostRole role)
    {
        var pollMs = configuration.GetValue("Jobs:QueuePollIntervalMs", 1000);
        // One storage and one activator per host (not Hangfire's process-wide statics), so several hosts can share a test process.
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromMilliseconds(pollMs),
            // How long a fetched job stays invisible to other workers; a worker killed mid-job gives its job back after it.
            // Keep it longer than the longest job (a running job is not extended), see docs/adr/0006.
            InvisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("Jobs:InvisibilityTimeoutSeconds", 1800)),
        };
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(
            new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseActivator(sp.GetRequiredService<JobActivator>())
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (role.RunsBackgroundWork())
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = configuration.GetValue("Jobs:WorkerCount", 2);
                o.SchedulePollingInterval = TimeSpan.FromMilliseconds(Math.Max(pollMs, 100));
            });
        }
    }

    public static WebApplication UsePlatformInfrastructure(this WebApplication app)
    {
        var role = app.Configuration.GetHostRole();
        var node = app.Configuration.GetNodeName();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["X-Node"] = node;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            await next(context);
        });
        if (role == HostRole.Worker)
        {
            // A worker answers health checks (and the metrics scrape on its management port) only: the load balancer
            // never sends users here, and nothing else leaks out.
            app.Use((context, next) => context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments(Telemetry.MetricsPath)
                ? next(context)
                : Results.NotFound().ExecuteAsync(context));
        }

        app.UseIdempotencyBuffering();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("BenefitProgram API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        });

        // The Hangfire dashboard is part of the operator area: operators of a program only.
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Operator, "/ops/hangfire", new DashboardOptions
        {
            Authorization = [],
            AppPath = "/ops",
            DashboardTitle = "BenefitProgram jobs",
        });
        return app;
    }

    /// <summary>{"status":"Healthy","node":"web-1","role":"Web","checks":{"postgres":"Healthy","masstransit-bus":"Healthy"}}</summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var configuration = context.RequestServices.GetRequiredService<IConfiguration>();
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            node = configuration.GetNodeName(),
            role = configuration.GetHostRole().ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        }));
    }

    /// <summary>Applies every module's migrations, in module order, and installs Hangfire's schema.</summary>
    public static async Task MigrateAsync(this WebApplication app)
    {
        var phases = StartupPhases.For(app);
        foreach (var module in app.Services.GetServices<IModuleDatabase>())
        {
            await module.MigrateAsync(app.Services, CancellationToken.None);
            phases.Done($"migrations {module.Schema}");
        }

        // Creating the storage installs or upgrades the "hangfire" schema (PrepareSchemaIfNecessary), so the
        // one-shot `migrate` run does it too, instead of the first of several nodes starting at once.
        _ = app.Services.GetRequiredService<JobStorage>();
        phases.Done("hangfire schema");
    }

    /// <summary>Migrates (unless switched off), seeds the demo program when asked and the database is empty, registers recurring jobs.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var configuration = app.Configuration;
        var phases = StartupPhases.For(app);
        phases.Done("host built");
        if (configuration.GetValue("Database:MigrateOnStartup", true))
        {
            await app.MigrateAsync();
        }

        if (configuration.GetValue("Database:SeedDemo", false))
        {
            await using var scope = app.Services.CreateAsyncScope();
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().OrderBy(s => s.Order))
            {
                await seeder.SeedAsync(CancellationToken.None);
            }

            phases.Done("demo seeding");
        }

        if (configuration.GetHostRole().RunsBackgroundWork())
        {
            var manager = new RecurringJobManager(app.Services.GetRequiredService<JobStorage>());
            var timeZone = TimeZoneInfo.FindSystemTimeZoneById(configuration["Jobs:TimeZone"] ?? "UTC");
            foreach (var job in app.Services.GetServices<IRecurringJobDefinition>())
            {
                job.Register(manager, timeZone);
            }

            phases.Done("recurring jobs");
        }

        app.Lifetime.ApplicationStarted.Register(() => phases.Done("hosted services started (bus, Hangfire server, outbox), listening"));
    }
}
