using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Eligibility;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Catalog;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.IntegrationTests.Rewards;
using BenefitProgram.IntegrationTests.Security;
using BenefitProgram.Members.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BenefitProgram.IntegrationTests.Platform;

/// <summary>Keeps every span the host's tracer provider exports (what an OTLP collector would receive).</summary>
internal sealed class CollectingProcessor(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data) => spans.Enqueue(data);
}

/// <summary>
/// A host with the Prometheus scrape endpoint on (management port 9464, no scrape cache), the host's own in-memory bus
/// configuration (so consumers run with its logging scope filter), a capturing logger and a span collector. Catalog
/// eligibility and the Rewards contracts are test doubles so one member can both redeem and earn cashback.
/// </summary>
public sealed class ObservabilityFixture : IAsyncLifetime
{
    public const int ManagementPort = 9464;

    private ResettableHost host = null!;

    public BenefitProgramApp App => host.App;

    public RewardsFakes Fakes { get; } = new();

    internal TestEligibility Eligibility { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public async Task InitializeAsync() => host = await ResettableHost.StartAsync("bp_obs", cs => new BenefitProgramApp(cs, services =>
        {
            RewardsFakes.Register(services, Fakes);
            services.RemoveAll<IMemberEligibility>();
            services.AddSingleton<IMemberEligibility>(Eligibility);
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new CollectingProcessor(Spans)));
            services.AddSingleton<ILoggerProvider>(Logs);
        },
        settings: new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            ["Telemetry:Prometheus:Port"] = ManagementPort.ToString(CultureInfo.InvariantCulture),
            ["Telemetry:Prometheus:ScrapeCacheMilliseconds"] = "0",
            ["Logging:Capture:LogLevel:Default"] = "Information",
            ["Logging:Capture:LogLevel:BenefitProgram"] = "Debug",
        },
        bus: TestBus.InMemory));

    public async Task ResetAsync()
    {
        Fakes.Reset();
        Eligibility.Members.Clear();
        await host.ResetAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>A client talking to the management port (where /metrics answers).</summary>
    public HttpClient Management()
    {
        var client = App.CreateClient();
        client.BaseAddress = new Uri($"http://localhost:{ManagementPort}/");
        return client;
    }

    public async Task<PrometheusScrape> ScrapeAsync()
    {
        var response = await Management().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }
}

/// <summary>The Prometheus text format, read just enough to sum the samples of a metric whose labels match.</summary>
public sealed class PrometheusScrape(string text)
{
    public string Text { get; } = text;

    public double Sum(string metric, params (string Label, string Value)[] labels)
    {
        var total = 0.0;
        foreach (var line in Text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            if (name != metric)
            {
                continue;
            }

            var labelText = brace >= 0 ? line[brace..(line.LastIndexOf('}') + 1)] : "";
            if (labels.All(l => labelText.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                // A timestamp may follow the value in some exporters: the value is the first field after the labels.
                var rest = line[(brace >= 0 ? line.LastIndexOf('}') + 1 : name.Length)..].Trim().Split(' ')[0];
                total += double.Parse(rest, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    public bool Has(string metric) => Text.Split('\n').Any(l => l.StartsWith(metric, StringComparison.Ordinal));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityFixture>
{
    /// <summary>Not in parallel with other collections: business counters are process-wide statics, so nothing else may count meanwhile.</summary>
    public const string Name = "observability";
}

/// <summary>Creates partners and live offers through the API (as CatalogTest does) for tests with a host of their own.</summary>
internal static class OfferSetup
{
    public static async Task<(Guid PartnerId, HttpClient Admin)> CreatePartnerAsync(BenefitProgramApp app, HttpClient ops, string adminPassword = AppFixture.TestPassword)
    {
        var email = $"admin-{Guid.NewGuid():N}@partner.example";
        var response = await ops.PostAsJsonAsync("/api/v1/ops/partners", new
        {
            name = "Kino am Markt",
            logoUrl = (string?)null,
            categories = new[] { "leisure" },
            regions = Array.Empty<string>(),
            cooperationModel = "CoBranding",
            terms = new { commissionRateBasisPoints = 500, feePerRedemptionMinorUnits = 25, currency = "EUR", cashbackFunding = "Shared", partnerShareBasisPoints = 6000 },
            adminEmail = email,
            adminPassword,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/ops/partners/{id}/status", new { status = "Active" })).StatusCode);
        return (id, await TestAccounts.SignInAsync(app, email, adminPassword));
    }

    /// <summary>A live discount offer (redeeming it issues a pass) of the partner in the PlusKonto program.</summary>
    public static async Task<Guid> CreateLiveDiscountOfferAsync(HttpClient partnerAdmin, HttpClient ops)
    {
        var body = new Dictionary<string, object?>
        {
            ["kind"] = "Discount",
            ["category"] = "leisure",
            ["title"] = new { de = "Zehn Prozent auf Kinokarten", en = "Ten percent off cinema tickets" },
            ["description"] = new { de = "An der Kasse vorzeigen.", en = "Show it at the till." },
            ["validFrom"] = BenefitProgramApp.Start.AddDays(-1),
            ["validUntil"] = BenefitProgramApp.Start.AddDays(90),
            ["eligiblePlans"] = new[] { "plus", "premium" },
            ["eligibleRegions"] = null,
            ["limit"] = null,
            ["stock"] = null,
            ["discount"] = new { percentBasisPoints = 1000 },
        };
        var created = await partnerAdmin.PostAsJsonAsync($"/api/v1/partner/programs/{DemoIds.PlusKontoProgram}/offers", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await partnerAdmin.PostAsync($"/api/v1/partner/offers/{id}/submit", null)).StatusCode);
        var approved = await ops.PostAsync($"/api/v1/ops/offers/{id}/approve", null);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        return id;
    }
}

/// <summary>
/// OpenTelemetry in the host (issue 10, part 3): the business counters and the HTTP metrics are scraped from /metrics on
/// the management port after real requests and a real night; a request is one trace with its Npgsql spans as children;
/// the trace id is the X-Correlation-Id response header and is in the log scopes; consumers log with the message id.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ObservabilityTests(ObservabilityFixture fixture) : IAsyncLifetime
{
    private BenefitProgramApp App => fixture.App;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Guid RewardsPartner()
    {
        var id = Guid.NewGuid();
        fixture.Fakes.Partners[id] = new PartnerInfo(id, "Reisebüro Sonnenschein", PartnerStatus.Active, CooperationModel.CrossSelling,
            new PartnerContractTerms(250, 0, "EUR", CashbackFunding.Partner, 10_000), [DemoIds.PlusKontoProgram]);
        return id;
    }

    private Guid CashbackOffer(Guid partnerId)
    {
        var id = Guid.NewGuid();
        fixture.Fakes.Offers[id] = new OfferTerms(id, partnerId, DemoIds.PlusKontoProgram, OfferKind.Cashback, OfferStatus.Live, BenefitProgramApp.Start.AddYears(-2), null,
            [PlanCodes.Plus, PlanCodes.Premium], [], "Pauschalreisen", "Package holidays",
            new CashbackTerms(500, null, 0, null, null, 30, new Dictionary<string, int>(), "EUR"), null);
        return id;
    }

    private void RewardsMember(Guid memberId, string number) =>
        fixture.Fakes.SetMember(new MemberEntitlement(memberId, DemoIds.PlusKontoProgram, number, Guid.NewGuid(), Guid.NewGuid(),
            PlanCodes.Premium, 1, MembershipStatus.Active, true, "80331", "de", [], BenefitKinds.All.ToArray(), 100, [],
            BenefitProgramApp.Start.AddYears(-1), null), null);

    [Fact]
    public async Task A_redemption_a_purchase_and_the_night_that_confirms_its_cashback_show_up_in_the_scraped_metrics()
    {
        var before = await fixture.ScrapeAsync();

        // A member redeems a discount offer (a pass).
        var ops = await TestAccounts.SignInAsync(App, DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        var (_, admin) = await OfferSetup.CreatePartnerAsync(App, ops);
        var offer = await OfferSetup.CreateLiveDiscountOfferAsync(admin, ops);
        var memberId = Guid.NewGuid();
        var member = await TestAccounts.MemberAsync(App, DemoIds.PlusKontoProgram, memberId);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/me/offers/{offer}/redeem", null)).StatusCode);

        // A partner reports a purchase of 2,000.00 EUR with 5 % cashback, and the night after its window confirms it.
        var partner = RewardsPartner();
        var cashbackOffer = CashbackOffer(partner);
        RewardsMember(memberId, "200001");
        var till = await TestAccounts.PartnerUserAsync(App, partner);
        var trip = new DateOnly(2026, 12, 5);
        var purchase = await till.PostAsJsonAsync("/api/v1/partner/purchases", new
        {
            orderReference = "OBS-1", memberNumber = "200001", offerId = cashbackOffer, amountMinorUnits = 200_000, currency = "EUR",
            purchasedAt = BenefitProgramApp.Start.AddDays(-5), serviceDate = trip.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        Assert.True(purchase.StatusCode == HttpStatusCode.Created, await purchase.Content.ReadAsStringAsync());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var results = await scope.ServiceProvider.GetRequiredService<INightRunner>().RunNightAsync(trip.AddDays(30), CancellationToken.None);
            Assert.Contains(results, r => r.Job == "rewards:confirm-cashback" && r.Outcome == JobRunOutcome.Succeeded && r.RowsAffected == 1);
        }

        var after = await fixture.ScrapeAsync();
        double Delta(string metric, params (string, string)[] labels) => after.Sum(metric, labels) - before.Sum(metric, labels);

        var redemptions = Delta("benefitprogram_redemptions_total", ("kind", "DiscountPass"));
        var purchases = Delta("benefitprogram_purchases_total", ("outcome", "recorded"));
        var confirmed = Delta("benefitprogram_cashback_confirmed_total", ("currency", "EUR"));
        var confirmedAmount = Delta("benefitprogram_cashback_confirmed_amount_total", ("currency", "EUR"));
        var nightStep = Delta("benefitprogram_job_duration_seconds_count", ("runner", "night"), ("job", "rewards:confirm-cashback"), ("outcome", "Succeeded"));
        var redeemRequests = Delta("http_server_request_duration_seconds_count",
            ("http_route", "/api/v1/me/offers/{id:guid}/redeem"), ("http_request_method", "POST"), ("http_response_status_code", "200"));
        var summary = $"observability: scraped /metrics: redemptions +{redemptions}, purchases recorded +{purchases}, cashback confirmed +{confirmed} " +
                      $"(+{confirmedAmount} minor units EUR), night step timings +{nightStep}, redeem requests +{redeemRequests}";
        TestFigures.Record(summary);
        var context = summary + "\n" + after.Text;
        Assert.True(redemptions == 1, context);
        Assert.True(purchases == 1, context);
        Assert.True(confirmed == 1, context);
        Assert.True(confirmedAmount == 10_000, context);
        Assert.True(nightStep == 1, context);
        Assert.True(redeemRequests == 1, context);
        // Npgsql's meter (semantic conventions: db.client.*), MassTransit's and the runtime's are exported too.
        var names = string.Join(", ", after.Text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]));
        Assert.True(after.Has("db_client_"), "Npgsql metrics: " + names);
        Assert.True(after.Has("dotnet_"), "runtime metrics: " + names);
    }

    [Fact]
    public async Task The_metrics_endpoint_answers_only_on_the_management_port_and_is_classified_in_the_matrix()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await App.CreateClient().GetAsync("/metrics")).StatusCode);
        var scrape = await fixture.Management().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        // With the endpoint mapped, the authorisation matrix knows it (it is absent from the shared "api" host).
        Assert.Empty(AuthorizationMatrixTests.Unclassified(App.Services));
    }

    [Fact]
    public async Task A_request_is_one_trace_with_npgsql_spans_under_the_http_span_and_its_trace_id_is_in_the_header_and_the_log_scopes()
    {
        var member = await TestAccounts.MemberAsync(App, DemoIds.PlusKontoProgram, Guid.NewGuid());
        var response = await member.GetAsync("/api/v1/me/redemptions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceId = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Contains(traceId, response.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);

        Activity? http = null;
        List<Activity> npgsql = [];
        await Eventually.TrueAsync(() =>
        {
            var trace = fixture.Spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
            http = trace.SingleOrDefault(s => s.Source.Name == "Microsoft.AspNetCore");
            npgsql = trace.Where(s => s.Source.Name == "Npgsql").ToList();
            return http is not null && npgsql.Count > 0;
        }, "the request's HTTP span and its Npgsql spans were exported");
        Assert.Equal(ActivityKind.Server, http!.Kind);
        Assert.All(npgsql, span => Assert.Equal(http.SpanId, span.ParentSpanId));
        Assert.All(npgsql, span => Assert.Equal(ActivityKind.Client, span.Kind));

        var logged = fixture.Logs.Logs.Where(l => l.ScopeValues.TryGetValue("TraceId", out var t) && t?.ToString() == traceId).ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, l => Assert.True(l.ScopeValues.ContainsKey("SpanId")));
    }

    [Fact]
    public async Task A_consumer_logs_inside_a_scope_with_the_message_id_and_correlation_of_the_event()
    {
        var partner = RewardsPartner();
        var cashbackOffer = CashbackOffer(partner);
        var memberId = Guid.NewGuid();
        RewardsMember(memberId, "200002");
        var till = await TestAccounts.PartnerUserAsync(App, partner);
        var purchase = await till.PostAsJsonAsync("/api/v1/partner/purchases", new
        {
            orderReference = "OBS-2", memberNumber = "200002", offerId = cashbackOffer, amountMinorUnits = 10_000, currency = "EUR",
            purchasedAt = BenefitProgramApp.Start.AddDays(-5), serviceDate = (string?)null,
        });
        Assert.True(purchase.StatusCode == HttpStatusCode.Created, await purchase.Content.ReadAsStringAsync());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<INightRunner>().RunNightAsync(DateOnly.FromDateTime(BenefitProgramApp.Start.UtcDateTime).AddDays(30), CancellationToken.None);
        }

        await App.DeliverEventsAsync();
        // The cashback mail consumer logs (at Debug) that e-mail is off in this host: that line carries the message's scope.
        CapturedLog? line = null;
        await Eventually.TrueAsync(() =>
        {
            line = fixture.Logs.Logs.FirstOrDefault(l => l.Category.EndsWith("MemberMailer", StringComparison.Ordinal)
                && l.ScopeValues.TryGetValue("MessageType", out var type) && type?.ToString() == nameof(BenefitProgram.Rewards.Contracts.CashbackConfirmed));
            return line is not null;
        }, "the cashback mail consumer logged");
        Assert.IsType<Guid>(line!.ScopeValues["MessageId"]);
        Assert.True(line.ScopeValues.ContainsKey("CorrelationId"));
        Assert.True(line.ScopeValues.ContainsKey("ConversationId"));
        Assert.True(line.ScopeValues.ContainsKey("TraceId"));

        // The consume is a MassTransit span of the same trace as the log line.
        var traceId = line.ScopeValues["TraceId"]?.ToString();
        Assert.Contains(fixture.Spans, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer && s.TraceId.ToHexString() == traceId);
    }

    [Fact]
    public async Task A_hangfire_job_is_a_span_and_its_duration_is_scraped()
    {
        var before = await fixture.ScrapeAsync();
        new Hangfire.RecurringJobManager(App.Services.GetRequiredService<Hangfire.JobStorage>()).Trigger("catalog:offer-lifecycle");

        await Eventually.TrueAsync(() => fixture.Spans.Any(s => s.Source.Name == "BenefitProgram" && s.DisplayName == "hangfire OfferLifecycleJob.RunAsync"),
            "the Hangfire job ran in a span", timeoutMs: 30_000);
        var job = fixture.Spans.First(s => s.DisplayName == "hangfire OfferLifecycleJob.RunAsync");
        Assert.Equal(ActivityStatusCode.Unset, job.Status);
        Assert.Contains(fixture.Spans, s => s.Source.Name == "Npgsql" && s.TraceId == job.TraceId); // its SQL is in its trace

        var after = await fixture.ScrapeAsync();
        var runs = after.Sum("benefitprogram_job_duration_seconds_count", ("runner", "hangfire"), ("job", "OfferLifecycleJob.RunAsync"), ("outcome", "Succeeded"))
                   - before.Sum("benefitprogram_job_duration_seconds_count", ("runner", "hangfire"), ("job", "OfferLifecycleJob.RunAsync"), ("outcome", "Succeeded"));
        Assert.True(runs == 1, $"hangfire job timings +{runs}");
    }
}
