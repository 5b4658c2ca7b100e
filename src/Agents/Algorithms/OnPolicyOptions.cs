using System.Text.Json.Serialization;
using static RLFramework.Agents.Algorithms.OptionChecks;

namespace RLFramework.Agents.Algorithms;

/// <summary>
/// The options A2C and PPO share, with their checks: rollouts of <see cref="NumSteps"/> steps of
/// <see cref="NumEnvs"/> environments, GAE, the loss coefficients and the normalization flags.
/// <see cref="A2cOptions"/> and <see cref="PpoOptions"/> set their own defaults and add their own options.
/// The <see cref="JsonPropertyOrderAttribute"/>s keep the key order that model files and options.json had before
/// these options were shared (PPO's own options sit between them), so those files stay byte for byte the same.
/// </summary>
public abstract record OnPolicyOptions : IAlgorithmOptions
{
    /// <summary>Sets the defaults that differ between the algorithms.</summary>
    private protected OnPolicyOptions(int numEnvs, int numSteps, double gamma, double gaeLambda, double vfCoef)
    {
        NumEnvs = numEnvs;
        NumSteps = numSteps;
        Gamma = gamma;
        GaeLambda = gaeLambda;
        VfCoef = vfCoef;
    }

    /// <inheritdoc />
    [JsonPropertyOrder(1)]
    public int NumEnvs { get; init; }

    /// <summary>Steps per environment per rollout.</summary>
    [JsonPropertyOrder(2)]
    public int NumSteps { get; init; }

    /// <inheritdoc />
    [JsonPropertyOrder(5)]
    public double Gamma { get; init; }

    /// <summary>GAE lambda (1: plain n-step returns).</summary>
    [JsonPropertyOrder(6)]
    public double GaeLambda { get; init; }

    /// <summary>Entropy coefficient (with <see cref="LinearEntCoefDecay"/>: its value at the start of the run).</summary>
    [JsonPropertyOrder(8)]
    public double EntCoef { get; init; }

    /// <summary>
    /// Decay the entropy coefficient linearly to 0 over the run: each update uses EntCoef * progress remaining
    /// (1 at the start, 0 at the end; the schedule of <c>linear_learning_rate_decay</c>). Explores early, not at the end.
    /// Written to model files only when on, so files without the schedule stay as they were before it existed.
    /// </summary>
    [JsonPropertyOrder(14)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool LinearEntCoefDecay { get; init; }

    /// <inheritdoc />
    /// <remarks>Written to model files only when on, so files without masking stay as they were before it existed.</remarks>
    [JsonPropertyOrder(15)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool UseMasking { get; init; }

    /// <summary>Value-loss coefficient.</summary>
    [JsonPropertyOrder(9)]
    public double VfCoef { get; init; }

    /// <summary>Normalize advantages over each batch the loss is computed on (A2C: the rollout; PPO: a minibatch).</summary>
    [JsonPropertyOrder(10)]
    public bool NormalizeAdvantage { get; init; } = true;

    /// <inheritdoc />
    [JsonPropertyOrder(11)]
    public bool NormalizeObservation { get; init; }

    /// <inheritdoc />
    [JsonPropertyOrder(12)]
    public bool NormalizeReward { get; init; } = true;

    /// <summary>Rollout size (NumEnvs * NumSteps).</summary>
    [JsonPropertyOrder(13)]
    public int RolloutSize => NumEnvs * NumSteps;

    /// <summary>The entropy coefficient of an update made with <paramref name="progressRemaining"/> of the run left.</summary>
    public double EntCoefAt(double progressRemaining) =>
        LinearEntCoefDecay ? EntCoef * Math.Clamp(progressRemaining, 0, 1) : EntCoef;

    /// <inheritdoc />
    public void Validate()
    {
        Positive(NumEnvs, nameof(NumEnvs));
        Positive(NumSteps, nameof(NumSteps));
        Unit(Gamma, nameof(Gamma));
        Unit(GaeLambda, nameof(GaeLambda));
        NonNegative(EntCoef, nameof(EntCoef));
        NonNegative(VfCoef, nameof(VfCoef));
        ValidateAlgorithm();
    }

    /// <summary>Checks the options of the algorithm itself, after the shared ones passed.</summary>
    private protected abstract void ValidateAlgorithm();
}
