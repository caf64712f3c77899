using System.Text;
using Npgsql;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>A checksum over every row of the module schemas, to show that a refused request changed nothing.</summary>
public static class DatabaseChecksum
{
    /// <summary>Tables that legitimately change on reads or refusals (replay caches, sign-in counters, key rings, run records).</summary>
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal)
    {
        "platform.idempotency_requests", "identity.data_protection_keys", "platform.partner_api_keys", "platform.job_runs",
    };

    /// <summary>
    /// Every row as JSON without <c>created_xid</c> (the writing transaction's id, which differs between two databases
    /// holding the same facts).
    /// </summary>
    /// <param name="schemas">The schemas to cover; all module schemas when null.</param>
    public static async Task<string> ComputeAsync(string connectionString, IReadOnlyCollection<string>? schemas = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = ANY(@s) AND table_name <> '__EFMigrationsHistory' ORDER BY 1",
            connection))
        {
            list.Parameters.AddWithValue("s", schemas?.ToArray() ?? AppFixture.ModuleSchemas);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var all = new StringBuilder();
        foreach (var table in tables.Where(t => !Volatile.Contains(t)))
        {
            await using var command = new NpgsqlCommand($"SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), '')) FROM (SELECT (to_jsonb(t) - 'created_xid')::text AS r FROM {table} t) x", connection);
            all.Append(table).Append('=').Append(await command.ExecuteScalarAsync()).Append(';');
        }

        return all.ToString();
    }
}
