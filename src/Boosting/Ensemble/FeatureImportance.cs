namespace RLFramework.Boosting;

/// <summary>Per-feature split statistics over all trees of an ensemble.</summary>
/// <param name="SplitCounts">Number of splits (oblivious: levels) on each feature.</param>
/// <param name="TotalGain">Sum over those splits of the weighted score gain (split score minus parent score).</param>
public sealed record FeatureImportance(IReadOnlyList<long> SplitCounts, IReadOnlyList<double> TotalGain);
