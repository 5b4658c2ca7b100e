using RLFramework.Boosting;
using RLFramework.Boosting.Binning;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;
using RLFramework.Boosting.Splitting;
using RLFramework.Cuda.Trees;

namespace RLFramework.Cuda.Tests;

/// <summary>
/// GPU split scoring and best-split reduction against the CPU <c>SplitFinder</c> on the same nodes: the same
/// (feature, bin) and the same score within 1e-9 relative (histogram sums differ only by summation order), for
/// cosine and L2, numerical and categorical features, feature weights, min samples and excluded candidates.
/// </summary>
[Collection(DeviceCollection.Name)]
public class SplitTests(TestDevice fixture)
{
    public static TheoryData<bool, bool, int> Cases() => new()
    {
        { true, false, 1 }, { false, false, 1 }, { true, true, 1 }, { false, true, 1 }, { true, true, 40 }, { false, false, 60 }, { true, false, 0 }, { false, true, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Best_split_equals_the_cpu_finder(bool cosine, bool categorical, int minSamples)
    {
        int[] cards = categorical ? [0, 4, 0, 0, 6] : [0, 0, 0, 0];
        const int n = 400, k = 3;
        var (x, g) = Synthetic.Batch(n, cards, k, seed: 11);
        var data = new BinnedBatch();
        new FeatureBinner().Bin(x, n, new FeatureSchema(cards), BinningRule.Quantile, 24, data);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, k, LearningRateSchedule.Constant(1))], k, standardize: !cosine);
        float[] weights = categorical ? [1f, 0.5f, 1.2f, 1f, 0.9f] : [];

        using var work = new GpuTreeWorkspace(fixture.Device);
        work.Batch.Upload(data, grads, weights);
        // Two nodes: feature 2's code > 5 goes to node 1.
        var split = new int[2 * NodeSplit.Size];
        split[NodeSplit.Feature] = 2;
        split[NodeSplit.Bin] = 5;
        split[NodeSplit.Left] = 0;
        split[NodeSplit.Right] = 1;
        split[NodeSplit.Size + NodeSplit.Feature] = -1;
        work.Partition(split);
        work.Histograms.Build(work.Batch, [0, 1], 2);

        var codes = data.Column(2);
        var nodes = new[] { new List<int>(), new List<int>() };
        for (var i = 0; i < n; i++)
            nodes[codes[i] > 5 ? 1 : 0].Add(i);
        var length = HistogramBuilder.Length(data, grads.Stride);
        var hists = new double[2][];
        var totals = new double[2 * grads.Stride];
        for (var j = 0; j < 2; j++)
        {
            hists[j] = new double[length];
            HistogramBuilder.Build(data, grads.Rows, grads.Stride, nodes[j].ToArray(), hists[j]);
            HistogramBuilder.NodeTotals(data, grads.Stride, hists[j], totals.AsSpan(j * grads.Stride, grads.Stride));
        }
        var finder = new SplitFinder();
        SplitCandidate Cpu(ReadOnlySpan<double[]> h, ReadOnlySpan<double> t, ReadOnlySpan<(int, int)> excluded) => cosine
            ? finder.FindBest<CosineScore>(data, k, grads.Stride, h, t, minSamples, weights, excluded)
            : finder.FindBest<L2Score>(data, k, grads.Stride, h, t, minSamples, weights, excluded);

        // One group of both nodes (an oblivious level), then the same with the winner excluded.
        var both = Cpu(hists, totals, []);
        var (bin, score) = Gpu(work, [0], [2], [-1, -1], cosine, minSamples);
        AssertSame(data, both, bin, score);
        if (both.IsValid)
        {
            var secondCpu = Cpu(hists, totals, [(both.Feature, both.Bin)]);
            var (bin2, score2) = Gpu(work, [0], [2], [data.BinOffset[both.Feature] + both.Bin, -1], cosine, minSamples);
            AssertSame(data, secondCpu, bin2, score2);
        }
        // One group per node (greedy nodes).
        for (var j = 0; j < 2; j++)
        {
            var single = Cpu(new[] { hists[j] }, totals.AsSpan(j * grads.Stride, grads.Stride), []);
            var (b, s) = Gpu(work, [j], [1], [-1, -1], cosine, minSamples);
            AssertSame(data, single, b, s);
        }
    }

    private static (int Bin, double Score) Gpu(GpuTreeWorkspace work, int[] start, int[] count, int[] excluded, bool cosine, int minSamples)
    {
        var bin = new int[1];
        var score = new double[1];
        work.Finder.FindBest(work.Batch, work.Histograms, start, count, excluded, 2, minSamples, cosine, bin, score);
        return (bin[0], score[0]);
    }

    private static void AssertSame(BinnedBatch data, SplitCandidate cpu, int gpuBin, double gpuScore)
    {
        if (!cpu.IsValid)
        {
            Assert.Equal(-1, gpuBin);
            return;
        }
        Assert.Equal(data.BinOffset[cpu.Feature] + cpu.Bin, gpuBin);
        Assert.Equal(cpu.Score, gpuScore, 1e-9 * Math.Abs(cpu.Score));
    }

    [Fact]
    public void No_valid_candidate_gives_minus_one()
    {
        const int n = 10, k = 2;
        var (x, g) = Synthetic.Batch(n, [0, 0], k, seed: 5);
        var data = new BinnedBatch();
        new FeatureBinner().Bin(x, n, FeatureSchema.Numerical(2), BinningRule.Quantile, 4, data);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, k, LearningRateSchedule.Constant(1))], k, standardize: false);
        using var work = new GpuTreeWorkspace(fixture.Device);
        work.Batch.Upload(data, grads, []);
        work.Histograms.Build(work.Batch, [0], 1);
        // Every child would need 6 samples out of 10.
        var (bin, score) = Gpu(work, [0], [1], [-1, -1], cosine: true, minSamples: 6);
        Assert.Equal(-1, bin);
        Assert.True(double.IsNegativeInfinity(score));
    }
}
