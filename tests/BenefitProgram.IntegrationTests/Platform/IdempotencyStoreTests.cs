using BenefitProgram.Common.Http;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BenefitProgram.IntegrationTests.Platform;

public sealed class IdempotencyStoreTests(AppFixture fixture) : ApiTest(fixture)
{
    private async Task<T> WithStore<T>(Func<IIdempotencyStore, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IIdempotencyStore>());
    }

    [Fact]
    public async Task The_first_request_runs_a_repeat_is_replayed_and_a_different_body_is_refused()
    {
        Assert.IsType<IdempotencyBegin.Started>(await WithStore(s => s.BeginAsync("user:1 POST /x", "k1", "hash-a", default)));
        Assert.IsType<IdempotencyBegin.InProgress>(await WithStore(s => s.BeginAsync("user:1 POST /x", "k1", "hash-a", default)));

        await WithStore(async s => { await s.CompleteAsync("user:1 POST /x", "k1", 201, "application/json", "{\"id\":1}"u8.ToArray(), default); return 0; });
        var replay = Assert.IsType<IdempotencyBegin.Completed>(await WithStore(s => s.BeginAsync("user:1 POST /x", "k1", "hash-a", default)));
        Assert.Equal(201, replay.StatusCode);
        Assert.Equal("{\"id\":1}", System.Text.Encoding.UTF8.GetString(replay.Body));

        Assert.IsType<IdempotencyBegin.Mismatch>(await WithStore(s => s.BeginAsync("user:1 POST /x", "k1", "hash-b", default)));
        // Keys are per caller: another caller's identical key is a new request.
        Assert.IsType<IdempotencyBegin.Started>(await WithStore(s => s.BeginAsync("user:2 POST /x", "k1", "hash-a", default)));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_let_exactly_one_run()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => WithStore(s => s.BeginAsync("user:1 POST /y", "race", "h", default))));
        Assert.Single(results.OfType<IdempotencyBegin.Started>());
        Assert.Equal(19, results.OfType<IdempotencyBegin.InProgress>().Count());
    }

    [Fact]
    public async Task An_abandoned_claim_can_be_retried_and_a_stale_one_taken_over()
    {
        await WithStore(s => s.BeginAsync("user:1 POST /z", "k", "h", default));
        await WithStore(async s => { await s.AbandonAsync("user:1 POST /z", "k", default); return 0; });
        Assert.IsType<IdempotencyBegin.Started>(await WithStore(s => s.BeginAsync("user:1 POST /z", "k", "h", default)));

        // The process that claimed it died: after the timeout another request may take over.
        App.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.IsType<IdempotencyBegin.Started>(await WithStore(s => s.BeginAsync("user:1 POST /z", "k", "h", default)));
    }
}
