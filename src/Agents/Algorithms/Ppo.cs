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
public sealed class Ppo : OnPolicyAgent
{
    private readonly PpoOptions _options;
    private readonly int[] _indices;
    private readonly MinibatchScratch _minibatch;

    /// <summary>Creates a PPO agent on <paramref name="env"/> with a fresh policy.</summary>
    /// <inheritdoc cref="ActorCriticAgent(IVectorEnvironment, IAlgorithmOptions, GbrlPolicyOptions, int, string, BoosterProvider, Func{ActionDistribution, FeatureSchema, IActorCriticPolicy})" path="/param"/>
    public Ppo(IVectorEnvironment env, PpoOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0, string environmentId = "",
        BoosterProvider? boosters = null, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy>? policyFactory = null)
        : base(env, options ?? new PpoOptions(), policyOptions, seed, environmentId, boosters, policyFactory)
    {
        _options = (PpoOptions)Options;
        _indices = new int[Buffer.Size];
        _minibatch = new MinibatchScratch(_options.BatchSize, Policy.ObservationSize, Policy.Distribution.ActionSize, Policy.OutputCount, Policy.Distribution.LogStdCount);
    }

    /// <inheritdoc />
    public override string Algorithm => "ppo";

    /// <summary>The row order of the last epoch (tests).</summary>
    internal ReadOnlySpan<int> LastEpochOrder => _indices;

    private protected override void Update(double progressRemaining, List<Metric> metrics)
    {
        var buffer = Buffer;
        var policy = Policy;
        var distribution = policy.Distribution;
        var n = buffer.Size;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        var mb = _minibatch;
        var clip = _options.ClipRange;
        var entCoef = _options.EntCoefAt(progressRemaining);
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
                    mb.Gather(i, row, buffer.Observations, buffer.Outputs, buffer.Actions, buffer.ActionMasks);
                    mb.Advantages[i] = buffer.Advantages[row];
                }
                var advantages = mb.Advantages.AsSpan(0, b);
                if (_options.NormalizeAdvantage && b > 1)
                    Standardize(advantages);
                // Illegal actions (MaskablePPO): their logits, refreshed with the trees fitted since, go back to MaskedLogit.
                if (_options.UseMasking)
                    ActionMasking.Apply(mb.Outputs, k, b, p, mb.ActionMasks);
                distribution.LogProbAndEntropy(mb.Outputs, k, b, policy.LogStd, mb.Actions, mb.LogProbs, mb.Entropies);

                double pgLoss = 0, valueLoss = 0, entropyLoss = 0, approxKl = 0, clipFraction = 0;
                for (var i = 0; i < b; i++)
                {
                    var row = _indices[start + i];
                    double advantage = advantages[i];
                    var logRatio = (double)mb.LogProbs[i] - buffer.LogProbs[row];
                    var ratio = Math.Exp(logRatio);
                    // Clipped surrogate (eq. 7): l = max(pgLoss1, pgLoss2); only the unclipped term has a gradient.
                    var pgLoss1 = -advantage * ratio;
                    var pgLoss2 = -advantage * Math.Clamp(ratio, 1 - clip, 1 + clip);
                    pgLoss += Math.Max(pgLoss1, pgLoss2);
                    mb.LogProbCoefficients[i] = pgLoss1 >= pgLoss2 ? (float)(-advantage * ratio) : 0f;
                    // Value term: vfCoef * 0.5 * (V - R)^2, d/dV = vfCoef * (V - R).
                    var valueError = (double)mb.Outputs[i * k + p] - buffer.Returns[row];
                    valueLoss += 0.5 * valueError * valueError;
                    mb.Gradients[i * k + p] = (float)(_options.VfCoef * valueError);
                    entropyLoss -= mb.Entropies[i];
                    approxKl += ratio - 1 - logRatio;
                    clipFraction += Math.Abs(ratio - 1) > clip ? 1 : 0;
                }
                // Policy rows: d(pgLoss_i)/dz + entCoef * d(-H_i)/dz; the log-std gets the batch mean.
                mb.PolicyGradients(distribution, policy.LogStd, mb.Outputs, mb.Actions, b, entCoef);
                UpdateAndRefresh(policy, mb, b, progressRemaining, buffer.Observations, n, buffer.Outputs);

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
        AddValueAndStdMetrics(metrics, buffer.Values, buffer.Returns);
    }
}
