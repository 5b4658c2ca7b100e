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
    private readonly float[] _mbObservations;
    private readonly float[] _mbOutputs;
    private readonly float[] _mbActions;
    private readonly float[] _logProbs;
    private readonly float[] _entropies;
    private readonly float[] _logProbCoefficients;
    private readonly float[] _gradients;
    private readonly double[] _logStdGradient;

    /// <summary>Creates an AWR agent with a fresh GBRL policy on <paramref name="env"/>.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">AWR options (null: defaults).</param>
    /// <param name="policyOptions">Policy options (null: defaults).</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id saved with the model.</param>
    /// <param name="boosterFactory">Makes the ensembles (null: the CPU GBRL booster).</param>
    public Awr(IVectorEnvironment env, AwrOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0,
        string environmentId = "", Func<GbrlOptions, FeatureSchema, IGradientBooster>? boosterFactory = null)
        : this(env, options ?? new AwrOptions(), policyOptions ?? new GbrlPolicyOptions(), seed, environmentId,
            GbrlPolicies(policyOptions ?? new GbrlPolicyOptions(), boosterFactory, seed))
    {
    }

    /// <summary>An AWR agent on a policy of the caller's (for example a neural policy); such agents cannot be saved.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">AWR options.</param>
    /// <param name="policyFactory">Builds the policy from the action distribution and the observation features.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id of the environment.</param>
    public Awr(IVectorEnvironment env, AwrOptions options, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory,
        int seed = 0, string environmentId = "")
        : this(env, options, new GbrlPolicyOptions(), seed, environmentId, policyFactory)
    {
    }

    private Awr(IVectorEnvironment env, AwrOptions options, GbrlPolicyOptions policyOptions, int seed, string environmentId,
        Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory)
        : base(env, options, policyOptions, seed, environmentId, policyFactory)
    {
        _options = (AwrOptions)Options;
        var k = Policy.OutputCount;
        var obsSize = Policy.ObservationSize;
        var actionSize = Policy.Distribution.ActionSize;
        var b = _options.BatchSize;
        _rollout = new RolloutBuffer(_options.StepsPerEnv, _options.NumEnvs, obsSize, actionSize, k);
        _replay = new ReplayBuffer(Math.Max(1, _options.BufferSize / _options.NumEnvs), _options.NumEnvs, obsSize, actionSize, k);
        _weights = new float[_replay.CapacitySteps * _options.NumEnvs];
        _lastValues = new float[_options.NumEnvs];
        _mbRows = new int[b];
        _mbObservations = new float[b * obsSize];
        _mbOutputs = new float[b * k];
        _mbActions = new float[b * actionSize];
        _logProbs = new float[b];
        _entropies = new float[b];
        _logProbCoefficients = new float[b];
        _gradients = new float[b * k];
        _logStdGradient = new double[Policy.Distribution.LogStdCount];
    }

    /// <inheritdoc />
    public override string Algorithm => "awr";

    /// <summary>The replay buffer (tests).</summary>
    internal ReplayBuffer Replay => _replay;

    /// <summary>The replay rows of the last minibatch (tests).</summary>
    internal ReadOnlySpan<int> LastMinibatchRows => _mbRows;

    internal override void WriteAlgorithmState(BinaryWriter writer) => _replay.Write(writer);

    internal override void ReadAlgorithmState(BinaryReader reader) => _replay.Read(reader);

    private protected override void RunIteration(double progressRemaining, List<Metric> metrics)
    {
        Collector.Collect(_rollout, Random, _options.Gamma, _options.GaeLambda);
        _replay.Add(_rollout);
        var policy = Policy;
        var distribution = policy.Distribution;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        var obsSize = policy.ObservationSize;
        var actionSize = distribution.ActionSize;
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
                _replay.Observations.AsSpan(row * obsSize, obsSize).CopyTo(_mbObservations.AsSpan(i * obsSize));
                _replay.Outputs.AsSpan(row * k, k).CopyTo(_mbOutputs.AsSpan(i * k));
                _replay.Actions.AsSpan(row * actionSize, actionSize).CopyTo(_mbActions.AsSpan(i * actionSize));
                _logProbCoefficients[i] = -weights[row];
                // Value term: vfCoef * 0.5 * (V - R)^2, d/dV = vfCoef * (V - R).
                var valueError = (double)_mbOutputs[i * k + p] - _replay.Returns[row];
                valueLossSum += 0.5 * valueError * valueError / b;
                _gradients[i * k + p] = (float)(_options.VfCoef * valueError);
                weightSum += weights[row] / b;
            }
            distribution.LogProbAndEntropy(_mbOutputs, k, b, policy.LogStd, _mbActions, _logProbs, _entropies);
            for (var i = 0; i < b; i++)
            {
                pgLossSum += _logProbCoefficients[i] * _logProbs[i] / b;
                entropyLossSum -= _entropies[i] / b;
            }
            Array.Clear(_logStdGradient);
            distribution.Gradients(_mbOutputs, k, b, policy.LogStd, _mbActions, _logProbCoefficients, -_options.EntCoef, _gradients, _logStdGradient);
            for (var j = 0; j < _logStdGradient.Length; j++)
                _logStdGradient[j] /= b;

            var versionBefore = policy.Version;
            policy.Update(_mbObservations.AsSpan(0, b * obsSize), _gradients.AsSpan(0, b * k), b, _logStdGradient, progressRemaining);
            policy.RefreshOutputs(_replay.Observations.AsSpan(0, rows * obsSize), rows, _replay.Outputs, versionBefore);
        }

        var steps = _options.GradientSteps;
        metrics.Add(new Metric(MetricKeys.PolicyLoss, pgLossSum / steps));
        metrics.Add(new Metric(MetricKeys.ValueLoss, valueLossSum / steps));
        metrics.Add(new Metric(MetricKeys.EntropyLoss, entropyLossSum / steps));
        metrics.Add(new Metric("train/mean_weight", weightSum / steps));
        metrics.Add(new Metric(MetricKeys.ExplainedVariance, ExplainedVariance(_rollout.Values, _rollout.Returns)));
        if (policy.LogStd.Length > 0)
            metrics.Add(new Metric(MetricKeys.Std, Ppo.StdOf(policy.LogStd)));
    }
}
