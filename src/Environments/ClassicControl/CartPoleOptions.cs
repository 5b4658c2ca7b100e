namespace RLFramework.Environments.ClassicControl;

/// <summary>How CartPole integrates its equations of motion (the reference's <c>kinematics_integrator</c> attribute).</summary>
public enum CartPoleIntegrator
{
    /// <summary>"euler" (default): positions and velocities all move with the old velocities and accelerations.</summary>
    Euler,

    /// <summary>"semi-implicit": velocities first, then positions with the new velocities.</summary>
    SemiImplicitEuler,
}

/// <summary>Options of CartPole-v1 (Gymnasium's <c>CartPoleEnv</c>).</summary>
public sealed record CartPoleOptions
{
    /// <summary>
    /// Python <c>sutton_barto_reward</c>: reward 0 per step and -1 on the terminating step, instead of
    /// 1 per step including the terminating one.
    /// </summary>
    public bool SuttonBartoReward { get; init; }

    /// <summary>Python attribute <c>kinematics_integrator</c>: "euler" (default) or "semi-implicit".</summary>
    public CartPoleIntegrator KinematicsIntegrator { get; init; } = CartPoleIntegrator.Euler;

    /// <summary>
    /// Option <c>numpy_seeding</c> (not a reference keyword): initial states drawn from NumPy's
    /// <c>Generator(PCG64(SeedSequence(seed)))</c> as Gymnasium's <c>reset(seed=...)</c> draws them, so
    /// a seeded reset gives Python's initial state bit for bit. Seeds must then be non-negative.
    /// Default false: the framework's xoshiro256** generator (reproducible, but not Python's states).
    /// </summary>
    public bool NumpySeeding { get; init; }

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(KinematicsIntegrator))
        {
            throw new ArgumentException($"kinematics_integrator {(int)KinematicsIntegrator} is not a CartPoleIntegrator value.", nameof(KinematicsIntegrator));
        }
    }

    /// <summary>Parses the reference's integrator name: "euler" or "semi-implicit" (also "semi_implicit").</summary>
    public static CartPoleIntegrator ParseIntegrator(string name) => name switch
    {
        "euler" => CartPoleIntegrator.Euler,
        "semi-implicit" or "semi_implicit" or "semi-implicit-euler" => CartPoleIntegrator.SemiImplicitEuler,
        _ => throw new ArgumentException($"kinematics_integrator '{name}' is not known: use \"euler\" or \"semi-implicit\".", nameof(name)),
    };
}
