using BenefitProgram.Common.Jobs;
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

    /// <summary>Runs one statement for the night's day and programs (@day, @month, @previous_month, @now, @programs).</summary>
    public async Task<long> ExecuteAsync(string name, string sql, NightScope scope, CancellationToken ct)
    {
        var night = scope.Night;
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 600;
        command.Parameters.AddWithValue("day", night);
        command.Parameters.AddWithValue("month", new DateOnly(night.Year, night.Month, 1));
        command.Parameters.AddWithValue("previous_month", new DateOnly(night.Year, night.Month, 1).AddMonths(-1));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("programs", scope.Programs);
        var rows = await command.ExecuteNonQueryAsync(ct);
        faults.After(name, night);
        return rows;
    }

    /// <summary>Columns the program-effect "used a benefit" rule needs from rewards.refund_claims (docs/reports.md).</summary>
    public static readonly string[] ClaimColumns = ["program_id", "member_id", "created_at"];

    /// <summary>True when rewards.purchases exists with every column in <see cref="PurchaseColumns"/>.</summary>
    public Task<bool> RewardsAvailableAsync(CancellationToken ct) => HasColumnsAsync("purchases", PurchaseColumns, ct);

    /// <summary>True when rewards.refund_claims exists with every column in <see cref="ClaimColumns"/>.</summary>
    public Task<bool> ClaimsAvailableAsync(CancellationToken ct) => HasColumnsAsync("refund_claims", ClaimColumns, ct);

    private async Task<bool> HasColumnsAsync(string table, string[] columns, CancellationToken ct)
    {
        await using var command = data.CreateCommand(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'rewards' AND table_name = @table AND column_name = ANY(@columns)");
        command.Parameters.AddWithValue("table", table);
        command.Parameters.AddWithValue("columns", columns);
        var found = (long)(await command.ExecuteScalarAsync(ct))!;
        return found == columns.Length;
    }

    public static bool IsLastDayOfMonth(DateOnly night) => night.AddDays(1).Day == 1;
}
