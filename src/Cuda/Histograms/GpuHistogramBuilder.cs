using RLFramework.Cuda.Data;

namespace RLFramework.Cuda.Histograms;

/// <summary>
/// The GPU twin of <c>Boosting.Histograms.HistogramBuilder</c>: builds the histograms of a set of nodes (a level)
/// at once, their totals and their prefix sums over bins, in device buffers reused from one step to the next.
/// Every histogram is built directly from its samples (no parent - child subtraction: on the GPU a level costs
/// one pass over the samples whatever its node count). Double atomics make the summation order vary, so sums
/// equal the CPU's within float-sum tolerance (relative 1e-12 for these sizes), not bit for bit.
/// </summary>
internal sealed class GpuHistogramBuilder : IDisposable
{
    private readonly GpuDevice _device;

    public GpuHistogramBuilder(GpuDevice device)
    {
        _device = device;
        var a = device.Accelerator;
        Hist = new DeviceArray<double>(a);
        Cum = new DeviceArray<double>(a);
        Totals = new DeviceArray<double>(a);
        SlotOf = new DeviceArray<int>(a);
    }

    /// <summary>Histograms, <c>[slot * NodeLength + globalBin * Stride + s]</c>.</summary>
    public DeviceArray<double> Hist { get; }

    /// <summary>Prefix sums over the bins of each feature, same layout.</summary>
    public DeviceArray<double> Cum { get; }

    /// <summary>Node totals, <c>[slot * Stride + s]</c> (slot K = count).</summary>
    public DeviceArray<double> Totals { get; }

    /// <summary>Slot of each node id (-1: no histogram).</summary>
    public DeviceArray<int> SlotOf { get; }

    /// <summary>Number of slots built by the last <see cref="Build"/>.</summary>
    public int SlotCount { get; private set; }

    /// <summary>Builds the histograms of the nodes with <c>slotOf[node] &gt;= 0</c> (slots 0..slotCount-1).</summary>
    public void Build(DeviceBatch batch, ReadOnlySpan<int> slotOf, int slotCount)
    {
        var k = _device.Kernels;
        var shape = batch.Shape;
        SlotCount = slotCount;
        SlotOf.Upload(slotOf);
        var length = (long)slotCount * shape.NodeLength;
        Hist.Zero(length);
        Cum.EnsureCapacity(length);
        Totals.Zero((long)slotCount * shape.Stride);
        if (slotCount == 0)
            return;
        k.HistogramAccumulate(shape.SampleCount * shape.FeatureCount, batch.Codes.View, batch.FeatureInfo.View, batch.Rows.View,
            batch.NodeOf.View, SlotOf.View, Hist.View, shape);
        k.HistogramTotals(slotCount * (shape.OutputCount + 1), Hist.View, batch.FeatureInfo.View, Totals.View, shape);
        k.PrefixSums(slotCount * shape.FeatureCount * (shape.OutputCount + 1), Hist.View, batch.FeatureInfo.View, Cum.View, shape);
    }

    public void Dispose()
    {
        Hist.Dispose();
        Cum.Dispose();
        Totals.Dispose();
        SlotOf.Dispose();
    }
}
