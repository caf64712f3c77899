using System.Globalization;
using System.Text;
using CsvHelper;

namespace BenefitProgram.Rewards.Purchases;

/// <summary>
/// Reads the partner purchase CSV: header
/// <c>order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date</c>;
/// amount in major units with a dot and at most two decimals ("1999.99"), dates ISO 8601 (UTC when no offset).
/// Rows that cannot be read become rejects with their row number (1 = first data row). Parsed with CsvHelper (RFC 4180:
/// quoted fields, "" inside quotes, CRLF or LF); a row with broken quoting is rejected as "csv-malformed".
/// </summary>
internal static class PurchaseCsv
{
    public static readonly string[] Columns = ["order_reference", "click_id", "member_number", "offer_id", "amount", "currency", "purchased_at", "service_date"];

    public sealed record Parsed(List<PurchaseReport> Rows, List<int> RowNumbers, List<PurchaseRowResult> Rejects, string? HeaderError);

    public static async Task<Parsed> ReadAsync(Stream body, CancellationToken ct)
    {
        var rows = new List<PurchaseReport>();
        var numbers = new List<int>();
        var rejects = new List<PurchaseRowResult>();
        var malformed = new HashSet<long>();
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var options = CsvReaderOptions.Default with
        {
            HasHeader = false,
            Separator = ',',
            TrackLineNumbers = true,
            OnMalformedRecord = bad => malformed.Add(bad.LineNumber),
        };
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        if (!await csv.ReadAsync(ct))
        {
            return new Parsed(rows, numbers, rejects, "The file is empty.");
        }

        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i).Trim().ToLowerInvariant()).ToArray();
        var index = Columns.ToDictionary(c => c, c => Array.IndexOf(header, c));
        var missing = new[] { "order_reference", "amount", "currency", "purchased_at" }.Where(c => index[c] < 0).ToList();
        if (missing.Count > 0)
        {
            return new Parsed(rows, numbers, rejects, $"Missing columns: {string.Join(", ", missing)}. Expected: {string.Join(",", Columns)}.");
        }

        var no = 0;
        while (await csv.ReadAsync(ct))
        {
            string? Field(string name) => index[name] is >= 0 and var i && i < csv.FieldCount && csv.GetString(i).Trim() is { Length: > 0 } v ? v : null;
            if (Columns.All(c => Field(c) is null))
            {
                continue; // a blank line
            }

            no++;
            var orderRef = Field("order_reference") ?? "";
            string? error = malformed.Contains(csv.LineNumber) ? "csv-malformed" : null;
            Guid? offerId = null;
            if (Field("offer_id") is { } offerText)
            {
                if (Guid.TryParse(offerText, out var o)) { offerId = o; } else { error ??= "offer-id-invalid"; }
            }

            if (!TryParseAmount(Field("amount"), out var amount)) { error ??= "amount-invalid"; }
            if (!TryParseInstant(Field("purchased_at"), out var purchasedAt)) { error ??= "purchase-date-invalid"; }
            DateOnly? serviceDate = null;
            if (Field("service_date") is { } sdText)
            {
                if (DateOnly.TryParseExact(sdText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var sd)) { serviceDate = sd; } else { error ??= "service-date-invalid"; }
            }

            if (error is not null)
            {
                rejects.Add(new PurchaseRowResult(no, orderRef, RowOutcomes.Rejected, error, null, null));
                continue;
            }

            rows.Add(new PurchaseReport(orderRef, Field("click_id"), Field("member_number"), offerId, amount, (Field("currency") ?? "").ToUpperInvariant(), purchasedAt, serviceDate));
            numbers.Add(no);
        }

        return new Parsed(rows, numbers, rejects, null);
    }

    /// <summary>"1999.99" → 199999. At most two decimals; no signs, no thousands separators.</summary>
    public static bool TryParseAmount(string? text, out long minor)
    {
        minor = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 18)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit)
            || (parts.Length == 2 && (parts[1].Length is 0 or > 2 || !parts[1].All(char.IsAsciiDigit))))
        {
            return false;
        }

        var cents = parts.Length == 2 ? parts[1].PadRight(2, '0') : "00";
        minor = long.Parse(parts[0], CultureInfo.InvariantCulture) * 100 + long.Parse(cents, CultureInfo.InvariantCulture);
        return true;
    }

    private static bool TryParseInstant(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
