using System.Globalization;

namespace RLFramework.Benchmarks;

/// <summary>
/// Parses the numeric values of the benchmark commands' options; a malformed value is an
/// <see cref="ArgumentException"/> that names the option and the text it got.
/// </summary>
internal static class OptionValues
{
    public static int Int(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{option} expects an integer, got '{text}'.");

    public static long Long(string option, string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{option} expects an integer, got '{text}'.");

    public static double Double(string option, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"{option} expects a finite number, got '{text}'.");
}
