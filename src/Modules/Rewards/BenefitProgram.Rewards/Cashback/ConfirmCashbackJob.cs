using BenefitProgram.Common.Jobs;
using BenefitProgram.Common.Observability;
using BenefitProgram.Rewards.Contracts;
using BenefitProgram.Rewards.Persistence;
using BenefitProgram.Rewards.Purchases;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BenefitProgram.Rewards.Cashback;

/// <summary>
/// "rewards:confirm-cashback": every pending cashback of the night's programs whose return window (a calendar day in the
/// program's time zone, see PurchaseImporter) ended on or before the night moves to
/// confirmed, with its journal (member:pending → member:available) and its CashbackConfirmed event, set-based in one
/// transaction. Running it again changes nothing (state check + the journal's unique key "confirm:{purchase}").
/// </summary>
internal sealed class ConfirmCashbackJob(RewardsDbContext db, TimeProvider clock) : INightlyJob
{
    public string Name => "rewards:confirm-cashback";

    public int Order => 300;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var cmd = new NpgsqlCommand("""
            CREATE TEMP TABLE confirming ON COMMIT DROP AS
            WITH upd AS (
              UPDATE rewards.purchases SET state = 'Confirmed', confirmed_at = @now
              WHERE state = 'Pending' AND window_ends_on <= @night AND program_id = ANY(@programs)
              RETURNING id, program_id, partner_id, member_id, cashback_minor, currency)
            SELECT upd.*, gen_random_uuid() AS journal_id FROM upd;

            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at)
            SELECT journal_id, program_id, 'cashback-confirmed', 'purchase', id, 'confirm:' || id, 'Return window passed', 'job:rewards:confirm-cashback', @now
            FROM confirming WHERE cashback_minor > 0;

            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT c.journal_id, c.program_id, v.account, c.member_id, c.currency, v.amount, @now
            FROM confirming c CROSS JOIN LATERAL (VALUES ('member:pending', -c.cashback_minor), ('member:available', c.cashback_minor)) AS v(account, amount)
            WHERE c.cashback_minor > 0;

            INSERT INTO rewards.outbox_messages (id, occurred_at, type, payload, attempts)
            SELECT gen_random_uuid(), @now, @type, jsonb_build_object('programId', program_id, 'purchaseId', id, 'memberId', member_id,
              'cashbackMinorUnits', cashback_minor, 'currency', currency, 'occurredAt', @now, 'partnerId', partner_id), 0
            FROM confirming;

            SELECT currency, count(*), coalesce(sum(cashback_minor), 0)::bigint FROM confirming GROUP BY currency;
            """, connection);
        cmd.CommandTimeout = 3600;
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("night", night.Night);
        cmd.Parameters.AddWithValue("programs", night.Programs);
        cmd.Parameters.AddWithValue("type", PurchaseImporter.EventType<CashbackConfirmed>());
        var confirmed = new List<(string Currency, long Count, long MinorUnits)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                confirmed.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        await tx.CommitAsync(ct);
        foreach (var (currency, count, minorUnits) in confirmed)
        {
            BusinessMetrics.CashbackConfirmed(count, minorUnits, currency);
        }

        return confirmed.Sum(c => c.Count);
    }
}
