using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;
using RLFramework.Boosting.Splitting;

namespace RLFramework.Boosting.Tests;

public class SplitFinderTests
{
    private const int K = 3;

    private static SplitCandidate Find(SplitScore score, int outputs, BinnedBatch batch, GradientBatch grads, List<List<int>> nodes, int minSamples,
        float[] weights, (int, int)[] excluded)
    {
        var hists = new List<double[]>();
        var totals = new List<double>();
        foreach (var node in nodes.Where(n => n.Count > 0))
        {
            var hist = new double[HistogramBuilder.Length(batch, grads.Stride)];
            HistogramBuilder.Build(batch, grads.Rows, grads.Stride, node.ToArray(), hist);
            var total = new double[grads.Stride];
            HistogramBuilder.NodeTotals(batch, grads.Stride, hist, total);
            hists.Add(hist);
            totals.AddRange(total);
        }
        var finder = new SplitFinder();
        return score == SplitScore.Cosine
            ? finder.FindBest<CosineScore>(batch, outputs, grads.Stride, hists.ToArray(), totals.ToArray(), minSamples, weights, excluded)
            : finder.FindBest<L2Score>(batch, outputs, grads.Stride, hists.ToArray(), totals.ToArray(), minSamples, weights, excluded);
    }

    [Theory]
    [InlineData(SplitScore.Cosine, 1, 1, 3)] // one node: the greedy case
    [InlineData(SplitScore.L2, 1, 1, 3)]
    [InlineData(SplitScore.Cosine, 4, 5, 3)] // four nodes of a level: the oblivious case
    [InlineData(SplitScore.L2, 4, 5, 3)]
    [InlineData(SplitScore.Cosine, 8, 30, 3)] // min samples per leaf binding
    [InlineData(SplitScore.Cosine, 16, 0, 3)] // min samples 0: empty children allowed, scored as unsplit
    [InlineData(SplitScore.L2, 16, 0, 2)]
    [InlineData(SplitScore.L2, 3, 60, 3)]
    [InlineData(SplitScore.Cosine, 4, 5, 1)] // other output counts (histogram strides 4 and 8)
    [InlineData(SplitScore.L2, 2, 5, 2)]
    [InlineData(SplitScore.Cosine, 2, 5, 5)]
    [InlineData(SplitScore.L2, 4, 5, 7)]
    public void Best_split_equals_a_brute_force_scan_over_all_candidates(SplitScore score, int nodeCount, int minSamples, int outputs)
    {
        var K = outputs;
        const int n = 600, features = 4;
        var x = TestData.Uniform(21 + nodeCount, n * features, -2f, 2f);
        for (var i = 0; i < n; i++)
            x[i * features + 3] = 2 * ((i * 7) % 6); // categorical: 6 of its 12 categories occur (bin b holds category 2b - 2); nodes miss some
        var g = TestData.Uniform(99 + minSamples, n * K, -1f, 1f);
        for (var i = 0; i < n; i++)
            g[i * K + K - 1] += x[i * features] > 0.3f ? 1.5f : 0f; // some structure
        var schema = new FeatureSchema([0, 0, 0, 12]);
        var batch = TestData.Bin(x, n, schema, BinningRule.Quantile, 64);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, K, LearningRateSchedule.Constant(1))], K, standardize: score == SplitScore.L2);
        var split = TestData.SplitGradients(g, n, K, score);
        var nodes = Enumerable.Range(0, nodeCount).Select(j => Enumerable.Range(0, n).Where(i => i % nodeCount == j).ToList()).ToList();
        float[] weights = [1f, 0.5f, 2f, 1.5f];
        (int, int)[] excluded = [(2, 10)];

        var best = Find(score, K, batch, grads, nodes, minSamples, weights, excluded);

        var bestScore = double.NegativeInfinity;
        TestData.Candidate? bestCandidate = null;
        foreach (var c in TestData.Candidates(batch))
        {
            if (c.Feature == 2 && c.Bin == 10)
                continue;
            var s = TestData.BruteScore(c, nodes, x, features, split, K, score, minSamples);
            if (double.IsNegativeInfinity(s))
                continue;
            s *= weights[c.Feature];
            if (s > bestScore)
            {
                bestScore = s;
                bestCandidate = c;
            }
        }
        Assert.NotNull(bestCandidate);
        Assert.Equal(bestCandidate.Value.Feature, best.Feature);
        Assert.Equal(bestCandidate.Value.Bin, best.Bin);
        Assert.Equal(bestScore, best.Score, 1e-9 * Math.Abs(bestScore));
    }

    [Fact]
    public void No_candidate_when_min_samples_cannot_be_met()
    {
        const int n = 10;
        var x = TestData.Uniform(1, n);
        var g = TestData.Uniform(2, n * K);
        var batch = TestData.Bin(x, n, FeatureSchema.Numerical(1));
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, K, LearningRateSchedule.Constant(1))], K, standardize: false);
        var best = Find(SplitScore.Cosine, K, batch, grads, [Enumerable.Range(0, n).ToList()], 6, [], []);
        Assert.False(best.IsValid);
    }

    [Fact]
    public void Ties_go_to_the_first_candidate_feature_major_threshold_ascending()
    {
        // Two identical features: every candidate of feature 1 ties with feature 0's; feature 0 must win.
        const int n = 64;
        var x = new float[n * 2];
        var g = new float[n * K];
        for (var i = 0; i < n; i++)
        {
            x[i * 2] = x[i * 2 + 1] = i;
            g[i * K] = i < 20 ? 1f : -1f;
        }
        var batch = TestData.Bin(x, n, FeatureSchema.Numerical(2));
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, K, LearningRateSchedule.Constant(1))], K, standardize: false);
        var best = Find(SplitScore.L2, K, batch, grads, [Enumerable.Range(0, n).ToList()], 1, [], []);
        Assert.Equal(0, best.Feature);
        Assert.Equal(19f, batch.FeatureThresholds(0)[best.Bin]);
    }

    /// <summary>
    /// The sparse scan of small nodes (non-empty bins only) against the dense scan, bit for bit, over many random
    /// levels: node histograms built directly and by subtraction (parent - smaller child, which can leave rounding
    /// residues in bins without samples), 1 to 3 outputs, min samples 0, 1 and 3, feature weights, excluded
    /// candidates and a categorical feature.
    /// </summary>
    [Theory]
    [InlineData(SplitScore.Cosine, 3, 0)]
    [InlineData(SplitScore.Cosine, 3, 1)]
    [InlineData(SplitScore.L2, 3, 0)]
    [InlineData(SplitScore.L2, 2, 1)]
    [InlineData(SplitScore.Cosine, 1, 0)]
    [InlineData(SplitScore.Cosine, 2, 3)]
    public void Sparse_scan_of_small_nodes_equals_the_dense_scan_bit_for_bit(SplitScore score, int outputs, int minSamples)
    {
        const int n = 160, features = 5;
        var schema = new FeatureSchema([0, 0, 6, 0, 0]);
        var sparseFinder = new SplitFinder();
        var denseFinder = new SplitFinder { SparseScan = false };
        var checkedLevels = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var x = TestData.Uniform(300 + seed, n * features, -2f, 2f);
            for (var i = 0; i < n; i++)
            {
                x[i * features + 2] = (i * 7 + seed) % 6;
                x[i * features + 4] = MathF.Round(x[i * features + 4] * 3); // few distinct values: several samples per bin
            }
            var g = TestData.Uniform(700 + seed, n * outputs, -1f, 1f);
            var batch = TestData.Bin(x, n, schema, BinningRule.Quantile, seed % 2 == 0 ? 256 : 64);
            var grads = new GradientBatch();
            grads.Prepare(g, n, [new OutputSlice("o", 0, outputs, LearningRateSchedule.Constant(1))], outputs, standardize: score == SplitScore.L2);
            var stride = grads.Stride;
            var length = HistogramBuilder.Length(batch, stride);
            // Parent: 64 samples; the level: the smaller child (direct) and the larger one (parent - smaller),
            // plus three more small nodes built directly.
            var rng = new Random(seed);
            var order = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
            var parent = order[..64];
            var smaller = parent.Where((_, j) => j % 3 == 0).ToArray();
            var parentHist = new double[length];
            HistogramBuilder.Build(batch, grads.Rows, stride, parent, parentHist);
            var smallHist = new double[length];
            HistogramBuilder.Build(batch, grads.Rows, stride, smaller, smallHist);
            HistogramBuilder.SubtractInPlace(parentHist, smallHist);
            var hists = new List<double[]> { smallHist, parentHist };
            foreach (var size in new[] { 1, 9, 30 })
            {
                var hist = new double[length];
                HistogramBuilder.Build(batch, grads.Rows, stride, order.AsSpan(64 + size * 2, size), hist);
                hists.Add(hist);
            }
            var totals = new double[hists.Count * stride];
            for (var j = 0; j < hists.Count; j++)
                HistogramBuilder.NodeTotals(batch, stride, hists[j], totals.AsSpan(j * stride, stride));
            float[] weights = seed % 3 == 0 ? [] : [1f, 0.5f, 2f, 1.5f, 0.25f];
            (int, int)[] excluded = seed % 2 == 0 ? [] : [(0, 3), (4, 1)];
            for (var count = 1; count <= hists.Count; count++)
            {
                var nodes = hists.Take(count).ToArray();
                var sparse = Find(sparseFinder, score, outputs, stride, batch, nodes, totals[..(count * stride)], minSamples, weights, excluded);
                var dense = Find(denseFinder, score, outputs, stride, batch, nodes, totals[..(count * stride)], minSamples, weights, excluded);
                Assert.Equal(dense, sparse); // feature, bin and the score's bits
                checkedLevels += dense.IsValid ? 1 : 0;
            }
        }
        Assert.True(checkedLevels > 60);
    }

    private static SplitCandidate Find(SplitFinder finder, SplitScore score, int outputs, int stride, BinnedBatch batch, double[][] hists, double[] totals,
        int minSamples, float[] weights, (int, int)[] excluded) =>
        score == SplitScore.Cosine
            ? finder.FindBest<CosineScore>(batch, outputs, stride, hists, totals, minSamples, weights, excluded)
            : finder.FindBest<L2Score>(batch, outputs, stride, hists, totals, minSamples, weights, excluded);
}
