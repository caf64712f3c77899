using System.Text;
using BenefitProgram.Common.Http;

namespace BenefitProgram.Host.Portal.Ops;

/// <summary>
/// The CSV export of a table shown in the console: exactly the columns and rows on screen, RFC 4180 (comma, CRLF, quotes
/// doubled), UTF-8 with BOM so Excel reads umlauts. Numbers are written invariant (a dot, no thousands separator) so a
/// spreadsheet reads them as numbers. A text cell that a spreadsheet would run as a formula (CSV injection: starts with
/// = + - @, tab or CR; the same rule as the API's CSV, <see cref="CsvText"/>) gets a leading apostrophe.
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

    public static string Cell(object? value) => CsvText.Cell(value);

    /// <summary>A <c>data:</c> address of the CSV (with BOM): the download link needs no endpoint and no second API call.</summary>
    public static string DataUri(string csv) =>
        "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);

    /// <summary>One row of cells (keeps the call sites in Razor short).</summary>
    public static IReadOnlyList<object?> Row(params object?[] cells) => cells;

    /// <summary>Money in minor units as a decimal amount for a spreadsheet (12.50).</summary>
    public static decimal Amount(long minorUnits) => minorUnits * 0.01m; // scale 2: 38.50, not 38.5
}
