namespace RLFramework.Cuda;

/// <summary>
/// A fixed batch of samples whose predictions live on the device and follow the ensemble as it grows
/// (<see cref="GpuGbrlBooster.CreatePredictionBatch"/>): <see cref="Update"/> adds the trees fitted since the last
/// update, so keeping N predictions current costs O(N x new trees), not O(N x all trees).
/// </summary>
public sealed class GpuPredictionBatch : IDisposable
{
    private readonly GpuGbrlBooster _booster;
    private readonly DeviceArray<float> _features;
    private readonly DeviceArray<float> _outputs;
    private bool _disposed;

    internal GpuPredictionBatch(GpuGbrlBooster booster, ReadOnlySpan<float> features, int sampleCount)
    {
        _booster = booster;
        SampleCount = sampleCount;
        var a = booster.Device.Accelerator;
        _features = new DeviceArray<float>(a, features.Length);
        _features.Upload(features);
        _outputs = new DeviceArray<float>(a, (long)sampleCount * booster.OutputCount);
        booster.FillBias(_outputs, sampleCount);
        Update();
    }

    /// <summary>Number of samples of the batch.</summary>
    public int SampleCount { get; }

    /// <summary>Number of trees included in the outputs.</summary>
    public int TreeCount { get; private set; }

    /// <summary>Adds the trees fitted since the last update to the outputs (on the device).</summary>
    public void Update()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var end = _booster.TreeCount;
        _booster.DeviceTrees.Accumulate(_features.View, SampleCount, _booster.FeatureCount, TreeCount, end, _outputs.View);
        TreeCount = end;
    }

    /// <summary>Copies the outputs (SampleCount x OutputCount, row-major) to <paramref name="destination"/>.</summary>
    public void CopyOutputs(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var length = SampleCount * _booster.OutputCount;
        if (destination.Length != length)
            throw new ArgumentException($"destination has length {destination.Length}, expected {length} ({SampleCount} samples x {_booster.OutputCount} outputs).", nameof(destination));
        _outputs.Download(destination);
    }

    /// <summary>Releases the device buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _features.Dispose();
        _outputs.Dispose();
    }
}
