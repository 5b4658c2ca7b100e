namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Scales rewards by the running standard deviation of a discounted return (Gymnasium's NormalizeReward):
/// <c>G = G * gamma * (1 - terminated) + r</c>, the statistics are updated with G, and the reward becomes
/// <c>r / sqrt(var + epsilon)</c> (clipped to ±<see cref="Clip"/>; infinity by default, as in Gymnasium).
/// As in Gymnasium, G is zeroed by termination only, not by truncation. <see cref="UpdateRunningMean"/>
/// = false freezes the statistics.
/// </summary>
public sealed class NormalizeReward<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    private readonly double[] _return = new double[1];

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public NormalizeReward(IEnvironment<TObservation, TAction> inner, double gamma = 0.99, double epsilon = 1e-8, double clip = double.PositiveInfinity)
        : base(inner)
    {
        if (!(gamma is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clip);
        Gamma = gamma;
        Epsilon = epsilon;
        Clip = clip;
    }

    /// <summary>The discount of the return estimate.</summary>
    public double Gamma { get; }

    /// <summary>The epsilon added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized rewards are clipped to ±Clip.</summary>
    public double Clip { get; }

    /// <summary>Whether steps update the statistics (false: frozen).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running statistics of the discounted return (one feature).</summary>
    public RunningMeanStd Statistics { get; } = new(1);

    /// <summary>The current discounted return estimate G.</summary>
    public double DiscountedReturn
    {
        get => _return[0];
        set => _return[0] = value;
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        var result = Inner.Step(action);
        _return[0] = (_return[0] * Gamma * (result.Terminated ? 0.0 : 1.0)) + result.Reward;
        if (UpdateRunningMean)
        {
            Statistics.Update(_return);
        }

        double scaled = result.Reward / Math.Sqrt(Statistics.Variance[0] + Epsilon);
        return result with { Reward = Math.Clamp(scaled, -Clip, Clip) };
    }
}
