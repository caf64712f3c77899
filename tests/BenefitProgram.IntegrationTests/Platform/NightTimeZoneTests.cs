using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.IntegrationTests.Rewards;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Platform;

/// <summary>
/// Nights per program time zone (docs/adr/0019-nights-per-time-zone.md): PlusKonto stays in Europe/Berlin, the other demo
/// program moves to America/New_York. Cashback is confirmed by the hourly trigger in each zone's own night, over that
/// zone's programs only; a night runs once per zone, and missed nights are caught up.
/// </summary>
public sealed class NightTimeZoneTests(RewardsFixture fixture) : RewardsTest(fixture)
{
    private const string NewYork = "America/New_York";
    private static readonly TimeZoneInfo NewYorkZone = TimeZoneInfo.FindSystemTimeZoneById(NewYork);
    private static readonly TimeZoneInfo BerlinZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Local(TimeZoneInfo zone, int month, int day, int hour, int minute)
    {
        var local = new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] args)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Task<string> StateAsync(string orderReference) =>
        ScalarAsync<string>("SELECT state FROM rewards.purchases WHERE order_reference = @r", ("r", orderReference));

    /// <summary>The nights of the confirm step recorded for a zone, in order.</summary>
    private async Task<List<string>> NightsAsync(string zone)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT period || ' x' || attempts FROM platform.job_runs WHERE job = 'rewards:confirm-cashback' AND zone = @z AND outcome = 'Succeeded' ORDER BY period", connection);
        command.Parameters.AddWithValue("z", zone);
        var nights = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            nights.Add(reader.GetString(0));
        }

        return nights;
    }

    /// <summary>What the hourly Hangfire trigger does at the given instant.</summary>
    private async Task<IReadOnlyList<JobRunResult>> TriggerAtAsync(DateTimeOffset instant)
    {
        App.Clock.SetUtcNow(instant);
        var results = await App.Services.GetRequiredService<INightRunner>().RunDueNightsAsync(CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Outcome == JobRunOutcome.Succeeded, $"{r.Job} {r.Period} {r.Zone}: {r.Error}"));
        return results;
    }

    private async Task<(Guid Partner, Guid Offer)> PartnerOfAsync(Guid program)
    {
        var partner = Fixture.AddPartner();
        Fixture.Fakes.Partners[partner] = Fixture.Fakes.Partners[partner] with { ProgramIds = [program] };
        var offer = Fixture.AddCashbackOffer(partner, windowDays: 30, program: program);
        await Task.CompletedTask;
        return (partner, offer);
    }

    [Fact]
    public async Task Each_time_zone_confirms_cashback_in_its_own_night_over_its_own_programs_once_and_catches_up_missed_nights()
    {
        var other = await Fixture.OtherProgramOperatorAsync();
        var moved = await other.PutAsJsonAsync("/api/v1/ops/program/time-zone", new { timeZone = NewYork });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(NewYork, (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("timeZone").GetString());

        var (berlinPartner, berlinOffer) = await PartnerOfAsync(DemoIds.PlusKontoProgram);
        var (newYorkPartner, newYorkOffer) = await PartnerOfAsync(DemoIds.OtherProgram);
        Fixture.AddMember(number: "B-1");
        Fixture.AddMember(number: "N-1", program: DemoIds.OtherProgram);

        // Berlin: 00:30 local on 11 Nov (still 10 Nov in UTC) → the window is 30 local days, its last day 11 Dec.
        // New York: 23:30 local on 10 Nov (already 11 Nov in UTC) → its last day is 10 Dec, New York time.
        var berlinClient = await Fixture.PartnerUserAsync(berlinPartner);
        var newYorkClient = await Fixture.PartnerUserAsync(newYorkPartner);
        Assert.Equal(HttpStatusCode.Created, (await berlinClient.PostAsJsonAsync("/api/v1/partner/purchases", new
        {
            orderReference = "BER-1", memberNumber = "B-1", offerId = berlinOffer, amountMinorUnits = 10_000, currency = "EUR", purchasedAt = Local(BerlinZone, 11, 11, 0, 30),
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await newYorkClient.PostAsJsonAsync("/api/v1/partner/purchases", new
        {
            orderReference = "NYC-1", memberNumber = "N-1", offerId = newYorkOffer, amountMinorUnits = 10_000, currency = "EUR", purchasedAt = Local(NewYorkZone, 11, 10, 23, 30),
        })).StatusCode);
        var berlinList = await berlinClient.GetFromJsonAsync<JsonElement>("/api/v1/partner/purchases");
        var newYorkList = await newYorkClient.GetFromJsonAsync<JsonElement>("/api/v1/partner/purchases");
        Assert.Equal("2026-12-11", berlinList[0].GetProperty("returnWindowEndsOn").GetString());
        Assert.Equal("2026-12-10", newYorkList[0].GetProperty("returnWindowEndsOn").GetString());

        // 02:30 on 11 Dec in Berlin = 20:30 on 10 Dec in New York: Berlin's night of 10 Dec is due, New York's of 9 Dec.
        // Berlin's night does not touch the New York purchase although its window (10 Dec) has ended by that date.
        await TriggerAtAsync(Local(BerlinZone, 12, 11, 2, 30));
        Assert.Equal("Pending", await StateAsync("BER-1"));
        Assert.Equal("Pending", await StateAsync("NYC-1"));
        Assert.Equal(["2026-12-10 x1"], await NightsAsync(NightSteps.Berlin));
        Assert.Equal(["2026-12-09 x1"], await NightsAsync(NewYork));

        // 01:30 in New York: past midnight, not yet past the night's start (Jobs:NightStartsAfter 02:00): nothing new.
        await TriggerAtAsync(Local(NewYorkZone, 12, 11, 1, 30));
        Assert.Equal("Pending", await StateAsync("NYC-1"));
        Assert.Equal(["2026-12-09 x1"], await NightsAsync(NewYork));

        // 02:30 in New York: its night of 10 Dec confirms the New York purchase, not the Berlin one (window 11 Dec).
        await TriggerAtAsync(Local(NewYorkZone, 12, 11, 2, 30));
        Assert.Equal("Confirmed", await StateAsync("NYC-1"));
        Assert.Equal("Pending", await StateAsync("BER-1"));

        // 02:30 on 12 Dec in Berlin: Berlin's night of 11 Dec confirms the Berlin purchase.
        var berlinNight = await TriggerAtAsync(Local(BerlinZone, 12, 12, 2, 30));
        Assert.Contains(berlinNight, r => r.Job == "rewards:confirm-cashback" && r.Zone == NightSteps.Berlin && r.Period == "2026-12-11" && r.RowsAffected == 1);
        Assert.Equal("Confirmed", await StateAsync("BER-1"));

        // The same hour again, and the same nights by hand: every step is already done, no balance moves.
        var ledger = await ScalarAsync<long>("SELECT count(*) FROM rewards.journal_entries");
        var again = await TriggerAtAsync(Local(BerlinZone, 12, 12, 2, 45));
        Assert.All(again, r => Assert.True(r.AlreadyDone, $"{r.Job} {r.Period} {r.Zone}"));
        var byHand = await App.Services.GetRequiredService<INightRunner>().RunNightAsync(new DateOnly(2026, 12, 10), CancellationToken.None);
        Assert.Equal([NewYork, NightSteps.Berlin], byHand.Select(r => r.Zone).Distinct().Order(StringComparer.Ordinal));
        Assert.All(byHand, r => Assert.True(r.AlreadyDone, $"{r.Job} {r.Period} {r.Zone}"));
        Assert.Equal(ledger, await ScalarAsync<long>("SELECT count(*) FROM rewards.journal_entries"));

        // No worker ran for two days: the next trigger catches up every missed night of each zone, in order, once.
        await TriggerAtAsync(Local(NewYorkZone, 12, 14, 3, 0));
        Assert.Equal(["2026-12-09 x1", "2026-12-10 x1", "2026-12-11 x1", "2026-12-12 x1", "2026-12-13 x1"], await NightsAsync(NewYork));
        Assert.Equal(["2026-12-10 x1", "2026-12-11 x1", "2026-12-12 x1", "2026-12-13 x1"], await NightsAsync(NightSteps.Berlin));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM platform.job_runs WHERE job = 'reporting:kpi-snapshot' AND zone = @z AND period = '2026-12-12'", ("z", NewYork)));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM reporting.daily_kpis WHERE program_id = @p AND day = '2026-12-12'", ("p", DemoIds.OtherProgram)));
    }

    [Fact]
    public async Task A_program_time_zone_must_be_an_iana_id_and_a_night_is_run_by_zone_on_demand()
    {
        var client = await Fixture.OperatorAsync();
        foreach (var bad in new[] { "Mars/Olympus", "+01:00", "CET", "", "Europe/Berlin; DROP TABLE x" })
        {
            var response = await client.PutAsJsonAsync("/api/v1/ops/program/time-zone", new { timeZone = bad });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("timeZone", out _), bad);
        }

        Assert.Equal("Europe/Berlin", await ScalarAsync<string>("SELECT time_zone FROM platform.programs WHERE id = @p", ("p", DemoIds.PlusKontoProgram)));

        // On demand: one zone or all; an unknown zone is refused, a zone without programs has nothing to run.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/v1/ops/jobs/nights/2026-11-20?timeZone=Mars/Olympus", null)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync("/api/v1/ops/jobs/nights/2026-11-20?timeZone=Asia/Tokyo", null)).StatusCode);
        var other = await Fixture.OtherProgramOperatorAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.PutAsJsonAsync("/api/v1/ops/program/time-zone", new { timeZone = NewYork })).StatusCode);

        // The night of one zone, queued on Hangfire: every step runs for Europe/Berlin, nothing for New York.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/ops/jobs/nights/2026-11-20?timeZone=Europe/Berlin", null)).StatusCode);
        int steps;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            steps = scope.ServiceProvider.GetServices<INightlyJob>().Count();
        }

        var until = DateTime.UtcNow.AddSeconds(90);
        while (await ScalarAsync<long>("SELECT count(*) FROM platform.job_runs WHERE period = '2026-11-20' AND zone = 'Europe/Berlin' AND outcome = 'Succeeded'") < steps)
        {
            Assert.True(DateTime.UtcNow < until, "The queued night did not finish.");
            await Task.Delay(100);
        }

        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM platform.job_runs WHERE period = '2026-11-20' AND zone <> 'Europe/Berlin'"));

        // 02:00 UTC on 25 Nov: the 24th is over in Berlin (03:00 on the 25th), not in New York (21:00 on the 24th).
        App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        var notOver = await client.PostAsync("/api/v1/ops/jobs/nights/2026-11-24", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notOver.StatusCode);
        Assert.Contains(NewYork, await notOver.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync($"/api/v1/ops/jobs/nights/2026-11-24?timeZone={NewYork}", null)).StatusCode);
    }
}
