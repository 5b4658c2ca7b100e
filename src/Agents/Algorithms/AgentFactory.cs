using RLFramework.Agents.Presets;
using RLFramework.Agents.Policies;
using RLFramework.Environments;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>Builds agents by algorithm name, from presets or from explicit options.</summary>
public static class AgentFactory
{
    /// <summary>
    /// Builds an agent for a registered environment: resolves the preset and <paramref name="overrides"/>,
    /// makes NumEnvs copies of the environment (same-step autoreset), and builds the agent. Every error in
    /// the configuration is thrown before any environment is made.
    /// </summary>
    /// <param name="algorithm">ppo, a2c or awr.</param>
    /// <param name="environmentId">A registered environment id.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="overrides">key=value overrides of the preset.</param>
    /// <param name="boosters">Makes the GBRL ensembles (null: the CPU engine).</param>
    /// <param name="environment">The options and wrappers the environment is made with (null: none); saved with the agent.</param>
    public static ActorCriticAgent Create(string algorithm, string environmentId, int seed = 0,
        IEnumerable<KeyValuePair<string, string>>? overrides = null, BoosterProvider? boosters = null, EnvironmentSetup? environment = null)
    {
        CheckEnvironmentId(environmentId);
        var configuration = AgentPresets.Resolve(algorithm, environmentId, overrides);
        return Create(configuration, environmentId, seed, boosters, environment);
    }

    /// <summary>Builds an agent from a resolved configuration on a registered environment.</summary>
    /// <param name="configuration">Algorithm, options and policy options.</param>
    /// <param name="environmentId">A registered environment id.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="boosters">Makes the GBRL ensembles (null: the CPU engine).</param>
    /// <param name="environment">The options and wrappers the environment is made with (null: none); saved with the agent.</param>
    public static ActorCriticAgent Create(AgentConfiguration configuration, string environmentId, int seed = 0, BoosterProvider? boosters = null,
        EnvironmentSetup? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        CheckEnvironmentId(environmentId);
        environment ??= EnvironmentSetup.Default;
        var env = MakeTrainingEnvironment(environmentId, configuration.Options.NumEnvs, environment);
        try
        {
            var agent = Create(configuration.Algorithm, env, configuration.Options, configuration.Policy, seed, environmentId, boosters);
            agent.EnvironmentSetup = environment;
            return agent;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>Builds an agent of <paramref name="algorithm"/> on a vector environment of the caller's.</summary>
    public static ActorCriticAgent Create(string algorithm, IVectorEnvironment env, IAlgorithmOptions options,
        GbrlPolicyOptions policy, int seed, string environmentId, BoosterProvider? boosters = null) => algorithm switch
        {
            "ppo" => new Ppo(env, (PpoOptions)options, policy, seed, environmentId, boosters),
            "a2c" => new A2c(env, (A2cOptions)options, policy, seed, environmentId, boosters),
            "awr" => new Awr(env, (AwrOptions)options, policy, seed, environmentId, boosters),
            _ => throw new ArgumentException($"Unknown algorithm '{algorithm}'. Known algorithms: {string.Join(", ", AgentPresets.Algorithms)}.", nameof(algorithm)),
        };

    /// <summary>
    /// <paramref name="numEnvs"/> synchronous copies of a registered environment with same-step autoreset
    /// (deterministic, and the final observation of a truncated episode is available for bootstrapping), each made
    /// as <paramref name="environment"/> says (<see cref="EnvironmentSetup.MakeVector"/>).
    /// </summary>
    public static IVectorEnvironment MakeTrainingEnvironment(string environmentId, int numEnvs, EnvironmentSetup? environment = null) =>
        (environment ?? EnvironmentSetup.Default).MakeVector(environmentId, numEnvs, AutoresetMode.SameStep);

    /// <summary>Throws a clear error when the id is not registered (naming the closest id).</summary>
    public static void CheckEnvironmentId(string environmentId)
    {
        if (!EnvironmentRegistry.IsRegistered(environmentId))
        {
            var closest = EnvironmentRegistry.ClosestId(environmentId);
            throw new ArgumentException($"Unknown environment '{environmentId}'.{(closest is null ? "" : $" Did you mean '{closest}'?")} Known: {string.Join(", ", EnvironmentRegistry.Ids)}. " +
                "An environment of your own must be registered first (EnvironmentRegistry.Register, or the rl command's --env-assembly).", nameof(environmentId));
        }
    }
}
