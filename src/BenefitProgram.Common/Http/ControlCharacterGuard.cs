using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BenefitProgram.Common.Http;

/// <summary>
/// Refuses control characters in every JSON string a client sends (tab, line feed and carriage return stay allowed for
/// free text). PostgreSQL cannot store U+0000 at all, and the others have no place in names, references or comments:
/// they break CSV exports, e-mail headers and log lines. The error names the field through the serializer's path.
/// </summary>
public sealed class ControlCharacterGuard : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is null)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"Text must not contain control characters (found U+{(int)c:X4})."));
            }
        }

        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
