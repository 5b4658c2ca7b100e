using RLFramework.Boosting;
using RLFramework.Boosting.Binning;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Trees;
using RLFramework.Cuda.Ensemble;
using RLFramework.Cuda.Trees;

namespace RLFramework.Cuda;

/// <summary>
/// The GBRL booster on a GPU (or on ILGPU's CPU accelerator): the same trees as <see cref="GbrlBooster"/> for the
/// same options, data and call sequence (same splits; leaf values bit-identical; split scores equal within
/// double-sum tolerance, since GPU histograms are summed with atomics in a varying order).
/// <para>Per <see cref="FitTree"/>: gradients are checked, clipped and (L2) standardized and the features binned on
/// the CPU by the CPU engine's own code; then codes and gradient rows go to the device once, and histograms, split
/// scores, the best-split reduction, sample partitioning and leaf sums run there. The fitted tree is appended to the
/// device ensemble (only the new tree is uploaded) and to a host copy used by <see cref="Save"/> and
/// <see cref="DumpTree"/>; the saved model is the CPU format and loads with <see cref="GbrlBooster.Load"/>.</para>
/// Not thread-safe.
/// </summary>
public sealed class GpuGbrlBooster : IInspectableBooster
{
    /// <summary>Largest MaxDepth on the GPU (a level's histograms take 2^(depth) x bins x outputs doubles).</summary>
    public const int MaxDepthLimit = 12;

    private readonly GpuDevice _device;
    private readonly bool _ownsDevice;
    private readonly GbrlOptions _options;
    private readonly GbrlBooster _host;
    private readonly FeatureBinner _binner = new();
    private readonly BinnedBatch _batch = new();
    private readonly GradientBatch _gradients = new();
    private readonly double[] _learningRates;
    private readonly float[] _weights;
    private readonly long[] _splitCounts;
    private readonly double[] _gains;
    private readonly GpuTreeWorkspace _work;
    private readonly GpuObliviousTreeLearner? _obliviousLearner;
    private readonly GpuGreedyTreeLearner? _greedyLearner;
    private readonly ObliviousTreeDraft? _obliviousDraft;
    private readonly GreedyTreeDraft? _greedyDraft;
    private readonly DeviceObliviousTrees? _obliviousTrees;
    private readonly DeviceGreedyTrees? _greedyTrees;
    private readonly DeviceArray<float> _features;
    private readonly DeviceArray<float> _outputs;
    private readonly DeviceArray<float> _bias;
    private bool _disposed;

    /// <summary>Creates an empty ensemble (bias 0) on <paramref name="device"/> (which the booster does not dispose).</summary>
    /// <exception cref="ArgumentException">An option is out of range (MaxDepth above <see cref="MaxDepthLimit"/> included).</exception>
    public GpuGbrlBooster(GbrlOptions options, FeatureSchema schema, GpuDevice device)
        : this(options, schema, device, ownsDevice: false)
    {
    }

    internal GpuGbrlBooster(GbrlOptions options, FeatureSchema schema, GpuDevice device, bool ownsDevice)
        : this(new GbrlBooster(options, schema), device, ownsDevice)
    {
    }

    /// <summary>Puts <paramref name="host"/> (its options, bias and trees) on the device; the booster takes it over.</summary>
    private GpuGbrlBooster(GbrlBooster host, GpuDevice device, bool ownsDevice)
    {
        ArgumentNullException.ThrowIfNull(device);
        var options = host.Options;
        if (options.MaxDepth > MaxDepthLimit)
            throw new ArgumentException($"MaxDepth must be at most {MaxDepthLimit} on the GPU, got {options.MaxDepth}.", nameof(options));
        _host = host;
        _device = device;
        _ownsDevice = ownsDevice;
        _options = options;
        OutputCount = options.OutputCount;
        _learningRates = new double[OutputCount];
        _weights = options.FeatureWeights is null ? [] : [.. options.FeatureWeights];
        var importance = host.GetFeatureImportance();
        _splitCounts = [.. importance.SplitCounts];
        _gains = [.. importance.TotalGain];
        _work = new GpuTreeWorkspace(device);
        if (options.Shape == TreeShape.Oblivious)
        {
            _obliviousLearner = new GpuObliviousTreeLearner(_work);
            _obliviousDraft = new ObliviousTreeDraft(options.MaxDepth, OutputCount);
            _obliviousTrees = new DeviceObliviousTrees(device, options.MaxDepth, OutputCount);
            for (var t = 0; t < host.TreeCount; t++)
            {
                host.ObliviousTrees!.GetTree(t, _obliviousDraft);
                _obliviousTrees.Add(_obliviousDraft);
            }
        }
        else
        {
            _greedyLearner = new GpuGreedyTreeLearner(_work);
            _greedyDraft = new GreedyTreeDraft();
            _greedyTrees = new DeviceGreedyTrees(device, OutputCount);
            for (var t = 0; t < host.TreeCount; t++)
            {
                host.GreedyTrees!.GetTree(t, _greedyDraft);
                _greedyTrees.Add(_greedyDraft);
            }
        }
        _features = new DeviceArray<float>(device.Accelerator);
        _outputs = new DeviceArray<float>(device.Accelerator);
        _bias = new DeviceArray<float>(device.Accelerator);
        _bias.Upload(host.Bias);
    }

    /// <summary>
    /// Loads a model written by <see cref="Save"/> or <see cref="GbrlBooster.Save"/> onto <paramref name="device"/>
    /// (which the booster does not dispose): trees are uploaded once, then fitting continues on the device.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt or of an unknown version.</exception>
    public static GpuGbrlBooster Load(Stream stream, GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var host = GbrlBooster.Load(stream);
        try
        {
            return new GpuGbrlBooster(host, device, ownsDevice: false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The device the booster runs on.</summary>
    public GpuDevice Device => _device;

    /// <summary>The options the booster was created with.</summary>
    public GbrlOptions Options => _options;

    /// <inheritdoc />
    public int FeatureCount => _host.FeatureCount;

    /// <inheritdoc />
    public int OutputCount { get; }

    /// <inheritdoc />
    public int TreeCount => _host.TreeCount;

    /// <inheritdoc />
    public ReadOnlySpan<float> Bias => _host.Bias;

    internal IDeviceTreeStore DeviceTrees => (IDeviceTreeStore?)_obliviousTrees ?? _greedyTrees!;

    internal GbrlBooster Host => _host;

    /// <inheritdoc />
    public void SetBias(ReadOnlySpan<float> bias)
    {
        _host.SetBias(bias);
        _bias.Upload(bias);
    }

    /// <inheritdoc />
    public TreeFitResult FitTree(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowHelper.CheckFitInputs(features, gradients, sampleCount, FeatureCount, OutputCount);
        var treeIndex = TreeCount;
        _options.LearningRatesAt(treeIndex, _learningRates);
        var cosine = _options.Score == SplitScore.Cosine;
        _gradients.Prepare(gradients, sampleCount, _options.Slices, OutputCount, standardize: !cosine);
        _binner.Bin(features, sampleCount, _host.Schema, _options.Binning, _options.MaxBins, _batch);
        _work.Batch.Upload(_batch, _gradients, _weights);
        if (_obliviousLearner is not null)
        {
            var draft = _obliviousDraft!;
            _obliviousLearner.Fit(_batch, OutputCount, _options.MaxDepth, _options.MinSamplesPerLeaf, cosine, _learningRates, draft);
            for (var d = 0; d < draft.Depth; d++)
            {
                _splitCounts[draft.Levels[d].Feature]++;
                _gains[draft.Levels[d].Feature] += draft.LevelGain[d];
            }
            _host.ObliviousTrees!.Add(draft);
            _obliviousTrees!.Add(draft);
            return new TreeFitResult(treeIndex, draft.LeafCount, draft.Score);
        }
        var greedy = _greedyDraft!;
        _greedyLearner!.Fit(_batch, OutputCount, _gradients.Stride, _options.MaxDepth, _options.MinSamplesPerLeaf, cosine, _learningRates, greedy);
        for (var i = 0; i < greedy.NodeCount; i++)
        {
            _splitCounts[greedy.Tests[i].Feature]++;
            _gains[greedy.Tests[i].Feature] += greedy.Gain[i];
        }
        _host.GreedyTrees!.Add(greedy);
        _greedyTrees!.Add(greedy);
        return new TreeFitResult(treeIndex, greedy.NodeCount + 1, greedy.Score);
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        CheckPredictArguments(features, sampleCount, outputs);
        _features.Upload(features);
        _outputs.EnsureCapacity(outputs.Length);
        FillBias(_outputs, sampleCount);
        DeviceTrees.Accumulate(_features.View, sampleCount, FeatureCount, 0, TreeCount, _outputs.View);
        _outputs.Download(outputs);
    }

    /// <inheritdoc />
    public void AccumulateTrees(ReadOnlySpan<float> features, int sampleCount, int firstTree, int endTree, Span<float> outputs)
    {
        CheckPredictArguments(features, sampleCount, outputs);
        if (firstTree < 0 || endTree > TreeCount || firstTree > endTree)
            ThrowHelper.BadTreeRange(firstTree, endTree, TreeCount);
        _features.Upload(features);
        _outputs.Upload(outputs);
        DeviceTrees.Accumulate(_features.View, sampleCount, FeatureCount, firstTree, endTree, _outputs.View);
        _outputs.Download(outputs);
    }

    /// <summary>
    /// Keeps a fixed batch and its predictions on the device: created with bias - all current trees, then
    /// <see cref="GpuPredictionBatch.Update"/> adds only the trees fitted since, at a cost independent of the
    /// ensemble size. The batch belongs to this booster and must be disposed before it.
    /// </summary>
    public GpuPredictionBatch CreatePredictionBatch(ReadOnlySpan<float> features, int sampleCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sampleCount < 1)
            ThrowHelper.BadSampleCount(sampleCount);
        if (features.Length != sampleCount * FeatureCount)
            ThrowHelper.BadLength(nameof(features), features.Length, sampleCount * FeatureCount, $"{sampleCount} samples x {FeatureCount} features");
        return new GpuPredictionBatch(this, features, sampleCount);
    }

    internal void FillBias(DeviceArray<float> outputs, int sampleCount) =>
        _device.Kernels.FillBias(sampleCount * OutputCount, _bias.View, outputs.View, OutputCount);

    private void CheckPredictArguments(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sampleCount < 1)
            ThrowHelper.BadSampleCount(sampleCount);
        if (features.Length != sampleCount * FeatureCount)
            ThrowHelper.BadLength(nameof(features), features.Length, sampleCount * FeatureCount, $"{sampleCount} samples x {FeatureCount} features");
        if (outputs.Length != sampleCount * OutputCount)
            ThrowHelper.BadLength(nameof(outputs), outputs.Length, sampleCount * OutputCount, $"{sampleCount} samples x {OutputCount} outputs");
    }

    /// <summary>Split counts and total score gain per feature over all trees.</summary>
    public FeatureImportance GetFeatureImportance() => new([.. _splitCounts], [.. _gains]);

    /// <summary>Readable text of tree <paramref name="tree"/> (as <see cref="GbrlBooster.DumpTree"/>).</summary>
    public string DumpTree(int tree, TreeLabels? labels = null) => _host.DumpTree(tree, labels);

    /// <inheritdoc />
    public IReadOnlyList<TreeSplit> GetSplits(int tree) => _host.GetSplits(tree);

    /// <summary>Writes the model in the CPU engine's format (loadable with <see cref="GbrlBooster.Load"/>).</summary>
    public void Save(Stream stream)
    {
        _host.RestoreImportance(_splitCounts, _gains);
        _host.Save(stream);
    }

    /// <summary>Releases the device buffers (and the device when the booster was created by <see cref="BoosterFactory"/>).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _work.Dispose();
        _obliviousTrees?.Dispose();
        _greedyTrees?.Dispose();
        _features.Dispose();
        _outputs.Dispose();
        _bias.Dispose();
        _host.Dispose();
        if (_ownsDevice)
            _device.Dispose();
    }
}
