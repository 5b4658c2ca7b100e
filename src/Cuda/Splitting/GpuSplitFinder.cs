using ILGPU;
using ILGPU.Runtime;
using RLFramework.Cuda.Data;
using RLFramework.Cuda.Histograms;

namespace RLFramework.Cuda.Splitting;

/// <summary>
/// The GPU twin of <c>Boosting.Splitting.SplitFinder</c>: scores every candidate of every node group from the
/// histograms of <see cref="GpuHistogramBuilder"/> and reduces each group to its best candidate on the device;
/// only (global bin, score) per group comes back to the host.
/// </summary>
internal sealed class GpuSplitFinder : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceArray<int> _groupStart;
    private readonly DeviceArray<int> _groupCount;
    private readonly DeviceArray<int> _excluded;
    private readonly DeviceArray<int> _bestIndex;
    private readonly DeviceArray<double> _bestScore;

    public GpuSplitFinder(GpuDevice device)
    {
        _device = device;
        var a = device.Accelerator;
        _groupStart = new DeviceArray<int>(a);
        _groupCount = new DeviceArray<int>(a);
        _excluded = new DeviceArray<int>(a);
        _bestIndex = new DeviceArray<int>(a);
        _bestScore = new DeviceArray<double>(a);
        Scores = new DeviceArray<double>(a);
    }

    /// <summary>Candidate scores of the last call, <c>[group * TotalBins + globalBin]</c> (-inf: invalid).</summary>
    public DeviceArray<double> Scores { get; }

    /// <summary>
    /// Best candidate of each group: group g spans slots <c>groupStart[g] .. + groupCount[g]</c>; its excluded global
    /// bins are <c>excluded[g * maxExcluded ..]</c> (-1 unused). Writes the best global bin (-1: none) and score.
    /// </summary>
    public void FindBest(DeviceBatch batch, GpuHistogramBuilder hists, ReadOnlySpan<int> groupStart, ReadOnlySpan<int> groupCount,
        ReadOnlySpan<int> excluded, int maxExcluded, int minSamples, bool cosine, Span<int> bestIndex, Span<double> bestScore)
    {
        var k = _device.Kernels;
        var groups = groupStart.Length;
        var shape = batch.Shape;
        _groupStart.Upload(groupStart);
        _groupCount.Upload(groupCount);
        _excluded.Upload(excluded);
        Scores.EnsureCapacity((long)groups * shape.TotalBins);
        _bestIndex.EnsureCapacity(groups);
        _bestScore.EnsureCapacity(groups);
        var p = new ScoreShape(shape, minSamples, cosine ? 1 : 0, maxExcluded);
        k.Scores(groups * shape.TotalBins, hists.Hist.View, hists.Cum.View, hists.Totals.View, batch.BinFeature.View, batch.FeatureInfo.View,
            batch.Weights.View, _groupStart.View, _groupCount.View, _excluded.View, Scores.View, p);
        k.Best(new KernelConfig(groups, k.BestGroupSize), Scores.View, _bestIndex.View, _bestScore.View, shape.TotalBins);
        _bestIndex.Download(bestIndex[..groups]);
        _bestScore.Download(bestScore[..groups]);
    }

    public void Dispose()
    {
        _groupStart.Dispose();
        _groupCount.Dispose();
        _excluded.Dispose();
        _bestIndex.Dispose();
        _bestScore.Dispose();
        Scores.Dispose();
    }
}
