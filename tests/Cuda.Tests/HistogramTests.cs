using RLFramework.Boosting;
using RLFramework.Boosting.Binning;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;
using RLFramework.Cuda.Trees;

namespace RLFramework.Cuda.Tests;

/// <summary>
/// GPU histograms (atomics, any order) against the CPU builder: equal within float-sum tolerance. The tolerance is
/// relative to the sum of absolute values entering a bin: |gpu - cpu| &lt;= 1e-12 x sum|g| (double sums of a few
/// hundred float gradients differ only by reordering, about n x 2^-53 relative).
/// </summary>
[Collection(DeviceCollection.Name)]
public class HistogramTests(TestDevice fixture)
{
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Histograms_of_several_nodes_equal_the_cpu_builder(bool categorical)
    {
        int[] cards = categorical ? [0, 0, 5, 0] : [0, 0, 0];
        const int n = 300, k = 3;
        var (x, g) = Synthetic.Batch(n, cards, k, seed: 7);
        var schema = new FeatureSchema(cards);
        var data = new BinnedBatch();
        new FeatureBinner().Bin(x, n, schema, BinningRule.Quantile, 16, data);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, k, LearningRateSchedule.Constant(1))], k, standardize: false);

        using var work = new GpuTreeWorkspace(fixture.Device);
        work.Batch.Upload(data, grads, []);
        // Split the root on feature 0's code > 3 into nodes 0 and 1; build histograms for node 1 (slot 0) and node 0 (slot 1).
        var split = new int[2 * NodeSplit.Size];
        split[NodeSplit.Feature] = 0;
        split[NodeSplit.Bin] = 3;
        split[NodeSplit.Left] = 0;
        split[NodeSplit.Right] = 1;
        split[NodeSplit.Size + NodeSplit.Feature] = -1;
        work.Partition(split);
        work.Histograms.Build(work.Batch, [1, 0], 2);

        var length = HistogramBuilder.Length(data, grads.Stride);
        var gpu = new double[2 * length];
        work.Histograms.Hist.Download(gpu);
        var gpuTotals = new double[2 * grads.Stride];
        work.Histograms.Totals.Download(gpuTotals);
        var codes = data.Column(0);
        var left = new List<int>();
        var right = new List<int>();
        for (var i = 0; i < n; i++)
            (codes[i] > 3 ? right : left).Add(i);
        var abs = AbsoluteRows(grads);
        foreach (var (slot, samples) in new[] { (0, right), (1, left) })
        {
            var cpu = new double[length];
            HistogramBuilder.Build(data, grads.Rows, grads.Stride, samples.ToArray(), cpu);
            var scale = new double[length];
            HistogramBuilder.Build(data, abs, grads.Stride, samples.ToArray(), scale);
            for (var j = 0; j < length; j++)
                Assert.True(Math.Abs(gpu[slot * length + j] - cpu[j]) <= Tolerance * scale[j], $"slot {slot} entry {j}: {gpu[slot * length + j]} vs {cpu[j]}");
            var totals = new double[grads.Stride];
            HistogramBuilder.NodeTotals(data, grads.Stride, cpu, totals);
            for (var s = 0; s <= k; s++)
                Assert.Equal(totals[s], gpuTotals[slot * grads.Stride + s], 1e-9);
            Assert.Equal(samples.Count, gpuTotals[slot * grads.Stride + k]);
        }
    }

    [Fact]
    public void Node_counts_follow_the_partition()
    {
        const int n = 97;
        var (x, g) = Synthetic.Batch(n, [0, 0], 1, seed: 3);
        var data = new BinnedBatch();
        new FeatureBinner().Bin(x, n, FeatureSchema.Numerical(2), BinningRule.Quantile, 8, data);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, 1, LearningRateSchedule.Constant(1))], 1, standardize: false);
        using var work = new GpuTreeWorkspace(fixture.Device);
        work.Batch.Upload(data, grads, []);
        var split = new int[3 * NodeSplit.Size];
        split[NodeSplit.Feature] = 1;
        split[NodeSplit.Bin] = 2;
        split[NodeSplit.Left] = 1;
        split[NodeSplit.Right] = 2;
        split[NodeSplit.Size + NodeSplit.Feature] = -1;
        split[2 * NodeSplit.Size + NodeSplit.Feature] = -1;
        work.Partition(split);
        var counts = new int[3];
        work.CountNodes(counts);
        var right = 0;
        foreach (var c in data.Column(1))
            right += c > 2 ? 1 : 0;
        Assert.Equal([0, n - right, right], counts);
    }

    private static double[] AbsoluteRows(GradientBatch grads)
    {
        var rows = grads.Rows.ToArray();
        for (var i = 0; i < rows.Length; i++)
            rows[i] = Math.Abs(rows[i]) + 1e-300;
        return rows;
    }
}
