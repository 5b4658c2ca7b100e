using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Vector;

/// <summary>How a vector environment steps its sub-environments.</summary>
public enum VectorMode
{
    /// <summary>The generic vector: one sub-environment after another on the calling thread (<see cref="SyncVectorEnvironment"/>).</summary>
    Sync,

    /// <summary>The generic vector on worker threads, each owning a contiguous block of sub-environments (<see cref="ThreadedVectorEnvironment"/>).</summary>
    Threaded,

    /// <summary>
    /// The default: a native vector where the environment has one and the options allow it
    /// (<see cref="CartPoleVectorEnvironment"/> for the registry's CartPole), else <see cref="Sync"/>.
    /// Results are the same bits either way; name <see cref="Sync"/> or <see cref="Threaded"/> to force the generic vector.
    /// </summary>
    Auto,
}

/// <summary>Options of <see cref="VectorEnvironment.Make"/>.</summary>
public sealed record VectorOptions
{
    /// <summary>Native (when available), synchronous or threaded stepping; <see cref="VectorMode.Auto"/> by default.</summary>
    public VectorMode Mode { get; init; } = VectorMode.Auto;

    /// <summary>When finished sub-environments are reset.</summary>
    public AutoresetMode AutoresetMode { get; init; } = AutoresetMode.NextStep;

    /// <summary>Options passed to every sub-environment (null: the spec's defaults).</summary>
    public EnvironmentOptions? EnvironmentOptions { get; init; }

    /// <summary>Time limit overriding the spec's (null: the spec's).</summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Threads of <see cref="VectorMode.Threaded"/> (null: processor count, at most one per environment).</summary>
    public int? NumThreads { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"VectorOptions.Mode has the unknown value {Mode}.", nameof(Mode));
        }

        if (!Enum.IsDefined(AutoresetMode))
        {
            throw new ArgumentException($"VectorOptions.AutoresetMode has the unknown value {AutoresetMode}.", nameof(AutoresetMode));
        }

        if (MaxEpisodeSteps is < 1)
        {
            throw new ArgumentException($"VectorOptions.MaxEpisodeSteps must be at least 1 (got {MaxEpisodeSteps}).", nameof(MaxEpisodeSteps));
        }

        if (NumThreads is < 1)
        {
            throw new ArgumentException($"VectorOptions.NumThreads must be at least 1 (got {NumThreads}).", nameof(NumThreads));
        }
    }
}

/// <summary>Makes vector environments from registry ids (Gymnasium's make_vec).</summary>
public static class VectorEnvironment
{
    /// <summary>
    /// Makes <paramref name="numEnvs"/> copies of the registered environment <paramref name="id"/>
    /// (each through <see cref="EnvironmentRegistry.Make(string, EnvironmentOptions?, int?)"/>) and
    /// batches them as <paramref name="options"/> says. With <see cref="VectorMode.Auto"/> (the default),
    /// an id whose registry environment is the plain CartPole chain (OrderEnforcing &gt; TimeLimit &gt;
    /// <see cref="CartPoleEnvironment"/>) gives a <see cref="CartPoleVectorEnvironment"/> with the same
    /// options, time limit and spec, which returns the same bits as the generic sync vector; any other
    /// id gives a <see cref="SyncVectorEnvironment"/>.
    /// </summary>
    public static IVectorEnvironment Make(string id, int numEnvs, VectorOptions? options = null)
    {
        options ??= new VectorOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        var envs = new IEnvironment[numEnvs];
        try
        {
            for (int i = 0; i < numEnvs; i++)
            {
                envs[i] = EnvironmentRegistry.Make(id, options.EnvironmentOptions, options.MaxEpisodeSteps);
                if (i == 0 && options.Mode == VectorMode.Auto && NativeFor(envs[0], numEnvs, options) is { } native)
                {
                    envs[0].Dispose();
                    return native;
                }
            }

            return options.Mode == VectorMode.Threaded
                ? new ThreadedVectorEnvironment(envs, options.AutoresetMode, options.NumThreads)
                : new SyncVectorEnvironment(envs, options.AutoresetMode);
        }
        catch
        {
            foreach (var env in envs)
            {
                env?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The native vector equivalent to <paramref name="numEnvs"/> copies of <paramref name="first"/>
    /// (the first registry environment, made as the generic path makes it, so bad options are rejected
    /// the same way) when it is the plain CartPole chain; null otherwise.
    /// </summary>
    private static CartPoleVectorEnvironment? NativeFor(IEnvironment first, int numEnvs, VectorOptions options) =>
        first is OrderEnforcing<ReadOnlyMemory<float>, int> { Inner: TimeLimit<ReadOnlyMemory<float>, int> { Inner: CartPoleEnvironment cartPole } timeLimit } outer
            ? new CartPoleVectorEnvironment(numEnvs, cartPole.Options, options.AutoresetMode, timeLimit.MaxEpisodeSteps) { Spec = outer.Spec }
            : null;
}
