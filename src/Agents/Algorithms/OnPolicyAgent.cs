using RLFramework.Agents.Buffers;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Policies;
using RLFramework.Boosting;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// The on-policy agents (<see cref="A2c"/>, <see cref="Ppo"/>): every iteration collects one rollout of
/// <see cref="OnPolicyOptions.NumSteps"/> steps of <see cref="OnPolicyOptions.NumEnvs"/> environments into
/// <see cref="Buffer"/> (with GAE advantages and returns), then runs the algorithm's <see cref="Update"/> on it.
/// </summary>
public abstract class OnPolicyAgent : ActorCriticAgent
{
    private readonly OnPolicyOptions _options;

    /// <inheritdoc cref="ActorCriticAgent(IVectorEnvironment, IAlgorithmOptions, GbrlPolicyOptions, int, string, BoosterProvider, Func{ActionDistribution, FeatureSchema, IActorCriticPolicy})"/>
    private protected OnPolicyAgent(IVectorEnvironment env, OnPolicyOptions options, GbrlPolicyOptions? policyOptions, int seed, string environmentId,
        BoosterProvider? boosters, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy>? policyFactory)
        : base(env, options, policyOptions, seed, environmentId, boosters, policyFactory)
    {
        _options = (OnPolicyOptions)Options;
        Buffer = new RolloutBuffer(_options.NumSteps, _options.NumEnvs, Policy.ObservationSize, Policy.Distribution.ActionSize, Policy.OutputCount);
    }

    /// <summary>The rollout buffer: the last rollout, its advantages and returns.</summary>
    internal RolloutBuffer Buffer { get; }

    private protected sealed override void RunIteration(double progressRemaining, List<Metric> metrics)
    {
        Collector.Collect(Buffer, Random, _options.Gamma, _options.GaeLambda);
        Update(progressRemaining, metrics);
    }

    /// <summary>The algorithm's update of the policy on the rollout just collected into <see cref="Buffer"/>; adds its train/* metrics.</summary>
    private protected abstract void Update(double progressRemaining, List<Metric> metrics);
}
