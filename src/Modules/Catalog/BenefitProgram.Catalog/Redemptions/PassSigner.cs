using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace BenefitProgram.Catalog.Redemptions;

/// <summary>
/// Signs discount passes: <c>BP1.&lt;payload&gt;.&lt;mac&gt;</c>, payload = redemption id (16 bytes) + expiry (unix seconds, 8 bytes),
/// mac = HMAC-SHA256 over "BP1." + payload, truncated to 16 bytes, both base64url. The key comes from
/// <c>Catalog:PassSigningKey</c> (a development default otherwise; set a real secret in production).
/// </summary>
internal sealed class PassSigner
{
    private const string Prefix = "BP1.";
    public const string DevelopmentKey = "benefitprogram-dev-pass-signing-key-change-me";
    private readonly byte[] key;

    public PassSigner(IConfiguration configuration) =>
        key = SHA256.HashData(Encoding.UTF8.GetBytes(configuration["Catalog:PassSigningKey"] is { Length: > 0 } k ? k : DevelopmentKey));

    public string Sign(Guid redemptionId, DateTimeOffset expiresAt)
    {
        var payload = new byte[24];
        redemptionId.TryWriteBytes(payload.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16), expiresAt.ToUnixTimeSeconds());
        var encoded = Base64Url(payload);
        return Prefix + encoded + "." + Base64Url(Mac(encoded));
    }

    /// <summary>False when the token is malformed or its signature does not match (forged or damaged).</summary>
    public bool TryRead(string token, out Guid redemptionId, out DateTimeOffset expiresAt)
    {
        redemptionId = Guid.Empty;
        expiresAt = default;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2 || !TryDecode(parts[0], out var payload) || payload.Length != 24 || !TryDecode(parts[1], out var mac))
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(parts[0])))
        {
            return false;
        }

        redemptionId = new Guid(payload.AsSpan(0, 16), bigEndian: true);
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)));
        return true;
    }

    private byte[] Mac(string encodedPayload) =>
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(Prefix + encodedPayload))[..16];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        var b64 = text.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - (b64.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(b64);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

    /// <summary>A random code in Crockford base32 (easy to read out and type at the till).</summary>
    public static string RandomCode(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }

    public static string NormalizeShortCode(string code) =>
        code.Trim().ToUpperInvariant().Replace("-", "", StringComparison.Ordinal).Replace('O', '0').Replace('I', '1').Replace('L', '1');
}
