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
            x[i * features + 2] = 3 * ((i * 5 + seed) % 4); // categories 0, 3, 6, 9 of 12: bin b holds category 3b - 3
        var g = TestData.Uniform(seed + 100, n * K, -1f, 1f);
        for (var i = 0; i < n; i++)
        {
            g[i * K] += MathF.Sin(3 * x[i * features]) + (x[i * features + 2] == 3 ? 1f : 0f);
            g[i * K + 2] += x[i * features + 1] * x[i * features + 3];
        }
        return (x, g, new FeatureSchema([0, 0, 12, 0]));
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

        // The same batch with one sample required per child stops early: the default is what makes the difference.
        using var strict = new GbrlBooster(options with { MinSamplesPerLeaf = 1 }, schema);
        strict.FitTree(x, g, n);
        strict.ObliviousTrees!.GetTree(0, tree);
        Assert.True(tree.Depth < 4, $"depth {tree.Depth}");
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

    /// <summary>
    /// Whole trees with the sparse scan of small nodes against trees with the dense scan only: the same levels and
    /// splits, the same leaves and gains, bit for bit, on the incremental workload's shape (128 x 20, depth 4) and on
    /// a mixed batch with a categorical feature and weights; min samples 0 and 1; both shapes and scores.
    /// </summary>
    [Theory]
    [InlineData(SplitScore.Cosine, 0)]
    [InlineData(SplitScore.Cosine, 1)]
    [InlineData(SplitScore.L2, 0)]
    [InlineData(SplitScore.L2, 1)]
    public void Sparse_scan_grows_the_same_trees_as_the_dense_scan(SplitScore score, int minSamples)
    {
        double[] rates = [0.1, 0.1, 0.1];
        var levels = 0;
        for (var seed = 0; seed < 12; seed++)
        {
            var (x, g, schema, n) = seed % 2 == 0 ? Wide(seed) : Mixed(seed);
            float[] weights = seed % 4 == 1 ? [1f, 2f, 0.5f, 1f] : [];
            var batch = TestData.Bin(x, n, schema);
            var grads = new GradientBatch();
            grads.Prepare(g, n, [new OutputSlice("o", 0, K, LearningRateSchedule.Constant(1))], K, standardize: score == SplitScore.L2);

            var sparse = new ObliviousTreeDraft(4, K);
            var dense = new ObliviousTreeDraft(4, K);
            FitOblivious(new ObliviousTreeLearner(), score, batch, grads, minSamples, weights, rates, sparse);
            FitOblivious(new ObliviousTreeLearner(sparseScan: false), score, batch, grads, minSamples, weights, rates, dense);
            levels += dense.Depth;
            Assert.Equal(dense.Depth, sparse.Depth);
            Assert.Equal(dense.Levels, sparse.Levels);
            Assert.Equal(dense.LevelGain, sparse.LevelGain);
            Assert.Equal(dense.Score, sparse.Score);
            Assert.Equal(dense.Leaves, sparse.Leaves);

            var greedySparse = new GreedyTreeDraft();
            var greedyDense = new GreedyTreeDraft();
            FitGreedy(new GreedyTreeLearner(), score, batch, grads, minSamples, weights, rates, greedySparse);
            FitGreedy(new GreedyTreeLearner(sparseScan: false), score, batch, grads, minSamples, weights, rates, greedyDense);
            Assert.True(greedyDense.NodeCount > 1);
            Assert.Equal(greedyDense.Tests, greedySparse.Tests);
            Assert.Equal(greedyDense.Left, greedySparse.Left);
            Assert.Equal(greedyDense.Right, greedySparse.Right);
            Assert.Equal(greedyDense.Gain, greedySparse.Gain);
            Assert.Equal(greedyDense.Leaves, greedySparse.Leaves);
        }
        Assert.True(levels >= 30); // most trees reach the levels whose nodes are small enough for the sparse scan

        static (float[], float[], FeatureSchema, int) Wide(int seed)
        {
            const int n = 128, features = 20;
            return (TestData.Uniform(seed, n * features, 0f, 1f), TestData.Uniform(seed + 50, n * K, -1f, 1f), FeatureSchema.Numerical(features), n);
        }

        static (float[], float[], FeatureSchema, int) Mixed(int seed)
        {
            var (x, g, schema) = Data(200, seed);
            return (x, g, schema, 200);
        }
    }

    private static void FitOblivious(ObliviousTreeLearner learner, SplitScore score, BinnedBatch batch, GradientBatch grads, int minSamples,
        float[] weights, double[] rates, ObliviousTreeDraft draft)
    {
        if (score == SplitScore.Cosine)
            learner.Fit<Splitting.CosineScore>(batch, grads, 4, minSamples, weights, rates, draft);
        else
            learner.Fit<Splitting.L2Score>(batch, grads, 4, minSamples, weights, rates, draft);
    }

    private static void FitGreedy(GreedyTreeLearner learner, SplitScore score, BinnedBatch batch, GradientBatch grads, int minSamples,
        float[] weights, double[] rates, GreedyTreeDraft draft)
    {
        if (score == SplitScore.Cosine)
            learner.Fit<Splitting.CosineScore>(batch, grads, 4, minSamples, weights, rates, draft);
        else
            learner.Fit<Splitting.L2Score>(batch, grads, 4, minSamples, weights, rates, draft);
    }
}
