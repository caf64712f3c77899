using System.Reflection;
using System.Text;
using BenefitProgram.Common.Http;

namespace BenefitProgram.Reporting.Reports;

/// <summary>
/// A small CSV writer (RFC 4180: comma, CRLF, quotes doubled) for flat report rows: one column per public property, in
/// declaration order, header in camelCase; the cells are written by Common's <see cref="CsvText"/> (invariant numbers
/// and dates, formula cells escaped).
/// </summary>
internal static class Csv
{
    public static string Write<T>(IEnumerable<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        var text = new StringBuilder();
        text.AppendJoin(',', properties.Select(p => Cell(char.ToLowerInvariant(p.Name[0]) + p.Name[1..]))).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', properties.Select(p => Cell(p.GetValue(row)))).Append("\r\n");
        }

        return text.ToString();
    }

    public static string Cell(object? value) => CsvText.Cell(value);
}
