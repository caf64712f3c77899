using System.Security.Cryptography;
using System.Text;

namespace BenefitProgram.Platform.ApiKeys;

/// <summary>
/// A partner system's API key. Only a SHA-256 hash of the secret is stored; the full key
/// (<c>bpk_{id}_{secret}</c>) is shown once, when it is created. A revoked key stops working at once.
/// </summary>
internal sealed class PartnerApiKey
{
    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The first characters of the key, so people can tell their keys apart.</summary>
    public string Prefix { get; private set; } = "";
    public string SecretHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    private PartnerApiKey()
    {
    }

    public static (PartnerApiKey Key, string PlainText) Issue(Guid partnerId, string name, string createdBy, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var plain = $"bpk_{id:N}_{secret}";
        return (new PartnerApiKey
        {
            Id = id,
            PartnerId = partnerId,
            Name = name,
            Prefix = plain[..12],
            SecretHash = Hash(secret),
            CreatedAt = now,
            CreatedBy = createdBy,
        }, plain);
    }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public bool Matches(string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(SecretHash));

    /// <summary>Splits "bpk_{id}_{secret}"; false for anything else.</summary>
    public static bool TryParse(string presented, out Guid id, out string secret)
    {
        id = Guid.Empty;
        secret = "";
        var parts = presented.Split('_');
        if (parts is not ["bpk", var idPart, var secretPart] || secretPart.Length != 64 || !Guid.TryParseExact(idPart, "N", out id))
        {
            return false;
        }

        secret = secretPart;
        return true;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
