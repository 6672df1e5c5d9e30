using Compozy.Data.Stores.Auth;

namespace Compozy.Data.Tests.Stores;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("admin@example.com", "admin@example.com")]
    [InlineData("  admin@example.com\t", "admin@example.com")]
    [InlineData("a@b", "a@b")]
    public void An_address_with_one_at_sign_and_text_on_both_sides_is_accepted_trimmed(string email, string normalized)
    {
        EmailAddress.TryNormalize(email, out var result).ShouldBeTrue();
        result.ShouldBe(normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("admin@")]
    [InlineData("a@b@example.com")]
    [InlineData("ops example.com")]
    [InlineData("ops @example.com")]
    [InlineData("ops\u0007@example.com")]
    public void Anything_else_is_refused(string? email)
    {
        EmailAddress.TryNormalize(email, out _).ShouldBeFalse();
    }

    [Fact]
    public void The_limit_is_320_characters_after_trimming()
    {
        var longest = new string('a', EmailAddress.MaxLength - "@example.com".Length) + "@example.com";

        EmailAddress.TryNormalize(longest, out _).ShouldBeTrue();
        EmailAddress.TryNormalize($"  {longest}  ", out _).ShouldBeTrue();
        EmailAddress.TryNormalize("a" + longest, out _).ShouldBeFalse();
    }
}
