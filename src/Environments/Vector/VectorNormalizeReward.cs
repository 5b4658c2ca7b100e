using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Vector;

/// <summary>
/// Scales rewards by the running standard deviation of per-environment discounted returns (Gymnasium's
/// vector NormalizeReward): <c>G[i] = G[i] * gamma * (1 - terminated[i]) + r[i]</c>, the statistics updated
/// with the batch G, then <c>r[i] / sqrt(var + epsilon)</c> (clip optional, none by default).
/// </summary>
public sealed class VectorNormalizeReward : VectorEnvironmentWrapper
{
    private readonly double[] _returns;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public VectorNormalizeReward(IVectorEnvironment inner, double gamma = 0.99, double epsilon = 1e-8, double clip = double.PositiveInfinity)
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
        _returns = new double[inner.NumEnvs];
    }

    /// <summary>The discount of the return estimate.</summary>
    public double Gamma { get; }

    /// <summary>The epsilon added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized rewards are clipped to ±Clip.</summary>
    public double Clip { get; }

    /// <summary>Whether steps update the statistics (false: frozen).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running statistics of the discounted returns (one feature).</summary>
    public RunningMeanStd Statistics { get; } = new(1);

    /// <summary>The current discounted return estimates, one per environment.</summary>
    public ReadOnlySpan<double> DiscountedReturns => _returns;

    /// <inheritdoc/>
    protected override void AfterStep(VectorStepBuffers results)
    {
        var rewards = results.Rewards;
        var terminated = results.Terminated;
        for (int i = 0; i < _returns.Length; i++)
        {
            _returns[i] = (_returns[i] * Gamma * (terminated[i] ? 0.0 : 1.0)) + rewards[i];
        }

        if (UpdateRunningMean)
        {
            Statistics.Update(_returns);
        }

        double scale = Math.Sqrt(Statistics.Variance[0] + Epsilon);
        for (int i = 0; i < rewards.Length; i++)
        {
            rewards[i] = Math.Clamp(rewards[i] / scale, -Clip, Clip);
        }
    }
}
