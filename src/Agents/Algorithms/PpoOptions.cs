using System.Text.Json.Serialization;
using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>Options of PPO (Schulman et al. 2017): the shared on-policy options, minibatches, epochs and the clip range.</summary>
public sealed record PpoOptions : OnPolicyOptions
{
    /// <summary>Defaults: the GBRL paper's CartPole-v1 row of Table 2.</summary>
    public PpoOptions()
        : base(numEnvs: 8, numSteps: 128, gamma: 0.98, gaeLambda: 0.8, vfCoef: 0.87)
    {
    }

    /// <summary>Minibatch size: one tree is fitted per minibatch per epoch.</summary>
    [JsonPropertyOrder(3)]
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout.</summary>
    [JsonPropertyOrder(4)]
    public int Epochs { get; init; } = 1;

    /// <summary>Clip range epsilon of the probability ratio.</summary>
    [JsonPropertyOrder(7)]
    public double ClipRange { get; init; } = 0.2;

    private protected override void ValidateAlgorithm()
    {
        Positive(BatchSize, nameof(BatchSize));
        Check(BatchSize <= RolloutSize, nameof(BatchSize), BatchSize, $"at most NumEnvs * NumSteps = {RolloutSize}");
        Positive(Epochs, nameof(Epochs));
        Check(ClipRange is > 0 and < 1, nameof(ClipRange), ClipRange, "between 0 and 1 (exclusive)");
    }
}
