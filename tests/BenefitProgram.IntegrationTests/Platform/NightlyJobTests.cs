using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Platform;

/// <summary>The night runner and the job run record, with two test steps on a host and database of their own.</summary>
public sealed class NightlyJobTests : IAsyncLifetime
{
    private static readonly DateOnly Night = new(2026, 11, 24);
    private readonly StepLog log = new();
    private string connectionString = "";
    private BenefitProgramApp app = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync("bp_nights");
        app = new BenefitProgramApp(connectionString, services =>
        {
            // Only the two test steps: the modules' own steps (billing run, reporting) have tests of their own.
            foreach (var step in services.Where(d => d.ServiceType == typeof(INightlyJob)).ToList())
            {
                services.Remove(step);
            }

            services.AddSingleton(log);
            services.AddScoped<INightlyJob, CountingStep>();
            services.AddScoped<INightlyJob, FlakyStep>();
        });
        _ = app.Server;

        // Nights run per program time zone: the demo programs (both Europe/Berlin) give the night one zone.
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDemoSeeder>().Where(s => s.Order == 0))
        {
            await seeder.SeedAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await TestDatabase.DropAsync(connectionString);
    }

    /// <summary>Runs the night and returns the results of the two test steps (the modules' own steps run too).</summary>
    private async Task<IReadOnlyList<JobRunResult>> RunNightAsync(DateOnly night) =>
        (await app.Services.GetRequiredService<INightRunner>().RunNightAsync(night, CancellationToken.None))
            .Where(r => r.Job.StartsWith("test:", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Running_the_same_night_twice_runs_each_step_once()
    {
        var first = await RunNightAsync(Night);
        // Modules register their own steps too (rewards:...); these tests look at their two test steps.
        Assert.Equal(["test:counting", "test:flaky"], first.Select(r => r.Job).Where(j => j.StartsWith("test:", StringComparison.Ordinal)));
        Assert.All(first, r => Assert.Equal(JobRunOutcome.Succeeded, r.Outcome));

        var second = await RunNightAsync(Night);
        Assert.All(second, r => Assert.True(r.AlreadyDone));
        Assert.Equal(1, log.Runs.Count(r => r == $"counting {Night}"));

        // The next night is a new period.
        await RunNightAsync(Night.AddDays(1));
        Assert.Equal(1, log.Runs.Count(r => r == $"counting {Night.AddDays(1)}"));
    }

    [Fact]
    public async Task A_failed_step_runs_again_and_the_steps_that_succeeded_do_not()
    {
        log.FailNext = true;
        var first = await RunNightAsync(Night);
        Assert.Equal(JobRunOutcome.Succeeded, first[0].Outcome);
        Assert.Equal(JobRunOutcome.Failed, first[1].Outcome);
        Assert.Contains("simulated", first[1].Error, StringComparison.Ordinal);

        var second = await RunNightAsync(Night);
        Assert.True(second[0].AlreadyDone);
        Assert.Equal(JobRunOutcome.Succeeded, second[1].Outcome);
        Assert.Equal(1, log.Runs.Count(r => r == $"counting {Night}"));

        await using var scope = app.Services.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().JobRuns.SingleAsync(r => r.Job == "test:flaky");
        Assert.Equal(2, run.Attempts);
        Assert.Null(run.Error);
    }

    [Fact]
    public async Task Two_workers_starting_the_same_night_at_once_run_each_step_once()
    {
        log.Delay = TimeSpan.FromMilliseconds(300);
        await Task.WhenAll(RunNightAsync(Night), RunNightAsync(Night), RunNightAsync(Night));
        Assert.Equal(1, log.Runs.Count(r => r == $"counting {Night}"));
        Assert.Equal(1, log.Runs.Count(r => r == $"flaky {Night}"));
    }

    [Fact]
    public async Task A_run_left_running_by_a_crashed_process_is_run_again()
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            // What a kill -9 in the middle leaves behind: a claim without an outcome, and no lock (it died with the connection).
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO platform.job_runs (job, period, zone, outcome, attempts, started_at, rows_affected, run_by) VALUES ('test:counting', '2026-11-24', 'Europe/Berlin', 'Running', 1, now(), 0, 'dead:1')");
        }

        var results = await RunNightAsync(Night);
        Assert.Equal(JobRunOutcome.Succeeded, results[0].Outcome);
        Assert.False(results[0].AlreadyDone);
        Assert.Equal(1, log.Runs.Count(r => r == $"counting {Night}"));
    }

    [Fact]
    public async Task Operators_see_the_run_records_and_nobody_else_does()
    {
        await RunNightAsync(Night);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/ops/jobs/runs")).StatusCode);

        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword }))
            .Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var runs = await client.GetFromJsonAsync<JsonElement>("/api/v1/ops/jobs/runs");
        Assert.Equal(2, runs.EnumerateArray().Count(r => r.GetProperty("job").GetString()!.StartsWith("test:", StringComparison.Ordinal)));
        Assert.Equal(3, runs.EnumerateArray().Single(r => r.GetProperty("job").GetString() == "test:counting").GetProperty("rowsAffected").GetInt64());

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/v1/ops/jobs/nights/yesterday", null)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync("/api/v1/ops/jobs/nights/2030-01-01", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/ops/jobs/nights/2026-11-23", null)).StatusCode);
    }

    public sealed class StepLog
    {
        public ConcurrentQueue<string> Runs { get; } = new();
        public bool FailNext { get; set; }
        public TimeSpan Delay { get; set; }
    }

    private sealed class CountingStep(StepLog log) : INightlyJob
    {
        public string Name => "test:counting";
        public int Order => 1;

        public async Task<long> RunAsync(NightScope night, CancellationToken ct)
        {
            log.Runs.Enqueue($"counting {night.Night}");
            await Task.Delay(log.Delay, ct);
            return 3;
        }
    }

    private sealed class FlakyStep(StepLog log) : INightlyJob
    {
        public string Name => "test:flaky";
        public int Order => 2;

        public Task<long> RunAsync(NightScope night, CancellationToken ct)
        {
            if (log.FailNext)
            {
                log.FailNext = false;
                throw new InvalidOperationException("simulated failure");
            }

            log.Runs.Enqueue($"flaky {night.Night}");
            return Task.FromResult(1L);
        }
    }
}
