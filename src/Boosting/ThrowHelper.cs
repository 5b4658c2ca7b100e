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

    /// <summary>Checks the arguments of <c>FitTree</c>: at least one sample, rows of the feature and output counts.</summary>
    public static void CheckFitInputs(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount, int featureCount, int outputCount)
    {
        if (sampleCount < 1)
            BadSampleCount(sampleCount);
        if (features.Length != sampleCount * featureCount)
            BadLength(nameof(features), features.Length, sampleCount * featureCount, $"{sampleCount} samples x {featureCount} features");
        if (gradients.Length != sampleCount * outputCount)
            BadLength(nameof(gradients), gradients.Length, sampleCount * outputCount, $"{sampleCount} samples x {outputCount} outputs");
    }

    [DoesNotReturn]
    public static void BadSampleCount(int sampleCount) =>
        throw new ArgumentException($"sampleCount must be at least 1, got {sampleCount}.", "sampleCount");

    [DoesNotReturn]
    public static void BadTreeRange(int first, int end, int count) =>
        throw new ArgumentOutOfRangeException("firstTree", $"Tree range [{first}, {end}) is not within [0, {count}].");
}
