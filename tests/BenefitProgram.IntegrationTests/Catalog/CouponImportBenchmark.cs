using System.Diagnostics;
using System.Net;
using System.Text;
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

        // The same file again: every code is reported as already in the pool, nothing imported.
        watch.Restart();
        var again = await UploadCodesAsync(partner.Admin, offer, text.ToString(), "?dryRun=true");
        output.WriteLine($"dry run of the same million (all duplicates): {watch.Elapsed.TotalSeconds:F2} s, alreadyInPool = {(await Json(again)).GetProperty("alreadyInPool").GetInt32()}");
    }
}
