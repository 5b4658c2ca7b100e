using RLFramework.Boosting.Data;
using RLFramework.Boosting.Trees;

namespace RLFramework.Boosting.Tests;

/// <summary>Whole trees against naive, sample-by-sample builders written from the reference's description.</summary>
public class TreeLearnerTests
{
    private const int K = 3;

    private sealed record NaiveLevel(TestData.Candidate Split);

    private static (float[] X, float[] G, FeatureSchema Schema) Data(int n, int seed)
    {
        const int features = 4;
        var x = TestData.Uniform(seed, n * features, -2f, 2f);
        for (var i = 0; i < n; i++)
            x[i * features + 2] = (i * 5 + seed) % 4;
        var g = TestData.Uniform(seed + 100, n * K, -1f, 1f);
        for (var i = 0; i < n; i++)
        {
            g[i * K] += MathF.Sin(3 * x[i * features]) + (x[i * features + 2] == 1 ? 1f : 0f);
            g[i * K + 2] += x[i * features + 1] * x[i * features + 3];
        }
        return (x, g, new FeatureSchema([0, 0, 4, 0]));
    }

    private static float Mean(float[] g, List<int> samples, int k, double lr)
    {
        double sum = 0;
        foreach (var i in samples)
            sum += g[i * K + k];
        return samples.Count == 0 ? 0f : (float)(sum / samples.Count * lr);
    }

    [Theory]
    [InlineData(SplitScore.Cosine, 4, 1)]
    [InlineData(SplitScore.L2, 4, 1)]
    [InlineData(SplitScore.Cosine, 6, 20)]
    [InlineData(SplitScore.L2, 3, 30)]
    [InlineData(SplitScore.Cosine, 6, 0)] // empty children allowed (the reference's default)
    [InlineData(SplitScore.L2, 5, 0)]
    public void Oblivious_tree_equals_the_naive_level_by_level_builder(SplitScore score, int depth, int minSamples)
    {
        const int n = 400, features = 4;
        const double lr = 0.5;
        var (x, g, schema) = Data(n, depth + minSamples);
        var options = TestData.Options(K, TreeShape.Oblivious, score, depth, lr) with { MinSamplesPerLeaf = minSamples, MaxBins = 32 };
        using var booster = new GbrlBooster(options, schema);
        booster.FitTree(x, g, n);
        var tree = new ObliviousTreeDraft(depth, K);
        booster.ObliviousTrees!.GetTree(0, tree);

        var batch = TestData.Bin(x, n, schema, BinningRule.Quantile, 32);
        var candidates = TestData.Candidates(batch);
        var split = TestData.SplitGradients(g, n, K, score);
        var nodes = new List<List<int>> { Enumerable.Range(0, n).ToList() };
        var used = new List<TestData.Candidate>();
        for (var d = 0; d < depth; d++)
        {
            var bestScore = double.NegativeInfinity;
            TestData.Candidate? best = null;
            foreach (var c in candidates)
            {
                if (used.Contains(c))
                    continue;
                var s = TestData.BruteScore(c, nodes, x, features, split, K, score, minSamples);
                if (s > bestScore)
                {
                    bestScore = s;
                    best = c;
                }
            }
            if (best is null)
                break;
            used.Add(best.Value);
            var next = new List<List<int>>();
            next.AddRange(nodes.Select(node => node.Where(i => !best.Value.Right(x[i * features + best.Value.Feature])).ToList()));
            next.AddRange(nodes.Select(node => node.Where(i => best.Value.Right(x[i * features + best.Value.Feature])).ToList()));
            nodes = next;
        }

        Assert.Equal(used.Count, tree.Depth);
        for (var d = 0; d < used.Count; d++)
        {
            Assert.Equal(used[d].Feature, tree.Levels[d].Feature);
            Assert.Equal(used[d].Categorical, tree.Levels[d].IsCategorical);
            Assert.Equal(used[d].Categorical ? used[d].Value : used[d].Value, used[d].Categorical ? tree.Levels[d].Hi : tree.Levels[d].Lo);
        }
        for (var leaf = 0; leaf < nodes.Count; leaf++)
        {
            for (var k = 0; k < K; k++)
                Assert.Equal(Mean(g, nodes[leaf], k, lr), tree.Leaves[k * nodes.Count + leaf], 6);
        }
    }

    private sealed class NaiveGreedy(float[] x, float[] g, double[] split, List<TestData.Candidate> candidates, SplitScore score,
        int maxDepth, int minSamples, double lr)
    {
        private const int Features = 4;
        public List<(TestData.Candidate Split, int Depth)> Splits { get; } = [];
        public List<float[]> Leaves { get; } = [];

        public void Grow(List<int> node, int depth, List<TestData.Candidate> path)
        {
            if (depth < maxDepth && node.Count >= 2 * minSamples)
            {
                var bestScore = double.NegativeInfinity;
                TestData.Candidate? best = null;
                foreach (var c in candidates)
                {
                    if (path.Contains(c))
                        continue;
                    var s = TestData.BruteScore(c, [node], x, Features, split, K, score, minSamples);
                    if (s > bestScore)
                    {
                        bestScore = s;
                        best = c;
                    }
                }
                double parent = 0;
                if (depth > 0)
                {
                    double sq = 0;
                    for (var k = 0; k < K; k++)
                    {
                        var sum = node.Sum(i => split[i * K + k]);
                        sq += sum * sum;
                    }
                    parent = score == SplitScore.Cosine ? Math.Sqrt(sq / node.Count) : sq / node.Count;
                }
                if (best is not null && bestScore - parent >= 0)
                {
                    Splits.Add((best.Value, depth));
                    var b = best.Value;
                    Grow(node.Where(i => !b.Right(x[i * Features + b.Feature])).ToList(), depth + 1, [.. path, b]);
                    Grow(node.Where(i => b.Right(x[i * Features + b.Feature])).ToList(), depth + 1, [.. path, b]);
                    return;
                }
            }
            Leaves.Add([.. Enumerable.Range(0, K).Select(k => Mean(g, node, k, lr))]);
        }
    }

    [Theory]
    [InlineData(SplitScore.Cosine)]
    [InlineData(SplitScore.L2)]
    public void Oblivious_tree_reaches_max_depth_on_a_small_batch_by_default(SplitScore score)
    {
        // 64 samples (a PPO minibatch): with one sample required per child every level needs a threshold that
        // splits all of its nodes, which small nodes rarely allow; the default (0, as the reference) grows on.
        const int n = 64;
        var (x, g, schema) = Data(n, 11);
        var options = TestData.Options(K, TreeShape.Oblivious, score, 4, 0.5);
        Assert.Equal(0, options.MinSamplesPerLeaf);
        using var booster = new GbrlBooster(options, schema);
        booster.FitTree(x, g, n);
        var tree = new ObliviousTreeDraft(4, K);
        booster.ObliviousTrees!.GetTree(0, tree);
        Assert.Equal(4, tree.Depth);
    }

    [Theory]
    [InlineData(SplitScore.Cosine, 4, 1)]
    [InlineData(SplitScore.L2, 4, 1)]
    [InlineData(SplitScore.Cosine, 5, 25)]
    [InlineData(SplitScore.L2, 3, 40)]
    public void Greedy_tree_equals_the_naive_depth_first_builder(SplitScore score, int depth, int minSamples)
    {
        const int n = 300;
        const double lr = 0.25;
        var (x, g, schema) = Data(n, 7 * depth + minSamples);
        var options = TestData.Options(K, TreeShape.Greedy, score, depth, lr) with { MinSamplesPerLeaf = minSamples, MaxBins = 32 };
        using var booster = new GbrlBooster(options, schema);
        booster.FitTree(x, g, n);
        var tree = new GreedyTreeDraft();
        booster.GreedyTrees!.GetTree(0, tree);

        var batch = TestData.Bin(x, n, schema, BinningRule.Quantile, 32);
        var naive = new NaiveGreedy(x, g, TestData.SplitGradients(g, n, K, score), TestData.Candidates(batch), score, depth, minSamples, lr);
        naive.Grow([.. Enumerable.Range(0, n)], 0, []);

        // Both number nodes and leaves in depth-first, left-first order.
        Assert.Equal(naive.Splits.Count, tree.NodeCount);
        for (var i = 0; i < tree.NodeCount; i++)
        {
            var expected = naive.Splits[i].Split;
            Assert.Equal(expected.Feature, tree.Tests[i].Feature);
            Assert.Equal(expected.Value, expected.Categorical ? tree.Tests[i].Hi : tree.Tests[i].Lo);
        }
        Assert.Equal(naive.Leaves.Count * K, tree.Leaves.Count);
        for (var leaf = 0; leaf < naive.Leaves.Count; leaf++)
        {
            for (var k = 0; k < K; k++)
                Assert.Equal(naive.Leaves[leaf][k], tree.Leaves[leaf * K + k], 6);
        }
    }

    [Fact]
    public void Greedy_tree_does_not_split_when_feature_weights_make_the_gain_negative()
    {
        const int n = 200;
        var (x, g, schema) = Data(n, 3);
        var options = TestData.Options(K, TreeShape.Greedy, SplitScore.Cosine, 4) with { FeatureWeights = [0.01f, 0.01f, 0.01f, 0.01f] };
        using var booster = new GbrlBooster(options, schema);
        var result = booster.FitTree(x, g, n);
        // The root always splits (parent score 0); its children cannot beat their own score at weight 0.01.
        Assert.Equal(2, result.LeafCount);
    }
}
