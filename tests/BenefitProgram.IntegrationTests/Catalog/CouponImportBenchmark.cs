using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Xunit.Abstractions;

namespace BenefitProgram.IntegrationTests.Catalog;

/// <summary>Runs only when BP_BENCH=1 (skipped in the normal test run): measures the import of a pool of 1,000,000 codes.</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("BP_BENCH") != "1")
        {
            Skip = "Benchmark: set BP_BENCH=1 to run.";
        }
    }
}

public sealed class CouponImportBenchmark(CatalogFixture fixture, ITestOutputHelper output) : CatalogTest(fixture)
{
    [BenchFact]
    public async Task A_pool_of_a_million_codes_imports_in_seconds()
    {
        var partner = await CreatePartnerAsync("Kinopalast");
        var offer = await CreateDraftAsync(partner, OfferBody());
        var text = new StringBuilder(14_000_000);
        for (var i = 0; i < 1_000_000; i++)
        {
            text.Append("KINO-").Append(i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        var watch = Stopwatch.StartNew();
        var response = await UploadCodesAsync(partner.Admin, offer, text.ToString());
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await Json(response);
        Assert.Equal(1_000_000, report.GetProperty("imported").GetInt32());
        output.WriteLine($"1,000,000 codes ({text.Length / 1_000_000.0:F1} MB): {watch.Elapsed.TotalSeconds:F2} s end to end over HTTP, " +
            $"{report.GetProperty("elapsedMilliseconds").GetInt64() / 1000.0:F2} s in the importer, {1_000_000 / watch.Elapsed.TotalSeconds:N0} codes/s");

        // The references, in the same run and cluster: the same codes with a raw binary COPY into a bare table (no index);
        // into a copy of the pool table (identity, the same three indexes) directly, as the importer does for an empty
        // pool; and through a temp staging table plus INSERT ... SELECT, as it does when the pool has codes already.
        var codes = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            async Task CopyAsync(string target)
            {
                await using var copy = await connection.BeginBinaryImportAsync($"COPY {target} (offer_id, code) FROM STDIN (FORMAT BINARY)");
                foreach (var code in codes)
                {
                    copy.StartRow();
                    copy.Write(offer, NpgsqlDbType.Uuid);
                    copy.Write(code, NpgsqlDbType.Text);
                }

                await copy.CompleteAsync();
            }

            async Task SqlAsync(string sql) => await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();

            await SqlAsync("DROP TABLE IF EXISTS public.bench_codes_bare; CREATE TABLE public.bench_codes_bare (offer_id uuid NOT NULL, code text NOT NULL)");
            watch.Restart();
            await CopyAsync("public.bench_codes_bare");
            output.WriteLine($"raw COPY of the same codes into a bare table: {watch.Elapsed.TotalSeconds:F2} s ({1_000_000 / watch.Elapsed.TotalSeconds:N0} codes/s)");

            await SqlAsync("DROP TABLE IF EXISTS public.bench_codes_pool; CREATE TABLE public.bench_codes_pool (LIKE catalog.coupon_codes INCLUDING ALL)");
            watch.Restart();
            await CopyAsync("public.bench_codes_pool");
            output.WriteLine($"COPY straight into a copy of the pool table (its indexes): {watch.Elapsed.TotalSeconds:F2} s");

            await SqlAsync("TRUNCATE public.bench_codes_pool; CREATE TEMP TABLE bench_codes_upload (offer_id uuid NOT NULL, code text NOT NULL)");
            watch.Restart();
            await CopyAsync("bench_codes_upload");
            var staged = watch.Elapsed;
            await SqlAsync("INSERT INTO public.bench_codes_pool (offer_id, code) SELECT offer_id, code FROM bench_codes_upload");
            output.WriteLine($"COPY into a temp table + INSERT ... SELECT into the pool copy: {watch.Elapsed.TotalSeconds:F2} s (COPY {staged.TotalSeconds:F2} s)");
            await SqlAsync("DROP TABLE public.bench_codes_bare; DROP TABLE public.bench_codes_pool; DROP TABLE bench_codes_upload");
        }

        // The same file again: every code is reported as already in the pool, nothing imported.
        watch.Restart();
        var again = await UploadCodesAsync(partner.Admin, offer, text.ToString(), "?dryRun=true");
        output.WriteLine($"dry run of the same million (all duplicates): {watch.Elapsed.TotalSeconds:F2} s, alreadyInPool = {(await Json(again)).GetProperty("alreadyInPool").GetInt32()}");
    }
}
