using RLFramework.Agents.Buffers;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Policies;
using RLFramework.Boosting;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// Advantage-Weighted Regression (Peng et al. 2019, https://arxiv.org/abs/1910.00177, Algorithm 1) on a
/// GBRL policy: every TrainFreq steps the rollout joins a replay buffer; TD(lambda) advantages are
/// recomputed over the buffer with the current critic; then GradientSteps trees are fitted, each on a
/// random minibatch, to the per-sample gradients of
/// l = pgLoss + entCoef * entropyLoss + vfCoef * valueLoss with pgLoss = -w log pi(a|s),
/// w = min(exp(A / beta), MaxWeight), valueLoss = 0.5 (V - R)^2.
/// </summary>
public sealed class Awr : ActorCriticAgent
{
    private readonly AwrOptions _options;
    private readonly RolloutBuffer _rollout;
    private readonly ReplayBuffer _replay;
    private readonly float[] _weights;
    private readonly float[] _lastValues;
    private readonly int[] _mbRows;
    private readonly MinibatchScratch _minibatch;

    /// <summary>Creates an AWR agent on <paramref name="env"/> with a fresh policy.</summary>
    /// <inheritdoc cref="ActorCriticAgent(IVectorEnvironment, IAlgorithmOptions, GbrlPolicyOptions, int, string, BoosterProvider, Func{ActionDistribution, FeatureSchema, IActorCriticPolicy})" path="/param"/>
    public Awr(IVectorEnvironment env, AwrOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0, string environmentId = "",
        BoosterProvider? boosters = null, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy>? policyFactory = null)
        : base(env, options ?? new AwrOptions(), policyOptions, seed, environmentId, boosters, policyFactory)
    {
        _options = (AwrOptions)Options;
        var k = Policy.OutputCount;
        var obsSize = Policy.ObservationSize;
        var actionSize = Policy.Distribution.ActionSize;
        _rollout = new RolloutBuffer(_options.StepsPerEnv, _options.NumEnvs, obsSize, actionSize, k);
        _replay = new ReplayBuffer(Math.Max(1, _options.BufferSize / _options.NumEnvs), _options.NumEnvs, obsSize, actionSize, k);
        _weights = new float[_replay.CapacitySteps * _options.NumEnvs];
        _lastValues = new float[_options.NumEnvs];
        _mbRows = new int[_options.BatchSize];
        _minibatch = new MinibatchScratch(_options.BatchSize, obsSize, actionSize, k, Policy.Distribution.LogStdCount);
    }

    /// <inheritdoc />
    public override string Algorithm => "awr";

    /// <summary>The replay buffer (tests).</summary>
    internal ReplayBuffer Replay => _replay;

    /// <summary>The replay rows of the last minibatch (tests).</summary>
    internal ReadOnlySpan<int> LastMinibatchRows => _mbRows;

    internal override void WriteAlgorithmState(BinaryWriter writer) => _replay.Write(writer, _options.UseMasking);

    internal override void ReadAlgorithmState(BinaryReader reader) => _replay.Read(reader, _options.UseMasking);

    private protected override void RunIteration(double progressRemaining, List<Metric> metrics)
    {
        Collector.Collect(_rollout, Random, _options.Gamma, _options.GaeLambda);
        _replay.Add(_rollout);
        var policy = Policy;
        var distribution = policy.Distribution;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        var mb = _minibatch;
        var rows = _replay.Rows;

        // Advantages over the whole replay buffer with the current critic, then the weights w = min(exp(A / beta), MaxWeight).
        policy.PredictValues(Collector.CurrentObservations, _options.NumEnvs, _lastValues);
        _replay.ComputeReturnsAndAdvantages(_lastValues, _options.Gamma, _options.GaeLambda);
        var advantages = _replay.Advantages.AsSpan(0, rows);
        advantages.CopyTo(_weights);
        var weights = _weights.AsSpan(0, rows);
        if (_options.NormalizeAdvantage)
            Standardize(weights);
        for (var i = 0; i < rows; i++)
            weights[i] = (float)Math.Min(Math.Exp(weights[i] / _options.Beta), _options.MaxWeight);

        double pgLossSum = 0, valueLossSum = 0, entropyLossSum = 0, weightSum = 0;
        var b = Math.Min(_options.BatchSize, rows);
        for (var step = 0; step < _options.GradientSteps; step++)
        {
            // A minibatch drawn uniformly (with replacement) from the replay buffer.
            for (var i = 0; i < b; i++)
            {
                var row = Random.NextInt(rows);
                _mbRows[i] = row;
                mb.Gather(i, row, _replay.Observations, _replay.Outputs, _replay.Actions, _replay.ActionMasks);
                mb.LogProbCoefficients[i] = -weights[row];
                // Value term: vfCoef * 0.5 * (V - R)^2, d/dV = vfCoef * (V - R).
                var valueError = (double)mb.Outputs[i * k + p] - _replay.Returns[row];
                valueLossSum += 0.5 * valueError * valueError / b;
                mb.Gradients[i * k + p] = (float)(_options.VfCoef * valueError);
                weightSum += weights[row] / b;
            }
            if (_options.UseMasking)
                ActionMasking.Apply(mb.Outputs, k, b, p, mb.ActionMasks);
            distribution.LogProbAndEntropy(mb.Outputs, k, b, policy.LogStd, mb.Actions, mb.LogProbs, mb.Entropies);
            for (var i = 0; i < b; i++)
            {
                pgLossSum += mb.LogProbCoefficients[i] * mb.LogProbs[i] / b;
                entropyLossSum -= mb.Entropies[i] / b;
            }
            mb.PolicyGradients(distribution, policy.LogStd, mb.Outputs, mb.Actions, b, _options.EntCoef);
            UpdateAndRefresh(policy, mb, b, progressRemaining, _replay.Observations.AsSpan(0, rows * policy.ObservationSize), rows, _replay.Outputs);
        }

        var steps = _options.GradientSteps;
        metrics.Add(new Metric(MetricKeys.PolicyLoss, pgLossSum / steps));
        metrics.Add(new Metric(MetricKeys.ValueLoss, valueLossSum / steps));
        metrics.Add(new Metric(MetricKeys.EntropyLoss, entropyLossSum / steps));
        metrics.Add(new Metric("train/mean_weight", weightSum / steps));
        AddValueAndStdMetrics(metrics, _rollout.Values, _rollout.Returns);
    }
}
