using RLFramework.Boosting.Binning;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Splitting;
using RLFramework.Boosting.Threading;
using RLFramework.Boosting.Trees;

namespace RLFramework.Boosting;

/// <summary>
/// The GBRL booster on the CPU: an ensemble that grows by one tree per <see cref="FitTree"/>, each tree fitted to
/// the caller's per-sample gradients. Pipeline of one step: gradients checked, clipped per output slice and packed
/// (<c>Data.GradientBatch</c>) -&gt; features binned on this batch (<c>Binning.FeatureBinner</c>) -&gt; tree grown
/// from histograms (<c>Trees.ObliviousTreeLearner</c> or <c>Trees.GreedyTreeLearner</c>, split scores in
/// <c>Splitting</c>) -&gt; leaf values = mean clipped gradient x slice learning rate -&gt; appended to a chunked store.
/// Prediction = bias - sum of trees. Deterministic: the same options, data and call sequence give the same trees
/// bit for bit. Not thread-safe: use one booster per thread (prediction may use several cores internally).
/// </summary>
public sealed class GbrlBooster : IInspectableBooster
{
    /// <summary>Deepest oblivious tree (2^10 leaves per output are stored per tree).</summary>
    public const int MaxObliviousDepth = 10;

    private readonly GbrlOptions _options;
    private readonly FeatureSchema _schema;
    private readonly float[] _bias;
    private readonly float[] _weights;
    private readonly long[] _splitCounts;
    private readonly double[] _gains;
    private readonly FeatureBinner _binner = new();
    private readonly BinnedBatch _batch = new();
    private readonly GradientBatch _gradients = new();
    private readonly double[] _learningRates;
    private readonly ObliviousTreeStore? _oblivious;
    private readonly GreedyTreeStore? _greedy;
    private readonly ObliviousTreeLearner? _obliviousLearner;
    private readonly GreedyTreeLearner? _greedyLearner;
    private readonly ObliviousTreeDraft? _obliviousDraft;
    private readonly GreedyTreeDraft? _greedyDraft;
    private readonly ItemRunner? _runner;

    /// <summary>Creates an empty ensemble (bias 0).</summary>
    /// <exception cref="ArgumentException">An option is out of range, or the schema does not fit the options.</exception>
    public GbrlBooster(GbrlOptions options, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        options.Validate();
        ValidateSchema(options, schema);
        _options = options;
        _schema = schema;
        OutputCount = options.OutputCount;
        _bias = new float[OutputCount];
        _learningRates = new double[OutputCount];
        _weights = options.FeatureWeights is null ? [] : [.. options.FeatureWeights];
        _splitCounts = new long[schema.FeatureCount];
        _gains = new double[schema.FeatureCount];
        // Automatic: one per core, at most 4 (a fit has a few items per feature run; more helpers only spin).
        FitThreads = options.Threads == 0 ? Math.Min(Environment.ProcessorCount, 4) : options.Threads;
        _runner = FitThreads > 1 ? new ItemRunner(FitThreads) : null;
        var categorical = false;
        for (var f = 0; f < schema.FeatureCount; f++)
            categorical |= schema.IsCategorical(f);
        if (options.Shape == TreeShape.Oblivious)
        {
            _oblivious = new ObliviousTreeStore(options.MaxDepth, OutputCount, categorical) { Runner = _runner };
            _obliviousLearner = new ObliviousTreeLearner();
            _obliviousDraft = new ObliviousTreeDraft(options.MaxDepth, OutputCount);
        }
        else
        {
            _greedy = new GreedyTreeStore(OutputCount);
            _greedyLearner = new GreedyTreeLearner();
            _greedyDraft = new GreedyTreeDraft();
        }
    }

    private static void ValidateSchema(GbrlOptions options, FeatureSchema schema)
    {
        if (schema.FeatureCount < 1)
            throw new ArgumentException("The schema must have at least one feature.", nameof(schema));
        for (var f = 0; f < schema.FeatureCount; f++)
        {
            var c = schema.Cardinalities[f];
            if (c is < 0 or > FeatureSchema.MaxCardinality)
                throw new ArgumentException($"Feature {f} has cardinality {c}; it must be 0 (numerical) or 1..{FeatureSchema.MaxCardinality} (categorical).", nameof(schema));
        }
        if (options.Shape == TreeShape.Oblivious && options.MaxDepth > MaxObliviousDepth)
            throw new ArgumentException(
                $"MaxDepth {options.MaxDepth} is too deep for oblivious trees (at most {MaxObliviousDepth}: every oblivious tree stores 2^MaxDepth leaves); use greedy trees for deeper trees.",
                nameof(options));
        if (options.FeatureWeights is not null && options.FeatureWeights.Count != schema.FeatureCount)
            throw new ArgumentException($"FeatureWeights has {options.FeatureWeights.Count} entries but the schema has {schema.FeatureCount} features.", nameof(options));
    }

    /// <summary>The options the booster was created with.</summary>
    public GbrlOptions Options => _options;

    /// <summary>Threads a fit uses (<see cref="GbrlOptions.Threads"/> resolved: 0 becomes one per core, at most 4).</summary>
    public int FitThreads { get; }

    /// <summary>The feature schema.</summary>
    public FeatureSchema Schema => _schema;

    /// <inheritdoc />
    public int FeatureCount => _schema.FeatureCount;

    /// <inheritdoc />
    public int OutputCount { get; }

    /// <inheritdoc />
    public int TreeCount => Store.Count;

    /// <inheritdoc />
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Bytes held by the trees (allocated capacity included).</summary>
    public long TreeBytes => Store.ByteSize;

    internal ITreeStore Store => (ITreeStore?)_oblivious ?? _greedy!;

    internal ObliviousTreeStore? ObliviousTrees => _oblivious;

    internal GreedyTreeStore? GreedyTrees => _greedy;

    /// <inheritdoc />
    public void SetBias(ReadOnlySpan<float> bias)
    {
        if (bias.Length != OutputCount)
            ThrowHelper.BadLength(nameof(bias), bias.Length, OutputCount, "one value per output");
        foreach (var b in bias)
        {
            if (!float.IsFinite(b))
                throw new ArgumentException($"Bias values must be finite, got {b}.", nameof(bias));
        }
        bias.CopyTo(_bias);
    }

    /// <inheritdoc />
    public TreeFitResult FitTree(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount)
    {
        ThrowHelper.CheckFitInputs(features, gradients, sampleCount, FeatureCount, OutputCount);

        var treeIndex = TreeCount;
        _options.LearningRatesAt(treeIndex, _learningRates);
        _gradients.Prepare(gradients, sampleCount, _options.Slices, OutputCount, standardize: _options.Score == SplitScore.L2);
        // Small fits stay on the calling thread: handing work over costs more than it saves.
        var runner = sampleCount * FeatureCount >= ItemRunner.MinimumParallelWork ? _runner : null;
        _binner.Bin(features, sampleCount, _schema, _options.Binning, _options.MaxBins, _batch, runner);
        return _oblivious is not null ? FitOblivious(treeIndex, runner) : FitGreedy(treeIndex, runner);
    }

    private TreeFitResult FitOblivious(int treeIndex, ItemRunner? runner)
    {
        var draft = _obliviousDraft!;
        if (_options.Score == SplitScore.Cosine)
            _obliviousLearner!.Fit<CosineScore>(_batch, _gradients, _options.MaxDepth, _options.MinSamplesPerLeaf, _weights, _learningRates, draft, runner);
        else
            _obliviousLearner!.Fit<L2Score>(_batch, _gradients, _options.MaxDepth, _options.MinSamplesPerLeaf, _weights, _learningRates, draft, runner);
        for (var d = 0; d < draft.Depth; d++)
        {
            _splitCounts[draft.Levels[d].Feature]++;
            _gains[draft.Levels[d].Feature] += draft.LevelGain[d];
        }
        _oblivious!.Add(draft);
        return new TreeFitResult(treeIndex, draft.LeafCount, draft.Score);
    }

    private TreeFitResult FitGreedy(int treeIndex, ItemRunner? runner)
    {
        var draft = _greedyDraft!;
        if (_options.Score == SplitScore.Cosine)
            _greedyLearner!.Fit<CosineScore>(_batch, _gradients, _options.MaxDepth, _options.MinSamplesPerLeaf, _weights, _learningRates, draft, runner);
        else
            _greedyLearner!.Fit<L2Score>(_batch, _gradients, _options.MaxDepth, _options.MinSamplesPerLeaf, _weights, _learningRates, draft, runner);
        for (var i = 0; i < draft.NodeCount; i++)
        {
            _splitCounts[draft.Tests[i].Feature]++;
            _gains[draft.Tests[i].Feature] += draft.Gain[i];
        }
        _greedy!.Add(draft);
        return new TreeFitResult(treeIndex, draft.NodeCount + 1, draft.Score);
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        CheckPredictArguments(features, sampleCount, outputs);
        for (var i = 0; i < sampleCount; i++)
            _bias.CopyTo(outputs.Slice(i * OutputCount, OutputCount));
        Store.Accumulate(features, sampleCount, FeatureCount, 0, TreeCount, outputs);
    }

    /// <inheritdoc />
    public void AccumulateTrees(ReadOnlySpan<float> features, int sampleCount, int firstTree, int endTree, Span<float> outputs)
    {
        CheckPredictArguments(features, sampleCount, outputs);
        if (firstTree < 0 || endTree > TreeCount || firstTree > endTree)
            ThrowHelper.BadTreeRange(firstTree, endTree, TreeCount);
        Store.Accumulate(features, sampleCount, FeatureCount, firstTree, endTree, outputs);
    }

    private void CheckPredictArguments(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        if (sampleCount < 1)
            ThrowHelper.BadSampleCount(sampleCount);
        if (features.Length != sampleCount * FeatureCount)
            ThrowHelper.BadLength(nameof(features), features.Length, sampleCount * FeatureCount, $"{sampleCount} samples x {FeatureCount} features");
        if (outputs.Length != sampleCount * OutputCount)
            ThrowHelper.BadLength(nameof(outputs), outputs.Length, sampleCount * OutputCount, $"{sampleCount} samples x {OutputCount} outputs");
    }

    /// <inheritdoc />
    public FeatureImportance GetFeatureImportance() => new([.. _splitCounts], [.. _gains]);

    /// <inheritdoc />
    public IReadOnlyList<TreeSplit> GetSplits(int tree)
    {
        CheckTreeIndex(tree);
        var splits = new List<TreeSplit>();
        Store.GetSplits(tree, splits);
        return splits;
    }

    /// <inheritdoc />
    public string DumpTree(int tree, TreeLabels? labels = null)
    {
        CheckTreeIndex(tree);
        return Store.Dump(tree, labels);
    }

    private void CheckTreeIndex(int tree)
    {
        if ((uint)tree >= (uint)TreeCount)
            throw new ArgumentOutOfRangeException(nameof(tree), tree, $"The ensemble has {TreeCount} trees (indices 0 to {TreeCount - 1}).");
    }

    /// <inheritdoc />
    public void Save(Stream stream) => ModelFormat.Write(stream, this);

    /// <summary>Saves to <paramref name="path"/> atomically (temporary file in the same folder, then rename).</summary>
    public void SaveToFile(string path) => ModelFormat.WriteFile(path, this);

    /// <summary>Loads a model written by <see cref="Save"/>.</summary>
    /// <param name="stream">The saved model.</param>
    /// <param name="threads"><see cref="GbrlOptions.Threads"/> for the loaded booster's fits: a runtime setting that the
    /// file does not hold (0 = one per core, at most 4).</param>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt (checksum) or of an unknown version.</exception>
    public static GbrlBooster Load(Stream stream, int threads = 0) => ModelFormat.Read(stream, threads);

    /// <summary>Loads a model file written by <see cref="SaveToFile"/>.</summary>
    public static GbrlBooster LoadFromFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    internal void RestoreImportance(ReadOnlySpan<long> counts, ReadOnlySpan<double> gains)
    {
        counts.CopyTo(_splitCounts);
        gains.CopyTo(_gains);
    }

    /// <summary>Ends the fit helper threads (they also end on their own after two idle seconds).</summary>
    public void Dispose() => _runner?.Dispose();
}
