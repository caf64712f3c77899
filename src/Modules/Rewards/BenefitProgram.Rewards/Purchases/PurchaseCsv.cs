using System.Globalization;
using System.Text;

namespace BenefitProgram.Rewards.Purchases;

/// <summary>
/// Reads the partner purchase CSV: header
/// <c>order_reference,click_id,member_number,offer_id,amount,currency,purchased_at,service_date</c>;
/// amount in major units with a dot and at most two decimals ("1999.99"), dates ISO 8601 (UTC when no offset).
/// Rows that cannot be read become rejects with their row number (1 = first data row).
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
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var parser = new CsvRecordReader(reader);
        if (await parser.ReadAsync() is not { } headerRecord)
        {
            return new Parsed(rows, numbers, rejects, "The file is empty.");
        }

        var header = headerRecord.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var index = Columns.ToDictionary(c => c, c => Array.IndexOf(header, c));
        var missing = new[] { "order_reference", "amount", "currency", "purchased_at" }.Where(c => index[c] < 0).ToList();
        if (missing.Count > 0)
        {
            return new Parsed(rows, numbers, rejects, $"Missing columns: {string.Join(", ", missing)}. Expected: {string.Join(",", Columns)}.");
        }

        var no = 0;
        while (await parser.ReadAsync() is { } record)
        {
            ct.ThrowIfCancellationRequested();
            no++;
            if (record.Length == 1 && record[0].Length == 0)
            {
                no--;
                continue;
            }

            string? Field(string name) => index[name] is >= 0 and var i && i < record.Length && record[i].Trim() is { Length: > 0 } v ? v : null;
            var orderRef = Field("order_reference") ?? "";
            string? error = null;
            Guid? offerId = null;
            if (Field("offer_id") is { } offerText)
            {
                if (Guid.TryParse(offerText, out var o)) { offerId = o; } else { error = "offer-id-invalid"; }
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

/// <summary>A small RFC 4180 reader: comma-separated, fields may be quoted ("" is a quote inside), CRLF or LF line ends.</summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly char[] buffer = new char[1 << 16];
    private int length;
    private int position;
    private readonly StringBuilder field = new();
    private readonly List<string> record = [];

    private async ValueTask<int> PeekAsync()
    {
        if (position >= length)
        {
            length = await reader.ReadAsync(buffer.AsMemory());
            position = 0;
            if (length == 0)
            {
                return -1;
            }
        }

        return buffer[position];
    }

    public async ValueTask<string[]?> ReadAsync()
    {
        record.Clear();
        field.Clear();
        var c = await PeekAsync();
        if (c < 0)
        {
            return null;
        }

        var quoted = false;
        var inQuotes = false;
        while (true)
        {
            c = await PeekAsync();
            if (c < 0)
            {
                record.Add(field.ToString());
                return [.. record];
            }

            position++;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (await PeekAsync() == '"')
                    {
                        position++;
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0 && !quoted)
            {
                inQuotes = quoted = true;
            }
            else if (ch == ',')
            {
                record.Add(field.ToString());
                field.Clear();
                quoted = false;
            }
            else if (ch == '\n')
            {
                record.Add(field.ToString());
                return [.. record];
            }
            else if (ch != '\r')
            {
                field.Append(ch);
            }
        }
    }
}
