using BenefitProgram.Common.Http;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Persistence;
using BenefitProgram.Common.Security;
using Hangfire;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BenefitProgram.Host.Operations;

public sealed record EnqueueProbeJobsRequest(int Count, int DurationMs);

public sealed record ProbeJobsEnqueued(string Run, int Count);

public sealed record ReceivedEventEntry(Guid MessageId, string Type, DateTimeOffset ReceivedAt, string Node);

/// <summary>The host's operations slice: event log, heartbeat and probe jobs (schema host_ops). See docs/scale-out.md.</summary>
public static class HostOpsModule
{
    public static IServiceCollection AddHostOps(this IServiceCollection services)
    {
        services.AddModuleDbContext<HostOpsDbContext>(HostOpsDbContext.SchemaName);
        services.AddTransient<HeartbeatJob>();
        services.AddTransient<ProbeJob>();
        services.AddSingleton<IRecurringJobDefinition>(sp => new RecurringJobDefinition<HeartbeatJob>(
            HeartbeatJob.Id,
            sp.GetRequiredService<IConfiguration>()["Jobs:Heartbeat:Cron"] ?? "*/5 * * * *",
            job => job.RunAsync(null, CancellationToken.None)));
        return services;
    }

    /// <summary>One EventLog consumer per integration event type, all on the queue "event-log".</summary>
    public static void AddHostOpsConsumers(this IBusRegistrationConfigurator bus, string? endpointPrefix)
    {
        var queue = string.IsNullOrWhiteSpace(endpointPrefix) ? "event-log" : $"{endpointPrefix}-event-log";
        foreach (var eventType in IntegrationEvents.Discover())
        {
            bus.AddConsumer(typeof(EventLogConsumer<>).MakeGenericType(eventType)).Endpoint(e => e.Name = queue);
        }
    }

    public static IEndpointRouteBuilder MapHostOps(this IEndpointRouteBuilder api)
    {
        var ops = api.MapGroup("/ops/diagnostics").WithTags("Diagnostics").RequireAuthorization(Policies.Operator);

        ops.MapPost("/probe-jobs", Results<Accepted<ProbeJobsEnqueued>, ProblemHttpResult> (EnqueueProbeJobsRequest request, IBackgroundJobClient jobs) =>
        {
            if (request.Count is < 1 or > 500 || request.DurationMs is < 0 or > 60_000)
            {
                return Problems.BadRequest("probe-out-of-range", "count must be 1-500 and durationMs 0-60000.");
            }

            var run = Guid.CreateVersion7().ToString("N");
            for (var i = 1; i <= request.Count; i++)
            {
                var item = i;
                jobs.Enqueue<ProbeJob>(j => j.RunAsync(run, item, request.DurationMs, null, CancellationToken.None));
            }

            return TypedResults.Accepted($"/api/v1/ops/diagnostics/probe-jobs/{run}", new ProbeJobsEnqueued(run, request.Count));
        }).WithSummary("Enqueues probe background jobs that record which worker ran them (host_ops.job_runs).");

        ops.MapGet("/event-log", async (HostOpsDbContext db, CancellationToken ct, int take = 50) =>
            TypedResults.Ok(await db.ReceivedEvents.AsNoTracking()
                .OrderByDescending(e => e.ReceivedAt).Take(Math.Clamp(take, 1, 500))
                .Select(e => new ReceivedEventEntry(e.MessageId, e.Type, e.ReceivedAt, e.Node))
                .ToListAsync(ct)))
            .WithSummary("The latest integration events the workers received (id, type, time, node).");
        return api;
    }
}
