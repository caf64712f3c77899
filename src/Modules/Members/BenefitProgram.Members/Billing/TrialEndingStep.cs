using BenefitProgram.Common.Jobs;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BenefitProgram.Members.Billing;

/// <summary>
/// "members:trial-ending": every trialing membership whose trial ends within the next three days is announced once with
/// a <see cref="TrialEnding"/> event. One statement marks the memberships (trial_end_announced_for = trial_ends_at) and
/// writes their events into the members outbox, so the fact and its event commit together. A second run finds nothing
/// (the trial end was announced already); a trial that is extended or started again is announced again.
/// Runs before the billing run (Order 90) so a trial ending tonight is not converted before it was announced.
/// </summary>
internal sealed class TrialEndingStep(MembersDbContext db, TimeProvider clock) : INightlyJob
{
    public static readonly TimeSpan Notice = TimeSpan.FromDays(3);

    private static readonly string EventType = $"{typeof(TrialEnding).FullName}, {typeof(TrialEnding).Assembly.GetName().Name}";

    public string Name => "members:trial-ending";

    public int Order => 90;

    public async Task<long> RunAsync(NightScope night, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                WITH due AS (
                    UPDATE members.memberships ms SET trial_end_announced_for = ms.trial_ends_at
                    FROM members.plans p
                    WHERE p.id = ms.plan_id AND ms.status = 'Trialing' AND ms.program_id = ANY(@programs)
                      AND ms.trial_ends_at > @now AND ms.trial_ends_at <= @until
                      AND ms.trial_end_announced_for IS DISTINCT FROM ms.trial_ends_at
                    RETURNING ms.program_id, ms.member_id, ms.id, ms.trial_ends_at, p.code, p.price_minor_units, p.currency)
                INSERT INTO members.outbox_messages (id, occurred_at, type, payload, attempts)
                SELECT gen_random_uuid(), @now, @type,
                       jsonb_build_object('programId', program_id, 'memberId', member_id, 'membershipId', id, 'trialEndsAt', trial_ends_at,
                                          'planCode', code, 'priceMinorUnits', price_minor_units, 'currency', currency, 'occurredAt', @now), 0
                FROM due
                """, connection);
            cmd.CommandTimeout = 3600;
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("until", now + Notice);
            cmd.Parameters.AddWithValue("type", EventType);
            cmd.Parameters.AddWithValue("programs", night.Programs);
            return await cmd.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
