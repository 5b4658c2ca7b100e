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
    /// <param name="environmentKwargs">key=value options of the environment (see <see cref="MakeEnvironment"/>); saved with the agent.</param>
    public static ActorCriticAgent Create(string algorithm, string environmentId, int seed = 0,
        IEnumerable<KeyValuePair<string, string>>? overrides = null, BoosterProvider? boosters = null, IReadOnlyList<string>? environmentKwargs = null)
    {
        CheckEnvironmentId(environmentId);
        var configuration = AgentPresets.Resolve(algorithm, environmentId, overrides);
        return Create(configuration, environmentId, seed, boosters, environmentKwargs);
    }

    /// <summary>Builds an agent from a resolved configuration on a registered environment.</summary>
    /// <param name="configuration">Algorithm, options and policy options.</param>
    /// <param name="environmentId">A registered environment id.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="boosters">Makes the GBRL ensembles (null: the CPU engine).</param>
    /// <param name="environmentKwargs">key=value options of the environment (see <see cref="MakeEnvironment"/>); saved with the agent.</param>
    public static ActorCriticAgent Create(AgentConfiguration configuration, string environmentId, int seed = 0, BoosterProvider? boosters = null,
        IReadOnlyList<string>? environmentKwargs = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        CheckEnvironmentId(environmentId);
        var env = MakeTrainingEnvironment(environmentId, configuration.Options.NumEnvs, environmentKwargs);
        try
        {
            var agent = Create(configuration.Algorithm, env, configuration.Options, configuration.Policy, seed, environmentId, boosters);
            agent.EnvironmentKwargs = [.. environmentKwargs ?? []];
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
    /// with <paramref name="environmentKwargs"/> as <see cref="MakeEnvironment"/> makes one.
    /// </summary>
    public static IVectorEnvironment MakeTrainingEnvironment(string environmentId, int numEnvs, IReadOnlyList<string>? environmentKwargs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentId);
        var (options, maxEpisodeSteps) = ParseKwargs(environmentKwargs);
        return VectorEnvironment.Make(environmentId, numEnvs,
            new VectorOptions { AutoresetMode = AutoresetMode.SameStep, EnvironmentOptions = options, MaxEpisodeSteps = maxEpisodeSteps });
    }

    /// <summary>
    /// One registered environment made as Gymnasium's <c>gym.make(id, max_episode_steps=..., **kwargs)</c> makes it: the
    /// key=value strings <paramref name="environmentKwargs"/> (later keys win) are the environment's options (e.g.
    /// <c>map_name=8x8</c>, <c>is_slippery=false</c>), except <c>max_episode_steps</c>, which replaces the registry's time
    /// limit. An unknown option is an error from the environment's factory, naming it.
    /// </summary>
    public static IEnvironment MakeEnvironment(string environmentId, IReadOnlyList<string>? environmentKwargs = null)
    {
        CheckEnvironmentId(environmentId);
        var (options, maxEpisodeSteps) = ParseKwargs(environmentKwargs);
        return EnvironmentRegistry.Make(environmentId, options, maxEpisodeSteps);
    }

    /// <summary>The environment options of key=value strings, with max_episode_steps taken out as the time limit.</summary>
    private static (EnvironmentOptions? Options, int? MaxEpisodeSteps) ParseKwargs(IReadOnlyList<string>? kwargs)
    {
        if (kwargs is null || kwargs.Count == 0)
            return (null, null);
        var options = EnvironmentOptions.Parse(kwargs);
        if (!options.Names.Contains(MaxEpisodeStepsKey))
            return (options, null);
        var raw = options.GetRaw(MaxEpisodeStepsKey);
        if (raw is not int steps || steps < 1)
            throw new ArgumentException($"Environment option {MaxEpisodeStepsKey} (the time limit) must be a whole number of at least 1, got '{raw ?? "none"}'.");
        return (EnvironmentOptions.FromPairs(options.Where(o => o.Key != MaxEpisodeStepsKey)), steps);
    }

    /// <summary>The key of <see cref="MakeEnvironment"/>'s options that sets the time limit (gym.make's keyword).</summary>
    public const string MaxEpisodeStepsKey = "max_episode_steps";

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
