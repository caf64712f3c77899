using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Reporting.Snapshots;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Reporting;

/// <summary>The nightly reporting steps over generated and hand-made facts, and the report endpoints on top of them.</summary>
[Collection(ReportingCollection.Name)]
public sealed class ReportingNightTests(ReportingFixture fixture) : IAsyncLifetime
{
    private static readonly Guid Program = DemoIds.PlusKontoProgram;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync()
    {
        fixture.App.Services.GetRequiredService<ReportingFaults>().FailAfter = null;
        return Task.CompletedTask;
    }

    private BenefitProgramApp App => fixture.App;

    private async Task<IReadOnlyList<JobRunResult>> NightAsync(DateOnly night)
    {
        // The morning after the night; then back to the fixture's "now" (sign-ins and data-protection keys live there).
        App.Clock.SetUtcNow(ReportFacts.Midnight(night.AddDays(1)).AddHours(3));
        try
        {
            return await App.Services.GetRequiredService<INightRunner>().RunNightAsync(night, CancellationToken.None);
        }
        finally
        {
            App.Clock.SetUtcNow(BenefitProgramApp.Start);
        }
    }

    private async Task RunNightsAsync(DateOnly first, DateOnly last)
    {
        for (var night = first; night <= last; night = night.AddDays(1))
        {
            var results = await NightAsync(night);
            Assert.All(results, r => Assert.True(r.Outcome == JobRunOutcome.Succeeded, $"{r.Job} {r.Period}: {r.Error}"));
        }
    }

    private async Task<List<object?[]>> RowsAsync(string sql, params (string, object)[] args)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Every snapshot row of every reporting table (without the time it was computed), as text, in key order.</summary>
    private async Task<string> SnapshotDumpAsync()
    {
        var text = new StringBuilder();
        string[] tables = ["daily_kpis", "daily_members_by_plan", "daily_churn_reasons", "daily_partner", "daily_offers", "monthly_churn",
            "monthly_cohorts", "monthly_mrr_movements", "monthly_tenure", "partner_statements", "monthly_barometer"];
        foreach (var table in tables)
        {
            var rows = await RowsAsync($"SELECT (to_jsonb(t) - 'computed_at' - 'created_at')::text AS row FROM reporting.{table} t ORDER BY row");
            text.Append(table).Append(' ').Append(rows.Count).Append('\n');
            foreach (var row in rows)
            {
                text.Append(row[0]).Append('\n');
            }
        }

        return text.ToString();
    }

    private static DateOnly Month(int year, int month) => new(year, month, 1);

    [Fact]
    public async Task A_year_of_nights_gives_the_churn_cohort_mrr_and_partner_figures_computed_from_the_raw_facts()
    {
        var facts = ReportFacts.Generate(Program, seed: 20261125, members: 400,
            from: new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), to: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        await facts.InsertAsync(fixture.ConnectionString);

        var first = new DateOnly(2025, 11, 1);
        var last = new DateOnly(2026, 10, 31);
        var watch = Stopwatch.StartNew();
        await RunNightsAsync(first, last);
        watch.Stop();
        TestFigures.Record(string.Create(CultureInfo.InvariantCulture,
            $"reporting: 365 nights over {facts.Transitions.Count} transitions, {facts.Fees.Count} fees, {facts.Redemptions.Count} redemptions, {facts.Purchases.Count} purchases in {watch.Elapsed.TotalSeconds:0.0} s ({watch.Elapsed.TotalMilliseconds / 365:0} ms a night)"));

        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            var expected = facts.MonthlyChurn(month);
            var churn = (await RowsAsync("""
                SELECT segment, active_at_start, churned, churned_voluntary, churned_involuntary FROM reporting.monthly_churn WHERE program_id = @p AND month = @m
                """, ("p", Program), ("m", month))).ToDictionary(r => (string)r[0]!, r => (A: (long)r[1]!, C: (long)r[2]!, V: (long)r[3]!, I: (long)r[4]!));
            (long, long) Seg(string s) => churn.TryGetValue(s, out var x) ? (x.A, x.C) : (0, 0);
            Assert.Equal((expected.Active, expected.Churned, expected.Voluntary, expected.Involuntary),
                (churn["all"].A, churn["all"].C, churn["all"].V, churn["all"].I));
            Assert.Equal((expected.NewActive, expected.NewChurned), Seg("tenure-lt-12m"));
            Assert.Equal((expected.UsedActive, expected.UsedChurned), Seg("used-benefit-90d"));
            Assert.Equal((expected.NotUsedActive, expected.NotUsedChurned), Seg("no-benefit-90d"));

            var cohorts = (await RowsAsync("SELECT cohort_month, joined, active FROM reporting.monthly_cohorts WHERE program_id = @p AND month = @m",
                ("p", Program), ("m", month))).ToDictionary(r => (DateOnly)r[0]!, r => ((long)r[1]!, (long)r[2]!));
            Assert.Equal(facts.Cohorts(month).OrderBy(x => x.Key), cohorts.OrderBy(x => x.Key));

            var mrr = (await RowsAsync("SELECT movement, members, mrr_minor_units FROM reporting.monthly_mrr_movements WHERE program_id = @p AND month = @m",
                ("p", Program), ("m", month))).ToDictionary(r => (string)r[0]!, r => ((long)r[1]!, (long)r[2]!));
            Assert.Equal(facts.MrrMovements(month).OrderBy(x => x.Key, StringComparer.Ordinal), mrr.OrderBy(x => x.Key, StringComparer.Ordinal));
            var m = mrr.ToDictionary(x => x.Key, x => x.Value.Item2);
            Assert.Equal(m["end"], m["start"] + m["new"] + m["reactivation"] + m["expansion"] + m["contraction"] + m["churn"]);

            foreach (var partner in facts.Partners)
            {
                var s = facts.PartnerStatement(month, partner);
                var row = (await RowsAsync("""
                    SELECT redemptions, redemption_fees_minor_units, pass_revenue_minor_units, purchases, purchase_revenue_minor_units,
                           commission_minor_units, cashback_minor_units, cashback_partner_funded_minor_units, net_owed_minor_units
                    FROM reporting.partner_statements WHERE program_id = @p AND partner_id = @partner AND month = @m
                    """, ("p", Program), ("partner", partner.Id), ("m", month))).Single();
                Assert.Equal(s, new ReportFacts.Statement((long)row[0]!, (long)row[1]!, (long)row[2]!, (long)row[3]!, (long)row[4]!,
                    (long)row[5]!, (long)row[6]!, (long)row[7]!, (long)row[8]!));
            }
        }

        Assert.True(facts.MonthlyChurn(Month(2026, 6)).Churned > 0, "the generated program has churn");
        Assert.True(facts.PartnerStatement(Month(2026, 6), facts.Partners[0]).Purchases > 0, "the generated program has purchases");

        // Purchase revenue, commission and cashback per partner and day, summed over the year, equal the stored purchases.
        var (y0, y1) = (ReportFacts.Midnight(first), ReportFacts.Midnight(last.AddDays(1)));
        foreach (var partner in facts.Partners)
        {
            var counted = facts.Purchases.Where(p => p.Partner == partner && p.PurchasedAt >= y0 && p.PurchasedAt < y1 && p.State is not ("Declined" or "Reversed")).ToList();
            var sums = (await RowsAsync("""
                SELECT coalesce(sum(purchases), 0)::bigint, coalesce(sum(purchase_revenue_minor_units), 0)::bigint, coalesce(sum(commission_on_purchases_minor_units), 0)::bigint,
                       coalesce(sum(cashback_minor_units), 0)::bigint, coalesce(sum(cashback_partner_funded_minor_units), 0)::bigint
                FROM reporting.daily_partner_rewards WHERE program_id = @p AND partner_id = @partner
                """, ("p", Program), ("partner", partner.Id))).Single();
            Assert.Equal(((long)counted.Count, counted.Sum(p => p.Amount - p.Returned), counted.Sum(p => p.Commission), counted.Sum(p => p.Cashback), counted.Sum(p => p.PartnerShare)),
                ((long)sums[0]!, (long)sums[1]!, (long)sums[2]!, (long)sums[3]!, (long)sums[4]!));
        }

        // Daily figures of a sample of days, among them both changes of daylight-saving time.
        foreach (var day in new[] { new DateOnly(2025, 11, 1), new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 31), new DateOnly(2026, 7, 15), new DateOnly(2026, 10, 25), last })
        {
            var expected = facts.Daily(day);
            var row = (await RowsAsync("""
                SELECT members, mrr_minor_units, new_members, fee_revenue_minor_units, redemptions, churned_voluntary, churned_involuntary
                FROM reporting.daily_kpis WHERE program_id = @p AND day = @d
                """, ("p", Program), ("d", day))).Single();
            Assert.Equal(expected, new ReportFacts.Day((long)row[0]!, (long)row[1]!, (long)row[2]!, (long)row[3]!, (long)row[4]!, (long)row[5]!, (long)row[6]!));
        }

        // The whole year summed from the daily rows equals the facts of the year.
        var year = (await RowsAsync("""
            SELECT sum(fee_revenue_minor_units)::bigint, sum(redemptions)::bigint FROM reporting.daily_kpis WHERE program_id = @p
            """, ("p", Program))).Single();
        var (t0, t1) = (ReportFacts.Midnight(first), ReportFacts.Midnight(last.AddDays(1)));
        Assert.Equal(facts.Fees.Where(f => f.Status == "Paid" && f.PaidAt >= t0 && f.PaidAt < t1).Sum(f => f.Amount), (long)year[0]!);
        Assert.Equal(facts.Redemptions.Count(r => r.CreatedAt >= t0 && r.CreatedAt < t1), (long)year[1]!);

        // The endpoints answer from the snapshots: monthly churn with its interval, and CSV with formula cells escaped.
        var client = await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        var june = facts.MonthlyChurn(Month(2026, 6));
        var churnRows = await client.GetFromJsonAsync<JsonElement>("/api/v1/ops/reports/churn?from=2026-06&to=2026-06");
        var juneRow = churnRows.EnumerateArray().Single();
        Assert.Equal(june.Churned, juneRow.GetProperty("churned").GetInt64());
        Assert.Equal((double)june.Churned / june.Active, juneRow.GetProperty("churnRate").GetDouble(), 10);
        Assert.True(juneRow.GetProperty("churnRateLower").GetDouble() < juneRow.GetProperty("churnRate").GetDouble());
        var csv = await client.GetStringAsync("/api/v1/ops/reports/partners?month=2026-06&format=csv");
        Assert.StartsWith("month,programId,partnerId,partnerName,", csv, StringComparison.Ordinal);
        Assert.Contains(",'=Taxi Schnell,", csv, StringComparison.Ordinal);
        foreach (var path in new[] { "kpis?from=2026-06-01&to=2026-06-30", "kpis/plans?day=2026-06-30", "churn/reasons", "cohorts", "mrr-movements",
                     "program-effect", "partners/top-offers?month=2026-06", "economics", "triple-win?month=2026-06", "barometer" })
        {
            var response = await client.GetAsync("/api/v1/ops/reports/" + path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
            var asCsv = await client.GetAsync("/api/v1/ops/reports/" + path + (path.Contains('?') ? "&" : "?") + "format=csv");
            Assert.Equal("text/csv", asCsv.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Each_step_run_twice_changes_nothing_and_a_step_killed_in_the_middle_ends_as_an_uninterrupted_run()
    {
        var facts = ReportFacts.Generate(Program, seed: 7, members: 150,
            from: new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), to: new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        await facts.InsertAsync(fixture.ConnectionString);
        var first = new DateOnly(2026, 1, 25);
        var last = new DateOnly(2026, 3, 3);
        await RunNightsAsync(first, last);
        var uninterrupted = await SnapshotDumpAsync();
        Assert.Contains("partner_statements 6", uninterrupted, StringComparison.Ordinal);

        // Twice: the run record skips it, and the steps themselves, run again past the record, insert nothing.
        Assert.All(await NightAsync(new DateOnly(2026, 2, 28)), r => Assert.True(r.AlreadyDone));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            foreach (var step in scope.ServiceProvider.GetServices<INightlyJob>())
            {
                Assert.Equal(0, await step.RunAsync(new DateOnly(2026, 2, 28), CancellationToken.None));
                Assert.Equal(0, await step.RunAsync(new DateOnly(2026, 1, 31), CancellationToken.None));
            }
        }

        Assert.Equal(uninterrupted, await SnapshotDumpAsync());

        // Killed in the middle: the same nights from scratch, with crashes after some statements; then the night again.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var wipe = new NpgsqlCommand("""
                TRUNCATE reporting.daily_kpis, reporting.daily_members_by_plan, reporting.daily_churn_reasons, reporting.daily_partner,
                    reporting.daily_offers, reporting.monthly_churn, reporting.monthly_cohorts, reporting.monthly_mrr_movements, reporting.monthly_tenure,
                    reporting.partner_statements, reporting.monthly_barometer;
                DELETE FROM platform.job_runs;
                """, connection);
            await wipe.ExecuteNonQueryAsync();
        }

        var crashes = new HashSet<(string, DateOnly)>
        {
            ("members-by-plan", new DateOnly(2026, 2, 10)),
            ("monthly-cohorts", new DateOnly(2026, 1, 31)),
            ("statements", new DateOnly(2026, 2, 28)),
        };
        App.Services.GetRequiredService<ReportingFaults>().FailAfter = (statement, night) => crashes.Remove((statement, night));
        var failed = new List<DateOnly>();
        for (var night = first; night <= last; night = night.AddDays(1))
        {
            if ((await NightAsync(night)).Any(r => r.Outcome == JobRunOutcome.Failed))
            {
                failed.Add(night);
            }
        }

        Assert.Equal([new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 28)], failed);
        Assert.NotEqual(uninterrupted, await SnapshotDumpAsync());
        foreach (var night in failed)
        {
            Assert.All(await NightAsync(night), r => Assert.Equal(JobRunOutcome.Succeeded, r.Outcome));
        }

        Assert.Equal(uninterrupted, await SnapshotDumpAsync());
    }

    [Fact]
    public async Task Program_effect_on_a_hand_made_program_gives_half_the_churn_for_benefit_users_with_the_right_intervals()
    {
        // 100 members who used a benefit in their first 90 days, 100 who did not; all joined 2025-01-15; in June 10 resp. 20 leave.
        // Users: 40 redeemed an offer, 30 only had a cashback purchase recorded by Rewards, 30 only submitted a refund claim.
        // Non-users: 30 had only a purchase that Rewards declined, 10 used a benefit only after day 90 — neither counts.
        var facts = new ReportFacts(Program);
        var plus = facts.AddPlan("plus", 690);
        var partner = facts.AddPartner("Kino am Markt", 0, 50, 0);
        var offer = facts.Offers.Single();
        var joined = new DateTimeOffset(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);
        var leave = new DateTimeOffset(2025, 6, 10, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 200; i++)
        {
            var (membership, member) = (Guid.NewGuid(), Guid.NewGuid());
            var used = i < 100;
            facts.Move(membership, member, null, "PendingPaymentMethod", plus, joined.AddMinutes(-1), "sign-up");
            facts.Move(membership, member, "PendingPaymentMethod", "Active", plus, joined, "first-payment");
            if (i < 40)
            {
                facts.Redeem(member, offer, joined.AddDays(10));
            }
            else if (i < 70)
            {
                facts.Buy(member, offer, joined.AddDays(20), i % 2 == 0 ? "Pending" : "Confirmed");
            }
            else if (i < 100)
            {
                facts.Claim(member, offer, joined.AddDays(89));
            }
            else if (i < 130)
            {
                facts.Buy(member, offer, joined.AddDays(5), "Declined");
            }
            else if (i < 140)
            {
                facts.Buy(member, offer, joined.AddDays(90), "Confirmed");
                facts.Redeem(member, offer, joined.AddDays(91));
            }

            if ((used && i < 10) || (!used && i < 120))
            {
                facts.Move(membership, member, "Active", "Ended", plus, leave, "too-expensive");
            }
        }

        await facts.InsertAsync(fixture.ConnectionString);
        Assert.NotNull(partner);
        Assert.Equal(100, facts.Purchases.Select(p => p.MemberId).Concat(facts.Redemptions.Select(r => r.MemberId)).Concat(facts.Claims.Select(c => c.MemberId))
            .Distinct().Count(m => facts.UsedBenefit(m, joined)));
        await NightAsync(new DateOnly(2025, 6, 30));

        // The snapshot's groups: all 100 users (a cashback purchase or a refund claim alone is enough), 100 non-users.
        var groups = await RowsAsync("SELECT segment, active_at_start, churned FROM reporting.monthly_churn WHERE program_id = @p AND month = @m AND segment LIKE '%benefit-90d' ORDER BY segment",
            ("p", Program), ("m", new DateOnly(2025, 6, 1)));
        Assert.Equal([("no-benefit-90d", 100L, 20L), ("used-benefit-90d", 100L, 10L)], groups.Select(g => ((string)g[0]!, (long)g[1]!, (long)g[2]!)));

        var client = await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        // Before launch (2024-11-25): 2 months of 1000 customers, 40 cancellations each; new customers 200 and 16. After: non-members 500, 30.
        var baseline = await client.PostAsJsonAsync("/api/v1/ops/reports/baseline", new[]
        {
            new { month = "2024-09", totalCustomers = 1000, totalCancellations = 40, nonMemberCustomers = 1000, nonMemberCancellations = 40, newCustomers = 200, newCustomerCancellations = 16 },
            new { month = "2024-10", totalCustomers = 1000, totalCancellations = 40, nonMemberCustomers = 1000, nonMemberCancellations = 40, newCustomers = 200, newCustomerCancellations = 16 },
        });
        Assert.Equal(HttpStatusCode.OK, baseline.StatusCode);
        var csvBaseline = new StringContent(
            "month,totalCustomers,totalCancellations,nonMemberCustomers,nonMemberCancellations,newCustomers,newCustomerCancellations\n2025-06,1000,50,500,30,100,5\n",
            Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/ops/reports/baseline", csvBaseline)).StatusCode);
        var broken = new StringContent("month,totalCustomers\n2025-06,-1\n", Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/v1/ops/reports/baseline", broken)).StatusCode);

        var report = await client.GetFromJsonAsync<JsonElement>("/api/v1/ops/reports/program-effect?month=2025-06&from=2025-06&to=2025-06", Json);
        JsonElement Rate(string group) => report.GetProperty("monthlyChurn").EnumerateArray().Single(r => r.GetProperty("group").GetString() == group);
        void Expect(JsonElement e, double value, double lower, double upper)
        {
            Assert.Equal(value, e.GetProperty("value").GetDouble(), 1e-9);
            Assert.Equal(lower, e.GetProperty("lower").GetDouble(), 5e-5);
            Assert.Equal(upper, e.GetProperty("upper").GetDouble(), 5e-5);
        }

        // Wilson intervals, worked out by hand (p ± z·√(p(1-p)/n + z²/4n²) around (p + z²/2n), over 1 + z²/n).
        Expect(Rate("members-used-benefit-90d"), 0.10, 0.055229, 0.174366);
        Expect(Rate("members-no-benefit-90d"), 0.20, 0.133367, 0.288829);
        Expect(Rate("members"), 0.15, 0.107136, 0.206056);
        Expect(Rate("customers-before-launch"), 0.04, 0.032257, 0.049507);
        Expect(Rate("new-customers-before-launch"), 0.08, 0.057236, 0.110755);
        Expect(Rate("non-members"), 0.06, 0.042348, 0.084361);
        var difference = report.GetProperty("differences").EnumerateArray().First();
        Assert.Equal("members-used-benefit-90d", difference.GetProperty("group").GetString());
        Assert.Equal(-0.10, difference.GetProperty("value").GetDouble(), 6);
        Assert.Equal(-0.199474, difference.GetProperty("lower").GetDouble(), 5e-5);
        Assert.Equal(-0.000149, difference.GetProperty("upper").GetDouble(), 5e-5);
        Assert.True(difference.GetProperty("significant").GetBoolean());

        // Kaplan–Meier with Greenwood log-log intervals: S = 0.9 resp. 0.8 after the June leavers.
        var survival = report.GetProperty("survival").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetString()!, g => g.GetProperty("atDay365"));
        Assert.Equal(0.9, survival["used-benefit-90d"].GetProperty("survival").GetDouble(), 6);
        Assert.Equal(0.822116, survival["used-benefit-90d"].GetProperty("lower").GetDouble(), 5e-5);
        Assert.Equal(0.944903, survival["used-benefit-90d"].GetProperty("upper").GetDouble(), 5e-5);
        Assert.Equal(0.8, survival["no-benefit-90d"].GetProperty("survival").GetDouble(), 6);
        Assert.Equal(0.707378, survival["no-benefit-90d"].GetProperty("lower").GetDouble(), 5e-5);
        Assert.Equal(0.866033, survival["no-benefit-90d"].GetProperty("upper").GetDouble(), 5e-5);

        // Penetration: 170 members at the end of June out of 1000 customers.
        Assert.Equal(170, report.GetProperty("activeMembers").GetInt64());
        Assert.Equal(0.17, report.GetProperty("penetration").GetDouble(), 6);
        Assert.False(string.IsNullOrWhiteSpace(report.GetProperty("selectionBiasNote").GetString()));
    }

    [Fact]
    public async Task A_partner_fetches_only_its_own_statements_and_members_and_partners_cannot_reach_operator_reports()
    {
        var facts = new ReportFacts(Program);
        facts.AddPlan("plus", 690);
        var a = facts.AddPartner("Reisebüro Sonnenschein", 500, 100, 10_000);
        var b = facts.AddPartner("Kino am Markt", 0, 50, 0);
        var member = Guid.NewGuid();
        facts.Redeem(member, facts.Offers[0], new DateTimeOffset(2025, 6, 3, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 3, 11, 0, 0, TimeSpan.Zero), 10_000);
        facts.Redeem(member, facts.Offers[1], new DateTimeOffset(2025, 6, 4, 10, 0, 0, TimeSpan.Zero));
        await facts.InsertAsync(fixture.ConnectionString);
        await NightAsync(new DateOnly(2025, 6, 30));

        var partnerA = await PartnerAsync(a.Id);
        var own = await partnerA.GetFromJsonAsync<JsonElement>("/api/v1/partner/statements");
        Assert.Equal([a.Id], own.EnumerateArray().Select(s => s.GetProperty("partnerId").GetGuid()));
        var june = await partnerA.GetFromJsonAsync<JsonElement>("/api/v1/partner/statements/2025-06");
        Assert.Equal(a.Id, june.GetProperty("partnerId").GetGuid());
        Assert.Equal(100 + 500, june.GetProperty("netOwedMinorUnits").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await partnerA.GetAsync($"/api/v1/partner/statements/2025-06?programId={DemoIds.OtherProgram}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await partnerA.GetAsync("/api/v1/partner/statements/2025-05")).StatusCode);
        var html = await partnerA.GetAsync("/api/v1/partner/statements/2025-06?format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", (await partnerA.GetAsync("/api/v1/partner/statements/2025-06?format=csv")).Content.Headers.ContentType?.MediaType);

        var operatorClient = await SignInAsync(DemoIds.OperatorEmail, DemoIds.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/api/v1/ops/reports/partners/{b.Id}/statements/2025-06")).StatusCode);
        var otherOperator = await SignInAsync("operator@stadtwerke.example", DemoIds.OperatorPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOperator.GetAsync($"/api/v1/ops/reports/partners/{b.Id}/statements/2025-06")).StatusCode);

        var memberClient = await MemberAsync(member);
        foreach (var client in new[] { partnerA, memberClient })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/ops/reports/partners?month=2025-06")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/ops/reports/partners/{a.Id}/statements/2025-06")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/ops/reports/churn")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await memberClient.GetAsync("/api/v1/partner/statements")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/v1/partner/statements")).StatusCode);

        // The barometer questionnaire feeds the next month's maturity level; answers outside 1-5 are refused.
        var answers = new { contractAndRolesClear = 4, sharedProcessesWork = 4, dataExchangeWorks = 5, trustBetweenTeams = 3, communicationIsRegular = 3, sharedGoalsAgreed = 4, comment = "gut" };
        App.Clock.SetUtcNow(new DateTimeOffset(2025, 7, 15, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsJsonAsync($"/api/v1/ops/reports/barometer/{a.Id}", answers)).StatusCode);
        App.Clock.SetUtcNow(BenefitProgramApp.Start);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostAsJsonAsync($"/api/v1/ops/reports/barometer/{a.Id}", answers with { trustBetweenTeams = 6 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOperator.PostAsJsonAsync($"/api/v1/ops/reports/barometer/{a.Id}", answers)).StatusCode);
        // Three members rate partner A's offer in July (5, 4, 4 stars: average 4.33): one of the five performance signals.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rate = new NpgsqlCommand("""
                INSERT INTO catalog.offer_ratings (offer_id, member_id, program_id, partner_id, stars, rated_at)
                SELECT @offer, gen_random_uuid(), @program, @partner, s, '2025-07-20T10:00:00Z' FROM unnest(ARRAY[5, 4, 4]) s
                """, connection);
            rate.Parameters.AddWithValue("offer", facts.Offers[0]);
            rate.Parameters.AddWithValue("program", Program);
            rate.Parameters.AddWithValue("partner", a.Id);
            await rate.ExecuteNonQueryAsync();
        }

        await NightAsync(new DateOnly(2025, 7, 31));
        var barometer = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/ops/reports/barometer?partnerId={a.Id}");
        var july = barometer.EnumerateArray().First();
        Assert.Equal("2025-07", july.GetProperty("month").GetString());
        Assert.Equal(4, july.GetProperty("structureLevel").GetInt32());
        Assert.Equal(3, july.GetProperty("socialLevel").GetInt32());
        Assert.Equal(3, july.GetProperty("ratings").GetInt32());
        Assert.Equal(4.33m, july.GetProperty("averageStars").GetDecimal());
        Assert.Equal(2, july.GetProperty("performanceLevel").GetInt32());
        Assert.Equal(3, july.GetProperty("maturityLevel").GetInt32());
    }

    private async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = App.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    private async Task<HttpClient> PartnerAsync(Guid partnerId)
    {
        var email = $"partner-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<BenefitProgram.Platform.Contracts.IUserAccounts>()
                .CreatePartnerUserAsync(partnerId, email, AppFixture.TestPassword, BenefitProgram.Platform.Contracts.PartnerUserRole.Admin, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(email, AppFixture.TestPassword);
    }

    private async Task<HttpClient> MemberAsync(Guid memberId)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<BenefitProgram.Platform.Contracts.IUserAccounts>()
                .CreateMemberAsync(Program, memberId, email, AppFixture.TestPassword, CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        return await SignInAsync(email, AppFixture.TestPassword);
    }
}
