using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;

namespace RLFramework.Boosting.Tests;

public class HistogramTests
{
    private static (BinnedBatch Batch, GradientBatch Grads) Setup(int n, int features, int outputs, int seed)
    {
        var x = TestData.Uniform(seed, n * features);
        var g = TestData.Uniform(seed + 1, n * outputs, -3f, 3f);
        var schema = new FeatureSchema([.. Enumerable.Range(0, features).Select(f => f == 1 ? 5 : 0)]);
        for (var i = 0; i < n; i++)
            x[i * features + 1] = i % 5;
        var batch = TestData.Bin(x, n, schema);
        var grads = new GradientBatch();
        grads.Prepare(g, n, [new OutputSlice("o", 0, outputs, LearningRateSchedule.Constant(1))], outputs, standardize: false);
        return (batch, grads);
    }

    [Theory]
    [InlineData(3)] // stride 4
    [InlineData(5)] // stride 8
    public void Built_histogram_equals_brute_force_sums(int outputs)
    {
        const int n = 500;
        var (batch, grads) = Setup(n, 3, outputs, 7);
        var samples = Enumerable.Range(0, n).Where(i => i % 3 != 0).ToArray();
        var hist = new double[HistogramBuilder.Length(batch, grads.Stride)];
        HistogramBuilder.Build(batch, grads.Rows, grads.Stride, samples, hist);
        var raw = grads.Raw;
        for (var f = 0; f < 3; f++)
        {
            for (var b = 0; b < batch.BinCount[f]; b++)
            {
                var inBin = samples.Where(i => batch.Column(f)[i] == b).ToArray();
                var slot = (batch.BinOffset[f] + b) * grads.Stride;
                Assert.Equal(inBin.Length, hist[slot + outputs]);
                for (var k = 0; k < outputs; k++)
                {
                    double sum = 0;
                    foreach (var i in inBin)
                        sum += raw[i * outputs + k];
                    Assert.Equal(sum, hist[slot + k], 9);
                }
            }
        }
    }

    [Fact]
    public void Larger_child_by_subtraction_equals_a_direct_build()
    {
        const int n = 2048;
        var (batch, grads) = Setup(n, 4, 3, 3);
        var all = Enumerable.Range(0, n).ToArray();
        var small = all.Where(i => batch.Column(0)[i] < 60).ToArray();
        var large = all.Where(i => batch.Column(0)[i] >= 60).ToArray();
        var length = HistogramBuilder.Length(batch, grads.Stride);
        var parent = new double[length];
        var smallHist = new double[length];
        var direct = new double[length];
        HistogramBuilder.Build(batch, grads.Rows, grads.Stride, all, parent);
        HistogramBuilder.Build(batch, grads.Rows, grads.Stride, small, smallHist);
        HistogramBuilder.Build(batch, grads.Rows, grads.Stride, large, direct);
        HistogramBuilder.SubtractInPlace(parent, smallHist);
        for (var i = 0; i < length; i++)
            Assert.Equal(direct[i], parent[i], 9);
    }

    [Fact]
    public void Node_totals_are_the_sums_over_the_node()
    {
        const int n = 300;
        var (batch, grads) = Setup(n, 2, 3, 9);
        var samples = Enumerable.Range(0, n).ToArray();
        var hist = new double[HistogramBuilder.Length(batch, grads.Stride)];
        HistogramBuilder.Build(batch, grads.Rows, grads.Stride, samples, hist);
        var totals = new double[grads.Stride];
        HistogramBuilder.NodeTotals(batch, grads.Stride, hist, totals);
        Assert.Equal(n, totals[3]);
        for (var k = 0; k < 3; k++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
                sum += grads.Raw[i * 3 + k];
            Assert.Equal(sum, totals[k], 9);
        }
    }
}
