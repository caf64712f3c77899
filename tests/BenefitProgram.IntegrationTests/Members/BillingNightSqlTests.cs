using System.Text.Json;
using System.Text.RegularExpressions;
using BenefitProgram.Common;
using BenefitProgram.Common.Messaging;
using BenefitProgram.IntegrationTests.Infrastructure;
using BenefitProgram.Members.Billing;
using BenefitProgram.Members.Contracts;
using BenefitProgram.Members.Domain;
using BenefitProgram.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static BenefitProgram.IntegrationTests.Members.MembersTestKit;

namespace BenefitProgram.IntegrationTests.Members;

/// <summary>
/// The set-based billing run (ADR 0018) against the entity methods it replaces for the night. The same memberships, in
/// every state the night handles, are built in both demo programs; the entity run (<see cref="EntityBillingReference"/>,
/// the code before the change) settles one program, the SQL run the other, and every row they wrote must be the same:
/// memberships, transitions, fees (with their references) and outbox events (deserialised with the event types, as the
/// dispatcher does). Ids are compared through what they stand for (membership number i, plan code, fee reference).
/// </summary>
public sealed partial class BillingNightSqlTests(AppFixture fixture) : ApiTest(fixture)
{
    private const int Replicas = 12;

    private enum Case
    {
        TrialEndsPays, TrialEndsDeclined, TrialRunning, TrialEndsWithDowngradeScheduled,
        RenewalDue, RenewalThreeMissed, RenewalFifteenMissed, RenewalDeclined, DowngradeDue, DowngradeDueDeclined, YearlyRenewal, FreeRenewal,
        StripeDue, CancelledOver, CancelledRunning,
        PastDueToSuspend, PastDueRetryDeclined, PastDueRecoversRunningFee, PastDueRecoversOldFee, PastDueToday,
        SuspendedToEnd, SuspendedRecently, PauseExpired, PauseRunning,
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedPlansAsync(App);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MembersDbContext>();
        foreach (var program in new[] { DemoIds.PlusKontoProgram, DemoIds.OtherProgram })
        {
            db.Plans.Add(Plan.Create(Guid.CreateVersion7(), program, "jahr", 1, "Jahr", 6900, "EUR", BillingInterval.Yearly, 0, [], [], 100, [], 3,
                App.Clock.GetUtcNow().AddDays(-1)));
        }

        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_set_based_run_writes_exactly_what_the_entity_methods_write_also_when_the_night_runs_again()
    {
        var sqlProgram = DemoIds.PlusKontoProgram;
        var entityProgram = DemoIds.OtherProgram;
        var sqlIds = await BuildAsync(sqlProgram);
        var entityIds = await BuildAsync(entityProgram);
        var baseline = await BaselineAsync();

        BillingRunReport sqlReport;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<BillingRunJob>();
            job.BatchSize = 50; // several batches per step
            sqlReport = await job.RunAsync(sqlProgram, CancellationToken.None);
        }

        BillingRunReport entityReport;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var reference = new EntityBillingReference(scope.ServiceProvider.GetRequiredService<MembersDbContext>(),
                scope.ServiceProvider.GetRequiredService<MembershipBilling>(), App.Clock);
            entityReport = await reference.RunAsync(entityProgram, CancellationToken.None);
        }

        Assert.Equal(entityReport, sqlReport);
        var sql = await SnapshotAsync(sqlProgram, sqlIds, baseline);
        var entity = await SnapshotAsync(entityProgram, entityIds, baseline);
        AssertSameLines(entity, sql);

        // The independent expectation, case by case (not derived from either run).
        var expected = ExpectedEvents();
        var actual = sql.Where(l => l.StartsWith("event|", StringComparison.Ordinal)).GroupBy(l => l.Split('|')[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key), actual.OrderBy(e => e.Key));
        Assert.Equal(new BillingRunReport(
            TrialsConverted: 2 * Replicas, Renewed: expected[nameof(FeeCharged)] - 4 * Replicas + ExpectedFreePeriods() * Replicas,
            PaymentsFailed: 3 * Replicas, PaymentsRecovered: 2 * Replicas, DowngradesApplied: 2 * Replicas,
            Ended: 2 * Replicas, Suspended: Replicas, PausesExpired: Replicas), sqlReport);
        var statuses = await StatusesAsync(sqlProgram, sqlIds);
        foreach (var (i, status) in statuses)
        {
            Assert.True(ExpectedStatus((Case)(i % CaseCount)) == status, $"membership {i} ({(Case)(i % CaseCount)}): {status}");
        }

        await AssertReferencesAsync(sqlProgram);

        // The same night again: only what the cap of 12 periods per run left over is renewed (memberships more than 12
        // periods behind), in both runs alike; a third run finds nothing due.
        var leftOver = Enumerable.Range(0, Replicas).Sum(j => MissedPeriods(FifteenMissedStart(j).AddMonths(1), int.MaxValue) - 12);
        Assert.True(leftOver > 0);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var again = await scope.ServiceProvider.GetRequiredService<BillingRunJob>().RunAsync(sqlProgram, CancellationToken.None);
            Assert.Equal(new BillingRunReport(0, leftOver, 0, 0, 0, 0, 0, 0), again);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var reference = new EntityBillingReference(scope.ServiceProvider.GetRequiredService<MembersDbContext>(),
                scope.ServiceProvider.GetRequiredService<MembershipBilling>(), App.Clock);
            Assert.Equal(new BillingRunReport(0, leftOver, 0, 0, 0, 0, 0, 0), await reference.RunAsync(entityProgram, CancellationToken.None));
        }

        var second = await SnapshotAsync(sqlProgram, sqlIds, baseline);
        AssertSameLines(await SnapshotAsync(entityProgram, entityIds, baseline), second);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var third = await scope.ServiceProvider.GetRequiredService<BillingRunJob>().RunAsync(sqlProgram, CancellationToken.None);
            Assert.Equal(new BillingRunReport(0, 0, 0, 0, 0, 0, 0, 0), third);
        }

        // Nothing changed but what the entity run changes too on every run: the daily retry of a declined membership
        // counts one more attempt on its failed fee (the night runner runs a night once: platform.job_runs).
        var thirdLines = await SnapshotAsync(sqlProgram, sqlIds, baseline);
        Assert.Equal(second.Count, thirdLines.Count);
        var changed = thirdLines.Except(second).ToList();
        Assert.Equal(Replicas, changed.Count);
        Assert.All(changed, line =>
        {
            var number = int.Parse(line.Split('|')[2].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(line.StartsWith("fee|", StringComparison.Ordinal) && (Case)(number % CaseCount) == Case.PastDueRetryDeclined, line);
        });
    }

    [Fact]
    public async Task A_run_that_dies_after_its_first_batch_and_runs_again_ends_where_an_uninterrupted_run_ends()
    {
        var interrupted = DemoIds.PlusKontoProgram;
        var straight = DemoIds.OtherProgram;
        var interruptedIds = await BuildAsync(interrupted);
        var straightIds = await BuildAsync(straight);
        var baseline = await BaselineAsync();

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<BillingRunJob>();
            job.BatchSize = 7;
            var batches = 0;
            job.AfterBatch = (step, _) => ++batches == 3 ? throw new InvalidOperationException($"crash after a batch of {step}") : Task.CompletedTask;
            await Assert.ThrowsAsync<InvalidOperationException>(() => job.RunAsync(interrupted, CancellationToken.None));
        }

        var between = await SnapshotAsync(interrupted, interruptedIds, baseline);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<BillingRunJob>();
            job.BatchSize = 7;
            await job.RunAsync(interrupted, CancellationToken.None);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BillingRunJob>().RunAsync(straight, CancellationToken.None);
        }

        var after = await SnapshotAsync(interrupted, interruptedIds, baseline);
        Assert.NotEqual(between, after); // the crash really left work for the second run
        AssertSameLines(await SnapshotAsync(straight, straightIds, baseline), after);
    }

    private static readonly int CaseCount = Enum.GetValues<Case>().Length;

    private static string ExpectedStatus(Case c) => c switch
    {
        Case.TrialEndsPays or Case.TrialEndsWithDowngradeScheduled or Case.RenewalDue or Case.RenewalThreeMissed or Case.RenewalFifteenMissed
            or Case.DowngradeDue or Case.YearlyRenewal or Case.FreeRenewal or Case.StripeDue or Case.PastDueRecoversRunningFee
            or Case.PastDueRecoversOldFee or Case.PauseExpired => "Active",
        Case.TrialEndsDeclined or Case.RenewalDeclined or Case.DowngradeDueDeclined or Case.PastDueRetryDeclined or Case.PastDueToday => "PastDue",
        Case.TrialRunning => "Trialing",
        Case.CancelledRunning => "Cancelled",
        Case.PastDueToSuspend or Case.SuspendedRecently => "Suspended",
        Case.CancelledOver or Case.SuspendedToEnd => "Ended",
        Case.PauseRunning => "Paused",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    private DateTimeOffset Now => App.Clock.GetUtcNow();

    /// <summary>Periods a renewal charges: monthly, from the first due period end while the end is due (at most <paramref name="cap"/>).</summary>
    private int MissedPeriods(DateTimeOffset firstEnd, int cap = 12)
    {
        var n = 0;
        for (var end = firstEnd; n < cap && end <= Now; end = end.AddMonths(1))
        {
            n++;
        }

        return n;
    }

    private int ExpectedFreePeriods() => MissedPeriods(Now.AddMonths(-3).AddMonths(1));

    private Dictionary<string, int> ExpectedEvents()
    {
        var e = new Dictionary<string, int>();
        void Add<T>(int n)
        {
            if (n > 0)
            {
                e[typeof(T).Name] = e.GetValueOrDefault(typeof(T).Name) + n;
            }
        }

        // Per replica: 2 + 1 + 12 + 1 + 1 + 2 = 19 fees plus the three-missed periods of that replica.
        e[nameof(FeeCharged)] = 19 * Replicas + Enumerable.Range(0, Replicas).Sum(j => MissedPeriods(ThreeMissedStart(j).AddMonths(1)));
        Add<MembershipTransitioned>(Replicas * (2 /* trials */ + 1 /* declined */ + 1 /* downgrade */ + 2 /* downgrade declined */ + 1 /* cancelled */
            + 1 /* suspend */ + 2 /* recovered */ + 1 /* suspended ended */ + 1 /* pause */ + 1 /* trial with downgrade */));
        Add<MembershipActivated>(Replicas * 4); // two trials, two recoveries
        Add<PaymentFailed>(Replicas * 3);
        Add<PlanChanged>(Replicas * 2);
        Add<MembershipEnded>(Replicas * 2);
        Add<MembershipSuspended>(Replicas);
        Add<MembershipResumed>(Replicas);
        return e;
    }

    private DateTimeOffset ThreeMissedStart(int j) => Now.AddMonths(-4).AddDays(-j);

    private DateTimeOffset FifteenMissedStart(int j) => Now.AddMonths(-16) - TimeSpan.FromMinutes(j * 7);

    /// <summary>Builds Replicas memberships of every case in the program through the entity methods; returns id → membership number.</summary>
    private async Task<Dictionary<Guid, int>> BuildAsync(Guid programId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MembersDbContext>();
        var plans = await db.Plans.Where(p => p.ProgramId == programId).ToDictionaryAsync(p => p.Code);
        var now = Now;
        var ids = new Dictionary<Guid, int>();
        var i = 0;
        for (var j = 0; j < Replicas; j++)
        {
            foreach (var c in Enum.GetValues<Case>())
            {
                var number = i++;
                var member = Member.Create(Guid.NewGuid(), programId, "Test", $"Member{number}", $"billing-{number}-{programId:N}@example.com", null, "80331",
                    null, "DE", "de", null, false, false, SignUpChannel.Operator, now.AddYears(-2));
                db.Members.Add(member);
                var plan = c switch
                {
                    Case.TrialEndsPays or Case.TrialEndsDeclined or Case.TrialRunning or Case.TrialEndsWithDowngradeScheduled
                        or Case.RenewalThreeMissed or Case.RenewalFifteenMissed => plans["plus"],
                    Case.YearlyRenewal => plans["jahr"],
                    Case.FreeRenewal => plans["basis"],
                    _ => plans["premium"],
                };
                var m = Membership.Create(Guid.NewGuid(), member, plan, OfflineBillingProvider.ProviderName, now.AddYears(-2), "test", SignUpChannel.Operator);
                ids[m.Id] = number;
                var minutes = TimeSpan.FromMinutes(j * 7);
                void Active(DateTimeOffset start) => m.Activate(start, plan.PeriodEndFrom(start), start, "test", "first-payment");
                void PastDue(DateTimeOffset activeFrom, DateTimeOffset since, DateTimeOffset feeStart)
                {
                    Active(activeFrom);
                    var fee = Fee.Create(Guid.NewGuid(), m, plan, FeeKind.Subscription, plan.PriceMinorUnits, feeStart, plan.PeriodEndFrom(feeStart),
                        OfflineBillingProvider.ProviderName, $"{m.Id:N}:{FeeKind.Subscription}:{feeStart.ToUnixTimeSeconds()}:{plan.Id:N}", since);
                    fee.MarkFailed("card_declined");
                    db.Fees.Add(fee);
                    m.RecordPaymentFailure(plan.PriceMinorUnits, plan.Currency, "card_declined", since, "test");
                }

                switch (c)
                {
                    case Case.TrialEndsPays:
                        m.StartTrial(now.AddDays(-31), now.AddHours(-1) - minutes, "test");
                        break;
                    case Case.TrialEndsDeclined:
                        m.StartTrial(now.AddDays(-31), now.AddHours(-2) - minutes, "test");
                        m.SetPaymentFailureSimulation(true);
                        break;
                    case Case.TrialRunning:
                        m.StartTrial(now.AddDays(-5), now.AddDays(25) + minutes, "test");
                        break;
                    case Case.TrialEndsWithDowngradeScheduled:
                        m.StartTrial(now.AddDays(-31), now.AddHours(-3) - minutes, "test");
                        Assert.False(m.ChangePlan(plans["basis"], now.AddDays(-10), "test"));
                        break;
                    case Case.RenewalDue:
                        Active((now.AddHours(-2) - minutes).AddMonths(-1));
                        break;
                    case Case.RenewalThreeMissed:
                        Active(ThreeMissedStart(j));
                        break;
                    case Case.RenewalFifteenMissed:
                        Active(FifteenMissedStart(j));
                        break;
                    case Case.RenewalDeclined:
                        Active((now.AddHours(-5) - minutes).AddMonths(-1));
                        m.SetPaymentFailureSimulation(true);
                        break;
                    case Case.DowngradeDue:
                        Active((now.AddHours(-6) - minutes).AddMonths(-1));
                        Assert.False(m.ChangePlan(plans["plus"], now.AddDays(-3), "test"));
                        break;
                    case Case.DowngradeDueDeclined:
                        Active((now.AddHours(-7) - minutes).AddMonths(-1));
                        Assert.False(m.ChangePlan(plans["plus"], now.AddDays(-3), "test"));
                        m.SetPaymentFailureSimulation(true);
                        break;
                    case Case.YearlyRenewal:
                        Active(now.AddYears(-1).AddDays(-3) - minutes);
                        break;
                    case Case.FreeRenewal:
                        Active(now.AddMonths(-3));
                        break;
                    case Case.StripeDue:
                        m.LinkSubscription("Stripe", $"sub_{m.Id:N}");
                        Active(now.AddMonths(-2));
                        break;
                    case Case.CancelledOver:
                        Active((now.AddHours(-3) - minutes).AddMonths(-1));
                        m.Cancel(j % 2 == 0 ? "too-expensive" : "moving-away", "Zu teuer", now.AddDays(-10), "test", false);
                        break;
                    case Case.CancelledRunning:
                        Active(now.AddDays(-5) - minutes);
                        m.Cancel("other", null, now.AddDays(-1), "test", false);
                        break;
                    case Case.PastDueToSuspend:
                        PastDue(now.AddMonths(-1).AddDays(-15), now.AddDays(-15) - minutes, now.AddDays(-15));
                        break;
                    case Case.PastDueRetryDeclined:
                        PastDue(now.AddMonths(-1).AddDays(-3), now.AddDays(-3) - minutes, now.AddDays(-3));
                        m.SetPaymentFailureSimulation(true);
                        break;
                    case Case.PastDueRecoversRunningFee:
                        PastDue(now.AddMonths(-1).AddDays(-3), now.AddDays(-3) - minutes, now.AddDays(-3));
                        break;
                    case Case.PastDueRecoversOldFee:
                        PastDue(now.AddMonths(-2), now.AddDays(-5) - minutes, now.AddMonths(-2));
                        break;
                    case Case.PastDueToday:
                        PastDue(now.AddMonths(-1).AddHours(-10), now.AddHours(-10) - minutes, now.AddHours(-10));
                        break;
                    case Case.SuspendedToEnd:
                        PastDue(now.AddMonths(-1).AddDays(-50), now.AddDays(-50), now.AddDays(-50));
                        m.Suspend(now.AddDays(-31) - minutes, "test");
                        break;
                    case Case.SuspendedRecently:
                        PastDue(now.AddMonths(-1).AddDays(-20), now.AddDays(-20), now.AddDays(-20));
                        m.Suspend(now.AddDays(-5) - minutes, "test");
                        break;
                    case Case.PauseExpired:
                        Active(now.AddDays(-100));
                        m.Pause(now.AddDays(-91) - minutes, "test");
                        break;
                    case Case.PauseRunning:
                        Active(now.AddDays(-20));
                        m.Pause(now.AddDays(-10) - minutes, "test");
                        break;
                }

                db.Memberships.Add(m);
            }
        }

        await db.SaveChangesAsync();
        return ids;
    }

    private sealed record Baseline(long Transition, long Outbox);

    private async Task<Baseline> BaselineAsync()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT (SELECT coalesce(max(id), 0) FROM members.membership_transitions), (SELECT coalesce(max(sequence), 0) FROM members.outbox_messages)", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Baseline(reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<List<(int Number, string Status)>> StatusesAsync(Guid programId, Dictionary<Guid, int> ids) =>
        await DbAsync(App, async db => (await db.Memberships.Where(m => m.ProgramId == programId).Select(m => new { m.Id, m.Status }).ToListAsync())
            .Select(m => (ids[m.Id], m.Status.ToString())).ToList());

    /// <summary>Every fee the run wrote carries the reference {membershipId:N}:{kind}:{unixSeconds}:{planId:N} of its own row.</summary>
    private async Task AssertReferencesAsync(Guid programId)
    {
        var fees = await DbAsync(App, db => db.Fees.Where(f => f.ProgramId == programId).ToListAsync());
        Assert.NotEmpty(fees);
        Assert.All(fees, f => Assert.Equal($"{f.MembershipId:N}:{f.Kind}:{f.PeriodStart.ToUnixTimeSeconds()}:{f.PlanId:N}", f.ProviderReference));
    }

    /// <summary>
    /// The program's memberships, fees, and the transitions and outbox events written after the baseline, one line per
    /// row with the ids replaced by what they stand for, sorted.
    /// </summary>
    private async Task<List<string>> SnapshotAsync(Guid programId, Dictionary<Guid, int> ids, Baseline baseline)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MembersDbContext>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [programId.ToString()] = "program" };
        void Name(Guid id, string name)
        {
            names[id.ToString()] = name;
            names[id.ToString("N")] = name;
        }

        foreach (var plan in await db.Plans.Where(p => p.ProgramId == programId).ToListAsync())
        {
            Name(plan.Id, $"plan:{plan.Code}");
        }

        var memberships = await db.Memberships.AsNoTracking().Where(m => m.ProgramId == programId).ToListAsync();
        foreach (var m in memberships)
        {
            Name(m.Id, $"membership:{ids[m.Id]}");
            Name(m.MemberId, $"member:{ids[m.Id]}");
        }

        var fees = await db.Fees.AsNoTracking().Where(f => f.ProgramId == programId).ToListAsync();
        foreach (var f in fees)
        {
            Name(f.Id, $"fee:{ids[f.MembershipId]}:{f.Kind}:{f.PeriodStart.ToUnixTimeSeconds()}:{names[f.PlanId.ToString()]}");
        }

        string N(object? value) => value switch
        {
            null => "-",
            DateTimeOffset t => t.UtcDateTime.ToString("O"),
            _ => GuidPattern().Replace(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
                g => names.TryGetValue(g.Value, out var n) ? n : $"unknown:{g.Value}"),
        };

        var lines = new List<string>();
        lines.AddRange(memberships.Select(m => string.Join('|', "membership", N(m.Id), m.Status, N(m.PlanId), N(m.ScheduledPlanId), N(m.StatusChangedAt),
            N(m.StartedAt), N(m.TrialEndsAt), N(m.CurrentPeriodStart), N(m.CurrentPeriodEnd), N(m.PastDueSince), m.FailedAttempts, N(m.PausedAt),
            N(m.EndedAt), N(m.EndKind), N(m.CancellationReasonCode), N(m.CancellationReasonText), N(m.CancelledAt), m.BillingProvider,
            m.SimulatePaymentFailure)));
        lines.AddRange(fees.Select(f => string.Join('|', "fee", N(f.Id), N(f.MembershipId), N(f.MemberId), N(f.PlanId), f.Kind, f.AmountMinorUnits,
            f.Currency, N(f.PeriodStart), N(f.PeriodEnd), f.Status, f.Provider, N(f.ProviderReference), f.Attempts, N(f.FailureReason),
            N(f.CreatedAt), N(f.PaidAt))));
        var transitions = await db.Transitions.AsNoTracking().Where(t => t.ProgramId == programId && t.Id > baseline.Transition).ToListAsync();
        lines.AddRange(transitions.Select(t => string.Join('|', "transition", N(t.MembershipId), N(t.MemberId), N(t.FromStatus), t.ToStatus,
            N(t.PlanId), t.PlanCode, N(t.At), t.Actor, t.ReasonCode, N(t.ReasonText))));
        var messages = await db.OutboxMessages.AsNoTracking().Where(o => o.Sequence > baseline.Outbox).OrderBy(o => o.Sequence).ToListAsync();
        foreach (var message in messages)
        {
            // As the dispatcher reads it: the type must resolve and the payload deserialise into the event record.
            var (payload, type) = message.Deserialize();
            if ((Guid)type.GetProperty("ProgramId")!.GetValue(payload)! != programId)
            {
                continue;
            }

            // And as stored: jsonb text, the same bytes whichever path wrote it (after the ids are named).
            lines.Add(string.Join('|', "event", N(message.OccurredAt), type.Name, N(JsonSerializer.Serialize(payload, type, OutboxMessage.Json)),
                N(message.Type), N(message.Payload)));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void AssertSameLines(List<string> expected, List<string> actual)
    {
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"expected {expected.Count} rows, got {actual.Count}\nmissing:\n{string.Join('\n', missing)}\nextra:\n{string.Join('\n', extra)}");
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();
}
