namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Replaces every step's reward r with <c>transform(r)</c> (Gymnasium 1.0's <c>TransformReward</c>). Observations, flags
/// and info pass through; <see cref="ClipReward{TObservation, TAction}"/> is the clipping case with checked bounds.
/// </summary>
public sealed class TransformReward<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    private readonly Func<double, double> _transform;

    /// <summary>Wraps <paramref name="inner"/>, applying <paramref name="transform"/> to each reward.</summary>
    public TransformReward(IEnvironment<TObservation, TAction> inner, Func<double, double> transform)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transform = transform;
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(r.Observation, _transform(r.Reward), r.Terminated, r.Truncated, r.Info);
    }
}
