namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Truncates every episode after <see cref="MaxEpisodeSteps"/> steps (Gymnasium's TimeLimit:
/// truncated is set on the step whose count reaches the limit, terminated is kept as is).
/// </summary>
public sealed class TimeLimit<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    /// <summary>Wraps <paramref name="inner"/> with a limit of <paramref name="maxEpisodeSteps"/> steps.</summary>
    public TimeLimit(IEnvironment<TObservation, TAction> inner, int maxEpisodeSteps)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodeSteps, 1);
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The step limit.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc/>
    public override ResetResult<TObservation> Reset(int? seed = null)
    {
        ElapsedSteps = 0;
        return Inner.Reset(seed);
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        var result = Inner.Step(action);
        ElapsedSteps++;
        return ElapsedSteps >= MaxEpisodeSteps && !result.Truncated ? result with { Truncated = true } : result;
    }
}
