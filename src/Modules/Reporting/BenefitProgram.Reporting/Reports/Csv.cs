using System.Globalization;
using System.Reflection;
using System.Text;

namespace BenefitProgram.Reporting.Reports;

/// <summary>
/// A small CSV writer (RFC 4180: comma, CRLF, quotes doubled) for flat report rows: one column per public property, in
/// declaration order, header in camelCase, numbers and dates invariant. Cells that a spreadsheet would run as a formula
/// (starting with = + - @, tab or carriage return) get a leading apostrophe, except plain numbers, which stay numbers.
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
                return t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case double x:
                return x.ToString("0.######", CultureInfo.InvariantCulture);
            case IFormattable f when value is not Enum:
                return f.ToString(null, CultureInfo.InvariantCulture);
        }

        var s = value.ToString() ?? "";
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            s = "'" + s;
        }

        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || (s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])))
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
    }
}
