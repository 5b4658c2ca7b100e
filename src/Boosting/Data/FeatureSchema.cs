namespace RLFramework.Boosting;

/// <summary>
/// Which input features are categorical. Per feature: 0 = numerical; n &gt; 0 = categorical with
/// integer codes 0..n-1 (split by equality, one category vs the rest).
/// </summary>
public sealed record FeatureSchema(IReadOnlyList<int> Cardinalities)
{
    /// <summary>A schema of <paramref name="featureCount"/> numerical features.</summary>
    public static FeatureSchema Numerical(int featureCount) => new(new int[featureCount]);

    /// <summary>
    /// The most categories a categorical feature may have. Each batch offers at most 255 of them as split candidates
    /// (all that occur when they are fewer, else the 255 most frequent).
    /// </summary>
    public const int MaxCardinality = 65_536;

    /// <summary>Number of features.</summary>
    public int FeatureCount => Cardinalities.Count;

    /// <summary>Whether feature <paramref name="feature"/> is categorical.</summary>
    public bool IsCategorical(int feature) => Cardinalities[feature] > 0;
}
