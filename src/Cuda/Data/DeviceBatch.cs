using RLFramework.Boosting.Data;
using RLFramework.Cuda.Histograms;

namespace RLFramework.Cuda.Data;

/// <summary>
/// The GPU twin of <c>BinnedBatch</c> + <c>GradientBatch</c>: one boosting step's bin codes (column-major bytes),
/// histogram rows (K split gradients, count 1, padding; doubles), clipped raw gradients (for leaf values), the
/// node of every sample, and the per-feature/per-bin metadata, resident on the device for the whole tree fit.
/// Binning, clipping and standardization run on the CPU (the CPU engine's own code), then one upload per step.
/// </summary>
internal sealed class DeviceBatch : IDisposable
{
    private int[] _featureInfo = [];
    private int[] _binFeature = [];
    private float[] _weights = [];
    private int[] _sentFeatureInfo = [];
    private int[] _sentBinFeature = [];
    private float[] _sentWeights = [];

    public DeviceBatch(GpuDevice device)
    {
        var a = device.Accelerator;
        Codes = new DeviceArray<byte>(a);
        Rows = new DeviceArray<double>(a);
        Raw = new DeviceArray<float>(a);
        NodeOf = new DeviceArray<int>(a);
        FeatureInfo = new DeviceArray<int>(a);
        BinFeature = new DeviceArray<int>(a);
        Weights = new DeviceArray<float>(a);
    }

    public DeviceArray<byte> Codes { get; }

    public DeviceArray<double> Rows { get; }

    public DeviceArray<float> Raw { get; }

    /// <summary>Node id of each sample (all 0, the root, after <see cref="Upload"/>).</summary>
    public DeviceArray<int> NodeOf { get; }

    /// <summary><c>[f * Histograms.FeatureInfo.Size + field]</c>: offset, bin count, categorical.</summary>
    public DeviceArray<int> FeatureInfo { get; }

    /// <summary>Feature of each global bin.</summary>
    public DeviceArray<int> BinFeature { get; }

    /// <summary>Per-feature score multipliers (1 when the options have none).</summary>
    public DeviceArray<float> Weights { get; }

    public HistogramShape Shape { get; private set; }

    /// <summary>Feature of global bin <paramref name="bin"/> (host copy).</summary>
    public int FeatureOfBin(int bin) => _binFeature[bin];

    /// <summary>Uploads a binned batch and its prepared gradients; every sample starts at node 0.</summary>
    public void Upload(BinnedBatch data, GradientBatch grads, ReadOnlySpan<float> weights)
    {
        var n = data.SampleCount;
        var features = data.FeatureCount;
        Shape = new HistogramShape(n, features, grads.OutputCount, grads.Stride, data.TotalBins);
        Codes.Upload(data.Codes.AsSpan(0, n * features));
        Rows.Upload(grads.Rows);
        Raw.Upload(grads.Raw);
        NodeOf.Zero(n);
        if (_featureInfo.Length != features * Histograms.FeatureInfo.Size)
        {
            _featureInfo = new int[features * Histograms.FeatureInfo.Size];
            _weights = new float[features];
        }
        if (_binFeature.Length < data.TotalBins)
            _binFeature = new int[Math.Max(data.TotalBins, 2 * _binFeature.Length)];
        for (var f = 0; f < features; f++)
        {
            var at = f * Histograms.FeatureInfo.Size;
            _featureInfo[at + Histograms.FeatureInfo.Offset] = data.BinOffset[f];
            _featureInfo[at + Histograms.FeatureInfo.Count] = data.BinCount[f];
            _featureInfo[at + Histograms.FeatureInfo.Categorical] = data.IsCategorical[f] ? 1 : 0;
            _binFeature.AsSpan(data.BinOffset[f], data.BinCount[f]).Fill(f);
            _weights[f] = weights.IsEmpty ? 1f : weights[f];
        }
        // The metadata rarely changes from one batch to the next: upload it only when it does.
        UploadIfChanged(FeatureInfo, _featureInfo, ref _sentFeatureInfo);
        UploadIfChanged(BinFeature, _binFeature.AsSpan(0, data.TotalBins), ref _sentBinFeature);
        UploadIfChanged(Weights, _weights, ref _sentWeights);
    }

    private static void UploadIfChanged<T>(DeviceArray<T> target, ReadOnlySpan<T> values, ref T[] sent)
        where T : unmanaged, IEquatable<T>
    {
        if (target.Length == values.Length && values.SequenceEqual(sent))
            return;
        target.Upload(values);
        sent = values.ToArray();
    }

    public void Dispose()
    {
        Codes.Dispose();
        Rows.Dispose();
        Raw.Dispose();
        NodeOf.Dispose();
        FeatureInfo.Dispose();
        BinFeature.Dispose();
        Weights.Dispose();
    }
}
