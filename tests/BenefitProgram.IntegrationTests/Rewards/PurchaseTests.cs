using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common.Jobs;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Rewards.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Rewards;

public sealed class PurchaseTests(RewardsFixture fixture) : RewardsTest(fixture)
{
    private static readonly DateTimeOffset Booked = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static object Purchase(string orderRef, string memberNumber, Guid offer, long amount, DateOnly? serviceDate = null, DateTimeOffset? at = null) => new
    {
        orderReference = orderRef,
        memberNumber,
        offerId = offer,
        amountMinorUnits = amount,
        currency = "EUR",
        purchasedAt = at ?? Booked,
        serviceDate = serviceDate?.ToString("yyyy-MM-dd"),
    };

    private async Task<JsonElement> BalanceAsync(Guid member)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var balances = await scope.ServiceProvider.GetRequiredService<IRewardsBalances>().GetMemberAsync(RewardsFixture.Program, member, CancellationToken.None);
        return JsonSerializer.SerializeToElement(balances.SingleOrDefault() ?? new MemberRewardsBalance(member, "EUR", 0, 0, 0, 0), new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    private static long Get(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    private async Task RunNightAsync(DateOnly night)
    {
        await using var scope = App.Services.CreateAsyncScope();
        foreach (var job in scope.ServiceProvider.GetServices<INightlyJob>().Where(j => j.Name.StartsWith("rewards:", StringComparison.Ordinal)).OrderBy(j => j.Order))
        {
            await job.RunAsync(night, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_reported_purchase_earns_pending_cashback_of_five_percent_rounded_half_away_from_zero()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        var member = Fixture.AddMember(number: "100001");
        var client = await Fixture.PartnerUserAsync(partner);

        var response = await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-1", "100001", offer, 199_999, new DateOnly(2026, 12, 10)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var line = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("recorded", line.GetProperty("outcome").GetString());
        Assert.Equal(10_000, line.GetProperty("cashbackMinorUnits").GetInt64()); // 5 % of 1,999.99 EUR = 99.9995 → 100.00 EUR

        var balance = await BalanceAsync(member);
        Assert.Equal(10_000, Get(balance, "pending"));
        Assert.Equal(0, Get(balance, "available"));

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<PurchaseRecorded>(m => m.Context.Message.OrderReference == "T-1" && m.Context.Message.CashbackMinorUnits == 10_000));
    }

    [Fact]
    public async Task The_same_purchase_sent_twice_sequentially_and_concurrently_counts_once()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        var member = Fixture.AddMember(number: "100002");
        var client = await Fixture.PartnerUserAsync(partner);

        var first = await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-2", "100002", offer, 10_000));
        var again = await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-2", "100002", offer, 10_000));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-3", "100002", offer, 10_000))));
        Assert.Equal(1, concurrent.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, concurrent.Count(r => r.StatusCode == HttpStatusCode.OK));

        Assert.Equal(1_000, Get(await BalanceAsync(member), "pending"));
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/partner/purchases");
        Assert.Equal(2, list.GetArrayLength());
    }

    [Fact]
    public async Task A_return_on_the_last_day_of_the_window_reduces_pending_and_the_night_after_confirms_the_rest()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner, windowDays: 30);
        var member = Fixture.AddMember(number: "100003");
        var client = await Fixture.PartnerUserAsync(partner);
        var trip = new DateOnly(2026, 12, 5); // last day of the window: 2027-01-04 (not a month end, when payouts would run)
        await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-4", "100003", offer, 200_000, trip));
        Assert.Equal(10_000, Get(await BalanceAsync(member), "pending"));

        // The night before the last day: still pending.
        var lastDay = trip.AddDays(30);
        await RunNightAsync(lastDay.AddDays(-1));
        Assert.Equal(10_000, Get(await BalanceAsync(member), "pending"));

        // A quarter is returned on the last day: pending shrinks proportionally.
        App.Clock.SetUtcNow(new DateTimeOffset(lastDay.ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero));
        client = await Fixture.PartnerUserAsync(partner); // the earlier token expired with the moved clock
        var ret = await client.PostAsJsonAsync("/api/v1/partner/purchases/T-4/returns", new { returnReference = "R-1", amountMinorUnits = 50_000 });
        Assert.Equal(HttpStatusCode.Created, ret.StatusCode);
        var balance = await BalanceAsync(member);
        Assert.Equal(7_500, Get(balance, "pending"));

        await RunNightAsync(lastDay);
        balance = await BalanceAsync(member);
        Assert.Equal(0, Get(balance, "pending"));
        Assert.Equal(7_500, Get(balance, "available"));
        await RunNightAsync(lastDay); // twice: nothing more
        Assert.Equal(7_500, Get(await BalanceAsync(member), "available"));

        // A return after confirmation takes it back from the available balance.
        var full = await client.PostAsJsonAsync("/api/v1/partner/purchases/T-4/returns", new { returnReference = "R-2", amountMinorUnits = 150_000 });
        var view = await full.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Reversed", view.GetProperty("cashbackState").GetString());
        Assert.Equal(0, Get(await BalanceAsync(member), "available"));

        await App.DeliverEventsAsync();
        Assert.True(await App.Harness.Published.Any<CashbackConfirmed>(m => m.Context.Message.CashbackMinorUnits == 7_500 && m.Context.Message.PartnerId == partner));
        Assert.True(await App.Harness.Published.Any<CashbackReversed>(m => m.Context.Message.FromState == "Confirmed"));
    }

    [Fact]
    public async Task The_same_return_sent_twice_and_at_once_has_one_effect_and_a_return_cannot_exceed_the_purchase()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        var member = Fixture.AddMember(number: "100004");
        var client = await Fixture.PartnerUserAsync(partner);
        await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("T-5", "100004", offer, 100_000));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            client.PostAsJsonAsync("/api/v1/partner/purchases/T-5/returns", new { returnReference = "R-9", amountMinorUnits = 40_000 })));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3_000, Get(await BalanceAsync(member), "pending"));

        var tooMuch = await client.PostAsJsonAsync("/api/v1/partner/purchases/T-5/returns", new { returnReference = "R-10", amountMinorUnits = 60_001 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.StatusCode);
        var unknown = await client.PostAsJsonAsync("/api/v1/partner/purchases/NOPE/returns", new { returnReference = "R-1", amountMinorUnits = 1 });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Not_entitled_purchases_are_recorded_as_declined_with_the_reason()
    {
        var partner = Fixture.AddPartner();
        var live = Fixture.AddCashbackOffer(partner);
        var paused = Fixture.AddCashbackOffer(partner, status: OfferStatus.Paused);
        var regional = Fixture.AddCashbackOffer(partner, regions: ["10"]);
        var capped = Fixture.AddCashbackOffer(partner, capPerYear: 1_000);
        Fixture.AddMember(number: "200001", inGoodStanding: false);
        Fixture.AddMember(number: "200002", plan: "basis");
        Fixture.AddMember(number: "200003");
        var client = await Fixture.PartnerUserAsync(partner);

        var batch = await client.PostAsJsonAsync("/api/v1/partner/purchases/batch", new
        {
            purchases = new[]
            {
                Purchase("D-1", "200001", live, 10_000),
                Purchase("D-2", "200002", live, 10_000),
                Purchase("D-3", "200003", paused, 10_000),
                Purchase("D-4", "200003", regional, 10_000),
                Purchase("D-5", "200003", capped, 15_000), // 750 of the 1,000 a year
                Purchase("D-6", "200003", capped, 15_000), // the 250 left
                Purchase("D-7", "200003", capped, 15_000), // limit reached
                Purchase("D-8", "999999", live, 10_000),   // unknown member: rejected
            },
        });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var report = await batch.Content.ReadFromJsonAsync<JsonElement>();
        var lines = report.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("orderReference").GetString()!);
        Assert.Equal("membership-not-in-good-standing", lines["D-1"].GetProperty("reason").GetString());
        Assert.Equal("plan-not-eligible", lines["D-2"].GetProperty("reason").GetString());
        Assert.Equal("offer-not-live", lines["D-3"].GetProperty("reason").GetString());
        Assert.Equal("region-not-eligible", lines["D-4"].GetProperty("reason").GetString());
        Assert.Equal(750, lines["D-5"].GetProperty("cashbackMinorUnits").GetInt64());
        Assert.Equal(250, lines["D-6"].GetProperty("cashbackMinorUnits").GetInt64());
        Assert.Equal("yearly-limit-reached", lines["D-7"].GetProperty("reason").GetString());
        Assert.Equal("rejected", lines["D-8"].GetProperty("outcome").GetString());
        Assert.Equal("member-not-found", lines["D-8"].GetProperty("reason").GetString());
        Assert.Equal(2, report.GetProperty("recorded").GetInt32());
        Assert.Equal(5, report.GetProperty("declined").GetInt32());
        Assert.Equal(1, report.GetProperty("rejected").GetInt32());
    }

    [Fact]
    public async Task A_purchase_attributed_by_click_id_is_the_clicking_members_and_a_click_of_another_partner_is_refused()
    {
        var partner = Fixture.AddPartner();
        var other = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        var member = Fixture.AddMember();
        Fixture.Fakes.Clicks["clk-1"] = new ClickInfo("clk-1", member, RewardsFixture.Program, offer, partner, Booked.AddMinutes(-5));
        var client = await Fixture.PartnerUserAsync(partner);
        var otherClient = await Fixture.PartnerUserAsync(other);

        var ok = await client.PostAsJsonAsync("/api/v1/partner/purchases", new { orderReference = "C-1", clickId = "clk-1", amountMinorUnits = 12_350, currency = "EUR", purchasedAt = Booked });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(618, Get(await BalanceAsync(member), "pending")); // 617.5 → 618

        var refused = await otherClient.PostAsJsonAsync("/api/v1/partner/purchases", new { orderReference = "C-1", clickId = "clk-1", amountMinorUnits = 100, currency = "EUR", purchasedAt = Booked });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        // A partner sees only the purchases it reported.
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync("/api/v1/partner/purchases/C-1")).StatusCode);
        Assert.Equal(0, (await otherClient.GetFromJsonAsync<JsonElement>("/api/v1/partner/purchases")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsJsonAsync("/api/v1/partner/purchases/C-1/returns", new { returnReference = "x", amountMinorUnits = 1 })).StatusCode);
    }

    [Fact]
    public async Task A_csv_upload_records_good_rows_and_reports_each_reject_with_its_row_number()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        var member = Fixture.AddMember(number: "300001");
        var client = await Fixture.PartnerUserAsync(partner);
        var csv = new StringBuilder("order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date\n")
            .Append($"CSV-1,,300001,{offer},1999.99,EUR,2026-11-20T10:00:00Z,2026-12-01\n")
            .Append($"CSV-2,,300001,{offer},-5,EUR,2026-11-20,\n")
            .Append($"CSV-3,,300001,{offer},12.345,EUR,2026-11-20,\n")
            .Append($"\"CSV-4, quoted\",,300001,{offer},10,EUR,2026-11-20,\n")
            .Append($"CSV-1,,300001,{offer},1999.99,EUR,2026-11-20T10:00:00Z,2026-12-01\n")
            .Append($"CSV-5,,300001,{offer},10,EUR,yesterday,\n")
            .Append($"CSV-\"6,,300001,{offer},10,EUR,2026-11-20,\n")
            .Append('\n')
            .ToString();
        var response = await client.PostAsync("/api/v1/partner/purchases/csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, report.GetProperty("rows").GetInt32());
        Assert.Equal(2, report.GetProperty("recorded").GetInt32());
        Assert.Equal(1, report.GetProperty("duplicates").GetInt32());
        Assert.Equal(4, report.GetProperty("rejected").GetInt32());
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], lines.Select(l => l.GetProperty("row").GetInt32()));
        Assert.Equal("amount-invalid", lines[1].GetProperty("reason").GetString());
        Assert.Equal("amount-invalid", lines[2].GetProperty("reason").GetString());
        Assert.Equal("CSV-4, quoted", lines[3].GetProperty("orderReference").GetString());
        Assert.Equal("duplicate", lines[4].GetProperty("outcome").GetString());
        Assert.Equal("purchase-date-invalid", lines[5].GetProperty("reason").GetString());
        Assert.Equal("csv-malformed", lines[6].GetProperty("reason").GetString()); // a quote inside an unquoted cell
        Assert.Equal(10_000 + 50, Get(await BalanceAsync(member), "pending"));

        var header = await client.PostAsync("/api/v1/partner/purchases/csv", new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
    }

    [Fact]
    public async Task The_database_refuses_to_change_delete_or_unbalance_journals()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        Fixture.AddMember(number: "400001");
        var client = await Fixture.PartnerUserAsync(partner);
        await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("L-1", "400001", offer, 10_000));

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        async Task<PostgresException> Fails(string sql) =>
            await Assert.ThrowsAsync<PostgresException>(async () => await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());

        Assert.Contains("not allowed", (await Fails("UPDATE rewards.journal_entries SET amount = amount * 2")).MessageText, StringComparison.Ordinal);
        Assert.Contains("not allowed", (await Fails("DELETE FROM rewards.journal_entries")).MessageText, StringComparison.Ordinal);
        Assert.Contains("not allowed", (await Fails("DELETE FROM rewards.journals")).MessageText, StringComparison.Ordinal);
        var unbalanced = await Fails($"""
            BEGIN;
            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at)
            VALUES ('00000000-0000-0000-0000-000000000001', '{RewardsFixture.Program}', 'manual-adjustment', 'test', gen_random_uuid(), 'test:1', 'x', 'test', now());
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            VALUES ('00000000-0000-0000-0000-000000000001', '{RewardsFixture.Program}', 'member:available', gen_random_uuid(), 'EUR', 100, now());
            COMMIT;
            """);
        Assert.Contains("does not balance", unbalanced.MessageText, StringComparison.Ordinal);
        await new NpgsqlCommand("ROLLBACK", connection).ExecuteNonQueryAsync();
        var late = await Fails($"""
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT id, program_id, 'member:available', gen_random_uuid(), 'EUR', 1, now() FROM rewards.journals LIMIT 1
            """);
        Assert.Contains("same transaction", late.MessageText, StringComparison.Ordinal);
        var orphan = await Fails($"""
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            VALUES (gen_random_uuid(), '{RewardsFixture.Program}', 'member:available', gen_random_uuid(), 'EUR', 1, now())
            """);
        Assert.Contains("existing journal", orphan.MessageText, StringComparison.Ordinal);
        var zero = await Fails($"""
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT id, program_id, 'member:available', gen_random_uuid(), 'EUR', 0, now() FROM rewards.journals LIMIT 1
            """);
        Assert.Equal("23514", zero.SqlState);
    }
    [Fact]
    public async Task Journals_of_a_ledger_batch_are_checked_at_commit_and_only_in_their_own_transaction()
    {
        var partner = Fixture.AddPartner();
        var offer = Fixture.AddCashbackOffer(partner);
        Fixture.AddMember(number: "400002");
        var client = await Fixture.PartnerUserAsync(partner);
        // The import writes its journals as one ledger batch: they are there and balance.
        await client.PostAsJsonAsync("/api/v1/partner/purchases", Purchase("LB-1", "400002", offer, 10_000));

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(true, await new NpgsqlCommand(
            "SELECT j.ledger_batch_id IS NOT NULL FROM rewards.journals j JOIN rewards.purchases p ON p.id = j.caused_by_id WHERE p.order_reference = 'LB-1'", connection).ExecuteScalarAsync());
        async Task<PostgresException> Fails(string sql)
        {
            var e = await Assert.ThrowsAsync<PostgresException>(async () => await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());
            await new NpgsqlCommand("ROLLBACK", connection).ExecuteNonQueryAsync();
            return e;
        }

        string Journal(string id, string batch) => $"""
            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at, ledger_batch_id)
            VALUES ('{id}', '{RewardsFixture.Program}', 'manual-adjustment', 'test', gen_random_uuid(), 'test:{id}', 'x', 'test', now(), '{batch}');
            """;
        string Entry(string id, int amount) => $"""
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            VALUES ('{id}', '{RewardsFixture.Program}', 'member:available', gen_random_uuid(), 'EUR', {amount}, now());
            """;
        const string batch = "00000000-0000-0000-0000-0000000000b1";
        const string j1 = "00000000-0000-0000-0000-0000000000a1", j2 = "00000000-0000-0000-0000-0000000000a2";

        var unbalanced = await Fails($"BEGIN; INSERT INTO rewards.ledger_batches (id) VALUES ('{batch}'); {Journal(j1, batch)} {Entry(j1, 100)} {Entry(j1, -100)} {Journal(j2, batch)} {Entry(j2, 5)} COMMIT;");
        Assert.Contains($"journal {j2} does not balance", unbalanced.MessageText, StringComparison.Ordinal);
        var empty = await Fails($"BEGIN; INSERT INTO rewards.ledger_batches (id) VALUES ('{batch}'); {Journal(j1, batch)} COMMIT;");
        Assert.Contains("has no entries", empty.MessageText, StringComparison.Ordinal);
        var noBatch = await Fails($"BEGIN; {Journal(j1, batch)} {Entry(j1, 0)} COMMIT;");
        Assert.Contains("same transaction", noBatch.MessageText, StringComparison.Ordinal);

        // A batch of an earlier transaction cannot take journals that would then escape its commit-time check.
        await new NpgsqlCommand($"BEGIN; INSERT INTO rewards.ledger_batches (id) VALUES ('{batch}'); {Journal(j1, batch)} {Entry(j1, 100)} {Entry(j1, -100)} COMMIT;", connection).ExecuteNonQueryAsync();
        var late = await Fails($"BEGIN; {Journal(j2, batch)} {Entry(j2, 5)} COMMIT;");
        Assert.Contains("same transaction", late.MessageText, StringComparison.Ordinal);
        Assert.Contains("not allowed", (await Fails("DELETE FROM rewards.ledger_batches")).MessageText, StringComparison.Ordinal);
    }
}
