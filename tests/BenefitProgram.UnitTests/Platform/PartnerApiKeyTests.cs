using BenefitProgram.Platform.ApiKeys;

namespace BenefitProgram.UnitTests.Platform;

public sealed class PartnerApiKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_issued_key_parses_and_matches_its_own_hash_only()
    {
        var (key, plain) = PartnerApiKey.Issue(Guid.NewGuid(), "shop", "user:x", Now);

        Assert.True(PartnerApiKey.TryParse(plain, out var id, out var secret));
        Assert.Equal(key.Id, id);
        Assert.True(key.Matches(secret));
        Assert.False(key.Matches(new string('0', 64)));
        Assert.DoesNotContain(secret, key.SecretHash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bpk_")]
    [InlineData("bpk_nothex_0123")]
    [InlineData("xyz_0195f0000000700080000000000000001_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("bpk_0195f000000070008000000000000001_short")]
    public void Malformed_keys_do_not_parse(string presented) =>
        Assert.False(PartnerApiKey.TryParse(presented, out _, out _));

    [Fact]
    public void Revoking_twice_keeps_the_first_time()
    {
        var (key, _) = PartnerApiKey.Issue(Guid.NewGuid(), "shop", "user:x", Now);
        key.Revoke(Now);
        key.Revoke(Now.AddDays(1));
        Assert.Equal(Now, key.RevokedAt);
    }
}
