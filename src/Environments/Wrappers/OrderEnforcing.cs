using System.Diagnostics.CodeAnalysis;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Enforces the reset/step contract: <see cref="Step"/> before the first <see cref="Reset"/>, or after
/// a step that ended the episode (terminated or truncated) without a new Reset, throws an
/// <see cref="InvalidOperationException"/> that says so. <see cref="EnvironmentRegistry.Make"/> applies
/// it outermost (over <see cref="TimeLimit{TObservation, TAction}"/>, so time-limit truncation counts)
/// and it carries the registry spec.
/// </summary>
public sealed class OrderEnforcing<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    private readonly EnvironmentSpec? _spec;
    private State _state;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="spec"/>, when given, is reported as <see cref="Spec"/>.</summary>
    public OrderEnforcing(IEnvironment<TObservation, TAction> inner, EnvironmentSpec? spec = null)
        : base(inner)
    {
        _spec = spec;
    }

    private enum State
    {
        NeverReset,
        Running,
        EpisodeOver,
    }

    /// <inheritdoc/>
    public override EnvironmentSpec? Spec => _spec ?? Inner.Spec;

    /// <summary>Whether <see cref="Reset"/> has been called at least once.</summary>
    public bool HasReset => _state != State.NeverReset;

    /// <inheritdoc/>
    public override ResetResult<TObservation> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        _state = State.Running;
        return result;
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        if (_state != State.Running)
        {
            ThrowOrder(_state, Spec?.Id);
        }

        var result = Inner.Step(action);
        if (result.Terminated || result.Truncated)
        {
            _state = State.EpisodeOver;
        }

        return result;
    }

    [DoesNotReturn]
    private static void ThrowOrder(State state, string? id)
    {
        string name = id ?? "The environment";
        throw new InvalidOperationException(state == State.NeverReset
            ? $"{name}: Step was called before Reset; call Reset first."
            : $"{name}: Step was called after the episode ended (terminated or truncated); call Reset to start a new episode.");
    }
}
