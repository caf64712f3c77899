using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BenefitProgram.Members.Billing;

public sealed record BillingRunReport(
    int TrialsConverted, int Renewed, int PaymentsFailed, int PaymentsRecovered, int DowngradesApplied, int Ended, int Suspended, int PausesExpired);

/// <summary>
/// The nightly billing run for memberships billed offline (Stripe runs its own renewals and dunning and tells us by
/// webhook): cancellations ending at period end, trials ending into active (or past due), renewals with scheduled
/// downgrades (catching up at most 12 missed periods), dunning (past due → suspended, daily retry of the latest failed
/// fee), suspended → ended and pauses that ran out.
/// <para>
/// Set-based (ADR 0018): every case is one SQL statement (data-modifying CTEs) run over keyset batches of
/// <see cref="BatchSize"/> memberships, each batch one transaction that writes the membership rows, their transition
/// rows, the fees and the outbox rows of the events together. The statements reproduce exactly what the entity methods
/// (<see cref="Membership"/>, <see cref="MembershipBilling.ChargeAsync"/>, <see cref="MembershipBilling.RetryOutstandingAsync"/>)
/// write, which the interactive paths still use; <c>BillingNightSqlTests</c> compares both on the same memberships.
/// Every statement is guarded by state and time and the fee reference is unique per membership, kind, period and plan,
/// so running the night twice, or again after a crash between batches, changes nothing the second time.
/// </para>
/// </summary>
internal sealed class BillingRunJob(MembersDbContext db, IOptions<BillingOptions> options, TimeProvider clock, ILogger<BillingRunJob> logger)
{
    /// <summary>The offline provider's (simulated) decline, as <see cref="OfflineBillingProvider"/> reports it.</summary>
    internal const string SimulatedDecline = "card_declined (simulated)";

    /// <summary>Memberships per batch (one transaction each).</summary>
    internal int BatchSize { get; set; } = 20_000;

    /// <summary>Called after each committed batch with the step's name (tests inject a crash between batches here).</summary>
    internal Func<string, CancellationToken, Task>? AfterBatch { get; set; }

    public Task RunAsync(CancellationToken ct) => RunAsync(null, ct);

    public Task<BillingRunReport> RunAsync(Guid programId, CancellationToken ct) => RunAsync([programId], ct);

    /// <summary>Settles the offline memberships of <paramref name="programs"/> (all programs when null) due up to now.</summary>
    public async Task<BillingRunReport> RunAsync(Guid[]? programs, CancellationToken ct)
    {
        var at = clock.GetUtcNow().ToUniversalTime();
        // PostgreSQL keeps microseconds: the event payloads and the rows carry the same instant.
        var now = new DateTimeOffset(at.Ticks - at.Ticks % 10, TimeSpan.Zero);
        var d = options.Value.Dunning;
        var run = new Run(programs, now, d);

        // The order is the entity run's: a membership that one step changes is seen by the later steps as changed.
        var ended = (await RunStepAsync("end-cancelled", BillingSql.EndCancelled(Scope(programs)), run, ct))[0];
        var trials = await RunStepAsync("trials", BillingSql.Trials(Scope(programs)), run, ct);
        var renewals = await RunStepAsync("renewals", BillingSql.Renewals(Scope(programs)), run, ct);
        var suspended = (await RunStepAsync("suspend", BillingSql.Suspend(Scope(programs)), run, ct))[0];
        var recovered = (await RunStepAsync("retry", BillingSql.Retry(Scope(programs)), run, ct))[0];
        ended += (await RunStepAsync("end-suspended", BillingSql.EndSuspended(Scope(programs)), run, ct))[0];
        var pauses = (await RunStepAsync("pauses", BillingSql.PausesExpired(Scope(programs)), run, ct))[0];

        var report = new BillingRunReport((int)trials[0], (int)renewals[0], (int)(trials[1] + renewals[1]), (int)recovered,
            (int)renewals[2], (int)ended, (int)suspended, (int)pauses);
        logger.LogInformation("Billing run at {Now}: {Report}", now, report);
        return report;
    }

    private static string Scope(Guid[]? programs) =>
        $"ms.billing_provider = '{OfflineBillingProvider.ProviderName}'" + (programs is null ? "" : " AND ms.program_id = ANY(@programs)");

    private sealed record Run(Guid[]? Programs, DateTimeOffset Now, DunningSettings Dunning);

    /// <summary>Runs one step's statement batch after batch; returns the sums of its counters.</summary>
    private async Task<long[]> RunStepAsync(string step, string sql, Run run, CancellationToken ct)
    {
        long[]? totals = null;
        var after = Guid.Empty;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
            await using (var tz = new NpgsqlCommand("SET LOCAL TimeZone = 'UTC'", connection, transaction))
            {
                await tz.ExecuteNonQueryAsync(ct);
            }

            Guid? last = null;
            long[] counts;
            await using (var cmd = new NpgsqlCommand(sql, connection, transaction))
            {
                cmd.CommandTimeout = 3600;
                AddParameters(cmd, sql, run, after);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                if (!reader.IsDBNull(0))
                {
                    last = reader.GetGuid(0);
                }

                counts = new long[reader.FieldCount - 1];
                for (var i = 1; i < reader.FieldCount; i++)
                {
                    counts[i - 1] = reader.GetInt64(i);
                }
            }

            totals ??= new long[counts.Length];
            if (last is null)
            {
                await tx.RollbackAsync(ct);
                return totals;
            }

            await tx.CommitAsync(ct);
            for (var i = 0; i < counts.Length; i++)
            {
                totals[i] += counts[i];
            }

            after = last.Value;
            if (AfterBatch is { } hook)
            {
                await hook(step, ct);
            }
        }
    }

    private void AddParameters(NpgsqlCommand cmd, string sql, Run run, Guid after)
    {
        void Add(string name, object value)
        {
            if (sql.Contains('@' + name, StringComparison.Ordinal))
            {
                cmd.Parameters.AddWithValue(name, value);
            }
        }

        Add("now", run.Now);
        Add("ms", run.Now.ToUnixTimeMilliseconds());
        Add("after", after);
        Add("size", BatchSize);
        Add("actor", MembershipBilling.SystemActor);
        Add("decline", SimulatedDecline);
        Add("suspendBefore", run.Now.AddDays(-run.Dunning.SuspendAfterDays));
        Add("retryBefore", run.Now.AddHours(-20));
        Add("endBefore", run.Now.AddDays(-run.Dunning.EndAfterSuspendedDays));
        Add("pauseBefore", run.Now.AddDays(-run.Dunning.MaxPauseDays));
        if (run.Programs is { } programs)
        {
            Add("programs", programs);
        }

        Add("tTransitioned", BillingSql.EventType<MembershipTransitioned>());
        Add("tEnded", BillingSql.EventType<MembershipEnded>());
        Add("tActivated", BillingSql.EventType<MembershipActivated>());
        Add("tFeeCharged", BillingSql.EventType<FeeCharged>());
        Add("tPaymentFailed", BillingSql.EventType<PaymentFailed>());
        Add("tPlanChanged", BillingSql.EventType<PlanChanged>());
        Add("tSuspended", BillingSql.EventType<MembershipSuspended>());
        Add("tResumed", BillingSql.EventType<MembershipResumed>());
    }
}
