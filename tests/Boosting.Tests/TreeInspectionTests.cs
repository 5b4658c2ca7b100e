using System.Globalization;

namespace RLFramework.Boosting.Tests;

/// <summary>
/// Reading fitted trees (<see cref="IInspectableBooster"/>): the splits of each tree route every sample to the leaf whose
/// named contributions, added to the bias, give the booster's own prediction; importance counts the same splits.
/// </summary>
public class TreeInspectionTests
{
    private static readonly TreeLabels s_named = new(f => $"x{f}", (f, v) => f == 0 ? $"colour {v}" : null, k => $"o{k}");

    /// <summary>Three outputs; feature 0 categorical (5 codes), 1-2 numerical; the gradients depend on all three.</summary>
    private static (GbrlBooster Booster, float[] X, int N) Fitted(TreeShape shape, int trees)
    {
        const int n = 500;
        var schema = new FeatureSchema([5, 0, 0]);
        var booster = new GbrlBooster(TestData.Options(3, shape, depth: 3), schema);
        booster.SetBias([0.25f, -0.5f, 1f]);
        var rng = new Random(11);
        var x = new float[n * 3];
        var g = new float[n * 3];
        for (var t = 0; t < trees; t++)
        {
            for (var i = 0; i < n; i++)
            {
                x[i * 3] = rng.Next(5);
                x[i * 3 + 1] = (float)rng.NextDouble();
                x[i * 3 + 2] = (float)rng.NextDouble();
                g[i * 3] = x[i * 3] == 2 ? 1f : -0.3f;
                g[i * 3 + 1] = x[i * 3 + 1] > 0.6f ? 0.8f : -0.2f;
                g[i * 3 + 2] = x[i * 3 + 2] - 0.5f + (x[i * 3] == 4 ? 0.5f : 0f);
            }
            booster.FitTree(x, g, n);
        }
        return (booster, x, n);
    }

    [Fact]
    public void The_named_dump_of_an_oblivious_tree_adds_up_to_the_prediction_of_every_sample()
    {
        var (booster, x, n) = Fitted(TreeShape.Oblivious, 1);
        using (booster)
        {
            var splits = booster.GetSplits(0);
            Assert.Equal(3, splits.Count);
            Assert.Contains(splits, s => s is { Feature: 0, IsCategorical: true });
            Assert.All(splits, s => Assert.Equal(s.Feature == 0, s.IsCategorical));
            var text = booster.DumpTree(0, s_named);
            Assert.Contains("(leaf values: what the tree adds to each output", text, StringComparison.Ordinal);
            for (var d = 0; d < splits.Count; d++)
                Assert.Contains($"  level {d}: {s_named.Describe(splits[d])}\n", text, StringComparison.Ordinal);
            var leaves = ParseLeaves(text);
            var predicted = new float[n * 3];
            booster.Predict(x, n, predicted);
            for (var i = 0; i < n; i++)
            {
                // Level d decides bit d of the leaf: right when x == category (categorical) or x > threshold.
                var leaf = 0;
                for (var d = 0; d < splits.Count; d++)
                {
                    var v = x[i * 3 + splits[d].Feature];
                    if (splits[d].IsCategorical ? v == splits[d].Value : v > splits[d].Value)
                        leaf |= 1 << d;
                }
                for (var k = 0; k < 3; k++)
                    Assert.Equal(predicted[i * 3 + k], booster.Bias[k] + leaves[leaf][k], 1e-3 * Math.Max(1, Math.Abs(predicted[i * 3 + k])));
            }
        }
    }

    [Fact]
    public void The_named_dump_of_a_greedy_tree_names_every_split()
    {
        var (booster, _, _) = Fitted(TreeShape.Greedy, 2);
        using (booster)
        {
            var splits = booster.GetSplits(1);
            Assert.NotEmpty(splits);
            var text = booster.DumpTree(1, s_named);
            var tests = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("if ", StringComparison.Ordinal)).ToList();
            // The dump prints the right subtree first; the list holds the nodes as stored: the same splits.
            Assert.Equal(splits.Select(s => $"if {s_named.Describe(s)}:").Order(StringComparer.Ordinal), tests.Order(StringComparer.Ordinal));
            Assert.Contains("== colour ", text, StringComparison.Ordinal);
            Assert.Contains(" o0=", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Importance_counts_the_splits_that_the_trees_hold(TreeShape shape)
    {
        var (booster, _, _) = Fitted(shape, 12);
        using (booster)
        {
            var counted = new long[3];
            for (var t = 0; t < booster.TreeCount; t++)
            {
                foreach (var split in booster.GetSplits(t))
                    counted[split.Feature]++;
            }
            Assert.Equal(counted, booster.GetFeatureImportance().SplitCounts);
            Assert.All(counted, c => Assert.True(c > 0));
        }
    }

    [Fact]
    public void Default_names_and_thresholds_in_the_readers_units()
    {
        Assert.Equal("f2 > 0.5", TreeLabels.Default.Describe(new TreeSplit(2, false, 0.5f)));
        Assert.Equal("f0 == 3", TreeLabels.Default.Describe(new TreeSplit(0, true, 3)));
        Assert.Equal("x0 == colour 3 (3)", s_named.Describe(new TreeSplit(0, true, 3)));
        Assert.Equal("x1 == 7", s_named.Describe(new TreeSplit(1, true, 7)));
        var scaled = s_named with { Threshold = (f, v) => (v * 10) + f };
        Assert.Equal("x2 > 7", scaled.Describe(new TreeSplit(2, false, 0.5f)));
    }

    [Fact]
    public void A_tree_index_out_of_range_is_an_error_naming_the_tree_count()
    {
        var (booster, _, _) = Fitted(TreeShape.Oblivious, 2);
        using (booster)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => booster.DumpTree(2));
            Assert.Contains("The ensemble has 2 trees (indices 0 to 1)", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => booster.GetSplits(-1));
        }
    }

    /// <summary>leaf j -> the K contributions of "leaf j: o0=v o1=v ...".</summary>
    private static Dictionary<int, float[]> ParseLeaves(string text)
    {
        var leaves = new Dictionary<int, float[]>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("leaf ", StringComparison.Ordinal))
                continue;
            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            var index = int.Parse(trimmed[5..colon], CultureInfo.InvariantCulture);
            leaves[index] = trimmed[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => float.Parse(p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture)).ToArray();
        }
        return leaves;
    }
}
