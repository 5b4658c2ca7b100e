using System.Text.Json.Serialization;
using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>Options of AWR (Peng et al. 2019). Defaults: the GBRL paper's CartPole-v1 row of Table 2.</summary>
public sealed record AwrOptions : IAlgorithmOptions
{
    /// <inheritdoc />
    public int NumEnvs { get; init; } = 1;

    /// <summary>Environment steps (all environments) between training phases.</summary>
    public int TrainFreq { get; init; } = 2000;

    /// <summary>Trees fitted per training phase, each on a minibatch from the replay buffer.</summary>
    public int GradientSteps { get; init; } = 150;

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Replay buffer capacity in transitions.</summary>
    public int BufferSize { get; init; } = 50_000;

    /// <inheritdoc />
    public double Gamma { get; init; } = 0.99;

    /// <summary>TD(lambda) parameter of the advantage estimate.</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Temperature beta of the advantage weights exp(A / beta).</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>Clamp of the advantage weights.</summary>
    public double MaxWeight { get; init; } = 20;

    /// <summary>Entropy coefficient.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value-loss coefficient.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Normalize advantages over the replay buffer before weighting.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <inheritdoc />
    public bool NormalizeObservation { get; init; }

    /// <inheritdoc />
    public bool NormalizeReward { get; init; }

    /// <inheritdoc />
    /// <remarks>Written to model files only when on, so files without masking stay as they were before it existed.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool UseMasking { get; init; }

    /// <summary>Steps per environment per collection phase.</summary>
    public int StepsPerEnv => Math.Max(1, TrainFreq / NumEnvs);

    /// <inheritdoc />
    public void Validate()
    {
        Positive(NumEnvs, nameof(NumEnvs));
        Positive(TrainFreq, nameof(TrainFreq));
        Positive(GradientSteps, nameof(GradientSteps));
        Positive(BatchSize, nameof(BatchSize));
        Check(BufferSize >= StepsPerEnv * NumEnvs, nameof(BufferSize), BufferSize, $"at least TrainFreq = {StepsPerEnv * NumEnvs}");
        Unit(Gamma, nameof(Gamma));
        Unit(GaeLambda, nameof(GaeLambda));
        Check(Beta > 0 && double.IsFinite(Beta), nameof(Beta), Beta, "a finite number > 0");
        Check(MaxWeight > 0 && double.IsFinite(MaxWeight), nameof(MaxWeight), MaxWeight, "a finite number > 0");
        NonNegative(EntCoef, nameof(EntCoef));
        NonNegative(VfCoef, nameof(VfCoef));
    }
}
