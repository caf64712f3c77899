using System.Security.Cryptography;
using System.Text;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>
/// Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is "whsec_" + base64 of 32 random bytes;
/// the signature is "v1," + base64(HMAC-SHA256(key = those bytes, "{webhook-id}.{webhook-timestamp}.{body}")).
/// Several signatures (during a secret rotation) are separated by a space. docs/webhooks.md shows how to verify.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>True when one of the space-separated "v1,..." signatures in <paramref name="header"/> matches (constant-time compare).</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, timestamp, body));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
