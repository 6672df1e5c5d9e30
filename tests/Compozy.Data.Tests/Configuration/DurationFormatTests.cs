using Compozy.Data.Configuration;

namespace Compozy.Data.Tests.Configuration;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData(" 10s ", 10_000)]
    [InlineData("48h", 172_800_000)]
    public void A_valid_duration_parses_to_its_length(string text, long expectedMilliseconds)
    {
        DurationFormat.TryParse(text, out var duration).ShouldBeTrue();
        duration.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1m-2s")]
    [InlineData("abc")]
    [InlineData("s")]
    [InlineData("1.2.3s")]
    [InlineData("5 s")]
    [InlineData("5S")]
    [InlineData("1d")]
    [InlineData("10s5")]
    [InlineData(null)]
    public void An_invalid_duration_is_rejected(string? text)
    {
        DurationFormat.TryParse(text, out var duration).ShouldBeFalse();
        duration.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1s500ms")]
    [InlineData(5_000, "5s")]
    [InlineData(120_000, "2m")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(1_024_000, "17m4s")]
    [InlineData(90_061_001, "25h1m1s1ms")]
    public void Format_writes_a_duration_as_it_would_appear_in_compozy_yaml_and_parses_back(long milliseconds, string expected)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);

        var text = DurationFormat.Format(duration);

        text.ShouldBe(expected);
        DurationFormat.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(duration);
    }
}
