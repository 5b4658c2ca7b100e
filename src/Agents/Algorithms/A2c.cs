using RLFramework.Agents.Buffers;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Policies;
using RLFramework.Boosting;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// Advantage Actor-Critic (Mnih et al. 2016, https://arxiv.org/abs/1602.01783, Algorithm S3) on a
/// GBRL policy: one tree per rollout, fitted to the per-sample gradients of
/// l = pgLoss + entCoef * entropyLoss + vfCoef * valueLoss with pgLoss = -A log pi(a|s),
/// entropyLoss = -H, valueLoss = (V - R)^2.
/// </summary>
public sealed class A2c : OnPolicyAgent
{
    private readonly A2cOptions _options;
    private readonly MinibatchScratch _scratch;

    /// <summary>Creates an A2C agent on <paramref name="env"/> with a fresh policy.</summary>
    /// <inheritdoc cref="ActorCriticAgent(IVectorEnvironment, IAlgorithmOptions, GbrlPolicyOptions, int, string, BoosterProvider, Func{ActionDistribution, FeatureSchema, IActorCriticPolicy})" path="/param"/>
    public A2c(IVectorEnvironment env, A2cOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0, string environmentId = "",
        BoosterProvider? boosters = null, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy>? policyFactory = null)
        : base(env, options ?? new A2cOptions(), policyOptions, seed, environmentId, boosters, policyFactory)
    {
        _options = (A2cOptions)Options;
        // The whole rollout is one batch; its observations, outputs and actions are read in place from the buffer.
        _scratch = new MinibatchScratch(_options.RolloutSize, 0, 0, Policy.OutputCount, Policy.Distribution.LogStdCount);
    }

    /// <inheritdoc />
    public override string Algorithm => "a2c";

    private protected override void Update(double progressRemaining, List<Metric> metrics)
    {
        var buffer = Buffer;
        var policy = Policy;
        var distribution = policy.Distribution;
        var n = buffer.Size;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        // The policy has not changed since the rollout, so the outputs stored at collection are current.
        var outputs = buffer.Outputs;
        var scratch = _scratch;
        var advantages = scratch.Advantages;
        buffer.Advantages.AsSpan().CopyTo(advantages);
        if (_options.NormalizeAdvantage)
            Standardize(advantages);
        distribution.LogProbAndEntropy(outputs, k, n, policy.LogStd, buffer.Actions, scratch.LogProbs, scratch.Entropies);

        double pgLoss = 0, valueLoss = 0, entropyLoss = 0;
        for (var i = 0; i < n; i++)
        {
            double advantage = advantages[i];
            pgLoss += -advantage * scratch.LogProbs[i];
            scratch.LogProbCoefficients[i] = (float)-advantage;
            // valueLoss = (V - R)^2 (plain MSE for A2C), d/dV = 2 (V - R).
            var valueError = (double)outputs[i * k + p] - buffer.Returns[i];
            valueLoss += valueError * valueError;
            scratch.Gradients[i * k + p] = (float)(_options.VfCoef * 2 * valueError);
            entropyLoss -= scratch.Entropies[i];
        }
        scratch.PolicyGradients(distribution, policy.LogStd, outputs, buffer.Actions, n, _options.EntCoefAt(progressRemaining));
        policy.Update(buffer.Observations, scratch.Gradients, n, scratch.LogStdGradient, progressRemaining);

        metrics.Add(new Metric(MetricKeys.PolicyLoss, pgLoss / n));
        metrics.Add(new Metric(MetricKeys.ValueLoss, valueLoss / n));
        metrics.Add(new Metric(MetricKeys.EntropyLoss, entropyLoss / n));
        AddValueAndStdMetrics(metrics, buffer.Values, buffer.Returns);
    }
}
