using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>Options of PPO (Schulman et al. 2017). Defaults: the GBRL paper's CartPole-v1 row of Table 2.</summary>
public sealed record PpoOptions : IAlgorithmOptions
{
    /// <inheritdoc />
    public int NumEnvs { get; init; } = 8;

    /// <summary>Steps per environment per rollout.</summary>
    public int NumSteps { get; init; } = 128;

    /// <summary>Minibatch size: one tree is fitted per minibatch per epoch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout.</summary>
    public int Epochs { get; init; } = 1;

    /// <inheritdoc />
    public double Gamma { get; init; } = 0.98;

    /// <summary>GAE lambda.</summary>
    public double GaeLambda { get; init; } = 0.8;

    /// <summary>Clip range epsilon of the probability ratio.</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Entropy coefficient.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value-loss coefficient.</summary>
    public double VfCoef { get; init; } = 0.87;

    /// <summary>Normalize advantages per minibatch.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <inheritdoc />
    public bool NormalizeObservation { get; init; }

    /// <inheritdoc />
    public bool NormalizeReward { get; init; } = true;

    /// <summary>Rollout size (NumEnvs * NumSteps).</summary>
    public int RolloutSize => NumEnvs * NumSteps;

    /// <inheritdoc />
    public void Validate()
    {
        Positive(NumEnvs, nameof(NumEnvs));
        Positive(NumSteps, nameof(NumSteps));
        Positive(BatchSize, nameof(BatchSize));
        Check(BatchSize <= RolloutSize, nameof(BatchSize), BatchSize, $"at most NumEnvs * NumSteps = {RolloutSize}");
        Positive(Epochs, nameof(Epochs));
        Unit(Gamma, nameof(Gamma));
        Unit(GaeLambda, nameof(GaeLambda));
        Check(ClipRange is > 0 and < 1, nameof(ClipRange), ClipRange, "between 0 and 1 (exclusive)");
        NonNegative(EntCoef, nameof(EntCoef));
        NonNegative(VfCoef, nameof(VfCoef));
    }
}
