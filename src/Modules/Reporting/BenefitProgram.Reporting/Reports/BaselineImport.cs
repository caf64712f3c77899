using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace BenefitProgram.Reporting.Reports;

/// <summary>Reads the customer baseline (JSON array of <see cref="BaselineMonth"/> or CSV with the same columns) and stores it.</summary>
internal static class BaselineImport
{
    private static readonly string[] Columns =
        ["month", "totalCustomers", "totalCancellations", "nonMemberCustomers", "nonMemberCancellations", "newCustomers", "newCustomerCancellations"];

    public static async Task<(List<(DateOnly Month, BaselineMonth Row)>? Months, string? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        List<BaselineMonth> rows;
        if (request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            var lines = body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0 || !lines[0].Split(',').Select(h => h.Trim()).SequenceEqual(Columns, StringComparer.OrdinalIgnoreCase))
            {
                return (null, "The CSV header must be: " + string.Join(',', Columns));
            }

            rows = [];
            for (var i = 1; i < lines.Count; i++)
            {
                var cells = lines[i].Split(',');
                var numbers = cells.Skip(1).Select(c => long.TryParse(c.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
                if (cells.Length != Columns.Length || numbers.Any(n => n < 0))
                {
                    return (null, $"Line {i + 1}: expected a month and six whole non-negative numbers.");
                }

                rows.Add(new BaselineMonth(cells[0].Trim(), numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]));
            }
        }
        else
        {
            try
            {
                rows = JsonSerializer.Deserialize<List<BaselineMonth>>(body, JsonSerializerOptions.Web) ?? [];
            }
            catch (JsonException e)
            {
                return (null, "The body must be a JSON array of months: " + e.Message);
            }
        }

        var result = new List<(DateOnly, BaselineMonth)>();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            if (!ReportEndpoints.TryMonth(row.Month, out var month) || month is null)
            {
                return (null, $"Row {index + 1}: month must look like 2026-11.");
            }

            if (row.TotalCustomers < 0 || row.TotalCancellations < 0 || row.NonMemberCustomers < 0 || row.NonMemberCancellations < 0
                || row.NewCustomers < 0 || row.NewCustomerCancellations < 0)
            {
                return (null, $"Row {index + 1}: counts must not be negative.");
            }

            if (row.NonMemberCustomers > row.TotalCustomers || row.TotalCancellations > row.TotalCustomers
                || row.NonMemberCancellations > row.NonMemberCustomers || row.NewCustomerCancellations > row.NewCustomers)
            {
                return (null, $"Row {index + 1}: a part is larger than its whole (e.g. more cancellations than customers).");
            }

            result.Add((month.Value, row));
        }

        if (result.Count == 0 || result.Select(r => r.Item1).Distinct().Count() != result.Count)
        {
            return (null, "Give at least one month, each month once.");
        }

        return (result, null);
    }

    public static async Task StoreAsync(NpgsqlDataSource data, Guid program, string actor, DateTimeOffset now,
        List<(DateOnly Month, BaselineMonth Row)> months, CancellationToken ct)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO reporting.customer_baseline (program_id, month, total_customers, total_cancellations, non_member_customers,
                non_member_cancellations, new_customers, new_customer_cancellations, imported_at, imported_by)
            SELECT @p, m, a, b, c, d, e, f, @now, @actor
            FROM unnest(@months, @a, @b, @c, @d, @e, @f) AS x(m, a, b, c, d, e, f)
            ON CONFLICT (program_id, month) DO UPDATE SET total_customers = excluded.total_customers, total_cancellations = excluded.total_cancellations,
                non_member_customers = excluded.non_member_customers, non_member_cancellations = excluded.non_member_cancellations,
                new_customers = excluded.new_customers, new_customer_cancellations = excluded.new_customer_cancellations,
                imported_at = excluded.imported_at, imported_by = excluded.imported_by
            """);
        command.Parameters.AddWithValue("p", program);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("months", months.Select(m => m.Month).ToArray());
        command.Parameters.AddWithValue("a", months.Select(m => m.Row.TotalCustomers).ToArray());
        command.Parameters.AddWithValue("b", months.Select(m => m.Row.TotalCancellations).ToArray());
        command.Parameters.AddWithValue("c", months.Select(m => m.Row.NonMemberCustomers).ToArray());
        command.Parameters.AddWithValue("d", months.Select(m => m.Row.NonMemberCancellations).ToArray());
        command.Parameters.AddWithValue("e", months.Select(m => m.Row.NewCustomers).ToArray());
        command.Parameters.AddWithValue("f", months.Select(m => m.Row.NewCustomerCancellations).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
