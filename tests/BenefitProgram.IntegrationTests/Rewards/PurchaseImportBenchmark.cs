using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Rewards;

/// <summary>Runs only when BP_BENCH=1 (a manual measurement, not part of the suite; no wall-clock assertion).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("BP_BENCH") != "1")
        {
            Skip = "Manual benchmark: run with BP_BENCH=1 (see bench/README.md).";
        }
    }
}

/// <summary>
/// 1,000,000 purchase rows through the real CSV endpoint (parse, attribution, cashback rule, COPY, set-based writes of
/// purchases, journals, entries and outbox rows) next to a raw COPY of the same file into a bare table.
/// </summary>
public sealed class PurchaseImportBenchmark(RewardsFixture fixture, ITestOutputHelper output) : RewardsTest(fixture)
{
    [BenchmarkFact]
    public async Task Import_one_million_purchase_rows()
    {
        var rows = int.TryParse(Environment.GetEnvironmentVariable("BP_BENCH_ROWS"), out var n) ? n : 1_000_000;
        var partner = Fixture.AddPartner(BenefitProgram.Catalog.Contracts.CashbackFunding.Shared, 5_000, 250);
        var offer = Fixture.AddCashbackOffer(partner, capPerYear: 50_000);
        for (var m = 0; m < 10_000; m++)
        {
            Fixture.AddMember(number: $"B{m:D6}");
        }

        var csv = new StringBuilder(rows * 90).Append("order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"ORD-{i:D8},,B{i % 10_000:D6},{offer},{(i % 50_000) / 100m + 10:0.00},EUR,{start.AddMinutes(i / 3):yyyy-MM-ddTHH:mm:ssZ},{(i % 3 == 0 ? "2026-12-01" : "")}\n");
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        output.WriteLine($"file: {bytes.Length / 1024 / 1024} MB, {rows:N0} rows");

        var client = await Fixture.PartnerUserAsync(partner);
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/api/v1/partner/purchases/csv", new ByteArrayContent(bytes) { Headers = { ContentType = new("text/csv") } });
        var import = watch.Elapsed;
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"endpoint import: {import.TotalSeconds:0.0} s ({rows / import.TotalSeconds:N0} rows/s): {report.GetProperty("recorded")} recorded, {report.GetProperty("declined")} declined, {report.GetProperty("rejected")} rejected");

        watch.Restart();
        var again = await client.PostAsync("/api/v1/partner/purchases/csv", new ByteArrayContent(bytes) { Headers = { ContentType = new("text/csv") } });
        var repeat = watch.Elapsed;
        output.WriteLine($"same file again: {repeat.TotalSeconds:0.0} s, duplicates {(await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates")}");

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand("CREATE TABLE public.bench_raw (order_reference text, click_id text, member_number text, offer_id uuid, amount numeric, currency text, purchased_at timestamptz, service_date date)", connection).ExecuteNonQueryAsync();
        watch.Restart();
        await using (var writer = await connection.BeginTextImportAsync("COPY public.bench_raw FROM STDIN (FORMAT csv, HEADER true)"))
        {
            await writer.WriteAsync(csv);
        }

        var raw = watch.Elapsed;
        output.WriteLine($"raw COPY of the same file into a bare table: {raw.TotalSeconds:0.0} s ({rows / raw.TotalSeconds:N0} rows/s)");
        await new NpgsqlCommand("DROP TABLE public.bench_raw", connection).ExecuteNonQueryAsync();
        await using var counts = new NpgsqlCommand("SELECT (SELECT count(*) FROM rewards.purchases), (SELECT count(*) FROM rewards.journals), (SELECT count(*) FROM rewards.journal_entries), (SELECT count(*) FROM rewards.outbox_messages)", connection);
        await using var reader = await counts.ExecuteReaderAsync();
        await reader.ReadAsync();
        output.WriteLine($"purchases {reader.GetInt64(0):N0}, journals {reader.GetInt64(1):N0}, entries {reader.GetInt64(2):N0}, outbox {reader.GetInt64(3):N0}");
    }
}
