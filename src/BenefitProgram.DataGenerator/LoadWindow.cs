using System.Diagnostics;
using Npgsql;

namespace BenefitProgram.DataGenerator;

/// <summary>
/// The bulk-load window of the generator (docs/adr/0017-data-generator.md, "Loading fast"): inside the generator's one
/// transaction, the primary keys, unique and foreign-key constraints and the indexes of the tables it fills are dropped
/// before the COPYs and recreated afterwards from their own catalog definitions (<c>pg_get_constraintdef</c>,
/// <c>pg_get_indexdef</c>), and the tables' triggers are off while the rows are copied
/// (<c>SET LOCAL session_replication_role = replica</c>). Recreating a constraint or a unique index makes PostgreSQL
/// check every row (a sorted build instead of one B-tree insert per row and index); the triggers' checks are run
/// explicitly and set-based by the generator (<see cref="KnownTriggers"/>). Everything is transactional DDL: if anything
/// fails, the rollback restores the schema as it was. After the rebuild the definitions are compared with the captured
/// ones, so the schema after the load is exactly the schema before it.
/// </summary>
internal sealed class LoadWindow
{
    /// <summary>
    /// The user triggers the generator knows on the tables it fills, each with the check it runs instead
    /// (<c>ProgramGenerator.CheckLedgerAsync</c>). The append-only triggers fire on UPDATE/DELETE only (the load only
    /// inserts). A trigger not in this list makes the generator refuse to load with the triggers off.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownTriggers = new HashSet<string>(StringComparer.Ordinal)
    {
        "rewards.journals.journals_balanced",
        "rewards.journals.journals_append_only",
        "rewards.journals.journals_batch_same_transaction",
        "rewards.journal_entries.journal_entries_append_only",
        "rewards.journal_entries.journal_entries_same_transaction",
        "rewards.ledger_batches.ledger_batches_append_only",
        "rewards.ledger_batches.ledger_batches_balanced",
    };

    private readonly List<(string Name, string Table, string Definition, char Kind)> constraints = [];
    private readonly List<(string Name, string Definition)> indexes = [];

    public TimeSpan DropTime { get; private set; }
    public TimeSpan RebuildTime { get; private set; }
    public int Constraints => constraints.Count;
    public int Indexes => indexes.Count;

    /// <summary>Captures the definitions, refuses unknown triggers, drops constraints and indexes and turns triggers off.</summary>
    public async Task OpenAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var names = tables.ToArray();
        var unknown = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname || '.' || t.tgname
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (n.nspname || '.' || c.relname) = ANY(@tables)
            """, connection))
        {
            cmd.Parameters.AddWithValue("tables", names);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!KnownTriggers.Contains(reader.GetString(0)))
                {
                    unknown.Add(reader.GetString(0));
                }
            }
        }

        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The generator loads with triggers off and runs their checks itself, but does not know these triggers: {string.Join(", ", unknown)}. Add their checks to ProgramGenerator.CheckLedgerAsync and LoadWindow.KnownTriggers.");
        }

        await CaptureAsync(connection, names, ct);

        // Foreign keys first (a primary key cannot be dropped while a foreign key depends on it).
        foreach (var c in constraints.Where(c => c.Kind == 'f'))
        {
            await ExecuteAsync(connection, $"ALTER TABLE {c.Table} DROP CONSTRAINT {Quote(c.Name)}", ct);
        }

        foreach (var c in constraints.Where(c => c.Kind != 'f'))
        {
            await ExecuteAsync(connection, $"ALTER TABLE {c.Table} DROP CONSTRAINT {Quote(c.Name)}", ct);
        }

        foreach (var i in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX {i.Name}", ct);
        }

        // Triggers (user and foreign-key ones) off for this transaction only; nothing in the catalog changes.
        await ExecuteAsync(connection, "SET LOCAL session_replication_role = replica", ct);
        DropTime = watch.Elapsed;
    }

    /// <summary>Triggers on again, then constraints and indexes rebuilt (each checks every row) and compared with the captured ones.</summary>
    public async Task CloseAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await ExecuteAsync(connection, "SET LOCAL session_replication_role = origin", ct);
        // Sorted index builds: enough memory for the large tables' sorts (this transaction only).
        await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '1GB'", ct);
        foreach (var c in constraints.Where(c => c.Kind != 'f'))
        {
            await ExecuteAsync(connection, $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} {c.Definition}", ct);
        }

        foreach (var i in indexes)
        {
            await ExecuteAsync(connection, i.Definition, ct);
        }

        foreach (var c in constraints.Where(c => c.Kind == 'f'))
        {
            await ExecuteAsync(connection, $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} {c.Definition}", ct);
        }

        var captured = Describe(constraints, indexes);
        var after = new LoadWindow();
        await after.CaptureAsync(connection, tables.ToArray(), ct);
        var rebuilt = Describe(after.constraints, after.indexes);
        if (!captured.SequenceEqual(rebuilt, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"The rebuilt schema differs from the one before the load:\n  before: {string.Join("\n          ", captured.Except(rebuilt))}\n  after:  {string.Join("\n          ", rebuilt.Except(captured))}");
        }

        RebuildTime = watch.Elapsed;
    }

    /// <summary>
    /// Primary keys, unique and exclusion constraints of the tables, every foreign key on them or pointing at them, and
    /// the indexes that do not belong to a constraint (those come back with their constraint).
    /// </summary>
    private async Task CaptureAsync(NpgsqlConnection connection, string[] tables, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("""
            SELECT con.conname, con.conrelid::regclass::text, pg_get_constraintdef(con.oid), con.contype::text
            FROM pg_constraint con
            WHERE (con.contype IN ('p', 'u', 'x') AND con.conrelid = ANY(SELECT t::regclass FROM unnest(@tables::text[]) t))
               OR (con.contype = 'f' AND (con.conrelid = ANY(SELECT t::regclass FROM unnest(@tables::text[]) t)
                                          OR con.confrelid = ANY(SELECT t::regclass FROM unnest(@tables::text[]) t)))
            """, connection))
        {
            cmd.Parameters.AddWithValue("tables", tables);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                constraints.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)[0]));
            }
        }

        await using (var cmd = new NpgsqlCommand("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(SELECT t::regclass FROM unnest(@tables::text[]) t)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
            """, connection))
        {
            cmd.Parameters.AddWithValue("tables", tables);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
    }

    private static List<string> Describe(IEnumerable<(string Name, string Table, string Definition, char Kind)> cs, IEnumerable<(string Name, string Definition)> ix) =>
        cs.Select(c => $"{c.Table} {c.Name} {c.Definition}").Concat(ix.Select(i => i.Definition)).Order(StringComparer.Ordinal).ToList();

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
