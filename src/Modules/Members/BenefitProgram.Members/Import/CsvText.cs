using System.Text;

namespace BenefitProgram.Members.Import;

/// <summary>One parsed CSV record: its line number (1-based, where it starts), its fields, and a problem if it was malformed.</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Problem);

/// <summary>
/// A small RFC 4180 reader: separator ';' or ',' (detected from the header line), quoted fields with "" escapes and
/// line breaks inside quotes, CRLF or LF. An unterminated quote is reported on its record instead of swallowing the file.
/// </summary>
internal static class CsvText
{
    public static char DetectSeparator(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var semis = firstLine.Count(c => c == ';');
        var commas = firstLine.Count(c => c == ',');
        var tabs = firstLine.Count(c => c == '\t');
        return tabs > semis && tabs > commas ? '\t' : semis >= commas ? ';' : ',';
    }

    public static IEnumerable<CsvRecord> Read(string text, char separator)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var inQuotes = false;
        var fieldStartedQuoted = false;
        string? problem = null;
        while (i < text.Length)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    inQuotes = false;
                    i++;
                    continue;
                }

                if (c == '\n')
                {
                    line++;
                }

                field.Append(c);
                i++;
                continue;
            }

            if (c == '"' && field.Length == 0 && !fieldStartedQuoted)
            {
                inQuotes = true;
                fieldStartedQuoted = true;
                i++;
                continue;
            }

            if (c == '"')
            {
                problem ??= "A quote inside an unquoted field; quote the field and double the inner quotes.";
            }

            if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStartedQuoted = false;
                i++;
                continue;
            }

            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                i++;
                fields.Add(field.ToString());
                field.Clear();
                fieldStartedQuoted = false;
                if (!(fields.Count == 1 && fields[0].Length == 0))
                {
                    yield return new CsvRecord(recordLine, fields.ToList(), problem);
                }

                fields.Clear();
                problem = null;
                line++;
                recordLine = line;
                continue;
            }

            field.Append(c);
            i++;
        }

        if (inQuotes)
        {
            problem = "A quoted field is not closed.";
        }

        if (field.Length > 0 || fields.Count > 0 || fieldStartedQuoted)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields.ToList(), problem);
        }
    }
}
