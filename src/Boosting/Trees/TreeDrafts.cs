using System.Globalization;
using System.Text;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Splitting;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// The test of one split as stored in a tree: x goes right when <c>x &gt; Lo &amp;&amp; x &lt;= Hi</c>.
/// Numerical: Lo = threshold, Hi = +inf. Categorical category c: Lo = the float just below c, Hi = c, which is
/// exactly x == c (an unseen category or a non-integer value goes left). NaN fails both comparisons: left.
/// An unused (padding) level has Lo = +inf: always left.
/// </summary>
internal readonly record struct SplitTest(int Feature, float Lo, float Hi, bool IsCategorical)
{
    /// <summary>A level that sends every sample left.</summary>
    public static SplitTest Never => new(0, float.PositiveInfinity, float.PositiveInfinity, false);

    /// <summary>Whether <paramref name="x"/> goes right.</summary>
    public bool GoesRight(float x) => x > Lo && x <= Hi;

    /// <summary>The stored test of a candidate chosen on <paramref name="data"/>.</summary>
    public static SplitTest From(BinnedBatch data, SplitCandidate split)
    {
        if (split.IsCategorical)
        {
            var category = data.Category(split.Feature, split.Bin);
            return new SplitTest(split.Feature, MathF.BitDecrement(category), category, true);
        }
        return new SplitTest(split.Feature, data.FeatureThresholds(split.Feature)[split.Bin], float.PositiveInfinity, false);
    }

    /// <summary>The public form: the category (categorical) or the threshold.</summary>
    public TreeSplit ToSplit() => new(Feature, IsCategorical, IsCategorical ? Hi : Lo);

    /// <summary>Readable form, e.g. <c>f2 &gt; 0.5</c> or <c>f0 == 3</c>.</summary>
    public override string ToString() => TreeLabels.Default.Describe(ToSplit());
}

/// <summary>
/// A freshly fitted oblivious tree: <see cref="Depth"/> levels (level d decides bit d of the leaf index, so
/// leaf = sum_d [x goes right at level d] * 2^d), then 2^Depth leaves with K values each, stored output-major
/// (<c>Leaves[k * 2^Depth + leaf]</c>), already multiplied by the slice learning rates.
/// </summary>
internal sealed class ObliviousTreeDraft
{
    public ObliviousTreeDraft(int maxDepth, int outputCount)
    {
        Levels = new SplitTest[maxDepth];
        LevelGain = new double[maxDepth];
        Leaves = new float[(1 << maxDepth) * outputCount];
        OutputCount = outputCount;
    }

    /// <summary>Number of levels actually used (a tree stops early when no valid split is left).</summary>
    public int Depth { get; set; }

    /// <summary>Number of outputs K.</summary>
    public int OutputCount { get; }

    /// <summary>Split test of each level.</summary>
    public SplitTest[] Levels { get; }

    /// <summary>Weighted score gain of each level (its score minus the previous level's), for importance.</summary>
    public double[] LevelGain { get; }

    /// <summary>Leaf values, output-major, learning rate applied.</summary>
    public float[] Leaves { get; }

    /// <summary>Sum of the level scores.</summary>
    public double Score { get; set; }

    /// <summary>Number of leaves.</summary>
    public int LeafCount => 1 << Depth;
}

/// <summary>
/// A freshly fitted greedy tree as parallel node arrays: node i tests <see cref="Tests"/>[i] and continues at
/// <see cref="Left"/>[i] or <see cref="Right"/>[i]; a child &lt; 0 is leaf ~child. A tree without splits has
/// no nodes and one leaf. Leaves are leaf-major (<c>Leaves[leaf * K + k]</c>), learning rate applied.
/// </summary>
internal sealed class GreedyTreeDraft
{
    public List<SplitTest> Tests { get; } = [];
    public List<int> Left { get; } = [];
    public List<int> Right { get; } = [];
    public List<double> Gain { get; } = [];
    public List<float> Leaves { get; } = [];
    public double Score { get; set; }

    public int NodeCount => Tests.Count;

    public void Clear()
    {
        Tests.Clear();
        Left.Clear();
        Right.Clear();
        Gain.Clear();
        Leaves.Clear();
        Score = 0;
    }
}

/// <summary>Leaf values: the mean of the clipped raw gradients of the leaf's samples times the slice learning rate.</summary>
internal static class LeafValues
{
    /// <summary>Writes value k of the leaf to <c>dest[k * destStride]</c>; an empty leaf gets zeros.</summary>
    public static void Mean(GradientBatch grads, ReadOnlySpan<int> samples, ReadOnlySpan<double> learningRates, Span<float> dest, int destStride)
    {
        var k = grads.OutputCount;
        Span<double> sum = stackalloc double[k];
        sum.Clear();
        var raw = grads.Raw;
        foreach (var i in samples)
        {
            var row = raw.Slice(i * k, k);
            for (var j = 0; j < k; j++)
                sum[j] += row[j];
        }
        var inv = samples.Length > 0 ? 1.0 / samples.Length : 0.0;
        for (var j = 0; j < k; j++)
            dest[j * destStride] = (float)(sum[j] * inv * learningRates[j]);
    }
}

/// <summary>Shared formatting of tree dumps: without labels the stored numbers (the model format's), with labels names and contributions.</summary>
internal static class TreeText
{
    /// <summary>The line under a named dump's header that says what its leaf numbers are.</summary>
    public const string NamedLeaves = "  (leaf values: what the tree adds to each output; prediction = bias + the sum over trees)";

    /// <summary>A split, named by <paramref name="labels"/> or by the defaults (<c>f3 == 5</c>).</summary>
    public static string Describe(TreeLabels? labels, SplitTest test) => (labels ?? TreeLabels.Default).Describe(test.ToSplit());

    /// <summary>
    /// Appends output <paramref name="k"/> of a leaf that stores <paramref name="value"/> (prediction = bias - sum of stored
    /// values): " value" as stored without labels, else " name=contribution" (its negation).
    /// </summary>
    public static void AppendOutput(StringBuilder text, TreeLabels? labels, int k, float value)
    {
        if (labels is null)
            text.Append(CultureInfo.InvariantCulture, $" {value:R}");
        else
            text.Append(CultureInfo.InvariantCulture, $" {labels.OutputName(k)}={(value == 0 ? 0 : -value):G4}");
    }

    /// <summary>Appends <see cref="NamedLeaves"/> and a line break when the dump is named.</summary>
    public static void AppendLeafNote(StringBuilder text, TreeLabels? labels)
    {
        if (labels is not null)
            text.Append(NamedLeaves).Append('\n');
    }
}
