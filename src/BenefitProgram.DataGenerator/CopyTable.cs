using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace BenefitProgram.DataGenerator;

/// <summary>Rows of one table, buffered for a chunk and written with binary COPY; keeps the rows and time written so far.</summary>
internal sealed class CopyTable(string name, string[] columns, NpgsqlDbType[] types)
{
    private readonly List<object?[]> rows = [];

    public string Name { get; } = name;

    public long RowsWritten { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public int Pending => rows.Count;

    public void Add(params object?[] values)
    {
        if (values.Length != types.Length)
        {
            throw new InvalidOperationException($"{Name}: {values.Length} values for {types.Length} columns");
        }

        rows.Add(values);
    }

    public async Task FlushAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {Name} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", ct))
        {
            copy.Timeout = TimeSpan.FromMinutes(30);
            // Synchronous writes: much faster per value than the async ones for millions of small values.
            foreach (var row in rows)
            {
                copy.StartRow();
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is null)
                    {
                        copy.WriteNull();
                    }
                    else
                    {
                        copy.Write(row[i], types[i]);
                    }
                }
            }

            await copy.CompleteAsync(ct);
        }

        Elapsed += watch.Elapsed;
        RowsWritten += rows.Count;
        rows.Clear();
    }
}
