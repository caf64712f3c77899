using System.Diagnostics;
using System.Globalization;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Catalog.Offers;
using BenefitProgram.Catalog.Persistence;
using BenefitProgram.Common.Http;
using BenefitProgram.Common.Security;
using CsvHelper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.Catalog.Uploads;

public sealed record CodeImportReport(
    bool DryRun,
    bool Applied,
    int Lines,
    int Imported,
    int DuplicatesInFile,
    int AlreadyInPool,
    IReadOnlyList<RowError> Errors,
    long ElapsedMilliseconds);

public sealed record CodePoolView(Guid OfferId, long Total, long Remaining, long HandedOut);

/// <summary>
/// Imports a coupon-code pool: plain text (one code a line) or CSV (first column, optional header "code"). Codes are checked
/// in memory, copied with binary COPY into a temp table, checked against the pool with one join and inserted with one
/// INSERT ... SELECT. Any bad code or duplicate refuses the whole file (422, nothing imported) unless <c>skipDuplicates</c>
/// says to import the rest; duplicates are always listed in the report.
/// </summary>
internal static class CouponCodeImport
{
    public const long MaxBytes = 64L * 1024 * 1024;
    private const int MaxReportedErrors = 1000;

    public static void MapCouponCodes(this IEndpointRouteBuilder api)
    {
        var partner = api.MapGroup("/partner/offers/{id:guid}/codes").WithTags("Partner: coupon codes").RequireAuthorization(Policies.Partner);

        partner.MapPost("", async Task<Results<Ok<CodeImportReport>, UnprocessableEntity<CodeImportReport>, ProblemHttpResult>> (
            Guid id, bool? dryRun, bool? skipDuplicates, HttpRequest request, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            var offer = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id && o.PartnerId == actor.RequirePartner(), ct);
            if (offer is null)
            {
                return Problems.NotFound("The offer");
            }

            if (offer.Kind != OfferKind.Coupon || offer.GenericCode is not null)
            {
                return Problems.Conflict("offer-has-no-code-pool", "Only a coupon offer without a generic code has a code pool.");
            }

            if (offer.Status is OfferStatus.Withdrawn or OfferStatus.Expired)
            {
                return Problems.Conflict("offer-not-editable", $"A {offer.Status.ToString().ToLowerInvariant()} offer takes no more codes.");
            }

            var (bytes, tooLarge) = await UploadBody.ReadAsync(request, MaxBytes, ct);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            var report = await ImportAsync(db, id, UploadBody.Decode(bytes!, request.ContentType), IsCsv(request.ContentType), dryRun ?? false, skipDuplicates ?? false, ct);
            return report.Errors.Count > 0 && !report.Applied && !report.DryRun ? TypedResults.UnprocessableEntity(report) : TypedResults.Ok(report);
        }).Accepts<string>("text/plain", "text/csv")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBytes + 1024))
            .WithSummary("Uploads coupon codes (text/plain one per line, or text/csv). ?dryRun=true only checks; ?skipDuplicates=true imports the rest.");

        partner.MapGet("", async Task<Results<Ok<CodePoolView>, ProblemHttpResult>> (Guid id, CurrentActor actor, CatalogDbContext db, CancellationToken ct) =>
        {
            if (!await db.Offers.AnyAsync(o => o.Id == id && o.PartnerId == actor.RequirePartner(), ct))
            {
                return Problems.NotFound("The offer");
            }

            var total = await db.CouponCodes.LongCountAsync(c => c.OfferId == id, ct);
            var free = await db.CouponCodes.LongCountAsync(c => c.OfferId == id && c.AssignedAt == null, ct);
            return TypedResults.Ok(new CodePoolView(id, total, free, total - free));
        }).WithSummary("Size of the offer's code pool and how many codes are left.");
    }

    private static bool IsCsv(string? contentType) =>
        contentType is not null && (contentType.Contains("csv", StringComparison.OrdinalIgnoreCase) || contentType.Contains("excel", StringComparison.OrdinalIgnoreCase));

    public static async Task<CodeImportReport> ImportAsync(CatalogDbContext db, Guid offerId, string text, bool csv, bool dryRun, bool skipDuplicates, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var errors = new List<RowError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var codes = new List<(int Line, string Code)>();
        var duplicatesInFile = 0;
        var lines = 0;

        void Take(int line, string raw)
        {
            var code = raw.Trim();
            lines++;
            if (code.Length == 0)
            {
                return;
            }

            if (CouponCodeRules.Check(code) is { } problem)
            {
                if (errors.Count < MaxReportedErrors)
                {
                    errors.Add(new RowError(line, "code", problem));
                }

                return;
            }

            if (!seen.Add(code))
            {
                duplicatesInFile++;
                if (errors.Count < MaxReportedErrors)
                {
                    errors.Add(new RowError(line, "code", $"Duplicate code '{code}' (it appears earlier in the file)."));
                }

                return;
            }

            codes.Add((line, code));
        }

        var invalid = 0;
        if (csv)
        {
            var options = CsvReaderOptions.Default with
            {
                HasHeader = false,
                TrackLineNumbers = true,
                OnMalformedRecord = bad =>
                {
                    invalid++;
                    if (errors.Count < MaxReportedErrors)
                    {
                        errors.Add(new RowError((int)bad.LineNumber, "code", $"Broken CSV quoting in this line ({bad.Reason})."));
                    }
                },
            };
            using var parser = CsvReader.FromText(text, options);
            var first = true;
            while (await parser.ReadAsync(ct))
            {
                var value = parser.GetString(0);
                if (first && string.Equals(value.Trim(), "code", StringComparison.OrdinalIgnoreCase))
                {
                    first = false;
                    continue;
                }

                first = false;
                Take((int)parser.LineNumber, value);
            }
        }
        else
        {
            using var reader = new StringReader(text);
            var line = 0;
            while (reader.ReadLine() is { } value)
            {
                Take(++line, value);
            }
        }

        var badCodes = errors.Count(e => !e.Message.StartsWith("Duplicate", StringComparison.Ordinal)) + invalid;
        var alreadyInPool = 0;
        var imported = 0;
        var applied = false;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
        bool poolHasCodes;
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM catalog.coupon_codes WHERE offer_id = @offer)", connection, transaction))
        {
            any.Parameters.AddWithValue("offer", offerId);
            poolHasCodes = (bool)(await any.ExecuteScalarAsync(ct))!;
        }

        var refusedInFile = badCodes > 0 || (duplicatesInFile > 0 && !skipDuplicates);
        if (!poolHasCodes)
        {
            // An empty pool (the usual first upload of a large pool): nothing to compare with, so the checked codes go
            // with one binary COPY straight into the pool, without a staging table and a second INSERT ... SELECT pass
            // (that pass was about half of the time for 1,000,000 codes, see bench/README.md). A concurrent upload of the
            // same codes still hits the unique index and fails whole.
            return await FinishAsync(dryRun || refusedInFile ? null : async () =>
            {
                await using var copy = await connection.BeginBinaryImportAsync("COPY catalog.coupon_codes (offer_id, code) FROM STDIN (FORMAT BINARY)", ct);
                foreach (var (_, code) in codes)
                {
                    copy.StartRow();
                    copy.Write(offerId, NpgsqlDbType.Uuid);
                    copy.Write(code, NpgsqlDbType.Text);
                }

                return (int)await copy.CompleteAsync(ct);
            });
        }

        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE codes_upload (line int NOT NULL, code text NOT NULL) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY codes_upload (line, code) FROM STDIN (FORMAT BINARY)", ct))
        {
            // Synchronous writes: the importer buffers and flushes itself; an await per value costs more than the copy.
            foreach (var (line, code) in codes)
            {
                copy.StartRow();
                copy.Write(line, NpgsqlDbType.Integer);
                copy.Write(code, NpgsqlDbType.Text);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE codes_upload", connection, transaction))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        await using (var existing = new NpgsqlCommand("""
            SELECT u.line, u.code, count(*) OVER () FROM codes_upload u
            JOIN catalog.coupon_codes c ON c.offer_id = @offer AND c.code = u.code
            ORDER BY u.line LIMIT 1000
            """, connection, transaction))
        {
            existing.Parameters.AddWithValue("offer", offerId);
            await using var reader = await existing.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                alreadyInPool = (int)reader.GetInt64(2);
                if (errors.Count < MaxReportedErrors)
                {
                    errors.Add(new RowError(reader.GetInt32(0), "code", $"Duplicate code '{reader.GetString(1)}' (it is already in the pool)."));
                }
            }
        }

        var refused = refusedInFile || (alreadyInPool > 0 && !skipDuplicates);
        // The duplicates were checked above, so a plain INSERT (no speculative ON CONFLICT per row); with skipDuplicates the
        // anti-join leaves the known ones out. A concurrent upload of the same codes still hits the unique index and fails whole.
        return await FinishAsync(dryRun || refused ? null : async () =>
        {
            await using var insert = new NpgsqlCommand(alreadyInPool == 0
                ? "INSERT INTO catalog.coupon_codes (offer_id, code) SELECT @offer, code FROM codes_upload"
                : """
                  INSERT INTO catalog.coupon_codes (offer_id, code) SELECT @offer, u.code FROM codes_upload u
                  WHERE NOT EXISTS (SELECT 1 FROM catalog.coupon_codes c WHERE c.offer_id = @offer AND c.code = u.code)
                  """, connection, transaction);
            insert.Parameters.AddWithValue("offer", offerId);
            return await insert.ExecuteNonQueryAsync(ct);
        });

        // Writes the codes (null: a dry run or a refused file, nothing is written), commits or rolls back, and reports.
        async Task<CodeImportReport> FinishAsync(Func<Task<int>>? write)
        {
            if (write is not null)
            {
                imported = await write();
                await ClearStockAlertAsync(db, offerId, ct);
                await tx.CommitAsync(ct);
                applied = true;
            }
            else
            {
                await tx.RollbackAsync(ct);
            }

            errors.Sort((a, b) => a.Line.CompareTo(b.Line));
            return new CodeImportReport(dryRun, applied, lines, applied ? imported : 0, duplicatesInFile, alreadyInPool, errors, watch.ElapsedMilliseconds);
        }
    }

    private static Task<int> ClearStockAlertAsync(CatalogDbContext db, Guid offerId, CancellationToken ct) =>
        db.Offers.Where(o => o.Id == offerId).ExecuteUpdateAsync(s => s.SetProperty(o => o.StockLowAlertedAt, (DateTimeOffset?)null), ct);
}
