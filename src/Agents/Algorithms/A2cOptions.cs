using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>Options of A2C (Mnih et al. 2016). Defaults: the GBRL paper's CartPole-v1 row of Table 2.</summary>
public sealed record A2cOptions : IAlgorithmOptions
{
    /// <inheritdoc />
    public int NumEnvs { get; init; } = 16;

    /// <summary>Steps per environment per rollout (one tree per rollout).</summary>
    public int NumSteps { get; init; } = 8;

    /// <inheritdoc />
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda (1: plain n-step returns).</summary>
    public double GaeLambda { get; init; } = 1.0;

    /// <summary>Entropy coefficient.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value-loss coefficient.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Normalize advantages over the rollout.</summary>
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
        Unit(Gamma, nameof(Gamma));
        Unit(GaeLambda, nameof(GaeLambda));
        NonNegative(EntCoef, nameof(EntCoef));
        NonNegative(VfCoef, nameof(VfCoef));
        Check(!NormalizeAdvantage || RolloutSize > 1, nameof(NormalizeAdvantage), NormalizeAdvantage, "false when the rollout has a single sample");
    }
}
