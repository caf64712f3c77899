using System.Globalization;
using System.Text;
using BenefitProgram.Catalog.Offers;

namespace BenefitProgram.Host.Portal.Ops;

/// <summary>
/// The CSV export of a table shown in the console: exactly the columns and rows on screen, RFC 4180 (comma, CRLF, quotes
/// doubled), UTF-8 with BOM so Excel reads umlauts. Numbers are written invariant (a dot, no thousands separator) so a
/// spreadsheet reads them as numbers. A text cell that a spreadsheet would run as a formula (CSV injection: starts with
/// = + - @, tab or CR; the same rule as the API's CSV, <see cref="CsvCells.LooksLikeFormula"/>) gets a leading apostrophe.
/// </summary>
public static class PortalCsv
{
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(h => Cell(h))).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        return text.ToString();
    }

    public static string Cell(object? value)
    {
        switch (value)
        {
            case null:
                return "";
            case bool b:
                return b ? "true" : "false";
            case DateOnly d:
                return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case DateTimeOffset t:
                return t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case double x:
                return x.ToString("0.######", CultureInfo.InvariantCulture);
            case IFormattable f when value is not Enum:
                return f.ToString(null, CultureInfo.InvariantCulture);
        }

        var s = value.ToString() ?? "";
        if (CsvCells.LooksLikeFormula(s))
        {
            s = "'" + s;
        }

        return s.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 || (s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])))
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
    }

    /// <summary>A <c>data:</c> address of the CSV (with BOM): the download link needs no endpoint and no second API call.</summary>
    public static string DataUri(string csv) =>
        "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);

    /// <summary>One row of cells (keeps the call sites in Razor short).</summary>
    public static IReadOnlyList<object?> Row(params object?[] cells) => cells;

    /// <summary>Money in minor units as a decimal amount for a spreadsheet (12.50).</summary>
    public static decimal Amount(long minorUnits) => minorUnits * 0.01m; // scale 2: 38.50, not 38.5
}
