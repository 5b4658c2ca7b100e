using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Threading;

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
        for (var f = 0; f < data.FeatureCount; f++)
            BuildFeature(data, rows, stride, samples, hist, f);
    }

    /// <summary>Builds feature <paramref name="feature"/>'s part of the histogram of <paramref name="samples"/> (other features untouched).</summary>
    public static void BuildFeature(BinnedBatch data, ReadOnlySpan<double> rows, int stride, ReadOnlySpan<int> samples, Span<double> hist, int feature)
    {
        var region = hist.Slice(data.BinOffset[feature] * stride, data.BinCount[feature] * stride);
        region.Clear();
        ref var rowBase = ref MemoryMarshal.GetReference(rows);
        ref var codes = ref MemoryMarshal.GetReference(data.Column(feature));
        ref var featureHist = ref MemoryMarshal.GetReference(region);
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

    /// <summary>Feature <paramref name="feature"/>'s part of <see cref="SubtractInPlace"/>.</summary>
    public static void SubtractFeature(BinnedBatch data, int stride, Span<double> parent, ReadOnlySpan<double> smaller, int feature)
    {
        var start = data.BinOffset[feature] * stride;
        var length = data.BinCount[feature] * stride;
        TensorPrimitives.Subtract(parent.Slice(start, length), smaller.Slice(start, length), parent.Slice(start, length));
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

/// <summary>
/// The histograms one step of a tree learner needs, built one feature per item of an <see cref="ItemRunner"/>:
/// each job builds the histogram of a sample range and, when it has a parent, turns the parent into the sibling
/// (parent -= built). Every (job, feature) pair does the same arithmetic whichever thread runs it.
/// </summary>
internal sealed class HistogramJobs : IItemWork
{
    private readonly List<Job> _jobs = [];
    private BinnedBatch? _data;
    private GradientBatch? _grads;

    private readonly record struct Job(int[] Samples, int Start, int Count, double[] Target, double[]? Parent);

    /// <summary>Starts a new set of jobs over one batch.</summary>
    public void Begin(BinnedBatch data, GradientBatch grads)
    {
        _data = data;
        _grads = grads;
        _jobs.Clear();
    }

    /// <summary>Adds a job: <paramref name="target"/> = histogram of samples[start, start + count); then parent -= target when a parent is given.</summary>
    public void Add(int[] samples, int start, int count, double[] target, double[]? parent) =>
        _jobs.Add(new Job(samples, start, count, target, parent));

    /// <summary>Runs the jobs (on the runner's workers when given and <paramref name="parallel"/>).</summary>
    public void Run(ItemRunner? runner, bool parallel)
    {
        var features = _data!.FeatureCount;
        if (_jobs.Count == 0)
            return;
        if (runner is null)
        {
            for (var f = 0; f < features; f++)
                Run(f, 0);
        }
        else
        {
            runner.Run(this, features, parallel);
        }
        _jobs.Clear();
    }

    /// <inheritdoc />
    public void Run(int item, int worker)
    {
        var data = _data!;
        var grads = _grads!;
        foreach (var job in _jobs)
        {
            HistogramBuilder.BuildFeature(data, grads.Rows, grads.Stride, job.Samples.AsSpan(job.Start, job.Count), job.Target, item);
            if (job.Parent is { } parent)
                HistogramBuilder.SubtractFeature(data, grads.Stride, parent, job.Target, item);
        }
    }
}
