using System.Globalization;

namespace Compozy.Data.Configuration;

/// <summary>
/// The type of a configuration value: parses raw text from any source and describes what it
/// accepts, in words fit for an error message.
/// </summary>
public abstract record ConfigurationValueType
{
    /// <summary>What the type accepts, for example <c>an integer from 1 to 65535</c>.</summary>
    public abstract string Allowed { get; }

    /// <summary>Parses <paramref name="raw"/>; on failure <paramref name="reason"/> says why.</summary>
    public abstract bool TryParse(string raw, out object? value, out string? reason);

    /// <summary>Free text; <paramref name="allowEmpty"/> decides whether an empty string is a value.</summary>
    public static ConfigurationValueType Text(bool allowEmpty = false) => new TextValueType(allowEmpty);

    /// <summary>An integer within an inclusive range.</summary>
    public static ConfigurationValueType WholeNumber(int min, int max) => new IntegerValueType(min, max);

    /// <summary>A duration such as <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h30m</c>, within an inclusive range.</summary>
    public static ConfigurationValueType Duration(TimeSpan min, TimeSpan max) => new DurationValueType(min, max, AllowDays: false);

    /// <summary>An age such as <c>30d</c>, <c>12h</c> or <c>90m</c> (days allowed), within an inclusive range.</summary>
    public static ConfigurationValueType Age(TimeSpan min, TimeSpan max) => new DurationValueType(min, max, AllowDays: true);

    /// <summary>
    /// A comma-separated list of words from a fixed set (at least one, compared without regard to
    /// case, no repeats); parses to the canonical spellings as a string array.
    /// </summary>
    public static ConfigurationValueType ChoiceList(params string[] values) => new ChoiceListValueType(values);

    /// <summary>A size such as <c>64MB</c>, <c>512KiB</c> or a number of bytes, within an inclusive range.</summary>
    public static ConfigurationValueType Size(long min, long max) => new SizeValueType(min, max);

    /// <summary><c>true</c> or <c>false</c> (also <c>yes</c>/<c>no</c>, <c>on</c>/<c>off</c>, <c>1</c>/<c>0</c>).</summary>
    public static ConfigurationValueType Boolean { get; } = new BooleanValueType();

    /// <summary>One of a fixed set of words, compared without regard to case; parses to the canonical spelling.</summary>
    public static ConfigurationValueType Choice(params string[] values) => new ChoiceValueType(values);

    private sealed record TextValueType(bool AllowEmpty) : ConfigurationValueType
    {
        public override string Allowed => AllowEmpty ? "any text" : "a non-empty string";

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            if (!AllowEmpty && string.IsNullOrWhiteSpace(raw))
            {
                (value, reason) = (null, "is empty");
                return false;
            }

            (value, reason) = (raw, null);
            return true;
        }
    }

    private sealed record IntegerValueType(int Min, int Max) : ConfigurationValueType
    {
        public override string Allowed => Max == int.MaxValue
            ? $"an integer of at least {Min}"
            : $"an integer from {Min} to {Max}";

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            value = null;
            if (!long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                reason = "is not an integer";
                return false;
            }

            if (number < Min || number > Max)
            {
                reason = "is out of range";
                return false;
            }

            (value, reason) = ((int)number, null);
            return true;
        }
    }

    private sealed record DurationValueType(TimeSpan Min, TimeSpan Max, bool AllowDays) : ConfigurationValueType
    {
        public override string Allowed => AllowDays
            ? $"a duration such as 30d, 12h or 90m, from {DurationFormat.FormatAge(Min)} to {DurationFormat.FormatAge(Max)}"
            : $"a duration such as 500ms, 5s, 2m or 1h30m, from {DurationFormat.Format(Min)} to {DurationFormat.Format(Max)}";


        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            value = null;
            if (!DurationFormat.TryParse(raw, AllowDays, out var duration))
            {
                reason = "is not a duration";
                return false;
            }

            if (duration < Min || duration > Max)
            {
                reason = "is out of range";
                return false;
            }

            (value, reason) = (duration, null);
            return true;
        }
    }

    private sealed record SizeValueType(long Min, long Max) : ConfigurationValueType
    {
        public override string Allowed =>
            $"a size such as 64MB, 512KiB or a number of bytes, from {SizeFormat.Format(Min)} to {SizeFormat.Format(Max)}";

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            value = null;
            if (!SizeFormat.TryParse(raw, out var size))
            {
                reason = "is not a size";
                return false;
            }

            if (size < Min || size > Max)
            {
                reason = "is out of range";
                return false;
            }

            (value, reason) = (size, null);
            return true;
        }
    }

    private sealed record BooleanValueType : ConfigurationValueType
    {
        public override string Allowed => "true or false";

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            reason = null;
            switch (raw.Trim().ToUpperInvariant())
            {
                case "TRUE" or "YES" or "ON" or "1":
                    value = true;
                    return true;
                case "FALSE" or "NO" or "OFF" or "0":
                    value = false;
                    return true;
                default:
                    (value, reason) = (null, "is not a boolean");
                    return false;
            }
        }
    }

    private sealed record ChoiceValueType(IReadOnlyList<string> Values) : ConfigurationValueType
    {
        public override string Allowed => string.Join(", ", Values);

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            var match = Values.FirstOrDefault(candidate => string.Equals(candidate, raw.Trim(), StringComparison.OrdinalIgnoreCase));
            value = match;
            reason = match is null ? "is not supported" : null;
            return match is not null;
        }
    }

    private sealed record ChoiceListValueType(IReadOnlyList<string> Values) : ConfigurationValueType
    {
        public override string Allowed => $"one or more of {string.Join(", ", Values)}, separated by commas";

        public override bool TryParse(string raw, out object? value, out string? reason)
        {
            value = null;
            var chosen = new List<string>();
            foreach (var item in raw.Split(',', StringSplitOptions.TrimEntries))
            {
                var match = Values.FirstOrDefault(candidate => string.Equals(candidate, item, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    reason = item.Length == 0 ? "has an empty item" : $"has \"{item}\", which is not allowed";
                    return false;
                }

                if (chosen.Contains(match, StringComparer.Ordinal))
                {
                    reason = $"has {match} twice";
                    return false;
                }

                chosen.Add(match);
            }

            (value, reason) = (chosen.ToArray(), null);
            return true;
        }
    }
}
