using RLFramework.Environments;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// How an agent's environment is made from the registry, as text that a command line gives and a model file keeps:
/// Gymnasium's <c>gym.make(id, max_episode_steps=..., **kwargs)</c>, then its additional wrappers in order (the kwargs and
/// additional_wrappers of Gymnasium's EnvSpec).
/// </summary>
/// <param name="Kwargs">key=value options of the environment (later keys win), e.g. <c>map_name=8x8</c>; <c>max_episode_steps</c> replaces the registry's time limit.</param>
/// <param name="Wrappers">Wrapper specs applied in order around the registry's environment (<see cref="EnvironmentWrappers.Apply"/>), e.g. <c>frame_stack_observation:stack_size=4</c>.</param>
public sealed record EnvironmentSetup(IReadOnlyList<string> Kwargs, IReadOnlyList<string> Wrappers)
{
    /// <summary>The key of <see cref="Kwargs"/> that sets the time limit (gym.make's keyword).</summary>
    public const string MaxEpisodeStepsKey = "max_episode_steps";

    /// <summary>The registry's environment as it is: no options, no wrappers.</summary>
    public static EnvironmentSetup Default { get; } = new([], []);

    /// <summary>Whether this is the registry's environment as it is.</summary>
    public bool IsDefault => Kwargs.Count == 0 && Wrappers.Count == 0;

    /// <summary>A setup from command-line lists (null: none).</summary>
    public static EnvironmentSetup Of(IReadOnlyList<string>? kwargs, IReadOnlyList<string>? wrappers) =>
        (kwargs?.Count ?? 0) == 0 && (wrappers?.Count ?? 0) == 0 ? Default : new([.. kwargs ?? []], [.. wrappers ?? []]);

    /// <summary>This setup with <paramref name="more"/>'s options after its own (they win) and its wrappers outside its own.</summary>
    public EnvironmentSetup Then(EnvironmentSetup more)
    {
        ArgumentNullException.ThrowIfNull(more);
        return more.IsDefault ? this : new([.. Kwargs, .. more.Kwargs], [.. Wrappers, .. more.Wrappers]);
    }

    /// <summary>
    /// The registered environment <paramref name="environmentId"/> made with the options, then wrapped. An unknown option is an
    /// error from the environment's factory, a bad wrapper spec one from <see cref="EnvironmentWrappers.Apply"/>, each naming it.
    /// </summary>
    public IEnvironment Make(string environmentId)
    {
        AgentFactory.CheckEnvironmentId(environmentId);
        var (options, maxEpisodeSteps) = ParseKwargs();
        var env = EnvironmentRegistry.Make(environmentId, options, maxEpisodeSteps);
        try
        {
            foreach (var wrapper in Wrappers)
                env = EnvironmentWrappers.Apply(env, wrapper);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <paramref name="numEnvs"/> copies as one synchronous vector with <paramref name="autoresetMode"/>: the registry's own vector
    /// (the native CartPole one included) without wrappers, the generic one around wrapped copies.
    /// </summary>
    public IVectorEnvironment MakeVector(string environmentId, int numEnvs, AutoresetMode autoresetMode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentId);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        if (Wrappers.Count == 0)
        {
            var (options, maxEpisodeSteps) = ParseKwargs();
            return VectorEnvironment.Make(environmentId, numEnvs,
                new VectorOptions { AutoresetMode = autoresetMode, EnvironmentOptions = options, MaxEpisodeSteps = maxEpisodeSteps });
        }
        var envs = new List<IEnvironment>(numEnvs);
        try
        {
            for (var i = 0; i < numEnvs; i++)
                envs.Add(Make(environmentId));
            return new SyncVectorEnvironment(envs, autoresetMode);
        }
        catch
        {
            foreach (var env in envs)
                env.Dispose();
            throw;
        }
    }

    /// <summary>The environment options of the key=value strings, with max_episode_steps taken out as the time limit.</summary>
    private (EnvironmentOptions? Options, int? MaxEpisodeSteps) ParseKwargs()
    {
        if (Kwargs.Count == 0)
            return (null, null);
        var options = EnvironmentOptions.Parse(Kwargs);
        if (!options.Names.Contains(MaxEpisodeStepsKey))
            return (options, null);
        var raw = options.GetRaw(MaxEpisodeStepsKey);
        if (raw is not int steps || steps < 1)
            throw new ArgumentException($"Environment option {MaxEpisodeStepsKey} (the time limit) must be a whole number of at least 1, got '{raw ?? "none"}'.");
        return (EnvironmentOptions.FromPairs(options.Where(o => o.Key != MaxEpisodeStepsKey)), steps);
    }
}
