using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using RLFramework.Environments.ClassicControl;

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
    private readonly IEnvironment<TObservation, TAction> _inner;

    // The registry's chain is OrderEnforcing > TimeLimit: a direct call on the sealed TimeLimit
    // (no interface dispatch) when that is what is wrapped.
    private readonly TimeLimit<TObservation, TAction>? _timeLimit;

    // OrderEnforcing > TimeLimit > classic-control environment with discrete actions (CartPole-v1
    // as made): the three layers' bookkeeping fused in one method, the result built once.
    private readonly ClassicControlEnvironment? _classic;
    private State _state;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="spec"/>, when given, is reported as <see cref="Spec"/>.</summary>
    public OrderEnforcing(IEnvironment<TObservation, TAction> inner, EnvironmentSpec? spec = null)
        : base(inner)
    {
        _spec = spec;
        _inner = inner;
        _timeLimit = inner as TimeLimit<TObservation, TAction>;
        if (typeof(TObservation) == typeof(ReadOnlyMemory<float>) && typeof(TAction) == typeof(int)
            && _timeLimit?.Inner is ClassicControlEnvironment { HasFlatDiscreteStep: true } classic)
        {
            _classic = classic;
        }
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
        var result = _inner.Reset(seed);
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

        if (typeof(TObservation) == typeof(ReadOnlyMemory<float>) && typeof(TAction) == typeof(int) && _classic is { } classic)
        {
            bool term = classic.StepDiscrete(Unsafe.As<TAction, int>(ref action), out double reward);
            bool trunc = _timeLimit!.CountStep();
            if (term || trunc)
            {
                _state = State.EpisodeOver;
            }

            var fused = new StepResult<ReadOnlyMemory<float>>(classic.ObservationView, reward, term, trunc, StepInfo.Empty);
            return Unsafe.As<StepResult<ReadOnlyMemory<float>>, StepResult<TObservation>>(ref fused);
        }

        var result = _timeLimit is { } timeLimit ? timeLimit.Step(action) : _inner.Step(action);
        if (result.Terminated || result.Truncated)
        {
            _state = State.EpisodeOver;
        }

        return result;
    }

    /// <summary>Throws unless a step is allowed now (the check of <see cref="Step"/>, for the vector environments' flat path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnsureCanStep()
    {
        if (_state != State.Running)
        {
            ThrowOrder(_state, Spec?.Id);
        }
    }

    /// <summary>Records that a step taken outside <see cref="Step"/> ended the episode.</summary>
    internal void EndEpisode() => _state = State.EpisodeOver;

    [DoesNotReturn]
    private static void ThrowOrder(State state, string? id)
    {
        string name = id ?? "The environment";
        throw new InvalidOperationException(state == State.NeverReset
            ? $"{name}: Step was called before Reset; call Reset first."
            : $"{name}: Step was called after the episode ended (terminated or truncated); call Reset to start a new episode.");
    }
}
