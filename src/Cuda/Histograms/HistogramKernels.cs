using ILGPU;
using ILGPU.Runtime;

namespace RLFramework.Cuda.Histograms;

/// <summary>Sizes shared by the histogram and split kernels of one boosting step.</summary>
/// <param name="SampleCount">Samples n of the batch.</param>
/// <param name="FeatureCount">Features F.</param>
/// <param name="OutputCount">Split gradient columns K (slot K of a histogram row is the count).</param>
/// <param name="Stride">Doubles per histogram row (as <c>GradientBatch.Stride</c>).</param>
/// <param name="TotalBins">Bins over all features (candidates are indexed by their global bin).</param>
internal readonly record struct HistogramShape(int SampleCount, int FeatureCount, int OutputCount, int Stride, int TotalBins)
{
    /// <summary>Doubles per node histogram.</summary>
    public int NodeLength => TotalBins * Stride;
}

/// <summary>
/// Kernels of <see cref="GpuHistogramBuilder"/>, the GPU twin of <c>Boosting.Histograms.HistogramBuilder</c>: the
/// histogram over (node, feature, bin, output) of every node of a level at once, built directly from the samples
/// (one thread per (feature, sample), double atomics), and the node totals from feature 0's bins.
/// Layout as on the CPU: <c>hist[slot * NodeLength + (binOffset[f] + bin) * Stride + s]</c>.
/// </summary>
internal static class HistogramKernels
{
    /// <summary>
    /// Thread (f, i) = index: adds the K sums and the count of sample i to its node's bin of feature f, when its node
    /// has a histogram slot (<c>slotOf[node] &gt;= 0</c>). Codes are column-major, so a warp reads one feature's codes
    /// contiguously.
    /// </summary>
    public static void Accumulate(Index1D thread, ArrayView<byte> codes, ArrayView<int> featureInfo, ArrayView<double> rows,
        ArrayView<int> nodeOf, ArrayView<int> slotOf, ArrayView<double> hist, HistogramShape shape)
    {
        var index = thread.X;
        var n = shape.SampleCount;
        var f = index / n;
        var i = index - f * n;
        var slot = slotOf[nodeOf[i]];
        if (slot < 0)
            return;
        var stride = shape.Stride;
        var bin = featureInfo[f * FeatureInfo.Size + FeatureInfo.Offset] + codes[index];
        var dst = (long)slot * shape.NodeLength + (long)bin * stride;
        var src = (long)i * stride;
        for (var s = 0; s <= shape.OutputCount; s++)
            Atomic.Add(ref hist[dst + s], rows[src + s]);
    }

    /// <summary>
    /// Thread (slot, s) = index: node total of slot s = sum over the bins of feature 0, in bin order (as
    /// <c>HistogramBuilder.NodeTotals</c>); <c>totals[slot * Stride + s]</c>.
    /// </summary>
    public static void Totals(Index1D thread, ArrayView<double> hist, ArrayView<int> featureInfo, ArrayView<double> totals, HistogramShape shape)
    {
        var index = thread.X;
        var width = shape.OutputCount + 1;
        var slot = index / width;
        var s = index - slot * width;
        var bins = featureInfo[FeatureInfo.Count];
        var src = (long)slot * shape.NodeLength + s;
        var sum = 0.0;
        for (var b = 0; b < bins; b++)
            sum += hist[src + (long)b * shape.Stride];
        totals[(long)slot * shape.Stride + s] = sum;
    }
}

/// <summary>Per-feature metadata packed in one int array: <c>featureInfo[f * Size + field]</c>.</summary>
internal static class FeatureInfo
{
    /// <summary>Ints per feature.</summary>
    public const int Size = 3;

    /// <summary>First global bin of the feature.</summary>
    public const int Offset = 0;

    /// <summary>Bins of the feature.</summary>
    public const int Count = 1;

    /// <summary>1 for a categorical feature, else 0.</summary>
    public const int Categorical = 2;
}
