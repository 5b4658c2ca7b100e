using System.Globalization;

namespace RLFramework.Boosting;

/// <summary>
/// One split of a fitted tree. Categorical: a sample goes right when <c>x[Feature] == Value</c>; numerical: when
/// <c>x[Feature] &gt; Value</c>.
/// </summary>
/// <param name="Feature">The feature tested.</param>
/// <param name="IsCategorical">Whether the test is an equality on a categorical code.</param>
/// <param name="Value">The category (categorical) or the threshold (numerical).</param>
public readonly record struct TreeSplit(int Feature, bool IsCategorical, float Value);

/// <summary>
/// Names for a readable tree: of the features, of categorical codes (null: print the number) and of the outputs.
/// The booster knows nothing of what its features mean; the caller that does (an agent, from its environment) passes them.
/// </summary>
/// <param name="FeatureName">Name of feature f.</param>
/// <param name="ValueName">Meaning of code v of categorical feature f, or null.</param>
/// <param name="OutputName">Name of output k.</param>
public sealed record TreeLabels(Func<int, string> FeatureName, Func<int, float, string?> ValueName, Func<int, string> OutputName)
{
    /// <summary>
    /// Maps the threshold of a numerical split on feature f to the units the reader knows (e.g. undoes an observation
    /// normalization that the booster's inputs went through); null: the threshold as stored.
    /// </summary>
    public Func<int, float, double>? Threshold { get; init; }

    /// <summary>The default names: <c>f3</c>, the number itself, <c>out2</c>.</summary>
    public static TreeLabels Default { get; } = new(
        f => string.Create(CultureInfo.InvariantCulture, $"f{f}"), (_, _) => null, k => string.Create(CultureInfo.InvariantCulture, $"out{k}"));

    /// <summary>Readable form of a split: <c>f2 &gt; 0.5</c>, <c>f0 == 3</c>, <c>view[ahead 1] == locked red door (74)</c>.</summary>
    public string Describe(TreeSplit split)
    {
        var name = FeatureName(split.Feature);
        if (!split.IsCategorical)
        {
            return Threshold is null
                ? string.Create(CultureInfo.InvariantCulture, $"{name} > {split.Value:R}")
                : string.Create(CultureInfo.InvariantCulture, $"{name} > {Threshold(split.Feature, split.Value):G6}");
        }
        var meaning = ValueName(split.Feature, split.Value);
        return meaning is null
            ? string.Create(CultureInfo.InvariantCulture, $"{name} == {split.Value}")
            : string.Create(CultureInfo.InvariantCulture, $"{name} == {meaning} ({split.Value})");
    }
}

/// <summary>A booster whose fitted trees can be read: split statistics, the splits of each tree, a readable dump.</summary>
public interface IInspectableBooster : IGradientBooster
{
    /// <summary>Split counts and total score gain per feature over all trees.</summary>
    FeatureImportance GetFeatureImportance();

    /// <summary>The splits of tree <paramref name="tree"/>: an oblivious tree's levels from the first; a greedy tree's nodes depth first.</summary>
    IReadOnlyList<TreeSplit> GetSplits(int tree);

    /// <summary>Readable text of tree <paramref name="tree"/>: its splits and leaf values (learning rate applied). Without <paramref name="labels"/> the numbers as stored (f3, raw leaf values); with them, names and each leaf's contribution to the outputs.</summary>
    string DumpTree(int tree, TreeLabels? labels = null);
}
