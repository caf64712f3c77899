using System.Globalization;
using BenefitProgram.Common.Jobs;
using BenefitProgram.Platform.Contracts;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Ledger;
using BenefitProgram.Rewards.Persistence;
using BenefitProgram.Rewards.Purchases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace BenefitProgram.Rewards.Payouts;

public sealed record PayoutLineResult(Guid LineId, string Status, string? Reason);

internal sealed record PreparedBatch(Guid BatchId, bool Created, int Lines, long Total);

/// <summary>
/// Payout batches. Preparing a batch for (program, period, currency) is set-based and happens once: the batch row is
/// unique, and its lines move each member's whole available balance (at or above the threshold) to member:in-payout in
/// the same transaction, so a member cannot be paid the same money twice. Results per line: paid (in-payout → paid)
/// or failed (in-payout → available again).
/// </summary>
internal sealed class PayoutService(RewardsDbContext db, TimeProvider clock, IConfiguration configuration)
{
    public long Threshold => configuration.GetValue<long?>("Rewards:Payouts:ThresholdMinorUnits") ?? 500;

    public async Task<PreparedBatch> PrepareAsync(Guid programId, string periodKey, string currency, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var batchId = Guid.CreateVersion7(now);
        // One preparation per program at a time: two periods prepared at once must not both pay the same balance.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"rewards:payouts:" + programId}, 0))", ct);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO rewards.payout_batches (id, program_id, period_key, currency, threshold_minor, line_count, total_minor, created_at)
            VALUES (@id, @program, @period, @currency, @threshold, 0, 0, @now)
            ON CONFLICT (program_id, period_key, currency) DO NOTHING
            """, connection))
        {
            insert.Parameters.AddWithValue("id", batchId);
            insert.Parameters.AddWithValue("program", programId);
            insert.Parameters.AddWithValue("period", periodKey);
            insert.Parameters.AddWithValue("currency", currency);
            insert.Parameters.AddWithValue("threshold", Threshold);
            insert.Parameters.AddWithValue("now", now);
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                var existing = await db.PayoutBatches.AsNoTracking()
                    .SingleAsync(b => b.ProgramId == programId && b.PeriodKey == periodKey && b.Currency == currency, ct);
                return new PreparedBatch(existing.Id, false, existing.LineCount, existing.TotalMinor);
            }
        }

        await using var lines = new NpgsqlCommand("""
            CREATE TEMP TABLE paying ON COMMIT DROP AS
            SELECT gen_random_uuid() AS line_id, gen_random_uuid() AS journal_id, owner_id AS member_id, sum(amount) AS amount
            FROM rewards.journal_entries
            WHERE program_id = @program AND account = 'member:available' AND currency = @currency
            GROUP BY owner_id HAVING sum(amount) >= @threshold AND sum(amount) > 0;

            INSERT INTO rewards.payout_lines (id, batch_id, program_id, member_id, amount_minor, currency, status)
            SELECT line_id, @batch, @program, member_id, amount, @currency, 'Pending' FROM paying;

            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at)
            SELECT journal_id, @program, 'payout-prepared', 'payout-line', line_id, 'payout-prepared:' || line_id,
                   'Payout ' || @period, @actor, @now FROM paying;

            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT p.journal_id, @program, v.account, p.member_id, @currency, v.amount, @now
            FROM paying p CROSS JOIN LATERAL (VALUES ('member:available', -p.amount), ('member:in-payout', p.amount)) AS v(account, amount);

            UPDATE rewards.payout_batches SET line_count = (SELECT count(*) FROM paying), total_minor = (SELECT coalesce(sum(amount), 0) FROM paying)
            WHERE id = @batch
            RETURNING line_count, total_minor;
            """, connection);
        lines.CommandTimeout = 3600;
        lines.Parameters.AddWithValue("program", programId);
        lines.Parameters.AddWithValue("currency", currency);
        lines.Parameters.AddWithValue("threshold", Threshold);
        lines.Parameters.AddWithValue("batch", batchId);
        lines.Parameters.AddWithValue("period", periodKey);
        lines.Parameters.AddWithValue("actor", actor);
        lines.Parameters.AddWithValue("now", now);
        int count;
        long total;
        await using (var reader = await lines.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            count = reader.GetInt32(0);
            total = reader.GetInt64(1);
        }

        await tx.CommitAsync(ct);
        return new PreparedBatch(batchId, true, count, total);
    }

    /// <summary>Applies the bank's result per line. Lines already resolved are left alone (a repeat changes nothing).</summary>
    public async Task<int?> ApplyResultsAsync(Guid programId, Guid batchId, IReadOnlyList<PayoutLineResult> results, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.PayoutBatches
            .FromSql($"SELECT * FROM rewards.payout_batches WHERE id = {batchId} AND program_id = {programId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (batch is null)
        {
            return null;
        }

        var ids = results.Select(r => r.LineId).ToList();
        var lines = await db.PayoutLines.Where(l => l.BatchId == batchId && ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var changed = 0;
        foreach (var result in results)
        {
            if (!lines.TryGetValue(result.LineId, out var line) || line.Status != PayoutLineStatus.Pending)
            {
                continue;
            }

            var paid = string.Equals(result.Status, nameof(PayoutLineStatus.Paid), StringComparison.OrdinalIgnoreCase);
            line.Status = paid ? PayoutLineStatus.Paid : PayoutLineStatus.Failed;
            line.FailureReason = paid ? null : result.Reason ?? "failed";
            line.ResolvedAt = now;
            LedgerWriter.Post(db, programId, paid ? JournalKinds.PayoutPaid : JournalKinds.PayoutFailed, "payout-line", line.Id,
                $"payout-result:{line.Id}", line.Currency,
                paid ? $"Paid in payout {batch.PeriodKey}" : $"Payout {batch.PeriodKey} failed: {line.FailureReason}; back to the balance",
                actor, now,
                new Posting(Accounts.MemberInPayout, line.MemberId, -line.AmountMinor),
                new Posting(paid ? Accounts.MemberPaid : Accounts.MemberAvailable, line.MemberId, line.AmountMinor));
            if (paid)
            {
                db.Publish(new PayoutCompleted(programId, batchId, line.Id, line.MemberId, line.AmountMinor, line.Currency, now), now);
                // The confirmed cashback the batch paid is now "paid" (a later return of it is a claw-back).
                await db.Purchases
                    .Where(p => p.ProgramId == programId && p.MemberId == line.MemberId && p.State == CashbackState.Confirmed && p.ConfirmedAt <= batch.CreatedAt)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, CashbackState.Paid).SetProperty(p => p.PaidAt, now), ct);
            }

            changed++;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    public static string PeriodKeyFor(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>
/// "rewards:prepare-payouts": on the last night of a month (in the programs' time zone), prepares that month's payout batch
/// of every program of the night's zone (EUR).
/// Other nights do nothing. A second run for the same period creates nothing new (unique batch per period).
/// </summary>
internal sealed class PreparePayoutsJob(PayoutService payouts, IProgramDirectory programs) : INightlyJob
{
    public string Name => "rewards:prepare-payouts";

    public int Order => 310;

    public async Task<long> RunAsync(NightScope scope, CancellationToken ct)
    {
        var night = scope.Night;
        if (night.AddDays(1).Month == night.Month)
        {
            return 0;
        }

        long lines = 0;
        foreach (var program in (await programs.ListAsync(ct)).Where(p => scope.ProgramIds.Contains(p.Id)))
        {
            var batch = await payouts.PrepareAsync(program.Id, PayoutService.PeriodKeyFor(night), program.Currency, "job:rewards:prepare-payouts", ct);
            lines += batch.Created ? batch.Lines : 0;
        }

        return lines;
    }
}
