using System.Text;
using BenefitProgram.Common.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BenefitProgram.Catalog.Uploads;

public sealed record RowError(int Line, string Field, string Message);

/// <summary>Reads an uploaded file (the raw request body) with a size cap and decodes its text.</summary>
internal static class UploadBody
{
    static UploadBody() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The body, or a 413 when it is larger than <paramref name="maxBytes"/> (by Content-Length or while reading).</summary>
    public static async Task<(byte[]? Bytes, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var tooLarge = Problems.TooLarge($"The file is larger than the limit of {maxBytes / (1024 * 1024)} MB; split it into smaller files.");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        using var buffer = new MemoryStream(request.ContentLength is { } n ? (int)n : 64 * 1024);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, tooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>
    /// Decodes text: a charset named in Content-Type wins; else a BOM (UTF-8, UTF-16); else UTF-8 when the bytes are valid UTF-8,
    /// otherwise Windows-1252 (what German Excel writes as "CSV (Trennzeichen-getrennt)").
    /// </summary>
    public static string Decode(byte[] bytes, string? contentType)
    {
        var charset = contentType is null ? null : Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) ? media.Charset.Value : null;
        if (bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }))
        {
            return new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3);
        }

        if (bytes.AsSpan().StartsWith(new byte[] { 0xFF, 0xFE }))
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.AsSpan().StartsWith(new byte[] { 0xFE, 0xFF }))
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (!string.IsNullOrEmpty(charset))
        {
            try
            {
                return Encoding.GetEncoding(charset.Trim('"')).GetString(bytes);
            }
            catch (ArgumentException)
            {
                // unknown charset: detect below
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }
}
