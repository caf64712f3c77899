using Npgsql;

namespace BenefitProgram.Reporting.Snapshots;

/// <summary>
/// Lets a test stop a nightly reporting step after one of its statements, as a crash there would (each statement is
/// atomic on its own; the step is re-run by the night runner). Does nothing unless a test sets <see cref="FailAfter"/>.
/// </summary>
internal sealed class ReportingFaults
{
    public Func<string, DateOnly, bool>? FailAfter { get; set; }

    public void After(string statement, DateOnly night)
    {
        if (FailAfter?.Invoke(statement, night) == true)
        {
            throw new InvalidOperationException($"Simulated crash after {statement} of {night:yyyy-MM-dd}.");
        }
    }
}

/// <summary>Runs the snapshot statements (raw SQL on the shared data source; the reporting module reads other schemas read-only).</summary>
internal sealed class ReportingSql(NpgsqlDataSource data, ReportingFaults faults, TimeProvider clock)
{
    /// <summary>Columns the partner-revenue snapshot needs from the Rewards module (docs/reports.md, "Rewards").</summary>
    public static readonly string[] PurchaseColumns =
        ["program_id", "partner_id", "offer_id", "member_id", "amount_minor", "returned_minor", "currency", "purchased_at", "state",
         "cashback_minor", "partner_share_minor", "commission_minor"];

    public async Task<long> ExecuteAsync(string name, string sql, DateOnly night, CancellationToken ct)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 600;
        command.Parameters.AddWithValue("day", night);
        command.Parameters.AddWithValue("month", new DateOnly(night.Year, night.Month, 1));
        command.Parameters.AddWithValue("previous_month", new DateOnly(night.Year, night.Month, 1).AddMonths(-1));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        var rows = await command.ExecuteNonQueryAsync(ct);
        faults.After(name, night);
        return rows;
    }

    /// <summary>True when rewards.purchases exists with every column in <see cref="PurchaseColumns"/>.</summary>
    public async Task<bool> RewardsAvailableAsync(CancellationToken ct)
    {
        await using var command = data.CreateCommand(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'rewards' AND table_name = 'purchases' AND column_name = ANY(@columns)");
        command.Parameters.AddWithValue("columns", PurchaseColumns);
        var found = (long)(await command.ExecuteScalarAsync(ct))!;
        return found == PurchaseColumns.Length;
    }

    public static bool IsLastDayOfMonth(DateOnly night) => night.AddDays(1).Day == 1;
}
