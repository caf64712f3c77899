using BenefitProgram.Catalog;
using BenefitProgram.Host.Infrastructure;
using BenefitProgram.Host.Operations;
using BenefitProgram.Host.Portal;
using BenefitProgram.Members;
using BenefitProgram.Notifications;
using BenefitProgram.Platform;
using BenefitProgram.Reporting;
using BenefitProgram.Rewards;

var builder = WebApplication.CreateBuilder(args);

// Cross-cutting: PostgreSQL, ProblemDetails, OpenAPI, health, logging, Hangfire, MassTransit.
builder.AddPlatformInfrastructure();

// Traces, metrics and correlation ids (OpenTelemetry); exported only by configuration (docs/adr/0016).
builder.AddTelemetry();

// The modules. Each owns its schema, endpoints, jobs and consumers.
builder.Services
    .AddPlatform()
    .AddMembers()
    .AddCatalog()
    .AddRewards()
    .AddReporting()
    .AddNotifications()
    .AddHostOps(); // event log, heartbeat and probe jobs (schema host_ops): what operators watch on workers

// The portals: member (/), partner (/partner), operator console (/ops), on the same REST API.
builder.AddPortals();

builder.AddMessageBus(bus =>
{
    bus.AddMembersConsumers();
    bus.AddCatalogConsumers();
    bus.AddRewardsConsumers();
    bus.AddReportingConsumers();
    bus.AddNotificationsConsumers();
});

var app = builder.Build();

app.UseTelemetry(); // first: every response carries X-Correlation-Id; /metrics on the management port when enabled
app.UsePlatformInfrastructure();

var api = app.MapGroup("/api/v1");
api.MapPlatform();
api.MapMembers();
api.MapCatalog();
api.MapRewards();
api.MapReporting();
api.MapNotifications();
api.MapHostOps();

app.MapPortals();

if (args.Contains("migrate"))
{
    await app.MigrateAsync();
    return;
}

await app.PrepareDatabaseAsync();
await app.RunAsync();

public partial class Program;
