using RLFramework.Agents.Distributions;
using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.Policies;

/// <summary>
/// The neural actor-critic baseline (Stable-Baselines3's MlpPolicy): separate policy and value
/// networks (<see cref="Mlp"/>, tanh hidden layers, 2x64 by default) for the logits or Gaussian means
/// and for the value, a state-independent log-std for continuous actions, orthogonal initialization
/// (gain sqrt(2) hidden, 0.01 policy output, 1 value output), and one Adam step per
/// <see cref="Update"/> after clipping the global gradient norm (SB3's max_grad_norm).
/// </summary>
/// <remarks>
/// <see cref="Update"/> backpropagates the per-sample output gradients the algorithm computed
/// (row i = N * dLoss/dOutputs_i) through both networks and divides by N, which gives the gradient of
/// the batch-mean loss with respect to the parameters. Parameters are one flat vector:
/// policy network, value network, then the log-std.
/// </remarks>
public sealed class MlpActorCriticPolicy : ActorCriticPolicyBase, IActorCriticPolicy
{
    private const int FileVersion = 1;
    private readonly Mlp _policyNet;
    private readonly Mlp _valueNet;
    private readonly double[] _parameters;
    private readonly double[] _gradient;
    private readonly AdamOptimizer _optimizer;
    private readonly double[] _input;
    private readonly double[] _policyOut;
    private readonly double[] _valueOut;
    private readonly double[] _policyGrad;
    private readonly double[] _valueGrad;
    private readonly int[] _hidden;

    /// <summary>Creates a freshly initialized policy.</summary>
    /// <param name="distribution">The action distribution (its output count sets the policy network's outputs).</param>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="options">Policy options (the Mlp* options, <see cref="GbrlPolicyOptions.LogStdInit"/>, <see cref="GbrlPolicyOptions.LinearLearningRateDecay"/>).</param>
    /// <param name="seed">Seed of the initialization.</param>
    public MlpActorCriticPolicy(ActionDistribution distribution, int observationSize, GbrlPolicyOptions options, int seed)
        : this(distribution, observationSize, options)
    {
        var random = new RandomSource(seed ^ 0x5EED_4D4C);
        OrthogonalInit(_hidden, observationSize, distribution.OutputCount, PolicyParameters, random, 0.01);
        OrthogonalInit(_hidden, observationSize, 1, ValueParameters, random, 1.0);
        Array.Fill(LogStdValues, (float)options.LogStdInit);
        LogStdParameters.Fill(options.LogStdInit);
    }

    private MlpActorCriticPolicy(ActionDistribution distribution, int observationSize, GbrlPolicyOptions options)
        : base(distribution)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (observationSize < 1)
            throw new ArgumentException($"observationSize must be at least 1 (got {observationSize}).", nameof(observationSize));
        Options = options;
        ObservationSize = observationSize;
        _hidden = new int[options.MlpHiddenLayers];
        Array.Fill(_hidden, options.MlpHiddenSize);
        _policyNet = new Mlp(observationSize, _hidden, distribution.OutputCount);
        _valueNet = new Mlp(observationSize, _hidden, 1);
        _parameters = new double[_policyNet.ParameterCount + _valueNet.ParameterCount + distribution.LogStdCount];
        _gradient = new double[_parameters.Length];
        _optimizer = new AdamOptimizer(_parameters.Length, new AdamOptions { LearningRate = options.MlpLearningRate });
        _input = new double[observationSize];
        _policyOut = new double[distribution.OutputCount];
        _valueOut = new double[1];
        _policyGrad = new double[distribution.OutputCount];
        _valueGrad = new double[1];
    }

    /// <summary>The options the policy was built with.</summary>
    public GbrlPolicyOptions Options { get; }

    /// <inheritdoc />
    public int ObservationSize { get; }

    /// <inheritdoc />
    public int Version { get; private set; }

    /// <summary>Number of trainable parameters (both networks and the log-std).</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>The flat parameter vector (tests: finite differences).</summary>
    internal Span<double> Parameters => _parameters;

    private Span<double> PolicyParameters => _parameters.AsSpan(0, _policyNet.ParameterCount);

    private Span<double> ValueParameters => _parameters.AsSpan(_policyNet.ParameterCount, _valueNet.ParameterCount);

    private Span<double> LogStdParameters => _parameters.AsSpan(_policyNet.ParameterCount + _valueNet.ParameterCount);

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> observations, int count, Span<float> outputs)
    {
        CheckRows(observations, count, outputs);
        var k = OutputCount;
        var p = Distribution.OutputCount;
        for (var i = 0; i < count; i++)
        {
            ForwardRow(observations.Slice(i * ObservationSize, ObservationSize));
            for (var j = 0; j < p; j++)
                outputs[i * k + j] = (float)_policyOut[j];
            outputs[i * k + p] = (float)_valueOut[0];
        }
    }

    /// <summary>The outputs of one observation in double precision (tests).</summary>
    internal void ForwardRow(ReadOnlySpan<float> observation, Span<double> outputs)
    {
        ForwardRow(observation);
        _policyOut.CopyTo(outputs);
        outputs[Distribution.OutputCount] = _valueOut[0];
    }

    /// <inheritdoc />
    public void RefreshOutputs(ReadOnlySpan<float> observations, int count, Span<float> outputs, int fromVersion)
    {
        if (fromVersion < 0 || fromVersion > Version)
            throw new ArgumentOutOfRangeException(nameof(fromVersion), $"Version {fromVersion} is not between 0 and the current version {Version}.");
        if (fromVersion != Version)
            Forward(observations, count, outputs);
    }

    /// <inheritdoc />
    public void PredictValues(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        var rows = RowScratch(count * OutputCount);
        Forward(observations, count, rows);
        CopyValues(rows, count, values);
    }

    /// <inheritdoc />
    public void Update(ReadOnlySpan<float> observations, ReadOnlySpan<float> gradients, int count,
        ReadOnlySpan<double> logStdGradient, double progressRemaining)
    {
        ComputeGradient(observations, gradients, count, logStdGradient, _gradient);
        var maxNorm = Options.MlpMaxGradNorm;
        if (maxNorm > 0)
        {
            // PyTorch's clip_grad_norm_: scale by max / (norm + 1e-6) when that is below 1.
            var sum = 0.0;
            foreach (var g in _gradient)
                sum += g * g;
            var scale = maxNorm / (Math.Sqrt(sum) + 1e-6);
            if (scale < 1)
            {
                for (var j = 0; j < _gradient.Length; j++)
                    _gradient[j] *= scale;
            }
        }
        for (var j = 0; j < _gradient.Length; j++)
        {
            if (!double.IsFinite(_gradient[j]))
                throw new InvalidOperationException($"The MLP policy's gradient is not finite at update {Version + 1} (parameter {j}); training diverged.");
        }
        var rate = Options.MlpLearningRate * (Options.LinearLearningRateDecay ? Math.Clamp(progressRemaining, 0, 1) : 1.0);
        if (rate > 0)
            _optimizer.Step(_parameters, _gradient, rate);
        var logStd = LogStdParameters;
        for (var j = 0; j < LogStdValues.Length; j++)
            LogStdValues[j] = (float)logStd[j];
        Version++;
    }

    /// <summary>
    /// The gradient of the batch-mean loss with respect to the flat parameters, before clipping:
    /// (1/N) sum_i J_i^T gradients_i for both networks, and <paramref name="logStdGradient"/> for the log-std.
    /// </summary>
    internal void ComputeGradient(ReadOnlySpan<float> observations, ReadOnlySpan<float> gradients, int count,
        ReadOnlySpan<double> logStdGradient, Span<double> result)
    {
        var k = OutputCount;
        var p = Distribution.OutputCount;
        if (count < 1)
            throw new ArgumentException($"An update needs at least one sample (got {count}).", nameof(count));
        if (observations.Length < count * ObservationSize)
            throw new ArgumentException($"The observations hold {observations.Length} floats; {count} rows of {ObservationSize} features need {count * ObservationSize}.", nameof(observations));
        if (gradients.Length < count * k)
            throw new ArgumentException($"The gradients hold {gradients.Length} floats; {count} rows of {k} outputs need {count * k}.", nameof(gradients));
        if (logStdGradient.Length != LogStdValues.Length)
            throw new ArgumentException($"The log-std gradient has {logStdGradient.Length} entries; the policy has {LogStdValues.Length}.", nameof(logStdGradient));
        Mlp.CheckLength(result.Length, _parameters.Length, nameof(result));
        result.Clear();
        var policyGradient = result[.._policyNet.ParameterCount];
        var valueGradient = result.Slice(_policyNet.ParameterCount, _valueNet.ParameterCount);
        var inverse = 1.0 / count;
        for (var i = 0; i < count; i++)
        {
            ForwardRow(observations.Slice(i * ObservationSize, ObservationSize));
            for (var j = 0; j < p; j++)
                _policyGrad[j] = gradients[i * k + j] * inverse;
            _valueGrad[0] = gradients[i * k + p] * inverse;
            _policyNet.Backward(PolicyParameters, _policyGrad, policyGradient);
            _valueNet.Backward(ValueParameters, _valueGrad, valueGradient);
        }
        logStdGradient.CopyTo(result[(_policyNet.ParameterCount + _valueNet.ParameterCount)..]);
    }

    /// <summary>Writes the parameters, the Adam state and the version.</summary>
    internal void Write(BinaryWriter writer)
    {
        writer.Write("MLPAC");
        writer.Write(FileVersion);
        writer.Write(ObservationSize);
        writer.Write(Distribution.OutputCount);
        writer.Write(_parameters.Length);
        writer.Write(Version);
        writer.Write(_optimizer.StepCount);
        foreach (var v in _parameters)
            writer.Write(v);
        foreach (var v in _optimizer.FirstMoment)
            writer.Write(v);
        foreach (var v in _optimizer.SecondMoment)
            writer.Write(v);
    }

    /// <summary>Reads a policy written by <see cref="Write"/>; the shape must match the options and the distribution.</summary>
    internal static MlpActorCriticPolicy Read(BinaryReader reader, ActionDistribution distribution, int observationSize, GbrlPolicyOptions options)
    {
        if (reader.ReadString() != "MLPAC")
            throw new InvalidDataException("The policy section does not hold an MLP policy.");
        var version = reader.ReadInt32();
        if (version != FileVersion)
            throw new InvalidDataException($"The MLP policy has format version {version}; this build reads version {FileVersion}.");
        var policy = new MlpActorCriticPolicy(distribution, observationSize, options);
        int obs = reader.ReadInt32(), outputs = reader.ReadInt32(), parameters = reader.ReadInt32();
        if (obs != observationSize || outputs != distribution.OutputCount || parameters != policy._parameters.Length)
            throw new InvalidDataException($"The saved MLP policy has {obs} inputs, {outputs} outputs and {parameters} parameters; the options and environment give {observationSize}, {distribution.OutputCount} and {policy._parameters.Length}.");
        policy.Version = reader.ReadInt32();
        policy._optimizer.StepCount = reader.ReadInt32();
        for (var j = 0; j < parameters; j++)
            policy._parameters[j] = reader.ReadDouble();
        for (var j = 0; j < parameters; j++)
            policy._optimizer.FirstMoment[j] = reader.ReadDouble();
        for (var j = 0; j < parameters; j++)
            policy._optimizer.SecondMoment[j] = reader.ReadDouble();
        var logStd = policy.LogStdParameters;
        for (var j = 0; j < policy.LogStdValues.Length; j++)
            policy.LogStdValues[j] = (float)logStd[j];
        return policy;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void ForwardRow(ReadOnlySpan<float> observation)
    {
        for (var j = 0; j < _input.Length; j++)
            _input[j] = observation[j];
        _policyNet.Forward(PolicyParameters, _input, _policyOut);
        _valueNet.Forward(ValueParameters, _input, _valueOut);
    }

    /// <summary>
    /// Orthogonal weights (Saxe et al. 2014; SB3's init) with the given gains, zero biases, in the
    /// <see cref="Mlp"/> layout: per layer the weight matrix row-major (output by input), then the bias.
    /// </summary>
    private static void OrthogonalInit(int[] hidden, int inputSize, int outputSize, Span<double> parameters, RandomSource random, double outputGain)
    {
        var offset = 0;
        var fanIn = inputSize;
        for (var l = 0; l <= hidden.Length; l++)
        {
            var last = l == hidden.Length;
            var fanOut = last ? outputSize : hidden[l];
            var weights = parameters.Slice(offset, fanOut * fanIn);
            for (var i = 0; i < weights.Length; i++)
                weights[i] = random.NextGaussian();
            Orthonormalize(weights, fanOut, fanIn);
            var gain = last ? outputGain : Math.Sqrt(2);
            for (var i = 0; i < weights.Length; i++)
                weights[i] *= gain;
            offset += fanOut * fanIn;
            parameters.Slice(offset, fanOut).Clear();
            offset += fanOut;
            fanIn = fanOut;
        }
    }

    /// <summary>Gram-Schmidt on the rows (rows &lt;= columns) or on the columns of a row-major matrix.</summary>
    private static void Orthonormalize(Span<double> matrix, int rows, int columns)
    {
        var byRows = rows <= columns;
        int vectors = byRows ? rows : columns, length = byRows ? columns : rows;
        int Index(int v, int e) => byRows ? v * columns + e : e * columns + v;
        for (var v = 0; v < vectors; v++)
        {
            for (var u = 0; u < v; u++)
            {
                var dot = 0.0;
                for (var e = 0; e < length; e++)
                    dot += matrix[Index(v, e)] * matrix[Index(u, e)];
                for (var e = 0; e < length; e++)
                    matrix[Index(v, e)] -= dot * matrix[Index(u, e)];
            }
            var norm = 0.0;
            for (var e = 0; e < length; e++)
                norm += matrix[Index(v, e)] * matrix[Index(v, e)];
            norm = Math.Sqrt(norm);
            for (var e = 0; e < length; e++)
                matrix[Index(v, e)] /= norm;
        }
    }

    private void CheckRows(ReadOnlySpan<float> observations, int count, Span<float> outputs)
    {
        if (count < 0 || observations.Length < count * ObservationSize)
            throw new ArgumentException($"The observations hold {observations.Length} floats; {count} rows of {ObservationSize} features need {count * ObservationSize}.", nameof(observations));
        if (outputs.Length < count * OutputCount)
            throw new ArgumentException($"The outputs hold {outputs.Length} floats; {count} rows of {OutputCount} need {count * OutputCount}.", nameof(outputs));
    }
}
