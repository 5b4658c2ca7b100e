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
public sealed class A2c : ActorCriticAgent
{
    private readonly A2cOptions _options;
    private readonly RolloutBuffer _buffer;
    private readonly float[] _advantages;
    private readonly float[] _logProbs;
    private readonly float[] _entropies;
    private readonly float[] _logProbCoefficients;
    private readonly float[] _gradients;
    private readonly double[] _logStdGradient;

    /// <summary>Creates an A2C agent with a fresh GBRL policy on <paramref name="env"/>.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">A2C options (null: defaults).</param>
    /// <param name="policyOptions">Policy options (null: defaults).</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id saved with the model.</param>
    /// <param name="boosterFactory">Makes the ensembles (null: the CPU GBRL booster).</param>
    public A2c(IVectorEnvironment env, A2cOptions? options = null, GbrlPolicyOptions? policyOptions = null, int seed = 0,
        string environmentId = "", Func<GbrlOptions, FeatureSchema, IGradientBooster>? boosterFactory = null)
        : this(env, options ?? new A2cOptions(), policyOptions ?? new GbrlPolicyOptions(), seed, environmentId,
            GbrlPolicies(policyOptions ?? new GbrlPolicyOptions(), boosterFactory, seed))
    {
    }

    /// <summary>An A2C agent on a policy of the caller's (for example a neural policy); such agents cannot be saved.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">A2C options.</param>
    /// <param name="policyFactory">Builds the policy from the action distribution and the observation features.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id of the environment.</param>
    public A2c(IVectorEnvironment env, A2cOptions options, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory,
        int seed = 0, string environmentId = "")
        : this(env, options, new GbrlPolicyOptions(), seed, environmentId, policyFactory)
    {
    }

    private A2c(IVectorEnvironment env, A2cOptions options, GbrlPolicyOptions policyOptions, int seed, string environmentId,
        Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> policyFactory)
        : base(env, options, policyOptions, seed, environmentId, policyFactory)
    {
        _options = (A2cOptions)Options;
        var k = Policy.OutputCount;
        var n = _options.RolloutSize;
        _buffer = new RolloutBuffer(_options.NumSteps, _options.NumEnvs, Policy.ObservationSize, Policy.Distribution.ActionSize, k);
        _advantages = new float[n];
        _logProbs = new float[n];
        _entropies = new float[n];
        _logProbCoefficients = new float[n];
        _gradients = new float[n * k];
        _logStdGradient = new double[Policy.Distribution.LogStdCount];
    }

    /// <inheritdoc />
    public override string Algorithm => "a2c";

    /// <summary>The rollout buffer (tests).</summary>
    internal RolloutBuffer Buffer => _buffer;

    private protected override void RunIteration(double progressRemaining, List<Metric> metrics)
    {
        Collector.Collect(_buffer, Random, _options.Gamma, _options.GaeLambda);
        var policy = Policy;
        var distribution = policy.Distribution;
        var n = _buffer.Size;
        var k = policy.OutputCount;
        var p = distribution.OutputCount;
        // The policy has not changed since the rollout, so the outputs stored at collection are current.
        var outputs = _buffer.Outputs;
        _buffer.Advantages.AsSpan().CopyTo(_advantages);
        if (_options.NormalizeAdvantage)
            Standardize(_advantages);
        distribution.LogProbAndEntropy(outputs, k, n, policy.LogStd, _buffer.Actions, _logProbs, _entropies);

        double pgLoss = 0, valueLoss = 0, entropyLoss = 0;
        for (var i = 0; i < n; i++)
        {
            double advantage = _advantages[i];
            pgLoss += -advantage * _logProbs[i];
            _logProbCoefficients[i] = (float)-advantage;
            // valueLoss = (V - R)^2 (plain MSE for A2C), d/dV = 2 (V - R).
            var valueError = (double)outputs[i * k + p] - _buffer.Returns[i];
            valueLoss += valueError * valueError;
            _gradients[i * k + p] = (float)(_options.VfCoef * 2 * valueError);
            entropyLoss -= _entropies[i];
        }
        Array.Clear(_logStdGradient);
        distribution.Gradients(outputs, k, n, policy.LogStd, _buffer.Actions, _logProbCoefficients, -_options.EntCoef, _gradients, _logStdGradient);
        for (var j = 0; j < _logStdGradient.Length; j++)
            _logStdGradient[j] /= n;
        policy.Update(_buffer.Observations, _gradients, n, _logStdGradient, progressRemaining);

        metrics.Add(new Metric(MetricKeys.PolicyLoss, pgLoss / n));
        metrics.Add(new Metric(MetricKeys.ValueLoss, valueLoss / n));
        metrics.Add(new Metric(MetricKeys.EntropyLoss, entropyLoss / n));
        metrics.Add(new Metric(MetricKeys.ExplainedVariance, ExplainedVariance(_buffer.Values, _buffer.Returns)));
        if (policy.LogStd.Length > 0)
            metrics.Add(new Metric(MetricKeys.Std, Ppo.StdOf(policy.LogStd)));
    }
}
