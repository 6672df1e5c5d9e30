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

    [Theory]
    [InlineData("30d", 30 * 86_400_000L)]
    [InlineData("1d12h", 36 * 3_600_000L)]
    [InlineData("90m", 5_400_000)]
    [InlineData("12h", 43_200_000)]
    public void An_age_may_be_written_in_days(string text, long expectedMilliseconds)
    {
        DurationFormat.TryParse(text, allowDays: true, out var age).ShouldBeTrue();
        age.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
        DurationFormat.TryParse(text, out _).ShouldBe(!text.Contains('d', StringComparison.Ordinal), "days only where a setting opts in");
    }

    [Theory]
    [InlineData("-1d")]
    [InlineData("d")]
    [InlineData("30D")]
    [InlineData("30days")]
    [InlineData("30")]
    public void A_malformed_age_is_rejected(string text)
    {
        DurationFormat.TryParse(text, allowDays: true, out var age).ShouldBeFalse();
        age.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(30 * 24, "30d")]
    [InlineData(36, "36h")]
    [InlineData(0, "0s")]
    public void FormatAge_writes_whole_days_as_days(int hours, string expected) =>
        DurationFormat.FormatAge(TimeSpan.FromHours(hours)).ShouldBe(expected);
}
