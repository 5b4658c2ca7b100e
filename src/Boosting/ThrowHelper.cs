using System.Diagnostics.CodeAnalysis;

namespace RLFramework.Boosting;

/// <summary>Throws for bad input, out of line so that hot methods stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void BadCategory(int sample, int feature, float value, int cardinality) =>
        throw new ArgumentException(
            $"Feature {feature} is categorical with {cardinality} categories, but sample {sample} holds {value}: codes must be integers 0..{cardinality - 1}, or NaN for missing.",
            "features");

    [DoesNotReturn]
    public static void InfiniteFeature(int sample, int feature, float value) =>
        throw new ArgumentException($"Feature {feature} of sample {sample} is {value}: numerical features must be finite (NaN marks a missing value).", "features");

    [DoesNotReturn]
    public static void BadGradient(int sample, int output, float value) =>
        throw new ArgumentException($"Gradient of sample {sample}, output {output} is {value}: gradients must be finite.", "gradients");

    [DoesNotReturn]
    public static void BadLength(string name, int actual, int expected, string meaning) =>
        throw new ArgumentException($"{name} has length {actual}, expected {expected} ({meaning}).", name);

    [DoesNotReturn]
    public static void BadSampleCount(int sampleCount) =>
        throw new ArgumentException($"sampleCount must be at least 1, got {sampleCount}.", "sampleCount");

    [DoesNotReturn]
    public static void BadTreeRange(int first, int end, int count) =>
        throw new ArgumentOutOfRangeException("firstTree", $"Tree range [{first}, {end}) is not within [0, {count}].");
}
