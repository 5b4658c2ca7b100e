using RLFramework.Environments.Spaces;

namespace RLFramework.Environments;

/// <summary>
/// The untyped view of an environment: its spaces and its registry spec. Every environment
/// implements the typed <see cref="IEnvironment{TObservation, TAction}"/> as well.
/// </summary>
public interface IEnvironment : IDisposable
{
    /// <summary>The space every observation belongs to.</summary>
    Space ObservationSpace { get; }

    /// <summary>The space every action must belong to.</summary>
    Space ActionSpace { get; }

    /// <summary>The registry spec this environment was made from, or null when constructed directly.</summary>
    EnvironmentSpec? Spec { get; }
}

/// <summary>
/// A Gymnasium-style environment with typed observations and actions.
/// Observations of <c>Box</c> spaces are <see cref="ReadOnlyMemory{T}"/> views of a buffer the
/// environment owns: they stay valid until the next <see cref="Reset"/> or <see cref="Step"/>;
/// call <c>ToArray()</c> to keep one. Discrete observations and actions are <see cref="int"/>;
/// continuous actions are <see cref="ReadOnlyMemory{T}"/> of float (a float[] converts implicitly).
/// </summary>
public interface IEnvironment<TObservation, TAction> : IEnvironment
{
    /// <summary>Starts a new episode. A seed re-seeds the environment's random generator.</summary>
    ResetResult<TObservation> Reset(int? seed = null);

    /// <summary>Advances one step. Throws when called before <see cref="Reset"/>, after the episode ended, or with an action outside <see cref="IEnvironment.ActionSpace"/>.</summary>
    StepResult<TObservation> Step(TAction action);
}

/// <summary>What <see cref="IEnvironment{TObservation, TAction}.Reset"/> returns.</summary>
public readonly record struct ResetResult<TObservation>(TObservation Observation, StepInfo Info);

/// <summary>What <see cref="IEnvironment{TObservation, TAction}.Step"/> returns.</summary>
/// <param name="Observation">The observation after the step.</param>
/// <param name="Reward">The reward of the step.</param>
/// <param name="Terminated">The episode reached a terminal state of the MDP (do not bootstrap).</param>
/// <param name="Truncated">The episode was cut short, e.g. by a time limit (bootstrap from the observation).</param>
/// <param name="Info">Typed extra information.</param>
public readonly record struct StepResult<TObservation>(
    TObservation Observation, double Reward, bool Terminated, bool Truncated, StepInfo Info)
{
    /// <summary>True when the episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// Typed step information. <see cref="Probability"/> is the probability of the transition taken
/// (toy-text environments; 1 elsewhere). <see cref="ActionMask"/> has bit a set when action a is legal
/// (Taxi); <see cref="HasActionMask"/> says whether the environment reports one.
/// </summary>
public readonly record struct StepInfo(double Probability = 1.0, ulong ActionMask = 0, bool HasActionMask = false)
{
    /// <summary>Info with no extra content.</summary>
    public static StepInfo Empty => new(1.0);

    /// <summary>Whether action <paramref name="action"/> is legal according to the mask (true when there is no mask).</summary>
    public bool IsLegal(int action) => !HasActionMask || (ActionMask & (1UL << action)) != 0;
}

/// <summary>An environment whose whole internal state can be read and written (tests, replays, planning).</summary>
public interface IStatefulEnvironment<TState>
{
    /// <summary>A copy of the internal state.</summary>
    TState GetState();

    /// <summary>Overwrites the internal state (the episode counts as started).</summary>
    void SetState(TState state);
}
