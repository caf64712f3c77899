using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BenefitProgram.Catalog.Retention;

/// <summary>How long Catalog keeps click logs and discount passes (configuration section Catalog:Retention).</summary>
internal sealed class CatalogRetentionOptions
{
    /// <summary>
    /// Click-outs older than this are deleted. Rewards attributes a reported purchase by its click id
    /// (<c>IClickAttribution</c>), so a purchase reported later than this after its click is no longer attributed by click.
    /// </summary>
    public int ClickDays { get; set; } = 400;

    /// <summary>Discount passes: unused ones are deleted this long after they expired, used ones lose their pass code.</summary>
    public int PassDays { get; set; } = 90;
}

/// <summary>
/// "catalog:retention" (issue #6, job 7): purges click logs and expired or used discount passes older than their retention
/// period, set-based in batches, idempotent (what was purged is gone; a second run of the night finds nothing).
/// <list type="bullet">
/// <item>click-outs (<c>ClickOut</c> redemptions) created before night + 1 day − ClickDays: deleted;</item>
/// <item>unused passes whose pass expired before night + 1 day − PassDays: deleted;</item>
/// <item>used (verified) passes verified before that: the pass code is cleared, the redemption (time, amount) stays,
/// because partner revenue is a business fact.</item>
/// </list>
/// A member's earliest redemption is never deleted: the program-effect report classifies members by "used a benefit in
/// the first 90 days", and that must not change when old rows go. Only the programs of the night's time zone are touched;
/// the cut-offs count from the end of the night's local day (the program's midnight as a UTC instant).
/// </summary>
internal sealed class RetentionJob(CatalogDbContext db, IOptions<CatalogRetentionOptions> options) : INightlyJob
{
    private const int BatchSize = 50_000;

    public string Name => "catalog:retention";

    public int Order => 250;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        var settings = options.Value;
        var dayAfter = night.Ends;
        var programs = night.Programs;
        var clickCutoff = dayAfter.AddDays(-Math.Max(1, settings.ClickDays));
        var passCutoff = dayAfter.AddDays(-Math.Max(1, settings.PassDays));

        // Each batch is its own statement (atomic); a crash between batches leaves work that the next run finishes.
        const string notFirst = """
            AND EXISTS (SELECT 1 FROM catalog.redemptions e
                        WHERE e.member_id = r.member_id AND (e.created_at, e.id) < (r.created_at, r.id))
            """;
        var total = 0L;
        total += await RepeatAsync($"""
            DELETE FROM catalog.redemptions WHERE id IN (
              SELECT r.id FROM catalog.redemptions r
              WHERE r.program_id = ANY(@programs) AND r.kind = 'ClickOut' AND r.created_at < @cutoff {notFirst}
              LIMIT {BatchSize})
            """, clickCutoff, programs, ct);
        total += await RepeatAsync($"""
            DELETE FROM catalog.redemptions WHERE id IN (
              SELECT r.id FROM catalog.redemptions r
              WHERE r.program_id = ANY(@programs) AND r.kind = 'DiscountPass' AND r.verified_at IS NULL AND r.pass_expires_at < @cutoff {notFirst}
              LIMIT {BatchSize})
            """, passCutoff, programs, ct);
        total += await RepeatAsync($"""
            UPDATE catalog.redemptions SET pass_short_code = NULL WHERE id IN (
              SELECT r.id FROM catalog.redemptions r
              WHERE r.program_id = ANY(@programs) AND r.kind = 'DiscountPass' AND r.verified_at < @cutoff AND r.pass_short_code IS NOT NULL
              LIMIT {BatchSize})
            """, passCutoff, programs, ct);
        return total;
    }

    private async Task<long> RepeatAsync(string sql, DateTimeOffset cutoff, Guid[] programs, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var total = 0L;
        while (true)
        {
            await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
            cmd.Parameters.AddWithValue("cutoff", cutoff);
            cmd.Parameters.AddWithValue("programs", programs);
            var rows = await cmd.ExecuteNonQueryAsync(ct);
            total += rows;
            if (rows < BatchSize)
            {
                return total;
            }
        }
    }
}
