namespace RLFramework.Environments.Vector;

/// <summary>How a vector environment steps its sub-environments.</summary>
public enum VectorMode
{
    /// <summary>One after another on the calling thread.</summary>
    Sync,

    /// <summary>On worker threads, each owning a contiguous block of sub-environments.</summary>
    Threaded,
}

/// <summary>Options of <see cref="VectorEnvironment.Make"/>.</summary>
public sealed record VectorOptions
{
    /// <summary>Synchronous or threaded stepping.</summary>
    public VectorMode Mode { get; init; } = VectorMode.Sync;

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
    /// batches them as <paramref name="options"/> says.
    /// </summary>
    public static VectorEnvironmentBase Make(string id, int numEnvs, VectorOptions? options = null)
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
}
