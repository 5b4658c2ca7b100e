using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RLFramework.Cli.Commands;

/// <summary>
/// Options that count steps (<c>--steps</c>, <c>--eval-every</c>, ...): a whole number, also written as the RL Zoo's
/// hyperparameter files and Python write them: <c>1e5</c>, <c>2.5e6</c>, <c>1_000_000</c>. Anything else is an error that
/// names the option and the value.
/// </summary>
internal static class CountOption
{
    /// <summary>An option <paramref name="name"/> holding such a count.</summary>
    public static Option<long?> Create(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name),
    };

    /// <summary>The count <paramref name="text"/> names, or null when it is not a whole number.</summary>
    public static long? TryParse(string text)
    {
        var trimmed = text.Trim();
        // Underscores only between digits, as Python writes them (1_000_000, not _1000 or 1__000).
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] == '_' && (i == 0 || i == trimmed.Length - 1 || !char.IsAsciiDigit(trimmed[i - 1]) || !char.IsAsciiDigit(trimmed[i + 1])))
                return null;
        }
        var plain = trimmed.Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return whole;
        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real) && Math.Abs(real) < 9e18 && real == Math.Floor(real))
            return (long)real;
        return null;
    }

    private static long? Parse(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
            return null;
        var text = result.Tokens[0].Value;
        if (TryParse(text) is { } count)
            return count;
        result.AddError($"{name} expects a whole number, such as 100000, 1e5 or 1_000_000; got '{text}'.");
        return null;
    }
}
