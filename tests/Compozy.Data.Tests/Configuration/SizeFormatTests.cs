using Compozy.Data.Configuration;

namespace Compozy.Data.Tests.Configuration;

public sealed class SizeFormatTests
{
    [Theory]
    [InlineData("64MB", 64L << 20)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("1GB", 1L << 30)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("4096", 4096)]
    [InlineData("4096B", 4096)]
    [InlineData("0", 0)]
    [InlineData("10 mb", 10L << 20)]
    [InlineData("8k", 8L << 10)]
    public void A_valid_size_parses_to_its_number_of_bytes(string text, long expectedBytes)
    {
        SizeFormat.TryParse(text, out var bytes).ShouldBeTrue();
        bytes.ShouldBe(expectedBytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("-1")]
    [InlineData("-1MB")]
    [InlineData("1.5MB")]
    [InlineData("5x")]
    [InlineData("1TB")]
    [InlineData("9223372036854775807GB")]
    [InlineData("99999999999999999999")]
    [InlineData(null)]
    public void An_invalid_size_is_rejected(string? text)
    {
        SizeFormat.TryParse(text, out var bytes).ShouldBeFalse();
        bytes.ShouldBe(0);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1_536, "1536B")]
    [InlineData(512L << 10, "512KB")]
    [InlineData(64L << 20, "64MB")]
    [InlineData(1L << 30, "1GB")]
    [InlineData((1L << 30) + (1L << 20), "1025MB")]
    public void Format_writes_the_largest_whole_unit_and_parses_back(long bytes, string expected)
    {
        var text = SizeFormat.Format(bytes);

        text.ShouldBe(expected);
        SizeFormat.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(bytes);
    }
}
