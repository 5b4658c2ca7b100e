using RLFramework.Boosting.Data;
using RLFramework.Boosting.Splitting;
using RLFramework.Cuda.Data;
using RLFramework.Cuda.Histograms;
using RLFramework.Cuda.Splitting;

namespace RLFramework.Cuda.Trees;

/// <summary>
/// Device buffers shared by the GPU tree learners of one booster (allocated once, grown when a batch needs more):
/// the resident batch, the histograms, the split finder, and the per-node split table, node counts and leaf sums.
/// </summary>
internal sealed class GpuTreeWorkspace : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceArray<int> _nodeSplit;
    private readonly DeviceArray<int> _counts;
    private readonly DeviceArray<int> _leafNodes;
    private readonly DeviceArray<double> _sums;

    public GpuTreeWorkspace(GpuDevice device)
    {
        _device = device;
        Batch = new DeviceBatch(device);
        Histograms = new GpuHistogramBuilder(device);
        Finder = new GpuSplitFinder(device);
        var a = device.Accelerator;
        _nodeSplit = new DeviceArray<int>(a);
        _counts = new DeviceArray<int>(a);
        _leafNodes = new DeviceArray<int>(a);
        _sums = new DeviceArray<double>(a);
    }

    public DeviceBatch Batch { get; }

    public GpuHistogramBuilder Histograms { get; }

    public GpuSplitFinder Finder { get; }

    /// <summary>The split candidate of global bin <paramref name="bin"/> of the uploaded batch.</summary>
    public static SplitCandidate CandidateOf(BinnedBatch data, DeviceBatch batch, int bin, double score)
    {
        var feature = batch.FeatureOfBin(bin);
        return new SplitCandidate(feature, bin - data.BinOffset[feature], data.IsCategorical[feature], score);
    }

    /// <summary>Moves the samples of every node with a split (<see cref="NodeSplit"/> table, one row per node id) to its children.</summary>
    public void Partition(ReadOnlySpan<int> nodeSplit)
    {
        _nodeSplit.Upload(nodeSplit);
        var n = Batch.Shape.SampleCount;
        _device.Kernels.Partition(n, Batch.Codes.View, Batch.NodeOf.View, _nodeSplit.View, n);
    }

    /// <summary>Sample count of node ids 0..counts.Length-1.</summary>
    public void CountNodes(Span<int> counts)
    {
        _counts.Zero(counts.Length);
        _device.Kernels.CountNodes(Batch.Shape.SampleCount, Batch.NodeOf.View, _counts.View);
        _counts.Download(counts);
    }

    /// <summary>
    /// Per leaf (node id <c>leafNodes[j]</c>) and output k, the double sum of raw gradients, <c>sums[j * K + k]</c>, and
    /// the leaf's sample count, <c>counts[j]</c>.
    /// </summary>
    public void LeafSums(ReadOnlySpan<int> leafNodes, Span<double> sums, Span<int> counts)
    {
        var shape = Batch.Shape;
        _leafNodes.Upload(leafNodes);
        _sums.EnsureCapacity(sums.Length);
        _counts.EnsureCapacity(counts.Length);
        _device.Kernels.LeafSums(sums.Length, Batch.Raw.View, Batch.NodeOf.View, _leafNodes.View, _sums.View, _counts.View, shape.SampleCount, shape.OutputCount);
        _sums.Download(sums);
        _counts.Download(counts);
    }

    public void Dispose()
    {
        Batch.Dispose();
        Histograms.Dispose();
        Finder.Dispose();
        _nodeSplit.Dispose();
        _counts.Dispose();
        _leafNodes.Dispose();
        _sums.Dispose();
    }
}
