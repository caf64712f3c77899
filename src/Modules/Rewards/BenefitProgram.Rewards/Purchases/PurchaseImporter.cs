using System.Data;
using System.Diagnostics;
using BenefitProgram.Catalog.Contracts;
using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Observability;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Rewards.Cashback;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.Rewards.Purchases;

/// <summary>One purchase or booking as a partner reports it (JSON or a CSV row).</summary>
public sealed record PurchaseReport(
    string OrderReference,
    string? ClickId,
    string? MemberNumber,
    Guid? OfferId,
    long AmountMinorUnits,
    string Currency,
    DateTimeOffset PurchasedAt,
    DateOnly? ServiceDate);

/// <summary>Outcome of one row: recorded (cashback pending), declined (recorded, no cashback, with the reason), duplicate (acknowledged, ignored), rejected (not recorded).</summary>
public sealed record PurchaseRowResult(int Row, string OrderReference, string Outcome, string? Reason, Guid? PurchaseId, long? CashbackMinorUnits);

public sealed record PurchaseImportReport(int Rows, int Recorded, int Declined, int Duplicates, int Rejected, IReadOnlyList<PurchaseRowResult> Lines, bool LinesTruncated);

internal static class RowOutcomes
{
    public const string Recorded = "recorded";
    public const string Declined = "declined";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>
/// Records purchases for one partner: the single, batch and CSV paths all come here. Attribution and the cashback rule
/// run in C# (the one pure <see cref="CashbackCalculator"/>), the writes are set-based: binary COPY of the computed rows
/// into a temporary table, then INSERT ... SELECT into purchases (ON CONFLICT on (partner, order reference) = duplicate),
/// their ledger journals and their outbox events, all in one transaction. A per-partner advisory lock serialises imports
/// of one partner, so duplicates and yearly caps are decided against committed data.
/// </summary>
internal sealed class PurchaseImporter(
    RewardsDbContext db,
    IOfferDirectory offers,
    IPartnerDirectory partners,
    IClickAttribution clicks,
    IMemberEntitlements members,
    IProgramDirectory programs,
    TimeProvider clock,
    ILogger<PurchaseImporter> logger)
{
    /// <summary>Member numbers, click ids or member ids per bulk lookup query.</summary>
    private const int LookupChunk = 50_000;

    /// <summary>From this many rows on, the set-based statements get more memory for their sorts and hashes.</summary>
    private const int BulkRows = 5_000;

    public const int MaxReportedLines = 10_000;

    private sealed class Row
    {
        public int No;
        public PurchaseReport Report = null!;
        public Guid ProgramId;
        public Guid MemberId;
        public OfferTerms Offer = null!;
        public string? Outcome;
        public string? Reason;
        public Guid Id;
        public long Cashback;
        public long PartnerShare;
        public long Commission;
        public DateOnly WindowEndsOn;
    }

    public async Task<PurchaseImportReport> ImportAsync(Guid partnerId, IReadOnlyList<PurchaseReport> reports, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {watch.ElapsedMilliseconds} ms");
            watch.Restart();
        }

        var rows = reports.Select((r, i) => new Row { No = i + 1, Report = r }).ToList();
        var partner = await partners.GetAsync(partnerId, ct);

        // 1. Shape and duplicates inside the request.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var reason = partner is null ? "partner-not-found" : Validate(row.Report, now);
            if (reason is not null)
            {
                Reject(row, reason);
            }
            else if (!seen.Add(row.Report.OrderReference))
            {
                row.Outcome = RowOutcomes.Duplicate;
            }
        }

        // 2. Attribution: a click id of this partner, or a member number with an offer of this partner. Clicks and member
        //    numbers are resolved in bulk (one query per chunk), offers once per distinct offer.
        var clickIds = rows.Where(r => r.Outcome is null && !string.IsNullOrEmpty(r.Report.ClickId)).Select(r => r.Report.ClickId!)
            .Distinct(StringComparer.Ordinal).ToList();
        var clickMap = new Dictionary<string, ClickInfo>(StringComparer.Ordinal);
        foreach (var chunk in clickIds.Chunk(LookupChunk))
        {
            foreach (var (id, click) in await clicks.FindManyAsync(chunk, ct))
            {
                clickMap[id] = click;
            }
        }

        var offerCache = new Dictionary<Guid, OfferTerms?>();
        var byNumber = new List<Row>();
        foreach (var row in rows.Where(r => r.Outcome is null))
        {
            var report = row.Report;
            Guid offerId;
            if (!string.IsNullOrEmpty(report.ClickId))
            {
                if (!clickMap.TryGetValue(report.ClickId, out var click) || click.PartnerId != partnerId)
                {
                    Reject(row, "click-not-found");
                    continue;
                }

                if (report.OfferId is { } given && given != click.OfferId)
                {
                    Reject(row, "offer-does-not-match-click");
                    continue;
                }

                offerId = click.OfferId;
                row.MemberId = click.MemberId;
            }
            else
            {
                offerId = report.OfferId!.Value;
            }

            if (!offerCache.TryGetValue(offerId, out var offer))
            {
                offer = offerCache[offerId] = await offers.GetAsync(offerId, ct);
            }

            if (offer is null || offer.PartnerId != partnerId)
            {
                Reject(row, "offer-not-found");
                continue;
            }

            row.Offer = offer;
            row.ProgramId = offer.ProgramId;
            if (string.IsNullOrEmpty(report.ClickId))
            {
                byNumber.Add(row);
            }
        }

        foreach (var program in byNumber.GroupBy(r => r.ProgramId))
        {
            var numbers = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var chunk in program.Select(r => r.Report.MemberNumber!).Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
            {
                foreach (var (number, id) in await members.FindMemberIdsByNumberAsync(program.Key, chunk, ct))
                {
                    numbers[number] = id;
                }
            }

            foreach (var row in program)
            {
                if (numbers.TryGetValue(row.Report.MemberNumber!, out var memberId))
                {
                    row.MemberId = memberId;
                }
                else
                {
                    Reject(row, "member-not-found");
                }
            }
        }

        var candidates = rows.Where(r => r.Outcome is null).ToList();
        Phase("validation+attribution");
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"rewards:partner:" + partnerId}, 0))", ct);
        if (rows.Count > BulkRows)
        {
            // Bulk imports sort and hash a few hundred MB in the statements below: keep that in memory.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '64MB'", ct);
        }

        // 3. Order references this partner already reported: acknowledged, ignored.
        if (candidates.Count > 0)
        {
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await using (var cmd = new NpgsqlCommand(
                "SELECT p.order_reference FROM rewards.purchases p WHERE p.partner_id = @partner AND p.order_reference IN (SELECT unnest(@refs))", connection))
            {
                cmd.Parameters.AddWithValue("partner", partnerId);
                cmd.Parameters.AddWithValue("refs", candidates.Select(r => r.Report.OrderReference).ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    existing.Add(reader.GetString(0));
                }
            }

            foreach (var row in candidates.Where(r => existing.Contains(r.Report.OrderReference)))
            {
                row.Outcome = RowOutcomes.Duplicate;
            }

            candidates = candidates.Where(r => r.Outcome is null).ToList();
        }

        Phase("known-references");

        // 4. Entitlements at each purchase instant: the members' entitlement timelines, read in bulk.
        var entitlements = await EntitlementsAsync(candidates, ct);

        // 5. Year-to-date cashback per (member, offer, year) for offers with a yearly cap, then the rule, in purchase order.
        var ytd = await YearToDateAsync(connection, candidates, ct);
        var zones = new Dictionary<Guid, string>();
        foreach (var programId in candidates.Select(r => r.ProgramId).Distinct())
        {
            zones[programId] = (await programs.FindByIdAsync(programId, ct))?.TimeZone ?? "Europe/Berlin";
        }
        foreach (var row in candidates.OrderBy(r => r.Report.PurchasedAt).ThenBy(r => r.No))
        {
            var report = row.Report;
            var year = report.PurchasedAt.UtcDateTime.Year;
            var key = (row.MemberId, row.Offer.OfferId, year);
            ytd.TryGetValue(key, out var used);
            var entitlement = entitlements(row);
            var decision = CashbackCalculator.Compute(new CashbackInput(report.AmountMinorUnits, report.Currency, report.PurchasedAt, row.Offer, entitlement, used));
            row.Cashback = decision.AmountMinor;
            row.Reason = decision.DeclineReason;
            row.Outcome = decision.Declined ? RowOutcomes.Declined : RowOutcomes.Recorded;
            row.PartnerShare = Ledger.LedgerWriter.Split(row.Cashback, partner!.Terms.PartnerShareBasisPoints).Partner;
            row.Commission = new Money(report.AmountMinorUnits, report.Currency).Percent(partner.Terms.CommissionRateBasisPoints).MinorUnits;
            // The window is counted in calendar days of the program's time zone: the night of its last day (in that zone) confirms.
            var baseDate = report.ServiceDate ?? NightScope.LocalDate(report.PurchasedAt, zones[row.ProgramId]);
            row.WindowEndsOn = baseDate.AddDays(row.Offer.Cashback?.ReturnWindowDays ?? 0);
            ytd[key] = used + row.Cashback;
        }

        Phase("entitlements+rule");

        // 6. Set-based writes.
        if (candidates.Count > 0)
        {
            var notInserted = await WriteAsync(connection, partnerId, partner!.Terms.PartnerShareBasisPoints, candidates, actor, now, Phase, ct);
            foreach (var row in candidates.Where(r => notInserted.Contains(r.No)))
            {
                row.Outcome = RowOutcomes.Duplicate;
                row.Reason = null;
            }
        }

        Phase("writes");
        await tx.CommitAsync(ct);
        Phase("commit");
        BusinessMetrics.PurchasesRecorded(rows.Count(r => r.Outcome == RowOutcomes.Recorded), "recorded");
        BusinessMetrics.PurchasesRecorded(rows.Count(r => r.Outcome == RowOutcomes.Declined), "declined");
        logger.LogInformation("Purchase import of {Rows} rows for partner {PartnerId}: {Phases}", rows.Count, partnerId, string.Join(", ", phases));

        var lines = rows.Select(r => new PurchaseRowResult(
                r.No, r.Report.OrderReference, r.Outcome!, r.Reason,
                r.Outcome is RowOutcomes.Recorded or RowOutcomes.Declined ? r.Id : null,
                r.Outcome is RowOutcomes.Recorded or RowOutcomes.Declined ? r.Cashback : null))
            .ToList();
        var listed = rows.Count <= MaxReportedLines ? lines : lines.Where(l => l.Outcome != RowOutcomes.Recorded).Take(MaxReportedLines).ToList();
        return new PurchaseImportReport(
            rows.Count,
            lines.Count(l => l.Outcome == RowOutcomes.Recorded),
            lines.Count(l => l.Outcome == RowOutcomes.Declined),
            lines.Count(l => l.Outcome == RowOutcomes.Duplicate),
            lines.Count(l => l.Outcome == RowOutcomes.Rejected),
            listed,
            listed.Count < lines.Count(l => rows.Count <= MaxReportedLines || l.Outcome != RowOutcomes.Recorded));
    }

    private static void Reject(Row row, string reason)
    {
        row.Outcome = RowOutcomes.Rejected;
        row.Reason = reason;
    }

    /// <summary>The row's shape; null when it is acceptable.</summary>
    public static string? Validate(PurchaseReport r, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(r.OrderReference) || r.OrderReference.Length > 100 || r.OrderReference.Any(char.IsControl))
        {
            return "order-reference-invalid";
        }

        if (r.AmountMinorUnits <= 0)
        {
            return "amount-must-be-positive";
        }

        if (!Money.IsCurrencyCode(r.Currency))
        {
            return "currency-invalid";
        }

        if (string.IsNullOrEmpty(r.ClickId) && (string.IsNullOrWhiteSpace(r.MemberNumber) || r.OfferId is null))
        {
            return "member-missing";
        }

        if (r.ClickId is { Length: > 100 } || r.MemberNumber is { Length: > 50 })
        {
            return "member-reference-invalid";
        }

        if (r.PurchasedAt > now.AddDays(1) || r.PurchasedAt.Year < 2000)
        {
            return "purchase-date-invalid";
        }

        return null;
    }

    private async Task<Func<Row, MemberEntitlement?>> EntitlementsAsync(List<Row> rows, CancellationToken ct)
    {
        var timelines = new Dictionary<(Guid, Guid), MemberEntitlementTimeline>();
        foreach (var program in rows.GroupBy(r => r.ProgramId))
        {
            foreach (var chunk in program.Select(r => r.MemberId).Distinct().Chunk(LookupChunk))
            {
                foreach (var (id, timeline) in await members.GetTimelinesAsync(program.Key, chunk, ct))
                {
                    timelines[(program.Key, id)] = timeline;
                }
            }
        }

        return row => timelines.GetValueOrDefault((row.ProgramId, row.MemberId))?.At(row.Report.PurchasedAt);
    }

    private static async Task<Dictionary<(Guid, Guid, int), long>> YearToDateAsync(NpgsqlConnection connection, List<Row> rows, CancellationToken ct)
    {
        var result = new Dictionary<(Guid, Guid, int), long>();
        var capped = rows.Where(r => r.Offer.Cashback?.CapPerMemberPerYearMinorUnits is not null)
            .Select(r => (r.MemberId, r.Offer.OfferId)).Distinct().ToList();
        if (capped.Count == 0)
        {
            return result;
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT p.member_id, p.offer_id, extract(year FROM p.purchased_at AT TIME ZONE 'UTC')::int, sum(p.cashback_minor)
            FROM rewards.purchases p
            JOIN unnest(@members, @offers) AS k(member_id, offer_id) ON k.member_id = p.member_id AND k.offer_id = p.offer_id
            WHERE p.state IN ('Pending', 'Confirmed', 'Paid')
            GROUP BY 1, 2, 3
            """, connection);
        cmd.Parameters.AddWithValue("members", capped.Select(c => c.MemberId).ToArray());
        cmd.Parameters.AddWithValue("offers", capped.Select(c => c.OfferId).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2))] = reader.GetInt64(3);
        }

        return result;
    }

    /// <summary>COPY into a temporary table, then purchases, journals, entries and outbox rows set-based. Returns the row numbers not inserted.</summary>
    private static async Task<HashSet<int>> WriteAsync(
        NpgsqlConnection connection, Guid partnerId, int shareBasisPoints, List<Row> rows, string actor, DateTimeOffset now, Action<string> phase, CancellationToken ct)
    {
        async Task<int> RunAsync(string sql, Action<NpgsqlParameterCollection>? parameters = null)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            parameters?.Invoke(command.Parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }

        await RunAsync("""
            CREATE TEMP TABLE purchase_staging (
              row_no int NOT NULL, id uuid NOT NULL, journal_id uuid NOT NULL, outbox_id uuid NOT NULL, program_id uuid NOT NULL,
              member_id uuid NOT NULL, offer_id uuid NOT NULL, order_reference varchar(100) NOT NULL, click_id varchar(100),
              amount_minor bigint NOT NULL, currency char(3) NOT NULL, purchased_at timestamptz NOT NULL, service_date date,
              window_ends_on date NOT NULL, cashback bigint NOT NULL, partner_share bigint NOT NULL, commission bigint NOT NULL,
              state varchar(20) NOT NULL, decline_reason varchar(60), inserted boolean NOT NULL DEFAULT true
            ) ON COMMIT DROP
            """);

        // Ids ascend in row order (purchase, journal and outbox ids each), so every insert below appends to its indexes.
        var ids = new AscendingUuids(now);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY purchase_staging (row_no, id, journal_id, outbox_id, program_id, member_id, offer_id, order_reference, click_id, amount_minor, currency, purchased_at, service_date, window_ends_on, cashback, partner_share, commission, state, decline_reason) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                var r = row.Report;
                row.Id = ids.Next();
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.No, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(ids.Next(), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(ids.Next(), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.ProgramId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.MemberId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.Offer.OfferId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(r.OrderReference, NpgsqlDbType.Varchar, ct);
                if (string.IsNullOrEmpty(r.ClickId)) { await copy.WriteNullAsync(ct); } else { await copy.WriteAsync(r.ClickId, NpgsqlDbType.Varchar, ct); }
                await copy.WriteAsync(r.AmountMinorUnits, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(r.Currency, NpgsqlDbType.Char, ct);
                await copy.WriteAsync(r.PurchasedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                if (r.ServiceDate is { } sd) { await copy.WriteAsync(sd, NpgsqlDbType.Date, ct); } else { await copy.WriteNullAsync(ct); }
                await copy.WriteAsync(row.WindowEndsOn, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(row.Cashback, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.PartnerShare, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.Commission, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.Outcome == RowOutcomes.Declined ? nameof(CashbackState.Declined) : nameof(CashbackState.Pending), NpgsqlDbType.Varchar, ct);
                if (row.Reason is null) { await copy.WriteNullAsync(ct); } else { await copy.WriteAsync(row.Reason, NpgsqlDbType.Varchar, ct); }
            }

            await copy.CompleteAsync(ct);
        }

        phase("copy-to-staging");

        // Under the partner's advisory lock, with the known order references filtered out above, every staged row is
        // normally inserted; ON CONFLICT stays as the guard, and only when it fired are the missing rows looked up.
        // No ORDER BY: the staging table is in row order and the ids ascend with it.
        var inserted = await RunAsync("""
            INSERT INTO rewards.purchases (id, program_id, partner_id, order_reference, member_id, offer_id, click_id, amount_minor,
              returned_minor, currency, purchased_at, service_date, window_ends_on, cashback_original_minor, cashback_minor,
              partner_share_basis_points, partner_share_minor, commission_original_minor, commission_minor, state, decline_reason,
              created_at, created_by)
            SELECT id, program_id, @partner, order_reference, member_id, offer_id, click_id, amount_minor, 0, currency, purchased_at,
              service_date, window_ends_on, cashback, cashback, @share, partner_share, commission, commission, state, decline_reason, @now, @actor
            FROM purchase_staging
            ON CONFLICT (partner_id, order_reference) DO NOTHING
            """, p =>
            {
                p.AddWithValue("partner", partnerId);
                p.AddWithValue("share", shareBasisPoints);
                p.AddWithValue("now", now);
                p.AddWithValue("actor", actor);
            });
        if (inserted != rows.Count)
        {
            await RunAsync("UPDATE purchase_staging s SET inserted = false WHERE NOT EXISTS (SELECT 1 FROM rewards.purchases p WHERE p.id = s.id)");
        }

        phase("insert-purchases");

        // The journals of one import form a ledger batch: checked set-based at commit (every journal has entries and
        // sums to zero), instead of one deferred trigger call per journal. See LedgerBatchSql.
        var batchId = Guid.CreateVersion7(now);
        await RunAsync("""
            INSERT INTO rewards.ledger_batches (id, created_at) VALUES (@batch, @now);

            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at, ledger_batch_id)
            SELECT journal_id, program_id, 'cashback-pending', 'purchase', id, 'purchase:' || id,
                   left('Purchase ' || order_reference || CASE WHEN state = 'Declined' THEN ' (cashback declined: ' || decline_reason || ')' ELSE '' END, 500),
                   @actor, @now, @batch
            FROM purchase_staging WHERE inserted AND (cashback <> 0 OR commission <> 0);
            """, p =>
            {
                p.AddWithValue("batch", batchId);
                p.AddWithValue("now", now);
                p.AddWithValue("actor", actor);
            });
        phase("insert-journals");

        await RunAsync("""
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT s.journal_id, s.program_id, v.account, v.owner_id, s.currency, v.amount, @now
            FROM purchase_staging s
            CROSS JOIN LATERAL (VALUES
              ('member:pending', s.member_id, s.cashback),
              ('partner:receivable', @partner, -(s.partner_share + s.commission)),
              ('program:cashback-cost', s.program_id, -(s.cashback - s.partner_share)),
              ('program:commission-income', s.program_id, s.commission)) AS v(account, owner_id, amount)
            WHERE s.inserted AND v.amount <> 0;
            """, p =>
            {
                p.AddWithValue("partner", partnerId);
                p.AddWithValue("now", now);
            });
        phase("insert-entries");

        // One PurchaseRecorded per purchase; a declined purchase carries its reason in it (no second event per row).
        await RunAsync("""
            INSERT INTO rewards.outbox_messages (id, occurred_at, type, payload, attempts)
            SELECT s.outbox_id, @now, @recordedType, jsonb_build_object(
                'programId', s.program_id, 'purchaseId', s.id, 'partnerId', @partner, 'memberId', s.member_id, 'offerId', s.offer_id,
                'orderReference', s.order_reference, 'amountMinorUnits', s.amount_minor, 'currency', s.currency,
                'purchasedAt', s.purchased_at, 'serviceDate', s.service_date, 'cashbackMinorUnits', s.cashback,
                'cashbackState', s.state, 'declineReason', s.decline_reason, 'occurredAt', @now), 0
            FROM purchase_staging s
            WHERE s.inserted;
            """, p =>
            {
                p.AddWithValue("partner", partnerId);
                p.AddWithValue("now", now);
                p.AddWithValue("recordedType", EventType<PurchaseRecorded>());
            });
        phase("insert-outbox");

        var missing = new HashSet<int>();
        if (inserted != rows.Count)
        {
            await using var check = new NpgsqlCommand("SELECT row_no FROM purchase_staging WHERE NOT inserted", connection);
            await using var reader = await check.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                missing.Add(reader.GetInt32(0));
            }
        }

        return missing;
    }

    public static string EventType<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
