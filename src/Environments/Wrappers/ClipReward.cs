namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Clips every step's reward into [<see cref="MinReward"/>, <see cref="MaxReward"/>] (Gymnasium 1.0's <c>ClipReward</c>,
/// <c>np.clip</c>): an infinite bound stands for Gymnasium's None, a side left open. A NaN reward stays NaN, as with
/// <c>np.clip</c>. Observations, flags and info pass through.
/// </summary>
public sealed class ClipReward<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    /// <summary>
    /// Wraps <paramref name="inner"/>. Either bound may be infinite (open), not both (Gymnasium rejects two None bounds);
    /// <paramref name="minReward"/> above <paramref name="maxReward"/> or a NaN bound is an <see cref="ArgumentException"/>.
    /// </summary>
    public ClipReward(IEnvironment<TObservation, TAction> inner, double minReward = double.NegativeInfinity, double maxReward = double.PositiveInfinity)
        : base(inner)
    {
        if (double.IsNaN(minReward) || double.IsNaN(maxReward))
        {
            throw new ArgumentException($"ClipReward bounds must be numbers (got min {minReward}, max {maxReward}).", nameof(minReward));
        }

        if (minReward > maxReward)
        {
            throw new ArgumentException($"ClipReward's min reward ({minReward}) is above its max reward ({maxReward}).", nameof(minReward));
        }

        if (double.IsNegativeInfinity(minReward) && double.IsPositiveInfinity(maxReward))
        {
            throw new ArgumentException("ClipReward needs a finite min reward, a finite max reward or both; with neither it would clip nothing.", nameof(minReward));
        }

        MinReward = minReward;
        MaxReward = maxReward;
    }

    /// <summary>The lower bound (negative infinity: none).</summary>
    public double MinReward { get; }

    /// <summary>The upper bound (positive infinity: none).</summary>
    public double MaxReward { get; }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(r.Observation, Math.Clamp(r.Reward, MinReward, MaxReward), r.Terminated, r.Truncated, r.Info);
    }
}
