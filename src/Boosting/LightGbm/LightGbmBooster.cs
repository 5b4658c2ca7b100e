using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using RLFramework.Boosting.Ensemble;
using RLFramework.Boosting.LightGbm;

namespace RLFramework.Boosting;

/// <summary>
/// The LightGBM backend of <see cref="IGradientBooster"/>: each <see cref="FitTree"/> fits one boosting
/// iteration of LightGBM (the native <c>lib_lightgbm</c> 4.6.0 shipped with Microsoft.ML.LightGbm) to the
/// caller's gradients through <c>LGBM_BoosterUpdateOneIterCustom</c>, so users can compare engines and tests
/// can cross-check ours.
/// <para>
/// Same model: hessians are 1 and regularization is off, so a LightGBM leaf is -sum(g)/sum(h) = -mean(g);
/// the learning rate of each output slice is applied by scaling that output's gradients (LightGBM's own
/// learning rate is 1), so a leaf holds -lr * mean gradient and prediction = bias + LightGBM raw score =
/// bias - sum of lr * mean gradient, as in our engine. Per-slice gradient-norm clipping is applied first.
/// </para>
/// <para>
/// Differences from our engine, by LightGBM's design:
/// (1) LightGBM grows one tree per output (<c>num_class</c> = <see cref="OutputCount"/>, gradients passed
/// output-major), not one tree shared by all outputs; a "tree" of this class is one LightGBM iteration,
/// i.e. <see cref="OutputCount"/> LightGBM trees.
/// (2) Trees are grown leaf-wise (best first) with <c>max_depth</c> = MaxDepth and
/// <c>num_leaves</c> = 2^MaxDepth; the split gain is LightGBM's (sum over children of G^2/n, per output).
/// <see cref="GbrlOptions.Shape"/>, <see cref="GbrlOptions.Score"/> and <see cref="GbrlOptions.Binning"/>
/// are not used; <see cref="GbrlOptions.FeatureWeights"/> becomes LightGBM's <c>feature_contri</c>.
/// (3) Bin boundaries are fitted once, on the first batch passed to <see cref="FitTree"/>; every later batch
/// is a dataset created with the first one as <c>reference</c> (shared bin mappers) and swapped in with
/// <c>LGBM_BoosterResetTrainingData</c>. Values outside the first batch's range fall in the edge bins, and a
/// feature constant in the first batch can never be split on. After <see cref="Load"/>, the next
/// batch fits new bin mappers.
/// (4) <c>LGBM_BoosterResetTrainingData</c> re-evaluates a booster's trees on each new batch. To keep the cost
/// of <see cref="FitTree"/> flat, a "trainer" booster fits each iteration, which then moves into the model
/// (<c>LGBM_BoosterMerge</c>, then <c>LGBM_BoosterRollbackOneIter</c> on the trainer), so the trainer never
/// holds trees. The model is a list of boosters of up to 128 iterations each, because a merge copies the
/// whole target booster and puts the new iteration first; this class maps tree indices to chunks.
/// A batch equal to the previous one is refitted without a new dataset.
/// (5) When no output's tree can split (e.g. all gradients 0, or every learning rate 0), LightGBM adds no
/// iteration: the tree is recorded as empty (it contributes 0) so tree indices stay aligned with the caller's.
/// An output whose tree cannot split while another's can gets LightGBM's one-leaf tree of value 0 (our
/// engine's shared tree would give it its mean gradient).
/// (6) Categorical features split one category vs the rest (<c>max_cat_to_onehot</c> above every
/// cardinality); a category unseen in training, or a negative code, goes with "the rest".
/// </para>
/// <para>
/// Thread safety: an instance may be used by one thread at a time. Native handles are freed by
/// <see cref="Dispose"/> (or their finalizers). LightGBM runs single-threaded (<c>num_threads=1</c>).
/// Needs OpenMP's <c>libgomp.so.1</c> at run time: present wherever gcc is installed, but not in Debian's
/// minimal base image (package libgomp1, priority optional); a missing library is a clear
/// <see cref="DllNotFoundException"/> on first use.
/// </para>
/// </summary>
public sealed class LightGbmBooster : IGradientBooster
{
    private readonly GbrlOptions _options;
    private readonly FeatureSchema _schema;
    private readonly string _datasetParameters;
    private readonly string _boosterParameters;
    private readonly float[] _bias;

    // _iterationsBefore[t] = number of LightGBM iterations among our trees [0, t); one entry more than trees.
    private readonly List<int> _iterationsBefore = [0];

    // _trainer fits one iteration on the current batch, which then moves into the last chunk of the model, so
    // the trainer never holds trees for LGBM_BoosterResetTrainingData to re-evaluate. Chunk j holds iterations
    // [j * ChunkIterations, (j + 1) * ChunkIterations), newest first (LightGBM's merge inserts at the front and
    // copies the whole target booster, hence chunks: a merge costs O(ChunkIterations), not O(trees)).
    internal const int ChunkIterations = 128;
    private readonly List<BoosterHandle> _chunks = [];
    private BoosterHandle? _trainer;
    private DatasetHandle? _reference;
    private DatasetHandle? _current;

    private float[] _batch = [];
    private int _batchLength;
    private float[] _gradients = [];
    private float[] _hessians = [];
    private double[] _raw = [];
    private byte[] _dump = new byte[1 << 16];

    /// <summary>Creates an empty ensemble (bias 0, no trees).</summary>
    /// <param name="options">Tree options; validated.</param>
    /// <param name="schema">Which features are categorical.</param>
    public LightGbmBooster(GbrlOptions options, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        options.Validate();
        if (schema.FeatureCount < 1)
            throw new ArgumentException("The schema must have at least one feature.", nameof(schema));
        if (options.FeatureWeights is { } weights && weights.Count != schema.FeatureCount)
            throw new ArgumentException($"FeatureWeights has {weights.Count} entries but the schema has {schema.FeatureCount} features.", nameof(options));
        _options = options;
        _schema = schema;
        _datasetParameters = LightGbmParameters.Dataset(options, schema);
        _boosterParameters = LightGbmParameters.Booster(options, schema);
        _bias = new float[options.OutputCount];
    }

    /// <summary>Creates an empty ensemble over <paramref name="featureCount"/> numerical features.</summary>
    public LightGbmBooster(GbrlOptions options, int featureCount)
        : this(options, FeatureSchema.Numerical(featureCount))
    {
    }

    /// <summary>The options this ensemble was created with.</summary>
    public GbrlOptions Options => _options;

    /// <summary>Which features are categorical.</summary>
    public FeatureSchema Schema => _schema;

    /// <inheritdoc/>
    public int FeatureCount => _schema.FeatureCount;

    /// <inheritdoc/>
    public int OutputCount => _bias.Length;

    /// <inheritdoc/>
    public int TreeCount => _iterationsBefore.Count - 1;

    /// <summary>Number of LightGBM trees (one per output per non-empty iteration).</summary>
    public int NativeTreeCount => _iterationsBefore[^1] * OutputCount;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Entry t: number of LightGBM iterations among trees [0, t) (one entry more than trees).</summary>
    internal IReadOnlyList<int> IterationsBefore => _iterationsBefore;

    /// <inheritdoc/>
    public void SetBias(ReadOnlySpan<float> bias)
    {
        ThrowIfDisposed();
        if (bias.Length != _bias.Length)
            throw new ArgumentException($"Bias has {bias.Length} values but the ensemble has {_bias.Length} outputs.", nameof(bias));
        if (!float.IsFinite(TensorPrimitives.Sum(bias)))
            throw new ArgumentException("Bias values must be finite.", nameof(bias));
        bias.CopyTo(_bias);
    }

    /// <inheritdoc/>
    public unsafe TreeFitResult FitTree(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount)
    {
        ThrowIfDisposed();
        CheckFeatures(features, sampleCount);
        CheckCategoricalCodes(features, sampleCount);
        var outputs = OutputCount;
        if (gradients.Length != (long)sampleCount * outputs)
            throw new ArgumentException($"Gradients hold {gradients.Length} values but {sampleCount} samples x {outputs} outputs need {(long)sampleCount * outputs}.", nameof(gradients));
        CheckFinite(gradients, outputs);

        var treeIndex = TreeCount;
        PrepareGradients(gradients, sampleCount, treeIndex);
        LightGbmNative.SilenceThisThread();
        SwapInBatch(features, sampleCount);

        var before = _iterationsBefore[^1];
        int finished;
        fixed (float* g = _gradients)
        fixed (float* h = _hessians)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIterCustom(_trainer!, g, h, out finished));
        if (finished != 0)
        {
            // No output's tree could split: LightGBM added no iteration, except on a booster's very first one,
            // where it keeps constant trees; a fresh trainer drops them.
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterNumberOfTotalModel(_trainer!, out var kept));
            if (kept != 0)
                RecreateTrainer();
            _iterationsBefore.Add(before);
            return new TreeFitResult(treeIndex, 1, 0);
        }
        var (leaves, gain) = DescribeTrainerIteration();
        if (before % ChunkIterations == 0)
            _chunks.Add(LoadNative(ModelString(_trainer!)));
        else
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterMerge(_chunks[^1], _trainer!));
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterRollbackOneIter(_trainer!));
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterNumberOfTotalModel(_trainer!, out var left));
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterNumberOfTotalModel(_chunks[^1], out var models));
        var expected = (before % ChunkIterations + 1) * outputs;
        if (left != 0 || models != expected)
            throw new InvalidOperationException($"LightGBM holds {models} trees in the last chunk and {left} in the trainer after iteration {before}; expected {expected} and 0.");
        _iterationsBefore.Add(before + 1);
        return new TreeFitResult(treeIndex, leaves, gain);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        ThrowIfDisposed();
        CheckFeatures(features, sampleCount);
        CheckOutputs(outputs, sampleCount);
        for (var i = 0; i < sampleCount; i++)
            _bias.CopyTo(outputs.Slice(i * _bias.Length, _bias.Length));
        AddIterations(features, sampleCount, 0, _iterationsBefore[^1], outputs);
    }

    /// <inheritdoc/>
    public void AccumulateTrees(ReadOnlySpan<float> features, int sampleCount, int firstTree, int endTree, Span<float> outputs)
    {
        ThrowIfDisposed();
        if (firstTree < 0 || endTree < firstTree || endTree > TreeCount)
            throw new ArgumentOutOfRangeException(nameof(firstTree), $"The tree range [{firstTree}, {endTree}) is not within [0, {TreeCount}].");
        CheckFeatures(features, sampleCount);
        CheckOutputs(outputs, sampleCount);
        var start = _iterationsBefore[firstTree];
        AddIterations(features, sampleCount, start, _iterationsBefore[endTree] - start, outputs);
    }

    /// <inheritdoc/>
    public void Save(Stream stream)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(stream);
        var texts = new byte[_chunks.Count][];
        for (var j = 0; j < texts.Length; j++)
            texts[j] = ModelString(_chunks[j]);
        LightGbmModelFile.Write(stream, this, texts);
    }

    /// <summary>Saves to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    public void SaveToFile(string path) => ModelFile.WriteAtomically(path, Save);

    /// <summary>Loads a model written by <see cref="Save(Stream)"/>; a truncated or corrupt file is an <see cref="InvalidDataException"/>.</summary>
    public static LightGbmBooster Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var model = LightGbmModelFile.Read(stream);
        var booster = new LightGbmBooster(model.Options, model.Schema);
        try
        {
            model.Bias.CopyTo(booster._bias);
            booster._iterationsBefore.Clear();
            booster._iterationsBefore.AddRange(model.IterationsBefore);
            var total = booster._iterationsBefore[^1];
            var chunks = (total + ChunkIterations - 1) / ChunkIterations;
            if (model.ModelStrings.Length != chunks)
                throw new InvalidDataException($"LightGBM booster file holds {model.ModelStrings.Length} model texts; {total} iterations need {chunks}.");
            for (var j = 0; j < chunks; j++)
            {
                booster._chunks.Add(booster.LoadNative(model.ModelStrings[j]));
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterNumberOfTotalModel(booster._chunks[j], out var models));
                var expected = Math.Min(ChunkIterations, total - j * ChunkIterations) * booster.OutputCount;
                if (models != expected)
                    throw new InvalidDataException($"LightGBM model text {j} holds {models} trees; the file's header expects {expected}.");
            }
            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model file written by <see cref="SaveToFile"/>.</summary>
    public static LightGbmBooster LoadFromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Load(file);
    }

    /// <summary>LightGBM's own text model of chunk <paramref name="chunk"/> (up to <see cref="ChunkIterations"/> iterations, newest first).</summary>
    internal string NativeModelText(int chunk) => System.Text.Encoding.UTF8.GetString(ModelString(_chunks[chunk]));

    /// <summary>Frees the native booster and datasets.</summary>
    public void Dispose()
    {
        _trainer?.Dispose();
        _trainer = null;
        foreach (var chunk in _chunks)
            chunk.Dispose();
        _chunks.Clear();
        _current?.Dispose();
        _current = null;
        _reference?.Dispose();
        _reference = null;
        _disposed = true;
    }

    private bool _disposed;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>
    /// Creates the dataset of a new batch (the first batch's dataset as <c>reference</c>, so bin mappers are
    /// shared) and makes it the trainer's training data with <c>LGBM_BoosterResetTrainingData</c>. A batch equal
    /// to the current one (a fixed batch refitted every update) is kept as it is.
    /// </summary>
    private unsafe void SwapInBatch(ReadOnlySpan<float> features, int sampleCount)
    {
        if (_trainer is not null && _batchLength == features.Length && features.SequenceEqual(_batch.AsSpan(0, _batchLength)))
            return;
        DatasetHandle dataset;
        fixed (float* x = features)
        {
            var reference = _reference is null ? 0 : _reference.DangerousGetHandle();
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetCreateFromMat(
                x, LightGbmNative.DTypeFloat32, sampleCount, FeatureCount, 1, _datasetParameters, reference, out dataset));
            GC.KeepAlive(_reference);
        }
        try
        {
            // The first batch (also the first after Load) fits the bin mappers that every later batch shares.
            _reference ??= dataset;
            if (_trainer is null)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(dataset, _boosterParameters, out var trainer));
                _trainer = trainer;
            }
            else
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterResetTrainingData(_trainer, dataset));
            }
            if (!ReferenceEquals(dataset, _reference))
            {
                _current?.Dispose();
                _current = dataset;
            }
            if (_batch.Length < features.Length)
                _batch = new float[features.Length];
            features.CopyTo(_batch);
            _batchLength = features.Length;
        }
        catch
        {
            if (!ReferenceEquals(dataset, _reference) && !ReferenceEquals(dataset, _current))
                dataset.Dispose();
            throw;
        }
    }

    private void RecreateTrainer()
    {
        var data = _current ?? _reference!;
        _trainer!.Dispose();
        _trainer = null;
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(data, _boosterParameters, out var trainer));
        _trainer = trainer;
    }

    /// <summary>
    /// Writes the gradients output-major (LightGBM's layout for <c>num_class</c> &gt; 1), each slice's rows
    /// clipped to its MaxGradNorm and scaled by its learning rate at <paramref name="treeIndex"/>; hessians 1.
    /// </summary>
    private void PrepareGradients(ReadOnlySpan<float> gradients, int sampleCount, int treeIndex)
    {
        var outputs = OutputCount;
        var total = sampleCount * outputs;
        if (_gradients.Length < total)
        {
            _gradients = new float[total];
            _hessians = new float[total];
            _hessians.AsSpan().Fill(1f);
        }
        foreach (var slice in _options.Slices)
        {
            var rate = slice.LearningRate.At(treeIndex);
            var clip = slice.MaxGradNorm;
            for (var i = 0; i < sampleCount; i++)
            {
                var row = gradients.Slice(i * outputs + slice.Start, slice.Length);
                var scale = rate;
                if (clip > 0)
                {
                    var norm = Math.Sqrt(TensorPrimitives.Dot(row, row));
                    if (norm > clip)
                        scale *= clip / norm;
                }
                var factor = (float)scale;
                for (var j = 0; j < row.Length; j++)
                    _gradients[(slice.Start + j) * sampleCount + i] = row[j] * factor;
            }
        }
    }

    /// <summary>
    /// Adds the raw score of our iterations [start, start + count) to <paramref name="outputs"/>, chunk by chunk;
    /// a chunk of size s holds its newest iteration first, so its local iterations [lo, hi) are LightGBM's [s - hi, s - lo).
    /// Every call goes through <c>LGBM_BoosterPredictForMat</c>, even for one row: LightGBM's single-row
    /// predictor keeps the iteration range of the last batch prediction, so it cannot serve several ranges.
    /// </summary>
    private unsafe void AddIterations(ReadOnlySpan<float> features, int sampleCount, int start, int count, Span<float> outputs)
    {
        if (count == 0)
            return;
        LightGbmNative.SilenceThisThread();
        var total = sampleCount * OutputCount;
        if (_raw.Length < total)
            _raw = new double[total];
        var iterations = _iterationsBefore[^1];
        var end = start + count;
        for (var j = start / ChunkIterations; j * ChunkIterations < end; j++)
        {
            var first = j * ChunkIterations;
            var size = Math.Min(ChunkIterations, iterations - first);
            var lo = Math.Max(start, first) - first;
            var hi = Math.Min(end, first + size) - first;
            long written;
            fixed (float* x = features)
            fixed (double* raw = _raw)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(
                    _chunks[j], x, LightGbmNative.DTypeFloat32, sampleCount, FeatureCount, 1, LightGbmNative.PredictRawScore,
                    size - hi, hi - lo, LightGbmParameters.Predict, out written, raw));
            }
            if (written != total)
                throw new InvalidOperationException($"LightGBM returned {written} raw scores for {sampleCount} samples x {OutputCount} outputs.");
            for (var k = 0; k < total; k++)
                outputs[k] += (float)_raw[k];
        }
    }

    /// <summary>Leaf count and total split gain of the trainer's iteration (all its per-output trees), from its JSON dump.</summary>
    private unsafe (int Leaves, double Gain) DescribeTrainerIteration()
    {
        long length;
        while (true)
        {
            fixed (byte* buffer = _dump)
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterDumpModel(_trainer!, 0, 1, 0, _dump.Length, out length, buffer));
            if (length <= _dump.Length)
                break;
            _dump = new byte[checked((int)length)];
        }
        var json = _dump.AsSpan(0, (int)length);
        var leaves = 0;
        foreach (var value in NumbersAfter(json, "\"num_leaves\":"u8))
            leaves += (int)value;
        var gain = 0.0;
        foreach (var value in NumbersAfter(json, "\"split_gain\":"u8))
            gain += value;
        return (leaves, gain);
    }

    private static List<double> NumbersAfter(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key)
    {
        var values = new List<double>();
        while (true)
        {
            var at = json.IndexOf(key);
            if (at < 0)
                return values;
            json = json[(at + key.Length)..];
            if (Utf8Parser.TryParse(json, out double value, out var consumed))
            {
                values.Add(value);
                json = json[consumed..];
            }
        }
    }

    private static unsafe byte[] ModelString(BoosterHandle booster)
    {
        LightGbmNative.SilenceThisThread();
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(booster, 0, -1, 0, 0, out var length, null));
        var bytes = new byte[length];
        fixed (byte* buffer = bytes)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(booster, 0, -1, 0, length, out length, buffer));
        // The length counts the terminating NUL.
        return bytes.AsSpan(0, (int)Math.Max(0, length - 1)).ToArray();
    }

    private unsafe BoosterHandle LoadNative(byte[] modelString)
    {
        LightGbmNative.SilenceThisThread();
        var terminated = new byte[modelString.Length + 1];
        modelString.CopyTo(terminated, 0);
        BoosterHandle loaded;
        fixed (byte* text = terminated)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterLoadModelFromString(text, out _, out loaded));
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(loaded, out var classes));
        if (classes != OutputCount)
        {
            loaded.Dispose();
            throw new InvalidDataException($"The LightGBM model text has {classes} outputs; the booster has {OutputCount}.");
        }
        return loaded;
    }

    private void CheckFeatures(ReadOnlySpan<float> features, int sampleCount)
    {
        if (sampleCount < 1)
            throw new ArgumentOutOfRangeException(nameof(sampleCount), $"The sample count must be at least 1, got {sampleCount}.");
        if (features.Length != (long)sampleCount * FeatureCount)
            throw new ArgumentException($"Features hold {features.Length} values but {sampleCount} samples x {FeatureCount} features need {(long)sampleCount * FeatureCount}.", nameof(features));
    }

    private void CheckOutputs(Span<float> outputs, int sampleCount)
    {
        if (outputs.Length != (long)sampleCount * OutputCount)
            throw new ArgumentException($"Outputs hold {outputs.Length} values but {sampleCount} samples x {OutputCount} outputs need {(long)sampleCount * OutputCount}.", nameof(outputs));
    }

    private void CheckCategoricalCodes(ReadOnlySpan<float> features, int sampleCount)
    {
        var featureCount = FeatureCount;
        for (var f = 0; f < featureCount; f++)
        {
            var cardinality = _schema.Cardinalities[f];
            if (cardinality <= 0)
                continue;
            for (var i = 0; i < sampleCount; i++)
            {
                var code = features[i * featureCount + f];
                if (float.IsNaN(code))
                    continue;
                if (code < 0 || code >= cardinality || code != MathF.Floor(code))
                    ThrowBadCategory(i, f, code, cardinality);
            }
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> gradients, int outputs)
    {
        if (float.IsFinite(TensorPrimitives.Sum(gradients)))
            return;
        for (var k = 0; k < gradients.Length; k++)
        {
            if (!float.IsFinite(gradients[k]))
                ThrowNonFinite(k / outputs, k % outputs, gradients[k]);
        }
    }

    [DoesNotReturn]
    private static void ThrowNonFinite(int row, int column, float value) =>
        throw new ArgumentException($"Gradient of sample {row}, output {column} is {value}; gradients must be finite.", "gradients");

    [DoesNotReturn]
    private static void ThrowBadCategory(int row, int feature, float code, int cardinality) =>
        throw new ArgumentException($"Feature {feature} of sample {row} is {code}, not a category code in [0, {cardinality}).", "features");
}
