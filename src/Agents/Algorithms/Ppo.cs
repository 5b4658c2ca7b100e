using RLFramework.Agents.Buffers;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Policies;
using RLFramework.Boosting;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017, https://arxiv.org/abs/1707.06347, eq. 7 and 9)
/// on a GBRL policy: one tree per minibatch per epoch, fitted to the per-sample gradients of
/// L = pgLoss + entCoef * entropyLoss + vfCoef * valueLoss. The raw outputs of the whole rollout are
/// kept current after each tree with <see cref="IActorCriticPolicy.RefreshOutputs"/> (only the new tree is evaluated).
/// </summary>
public sealed class Ppo : ActorCriticAgent
{
    private readonly PpoOptions _options;
    private readonly RolloutBuffer _buffer;
    private readonly int[] _indices;
    private readonly float[] _mbObservations;
    private readonly float[] _mbOutputs;
    private readonly float[] _mbActions;
    private readonly float[] _mbAdvantages;
    private readonly float[] _logProbs;
    private readonly float[] _entropies;
    private readonly float[] _logProbCoefficients;
    private readonly float[] _gradients;
    private readonly double[] _logStdGradient;

    /// <summary>Creates a PPO agent with a fresh GBRL policy on <paramref name="env"/>.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">PPO options (null: defaults).</param>
    /// <param name="policyOptions">Policy options (null: defaults).</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id saved with the model.</param>
    /// <param name="boosterFactory">Makes the ensembles (null: the CPU GBRL booster).</param>
    public Ppo(IVectorEnvironment env, PpoOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0,
        string environmentId = "", Func<GbrlOptions, FeatureSchema, IGradientBooster>? boosterFactory = null)
        : this(env, options ?? new PpoOptions(), policyOptions ?? new GbrlPolicyOptions(), seed, environmentId,
            GbrlPolicies(policyOptions ?? new GbrlPolicyOptions(), boosterFactory, seed))
    {
    }

    /// <summary>A PPO agent on a policy of the caller's (for example a neural policy); such agents cannot be saved.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">PPO options.</param>
    /// <param name="policyFactory">Builds the policy from the action distribution and the observation features.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id of the environment.</param>
    public Ppo(IVectorEnvironment env, PpoOptions options, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory,
        int seed = 0, string environmentId = "")
        : this(env, options, new GbrlPolicyOptions(), seed, environmentId, policyFactory)
    {
    }

    private Ppo(IVectorEnvironment env, PpoOptions options, GbrlPolicyOptions policyOptions, int seed, string environmentId,
        Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory)
        : base(env, options, policyOptions, seed, environmentId, policyFactory)
    {
        _options = (PpoOptions)Options;
        var k = Policy.OutputCount;
        var obsSize = Policy.ObservationSize;
        var actionSize = Policy.Distribution.ActionSize;
        var b = _options.BatchSize;
        _buffer = new RolloutBuffer(_options.NumSteps, _options.NumEnvs, obsSize, actionSize, k);
        _indices = new int[_buffer.Size];
        _mbObservations = new float[b * obsSize];
        _mbOutputs = new float[b * k];
        _mbActions = new float[b * actionSize];
        _mbAdvantages = new float[b];
        _logProbs = new float[b];
        _entropies = new float[b];
        _logProbCoefficients = new float[b];
        _gradients = new float[b * k];
        _logStdGradient = new double[Policy.Distribution.LogStdCount];
    }

    /// <inheritdoc />
    public override string Algorithm => "ppo";

    /// <summary>The rollout buffer (tests).</summary>
    internal RolloutBuffer Buffer => _buffer;

    /// <summary>The row order of the last epoch (tests).</summary>
    internal ReadOnlySpan<int> LastEpochOrder => _indices;

    private protected override void RunIteration(double progressRemaining, List<Metric> metrics)
    {
        Collector.Collect(_buffer, Random, _options.Gamma, _options.GaeLambda);
        var policy = Policy;
        var distribution = policy.Distribution;
        var n = _buffer.Size;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        var obsSize = policy.ObservationSize;
        var actionSize = distribution.ActionSize;
        var clip = _options.ClipRange;
        double pgLossSum = 0, valueLossSum = 0, entropyLossSum = 0, approxKlSum = 0, clipFractionSum = 0;
        var minibatches = 0;

        for (var i = 0; i < n; i++)
            _indices[i] = i;
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            Random.Shuffle(_indices);
            for (var start = 0; start < n; start += _options.BatchSize)
            {
                var b = Math.Min(_options.BatchSize, n - start);
                // Gather the minibatch: observations, current raw outputs, actions, advantages.
                for (var i = 0; i < b; i++)
                {
                    var row = _indices[start + i];
                    _buffer.Observations.AsSpan(row * obsSize, obsSize).CopyTo(_mbObservations.AsSpan(i * obsSize));
                    _buffer.Outputs.AsSpan(row * k, k).CopyTo(_mbOutputs.AsSpan(i * k));
                    _buffer.Actions.AsSpan(row * actionSize, actionSize).CopyTo(_mbActions.AsSpan(i * actionSize));
                    _mbAdvantages[i] = _buffer.Advantages[row];
                }
                var advantages = _mbAdvantages.AsSpan(0, b);
                if (_options.NormalizeAdvantage && b > 1)
                    Standardize(advantages);
                distribution.LogProbAndEntropy(_mbOutputs, k, b, policy.LogStd, _mbActions, _logProbs, _entropies);

                double pgLoss = 0, valueLoss = 0, entropyLoss = 0, approxKl = 0, clipFraction = 0;
                for (var i = 0; i < b; i++)
                {
                    var row = _indices[start + i];
                    double advantage = advantages[i];
                    var logRatio = (double)_logProbs[i] - _buffer.LogProbs[row];
                    var ratio = Math.Exp(logRatio);
                    // Clipped surrogate (eq. 7): l = max(pgLoss1, pgLoss2); only the unclipped term has a gradient.
                    var pgLoss1 = -advantage * ratio;
                    var pgLoss2 = -advantage * Math.Clamp(ratio, 1 - clip, 1 + clip);
                    pgLoss += Math.Max(pgLoss1, pgLoss2);
                    _logProbCoefficients[i] = pgLoss1 >= pgLoss2 ? (float)(-advantage * ratio) : 0f;
                    // Value term: vfCoef * 0.5 * (V - R)^2, d/dV = vfCoef * (V - R).
                    var valueError = (double)_mbOutputs[i * k + p] - _buffer.Returns[row];
                    valueLoss += 0.5 * valueError * valueError;
                    _gradients[i * k + p] = (float)(_options.VfCoef * valueError);
                    entropyLoss -= _entropies[i];
                    approxKl += ratio - 1 - logRatio;
                    clipFraction += Math.Abs(ratio - 1) > clip ? 1 : 0;
                }
                // Policy rows: d(pgLoss_i)/dz + entCoef * d(-H_i)/dz; the log-std gets the batch mean.
                Array.Clear(_logStdGradient);
                distribution.Gradients(_mbOutputs, k, b, policy.LogStd, _mbActions, _logProbCoefficients, -_options.EntCoef, _gradients, _logStdGradient);
                for (var j = 0; j < _logStdGradient.Length; j++)
                    _logStdGradient[j] /= b;

                var versionBefore = policy.Version;
                policy.Update(_mbObservations.AsSpan(0, b * obsSize), _gradients.AsSpan(0, b * k), b, _logStdGradient, progressRemaining);
                policy.RefreshOutputs(_buffer.Observations, n, _buffer.Outputs, versionBefore);

                pgLossSum += pgLoss / b;
                valueLossSum += valueLoss / b;
                entropyLossSum += entropyLoss / b;
                approxKlSum += approxKl / b;
                clipFractionSum += clipFraction / b;
                minibatches++;
            }
        }

        metrics.Add(new Metric(MetricKeys.PolicyLoss, pgLossSum / minibatches));
        metrics.Add(new Metric(MetricKeys.ValueLoss, valueLossSum / minibatches));
        metrics.Add(new Metric(MetricKeys.EntropyLoss, entropyLossSum / minibatches));
        metrics.Add(new Metric(MetricKeys.ApproxKl, approxKlSum / minibatches));
        metrics.Add(new Metric(MetricKeys.ClipFraction, clipFractionSum / minibatches));
        metrics.Add(new Metric(MetricKeys.ExplainedVariance, ExplainedVariance(_buffer.Values, _buffer.Returns)));
        if (policy.LogStd.Length > 0)
            metrics.Add(new Metric(MetricKeys.Std, StdOf(policy.LogStd)));
    }

    internal static double StdOf(ReadOnlySpan<float> logStd)
    {
        var sum = 0.0;
        foreach (var s in logStd)
            sum += Math.Exp(s);
        return sum / logStd.Length;
    }
}
