using BenefitProgram.Common;
using BenefitProgram.Common.Jobs;
using BenefitProgram.DataGenerator;
using BenefitProgram.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Tools;

/// <summary>
/// Two hosts on two databases of their own, each with the same small generated program (500 members, seed 7, history up
/// to the test clock's day). The checksums are taken right after generation, before any test runs a night.
/// </summary>
public sealed class GeneratedProgramFixture : IAsyncLifetime
{
    public static readonly DateOnly AsOf = DateOnly.FromDateTime(BenefitProgramApp.Start.UtcDateTime);
    public const int Members = 500;
    public static readonly string[] GeneratedSchemas = ["members", "catalog", "rewards"];

    public ResettableHost First { get; private set; } = null!;
    public ResettableHost Second { get; private set; } = null!;
    public GeneratorReport Report { get; private set; } = null!;
    public string FirstChecksum { get; private set; } = "";
    public string SecondChecksum { get; private set; } = "";

    public async Task InitializeAsync()
    {
        First = await ResettableHost.StartAsync("bp_gen_a", cs => new BenefitProgramApp(cs));
        Second = await ResettableHost.StartAsync("bp_gen_b", cs => new BenefitProgramApp(cs));
        foreach (var host in new[] { First, Second })
        {
            await host.ResetAsync();
            // Into the demo program (its plans are created by the generator: the test reset seeds programs only).
            Report = await new ProgramGenerator(new GeneratorOptions
            {
                Members = Members, Seed = 7, ConnectionString = host.ConnectionString, ProgramSlug = DemoIds.PlusKontoSlug, AsOf = AsOf, ChunkSize = 200,
            }, TextWriter.Null).RunAsync(CancellationToken.None);
        }

        FirstChecksum = await DatabaseChecksum.ComputeAsync(First.ConnectionString, GeneratedSchemas);
        SecondChecksum = await DatabaseChecksum.ComputeAsync(Second.ConnectionString, GeneratedSchemas);
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}

public sealed class DataGeneratorTests(GeneratedProgramFixture fixture) : IClassFixture<GeneratedProgramFixture>
{
    private static readonly DateOnly Night = GeneratedProgramFixture.AsOf.AddDays(-1);

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_same_seed_on_two_databases_gives_the_same_rows()
    {
        Assert.Contains("members.members=", fixture.FirstChecksum, StringComparison.Ordinal);
        Assert.Equal(fixture.FirstChecksum, fixture.SecondChecksum);
    }

    [Fact]
    public async Task The_generated_program_has_the_promised_shape_and_every_journal_balances()
    {
        var db = fixture.Second.ConnectionString;
        Assert.Equal(GeneratedProgramFixture.Members, await CountAsync(db, "SELECT count(*) FROM members.members WHERE member_number LIKE 'G%'"));
        Assert.Equal(0, await CountAsync(db, """
            SELECT count(*) FROM rewards.journals j
            LEFT JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM rewards.journal_entries e WHERE e.journal_id = j.id) t ON true
            WHERE t.n = 0 OR t.total <> 0
            """));
        Assert.True(await CountAsync(db, "SELECT count(*) FROM rewards.journals") > 1000);

        // About ten purchases per member, some returned, cashback confirmed after the window and pending within it.
        var purchases = await CountAsync(db, "SELECT count(*) FROM rewards.purchases");
        Assert.InRange(purchases, GeneratedProgramFixture.Members * 5, GeneratedProgramFixture.Members * 15);
        Assert.True(await CountAsync(db, "SELECT count(*) FROM rewards.purchase_returns") > 0);
        Assert.True(await CountAsync(db, "SELECT count(*) FROM rewards.purchases WHERE state = 'Pending'") > 0);
        Assert.True(await CountAsync(db, "SELECT count(*) FROM rewards.purchases WHERE state = 'Confirmed'") > 0);
        Assert.True(await CountAsync(db, "SELECT count(*) FROM rewards.refund_claims") > 0);

        // Voluntary (with reasons) and involuntary ends; every ended membership has its transition to Ended.
        Assert.True(await CountAsync(db, "SELECT count(*) FROM members.memberships WHERE end_kind = 'Voluntary' AND cancellation_reason_code IS NOT NULL") > 0);
        Assert.True(await CountAsync(db, "SELECT count(*) FROM members.memberships WHERE end_kind = 'Involuntary'") > 0);
        Assert.Equal(0, await CountAsync(db, """
            SELECT count(*) FROM members.memberships m
            WHERE m.status = 'Ended' AND NOT EXISTS (SELECT 1 FROM members.membership_transitions t WHERE t.membership_id = m.id AND t.to_status = 'Ended')
            """));

        // Members who used a benefit in their first 90 days end less often than paying members who did not.
        var usersEnded = await CountAsync(db, EndedPerMille(used: true));
        var othersEnded = await CountAsync(db, EndedPerMille(used: false));
        Assert.True(usersEnded < othersEnded, $"ended per mille: users {usersEnded}, others {othersEnded}");
    }

    [Fact]
    public async Task The_ledger_check_after_the_load_refuses_a_journal_that_does_not_balance()
    {
        // The check that replaces the ledger triggers during the load, on a journal of this transaction whose one entry does not balance.
        await using var connection = new NpgsqlConnection(fixture.Second.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var lastEntryBefore = Convert.ToInt64(await Scalar(connection, "SELECT coalesce(max(id), 0) FROM rewards.journal_entries"), System.Globalization.CultureInfo.InvariantCulture);
        var journalId = Guid.CreateVersion7();
        await Scalar(connection, $"""
            INSERT INTO rewards.journals (id, program_id, kind, caused_by_type, caused_by_id, idempotency_key, memo, created_by, created_at)
            SELECT '{journalId}', id, 'manual-adjustment', 'test', '{journalId}', 'test:{journalId}', 'unbalanced', 'test', now() FROM platform.programs WHERE slug = '{DemoIds.PlusKontoSlug}';
            INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount, created_at)
            SELECT id, program_id, 'program:adjustment-cost', program_id, 'EUR', 100, now() FROM rewards.journals WHERE id = '{journalId}';
            SELECT 1
            """);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProgramGenerator.CheckLedgerAsync(connection, lastEntryBefore, CancellationToken.None));
        Assert.Contains("1 journal/currency totals that are not zero", error.Message, StringComparison.Ordinal);
        Assert.Contains(journalId.ToString(), error.Message, StringComparison.Ordinal);
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task The_load_window_refuses_a_trigger_whose_check_the_generator_does_not_run()
    {
        await using var connection = new NpgsqlConnection(fixture.Second.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Scalar(connection, """
            CREATE FUNCTION members.test_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER fees_test_noop BEFORE INSERT ON members.fees FOR EACH ROW EXECUTE FUNCTION members.test_noop();
            SELECT 1
            """);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new LoadWindow().OpenAsync(connection, ["members.fees", "rewards.journals"], CancellationToken.None));
        Assert.Contains("members.fees.fees_test_noop", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rewards.journals", error.Message, StringComparison.Ordinal);
        await tx.RollbackAsync();
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }

    private static string EndedPerMille(bool used) => $"""
        SELECT 1000 * count(*) FILTER (WHERE m.status = 'Ended') / greatest(count(*), 1)
        FROM members.memberships m JOIN members.plans p ON p.id = m.plan_id
        WHERE p.price_minor_units > 0
          AND {(used ? "" : "NOT")} EXISTS (SELECT 1 FROM catalog.redemptions r WHERE r.member_id = m.member_id AND r.created_at < m.started_at + interval '90 days')
        """;

    [Fact]
    public async Task The_night_runs_over_the_generated_program_and_retention_purges_only_what_is_old()
    {
        var app = fixture.First.App;
        var db = fixture.First.ConnectionString;
        var cutoff = $"timestamptz '{Night.AddDays(1):yyyy-MM-dd}' - interval '400 days'";
        var recentClicks = await CountAsync(db, $"SELECT count(*) FROM catalog.redemptions WHERE kind = 'ClickOut' AND created_at >= {cutoff}");
        var oldClicks = await CountAsync(db, $"SELECT count(*) FROM catalog.redemptions WHERE kind = 'ClickOut' AND created_at < {cutoff}");
        Assert.True(oldClicks > 0);

        var results = await app.Services.GetRequiredService<INightRunner>().RunNightAsync(Night, CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Outcome == JobRunOutcome.Succeeded, $"{r.Job}: {r.Outcome} {r.Error}"));
        Assert.Contains(results, r => r.Job == "rewards:confirm-cashback");
        var retention = Assert.Single(results, r => r.Job == "catalog:retention");
        Assert.True(retention.RowsAffected > 0);

        // Old clicks are gone except a member's earliest redemption; clicks inside the retention period all stay.
        Assert.Equal(recentClicks, await CountAsync(db, $"SELECT count(*) FROM catalog.redemptions WHERE kind = 'ClickOut' AND created_at >= {cutoff}"));
        Assert.Equal(0, await CountAsync(db, $"""
            SELECT count(*) FROM catalog.redemptions r WHERE r.kind = 'ClickOut' AND r.created_at < {cutoff}
              AND EXISTS (SELECT 1 FROM catalog.redemptions e WHERE e.member_id = r.member_id AND (e.created_at, e.id) < (r.created_at, r.id))
            """));
        var passCutoff = $"timestamptz '{Night.AddDays(1):yyyy-MM-dd}' - interval '90 days'";
        Assert.Equal(0, await CountAsync(db, $"SELECT count(*) FROM catalog.redemptions WHERE kind = 'DiscountPass' AND verified_at < {passCutoff} AND pass_short_code IS NOT NULL"));
        Assert.True(await CountAsync(db, $"SELECT count(*) FROM catalog.redemptions WHERE kind = 'DiscountPass' AND verified_at >= {passCutoff} AND pass_short_code IS NOT NULL") > 0);

        // The same night again: every step already done; the retention step itself run again finds nothing.
        var again = await app.Services.GetRequiredService<INightRunner>().RunNightAsync(Night, CancellationToken.None);
        Assert.All(again, r => Assert.True(r.AlreadyDone, r.Job));
        await using var scope = app.Services.CreateAsyncScope();
        var step = scope.ServiceProvider.GetServices<INightlyJob>().Single(j => j.Name == "catalog:retention");
        Assert.Equal(0, await step.RunAsync(Night, CancellationToken.None));
    }
}
