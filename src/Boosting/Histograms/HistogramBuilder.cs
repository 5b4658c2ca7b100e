using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Histograms;

/// <summary>
/// Per-node gradient histograms. Layout of one node's histogram:
/// <c>hist[(BinOffset[feature] + bin) * Stride + s]</c>, where slots s &lt; K hold the sum of split gradient s
/// over the node's samples in that bin, slot K their count, and the rest zero padding (rows come from
/// <see cref="GradientBatch.Rows"/>, so one SIMD add per (sample, feature) accumulates everything).
/// Sums are doubles so that the larger child = parent - smaller child stays accurate.
/// </summary>
internal static class HistogramBuilder
{
    /// <summary>Length in doubles of one node histogram.</summary>
    public static int Length(BinnedBatch data, int stride) => data.TotalBins * stride;

    /// <summary>Builds the histogram of the samples <paramref name="samples"/> directly.</summary>
    public static void Build(BinnedBatch data, ReadOnlySpan<double> rows, int stride, ReadOnlySpan<int> samples, Span<double> hist)
    {
        hist = hist[..Length(data, stride)];
        hist.Clear();
        ref var rowBase = ref MemoryMarshal.GetReference(rows);
        for (var f = 0; f < data.FeatureCount; f++)
        {
            ref var codes = ref MemoryMarshal.GetReference(data.Column(f));
            ref var featureHist = ref hist[data.BinOffset[f] * stride];
            if (stride == 4)
            {
                foreach (var i in samples)
                {
                    ref var dst = ref Unsafe.Add(ref featureHist, Unsafe.Add(ref codes, i) * 4);
                    var sum = Vector256.LoadUnsafe(ref dst) + Vector256.LoadUnsafe(ref rowBase, (nuint)(i * 4));
                    sum.StoreUnsafe(ref dst);
                }
            }
            else
            {
                foreach (var i in samples)
                {
                    ref var dst = ref Unsafe.Add(ref featureHist, Unsafe.Add(ref codes, i) * stride);
                    ref var src = ref Unsafe.Add(ref rowBase, i * stride);
                    for (var s = 0; s < stride; s += 4)
                    {
                        var sum = Vector256.LoadUnsafe(ref dst, (nuint)s) + Vector256.LoadUnsafe(ref src, (nuint)s);
                        sum.StoreUnsafe(ref dst, (nuint)s);
                    }
                }
            }
        }
    }

    /// <summary>Turns the parent's histogram into the larger child's: parent -= smaller child.</summary>
    public static void SubtractInPlace(Span<double> parent, ReadOnlySpan<double> smaller) =>
        TensorPrimitives.Subtract(parent, smaller[..parent.Length], parent);

    /// <summary>Sums the bins of feature 0 into <paramref name="totals"/> (Stride values): the node's gradient sums and count.</summary>
    public static void NodeTotals(BinnedBatch data, int stride, ReadOnlySpan<double> hist, Span<double> totals)
    {
        totals = totals[..stride];
        var bins = data.BinCount[0];
        ref var h = ref MemoryMarshal.GetReference(hist);
        for (var s = 0; s < stride; s += 4)
        {
            var sum = Vector256<double>.Zero;
            for (var b = 0; b < bins; b++)
                sum += Vector256.LoadUnsafe(ref h, (nuint)(b * stride + s));
            sum.CopyTo(totals[s..]);
        }
    }
}

/// <summary>Reusable histogram buffers (no allocation once warmed up).</summary>
internal sealed class HistogramPool
{
    private readonly Stack<double[]> _free = new();
    private int _length;

    /// <summary>Sets the histogram length for this boosting step; buffers too small are dropped.</summary>
    public void Reset(int length)
    {
        if (length > _length)
        {
            _free.Clear();
            _length = length;
        }
    }

    /// <summary>A buffer of at least the current length (contents undefined).</summary>
    public double[] Rent() => _free.Count > 0 ? _free.Pop() : new double[_length];

    /// <summary>Returns a buffer for reuse.</summary>
    public void Return(double[] buffer)
    {
        if (buffer.Length >= _length)
            _free.Push(buffer);
    }
}
