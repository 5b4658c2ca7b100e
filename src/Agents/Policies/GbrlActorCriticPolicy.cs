using RLFramework.Agents.Distributions;
using RLFramework.Agents.Parametric;
using System.Numerics.Tensors;
using RLFramework.Boosting;

namespace RLFramework.Agents.Policies;

/// <summary>
/// An actor-critic policy whose outputs are gradient-boosted tree ensembles (GBRL): logits of a
/// categorical distribution or means of a Gaussian (with a state-independent log-std trained by Adam),
/// and the value. Shared trees: one ensemble whose every leaf holds the policy and the value outputs
/// (slices "policy" and "value", each with its learning rate and per-sample gradient clip); or
/// separate actor and critic ensembles.
/// </summary>
public sealed class GbrlActorCriticPolicy : ActorCriticPolicyBase, IActorCriticPolicy
{
    private readonly IGradientBooster? _shared;
    private readonly IGradientBooster? _actor;
    private readonly IGradientBooster? _critic;
    private readonly AdamOptimizer _logStdOptimizer;
    private float[] _scratch = [];
    private float[] _scratchValues = [];
    private float[] _decayScratch = [];

    /// <summary>Creates a policy with fresh ensembles made by <paramref name="boosterFactory"/>.</summary>
    /// <param name="distribution">The action distribution (its output count sets the policy slice).</param>
    /// <param name="features">Which observation features are categorical.</param>
    /// <param name="options">Policy options.</param>
    /// <param name="boosterFactory">Makes an ensemble from its options and feature schema (e.g. the GBRL CPU booster).</param>
    public GbrlActorCriticPolicy(ActionDistribution distribution, FeatureSchema features, GbrlPolicyOptions options,
        Func<GbrlOptions, FeatureSchema, IGradientBooster> boosterFactory)
        : base(distribution)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(boosterFactory);
        options.Validate();
        if (features.FeatureCount < 1)
            throw new ArgumentException("The observation has no features; a tree policy needs at least one.", nameof(features));
        Options = options;
        Features = features;
        var p = distribution.OutputCount;
        var policyRate = LearningRateSchedule.Constant(options.PolicyLearningRate);
        var valueRate = LearningRateSchedule.Constant(options.ValueLearningRate);
        if (options.SharedTrees)
        {
            _shared = boosterFactory(options.BoosterOptions(
                [new OutputSlice("policy", 0, p, policyRate, options.MaxPolicyGradNorm),
                 new OutputSlice("value", p, 1, valueRate, options.MaxValueGradNorm)]), features);
        }
        else
        {
            _actor = boosterFactory(options.BoosterOptions([new OutputSlice("policy", 0, p, policyRate, options.MaxPolicyGradNorm)]), features);
            _critic = boosterFactory(options.BoosterOptions([new OutputSlice("value", 0, 1, valueRate, options.MaxValueGradNorm)]), features);
        }
        Array.Fill(LogStdValues, (float)options.LogStdInit);
        _logStdOptimizer = new AdamOptimizer(LogStdValues.Length, new AdamOptions());
    }

    /// <summary>Rebuilds a saved policy around loaded ensembles.</summary>
    internal GbrlActorCriticPolicy(ActionDistribution distribution, FeatureSchema features, GbrlPolicyOptions options,
        IGradientBooster? shared, IGradientBooster? actor, IGradientBooster? critic, int version)
        : base(distribution)
    {
        Options = options;
        Features = features;
        _shared = shared;
        _actor = actor;
        _critic = critic;
        Version = version;
        _logStdOptimizer = new AdamOptimizer(LogStdValues.Length, new AdamOptions());
    }

    /// <summary>The options the policy was built with.</summary>
    public GbrlPolicyOptions Options { get; }

    /// <summary>Which observation features are categorical.</summary>
    public FeatureSchema Features { get; }

    /// <inheritdoc />
    public int ObservationSize => Features.FeatureCount;

    /// <inheritdoc />
    public int Version { get; private set; }

    /// <summary>Total number of trees over all ensembles.</summary>
    public int TreeCount => _shared?.TreeCount ?? (_actor!.TreeCount + _critic!.TreeCount);

    internal IGradientBooster? SharedBooster => _shared;

    internal IGradientBooster? ActorBooster => _actor;

    internal IGradientBooster? CriticBooster => _critic;

    internal AdamOptimizer LogStdOptimizer => _logStdOptimizer;

    internal Span<float> MutableLogStd => LogStdValues;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> observations, int count, Span<float> outputs)
    {
        CheckRows(observations, count, outputs);
        if (count == 0)
            return;
        observations = observations[..(count * ObservationSize)];
        outputs = outputs[..(count * OutputCount)];
        if (_shared is not null)
        {
            _shared.Predict(observations, count, outputs);
            return;
        }
        var p = Distribution.OutputCount;
        var policy = Scratch(count * p);
        var values = ScratchValues(count);
        _actor!.Predict(observations, count, policy);
        _critic!.Predict(observations, count, values);
        Interleave(policy, values, count, p, outputs);
    }

    /// <inheritdoc />
    public void RefreshOutputs(ReadOnlySpan<float> observations, int count, Span<float> outputs, int fromVersion)
    {
        CheckRows(observations, count, outputs);
        if (fromVersion < 0 || fromVersion > Version)
            throw new ArgumentOutOfRangeException(nameof(fromVersion), $"Version {fromVersion} is not between 0 and the current version {Version}.");
        if (fromVersion == Version || count == 0)
            return;
        observations = observations[..(count * ObservationSize)];
        outputs = outputs[..(count * OutputCount)];
        if (_shared is not null)
        {
            _shared.AccumulateTrees(observations, count, fromVersion, Version, outputs);
            return;
        }
        var p = Distribution.OutputCount;
        var policy = Scratch(count * p);
        var values = ScratchValues(count);
        policy.Clear();
        values.Clear();
        _actor!.AccumulateTrees(observations, count, fromVersion, Version, policy);
        _critic!.AccumulateTrees(observations, count, fromVersion, Version, values);
        var k = OutputCount;
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < p; j++)
                outputs[i * k + j] += policy[i * p + j];
            outputs[i * k + p] += values[i];
        }
    }

    /// <inheritdoc />
    public void PredictValues(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        if (_critic is not null)
        {
            if (count > 0)
                _critic.Predict(observations[..(count * ObservationSize)], count, values[..count]);
            return;
        }
        var rows = RowScratch(count * OutputCount);
        Forward(observations, count, rows);
        CopyValues(rows, count, values);
    }

    /// <inheritdoc />
    public void Update(ReadOnlySpan<float> observations, ReadOnlySpan<float> gradients, int count,
        ReadOnlySpan<double> logStdGradient, double progressRemaining)
    {
        var k = OutputCount;
        if (gradients.Length < count * k)
            throw new ArgumentException($"The gradients hold {gradients.Length} floats; {count} rows of {k} outputs need {count * k}.", nameof(gradients));
        observations = observations[..(count * ObservationSize)];
        gradients = gradients[..(count * k)];
        if (Options.LinearLearningRateDecay)
        {
            var scaled = DecayScratch(count * k);
            gradients.CopyTo(scaled);
            TensorPrimitives.Multiply(scaled, (float)Math.Clamp(progressRemaining, 0, 1), scaled);
            gradients = scaled;
        }
        if (_shared is not null)
        {
            _shared.FitTree(observations, gradients, count);
        }
        else
        {
            var p = Distribution.OutputCount;
            var policy = Scratch(count * p);
            var values = ScratchValues(count);
            for (var i = 0; i < count; i++)
            {
                gradients.Slice(i * k, p).CopyTo(policy.Slice(i * p, p));
                values[i] = gradients[i * k + p];
            }
            _actor!.FitTree(observations, policy, count);
            _critic!.FitTree(observations, values, count);
        }
        if (LogStdValues.Length > 0)
            _logStdOptimizer.Step(LogStdValues, logStdGradient, Options.LogStdLearningRate * Math.Clamp(progressRemaining, 0, 1));
        Version++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _shared?.Dispose();
        _actor?.Dispose();
        _critic?.Dispose();
    }

    private void CheckRows(ReadOnlySpan<float> observations, int count, Span<float> outputs)
    {
        if (count < 0 || observations.Length < count * ObservationSize)
            throw new ArgumentException($"The observations hold {observations.Length} floats; {count} rows of {ObservationSize} features need {count * ObservationSize}.", nameof(observations));
        if (outputs.Length < count * OutputCount)
            throw new ArgumentException($"The outputs hold {outputs.Length} floats; {count} rows of {OutputCount} need {count * OutputCount}.", nameof(outputs));
    }

    private static void Interleave(ReadOnlySpan<float> policy, ReadOnlySpan<float> values, int count, int p, Span<float> outputs)
    {
        var k = p + 1;
        for (var i = 0; i < count; i++)
        {
            policy.Slice(i * p, p).CopyTo(outputs.Slice(i * k, p));
            outputs[i * k + p] = values[i];
        }
    }

    private Span<float> Scratch(int length)
    {
        if (_scratch.Length < length)
            _scratch = new float[Math.Max(length, _scratch.Length * 2)];
        return _scratch.AsSpan(0, length);
    }

    private Span<float> DecayScratch(int length)
    {
        if (_decayScratch.Length < length)
            _decayScratch = new float[Math.Max(length, _decayScratch.Length * 2)];
        return _decayScratch.AsSpan(0, length);
    }

    private Span<float> ScratchValues(int length)
    {
        if (_scratchValues.Length < length)
            _scratchValues = new float[Math.Max(length, _scratchValues.Length * 2)];
        return _scratchValues.AsSpan(0, length);
    }
}
