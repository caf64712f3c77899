using System.Globalization;

namespace BenefitProgram.Common.Http;

/// <summary>
/// Cells of the CSV exports (reports, the console's tables): RFC 4180 (comma, CRLF, quotes doubled), numbers and dates
/// invariant (a dot, ISO dates, UTC instants) so a spreadsheet reads numbers as numbers. A text cell that a spreadsheet
/// would run as a formula (CSV injection: it starts with = + - @, tab or CR) gets a leading apostrophe; the uploads refuse
/// such cells with the same rule.
/// </summary>
public static class CsvText
{
    /// <summary>A cell that a spreadsheet would run as a formula, e.g. <c>=cmd|' /C calc'!A0</c>.</summary>
    public static bool LooksLikeFormula(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

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
        if (LooksLikeFormula(s))
        {
            s = "'" + s;
        }

        return s.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 || (s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])))
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
    }
}
