namespace Compozy.Cli.Tests;

public sealed class AuthCommandTests
{
    [Theory]
    [InlineData("ops example.com")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("@")]
    [InlineData("admin@")]
    [InlineData("a@b@example.com")]
    [InlineData("tab\t@example.com")]
    [InlineData("")]
    public async Task Bootstrap_with_an_invalid_email_exits_2_naming_the_flag_and_creates_nothing(string email)
    {
        using var directory = new TemporaryWorkingDirectory();

        var result = await directory.RunAsync(null, "auth", "bootstrap", "--email", email);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("compozy: --email: ");
        result.Stderr.ShouldContain("is not an email address; allowed: local@domain, at most 320 characters, no spaces");
        result.Stderr.ShouldNotContain("   at ");
        result.Stdout.ShouldBeEmpty();
        directory.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bootstrap_refuses_an_email_longer_than_320_characters_before_creating_anything()
    {
        using var directory = new TemporaryWorkingDirectory();
        var email = new string('a', 309) + "@example.com";

        var result = await directory.RunAsync(null, "auth", "bootstrap", "--email", email);

        email.Length.ShouldBe(321);
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("--email: ");
        directory.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bootstrap_with_a_valid_email_creates_the_default_database()
    {
        using var directory = new TemporaryWorkingDirectory();

        var result = await directory.RunAsync(null, "auth", "bootstrap", "--email", "  admin@example.com ");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("created admin admin@example.com ");
        directory.Entries.ShouldContain(Path.Combine(".compozy", "compozy.db"));
    }
}
