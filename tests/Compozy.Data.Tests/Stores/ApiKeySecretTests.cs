using Compozy.Data.Stores.Auth;

namespace Compozy.Data.Tests.Stores;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void A_key_verifies_against_its_own_hash_only()
    {
        var key = ApiKeySecret.Generate();
        var other = ApiKeySecret.Generate();
        var hash = ApiKeySecret.HashOf(key);

        ApiKeySecret.IsWellFormed(key).ShouldBeTrue();
        key.ShouldNotBe(other);
        ApiKeySecret.Verify(key, hash).ShouldBeTrue();
        ApiKeySecret.Verify(other, hash).ShouldBeFalse();
        ApiKeySecret.HashOf(key).ShouldNotBe(hash, "each hash has its own salt");
        ApiKeySecret.FingerprintOf(key).ShouldBe(ApiKeySecret.FingerprintOf(key), "the fingerprint is the lookup key, so it has no salt");
        ApiKeySecret.Verify(key, hash[..^1]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpzy_")]
    [InlineData("cpzy_short")]
    [InlineData("xxxx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("cpzy_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A")]
    public void Strings_that_are_not_keys_are_not_well_formed(string candidate) =>
        ApiKeySecret.IsWellFormed(candidate).ShouldBeFalse();
}
