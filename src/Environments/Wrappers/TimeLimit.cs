using System.Runtime.CompilerServices;
using RLFramework.Environments.ClassicControl;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Truncates every episode after <see cref="MaxEpisodeSteps"/> steps (Gymnasium's TimeLimit:
/// truncated is set on the step whose count reaches the limit, terminated is kept as is).
/// </summary>
public sealed class TimeLimit<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>, ITimeLimit
{
    private readonly IEnvironment<TObservation, TAction> _inner;
    private readonly int _maxEpisodeSteps;
    private readonly ClassicControlEnvironment? _classic; // a classic-control environment with the flat discrete step
    private int _elapsedSteps;

    /// <summary>Wraps <paramref name="inner"/> with a limit of <paramref name="maxEpisodeSteps"/> steps.</summary>
    public TimeLimit(IEnvironment<TObservation, TAction> inner, int maxEpisodeSteps)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodeSteps, 1);
        _inner = inner;
        _maxEpisodeSteps = maxEpisodeSteps;
        if (typeof(TObservation) == typeof(ReadOnlyMemory<float>) && typeof(TAction) == typeof(int)
            && inner is ClassicControlEnvironment { HasFlatDiscreteStep: true } classic)
        {
            _classic = classic;
        }
    }

    /// <summary>The step limit.</summary>
    public int MaxEpisodeSteps => _maxEpisodeSteps;

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps => _elapsedSteps;

    /// <summary>
    /// Counts a step taken on the wrapped environment outside <see cref="Step"/> (the vector
    /// environments' flat path) and returns whether it truncates the episode; the same bookkeeping as Step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool CountStep()
    {
        int elapsed = _elapsedSteps + 1;
        _elapsedSteps = elapsed;
        return elapsed >= _maxEpisodeSteps;
    }

    /// <inheritdoc/>
    public override ResetResult<TObservation> Reset(int? seed = null)
    {
        _elapsedSteps = 0;
        return _inner.Reset(seed);
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        if (typeof(TObservation) == typeof(ReadOnlyMemory<float>) && typeof(TAction) == typeof(int) && _classic is { } classic)
        {
            // Same step, one virtual call, the result built once (the environment never truncates).
            bool terminated = classic.StepDiscrete(Unsafe.As<TAction, int>(ref action), out double reward);
            var fused = new StepResult<ReadOnlyMemory<float>>(classic.ObservationView, reward, terminated, CountStep(), StepInfo.Empty);
            return Unsafe.As<StepResult<ReadOnlyMemory<float>>, StepResult<TObservation>>(ref fused);
        }

        var result = _inner.Step(action);
        int elapsed = _elapsedSteps + 1;
        _elapsedSteps = elapsed;
        if (elapsed >= _maxEpisodeSteps && !result.Truncated)
        {
            // Built field by field: one copy of the result instead of the two of a with-expression.
            return new StepResult<TObservation>(result.Observation, result.Reward, result.Terminated, true, result.Info);
        }

        return result;
    }
}

/// <summary>A time limit of any observation and action types, so that a wrapper can find the limit below it in a chain.</summary>
internal interface ITimeLimit
{
    /// <summary>The step limit.</summary>
    int MaxEpisodeSteps { get; }
}
