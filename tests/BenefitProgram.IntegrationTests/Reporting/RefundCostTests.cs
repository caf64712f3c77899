using System.Net.Http.Json;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Reporting;

/// <summary>
/// Approved refund claims are the program's refund cost in the economics report: by the day of the decision in the
/// program's time zone, partial approvals with the approved amount, rejected and undecided claims not at all.
/// </summary>
[Collection(ReportingCollection.Name)]
public sealed class RefundCostTests(ReportingFixture fixture) : IAsyncLifetime
{
    private static readonly Guid Program = DemoIds.PlusKontoProgram;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task InsertClaimAsync(string status, long requested, long? approved, DateTimeOffset? decidedAt, Guid? program = null)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO rewards.refund_claims (id, program_id, member_id, offer_id, partner_id, refund_kind, requested_minor, approved_minor, currency,
                trip_date, status, decided_automatically, decided_at, receipt_sha256, created_at)
            VALUES (gen_random_uuid(), @program, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'airport-taxi', @requested, @approved, 'EUR',
                DATE '2026-06-01', @status, false, @decided, repeat('0', 64), TIMESTAMPTZ '2026-06-01 08:00Z')
            """, connection);
        command.Parameters.AddWithValue("program", program ?? Program);
        command.Parameters.AddWithValue("requested", requested);
        command.Parameters.AddWithValue("approved", (object?)approved ?? DBNull.Value);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("decided", (object?)decidedAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Approved_refund_claims_are_the_refund_cost_of_the_month_of_their_decision_in_the_program_time_zone()
    {
        var facts = new ReportFacts(Program);
        var plan = facts.AddPlan("plus", 690);
        var member = Guid.NewGuid();
        facts.Move(Guid.NewGuid(), member, null, "Active", plan, new DateTimeOffset(2026, 5, 20, 9, 0, 0, TimeSpan.Zero), "sign-up");
        await facts.InsertAsync(fixture.ConnectionString);

        await InsertClaimAsync("Approved", 4_000, 4_000, new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.Zero));
        // 21:30 UTC on 30 June is 23:30 in Berlin: still June.
        await InsertClaimAsync("PartlyApproved", 3_000, 2_000, new DateTimeOffset(2026, 6, 30, 21, 30, 0, TimeSpan.Zero));
        // 22:30 UTC on 30 June is 00:30 on 1 July in Berlin: July.
        await InsertClaimAsync("Approved", 1_500, 1_500, new DateTimeOffset(2026, 6, 30, 22, 30, 0, TimeSpan.Zero));
        await InsertClaimAsync("Rejected", 5_000, null, new DateTimeOffset(2026, 6, 15, 10, 0, 0, TimeSpan.Zero));
        await InsertClaimAsync("InReview", 2_500, null, null);
        // Another program's approved claim is not this program's cost.
        await InsertClaimAsync("Approved", 9_900, 9_900, new DateTimeOffset(2026, 6, 12, 10, 0, 0, TimeSpan.Zero), DemoIds.OtherProgram);

        var runner = fixture.App.Services.GetRequiredService<INightRunner>();
        try
        {
            for (var night = new DateOnly(2026, 6, 1); night <= new DateOnly(2026, 7, 1); night = night.AddDays(1))
            {
                fixture.App.Clock.SetUtcNow(ReportFacts.Midnight(night.AddDays(1)).AddHours(3));
                var results = await runner.RunNightAsync(night, CancellationToken.None);
                Assert.All(results, r => Assert.True(r.Outcome == JobRunOutcome.Succeeded, $"{r.Job} {r.Period}: {r.Error}"));
            }
        }
        finally
        {
            fixture.App.Clock.SetUtcNow(BenefitProgramApp.Start);
        }

        var ops = fixture.App.CreateClient();
        var token = await (await ops.PostAsJsonAsync("/api/v1/auth/token", new { email = DemoIds.OperatorEmail, password = DemoIds.OperatorPassword }))
            .Content.ReadFromJsonAsync<JsonElement>();
        ops.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var months = await ops.GetFromJsonAsync<JsonElement>("/api/v1/ops/reports/economics?from=2026-06&to=2026-07");
        var june = months.EnumerateArray().Single(m => m.GetProperty("month").GetString() == "2026-06");
        var july = months.EnumerateArray().Single(m => m.GetProperty("month").GetString() == "2026-07");
        Assert.Equal(6_000, june.GetProperty("refundCostMinorUnits").GetInt64());
        Assert.Equal(1_500, july.GetProperty("refundCostMinorUnits").GetInt64());
        foreach (var month in new[] { june, july })
        {
            Assert.Equal(month.GetProperty("feeRevenueMinorUnits").GetInt64() + month.GetProperty("partnerIncomeMinorUnits").GetInt64()
                - month.GetProperty("cashbackProgramCostMinorUnits").GetInt64() - month.GetProperty("refundCostMinorUnits").GetInt64(),
                month.GetProperty("netMinorUnits").GetInt64());
        }
    }
}
