using RLFramework.Boosting;

namespace RLFramework.Agents.Policies;

/// <summary>Which function approximator an actor-critic agent trains.</summary>
public enum PolicyKind
{
    /// <summary>Gradient-boosted tree ensembles (<see cref="GbrlActorCriticPolicy"/>).</summary>
    Gbrl,

    /// <summary>The neural baseline: separate policy and value MLPs trained by Adam (<see cref="MlpActorCriticPolicy"/>).</summary>
    Mlp,
}

/// <summary>Options of a GBRL actor-critic policy. Defaults follow the GBRL paper's Gym settings.</summary>
public sealed record GbrlPolicyOptions
{
    /// <summary>Learning rate of the policy slice (shrinkage of the policy outputs of each tree).</summary>
    public double PolicyLearningRate { get; init; } = 0.03;

    /// <summary>Learning rate of the value slice.</summary>
    public double ValueLearningRate { get; init; } = 0.01;

    /// <summary>
    /// Linear decay of both tree learning rates to 0 over the run (SB3's lin_x), applied by scaling each
    /// update's gradients by the remaining progress: leaf values are gradient means, so this equals scaling the rate.
    /// </summary>
    public bool LinearLearningRateDecay { get; init; }

    /// <summary>Per-sample L2 clip of the policy-gradient rows (0: none).</summary>
    public double MaxPolicyGradNorm { get; init; } = 100;

    /// <summary>Per-sample L2 clip of the value-gradient rows (0: none).</summary>
    public double MaxValueGradNorm { get; init; } = 10;

    /// <summary>One ensemble whose trees hold policy and value outputs (true), or separate actor and critic ensembles.</summary>
    public bool SharedTrees { get; init; } = true;

    /// <summary>Maximum tree depth.</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Oblivious or greedy trees.</summary>
    public TreeShape TreeShape { get; init; } = TreeShape.Oblivious;

    /// <summary>Split score.</summary>
    public SplitScore SplitScore { get; init; } = SplitScore.Cosine;

    /// <summary>Candidate thresholds from quantiles or a uniform grid.</summary>
    public BinningRule Binning { get; init; } = BinningRule.Quantile;

    /// <summary>Maximum bins per numerical feature (2..256).</summary>
    public int MaxBins { get; init; } = 256;

    /// <summary>Minimum samples per leaf (0, the reference's default: oblivious levels may leave a child empty).</summary>
    public int MinSamplesPerLeaf { get; init; }

    /// <summary>
    /// Threads that fit a tree (<see cref="GbrlOptions.Threads"/>): 0 (the default) = one per core, at most 4; 1 = the training
    /// thread only (use it when several trainings share the cores). Results are the same bit for bit whatever the value.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Initial log-std of a Gaussian policy.</summary>
    public double LogStdInit { get; init; } = -2;

    /// <summary>Initial Adam learning rate of the log-std; it decays linearly to 0 over the run (SB3's lin_x).</summary>
    public double LogStdLearningRate { get; init; } = 0.0017;

    /// <summary>
    /// GBRL trees (the default) or the neural MLP baseline (<c>--set policy=mlp</c>); the Mlp* options,
    /// <see cref="LogStdInit"/> and <see cref="LinearLearningRateDecay"/> apply to the latter, the tree options do not.
    /// </summary>
    public PolicyKind Policy { get; init; } = PolicyKind.Gbrl;

    /// <summary>Adam learning rate of the MLP policy (networks and log-std; Stable-Baselines3's PPO default).</summary>
    public double MlpLearningRate { get; init; } = 3e-4;

    /// <summary>Width of each hidden tanh layer of the MLP policy and value networks.</summary>
    public int MlpHiddenSize { get; init; } = 64;

    /// <summary>Number of hidden layers of the MLP policy and value networks.</summary>
    public int MlpHiddenLayers { get; init; } = 2;

    /// <summary>Global L2 clip of the MLP's parameter gradient before each Adam step (SB3's max_grad_norm; 0: none).</summary>
    public double MlpMaxGradNorm { get; init; } = 0.5;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Check(PolicyLearningRate > 0 && double.IsFinite(PolicyLearningRate), nameof(PolicyLearningRate), PolicyLearningRate, "a finite number > 0");
        Check(ValueLearningRate > 0 && double.IsFinite(ValueLearningRate), nameof(ValueLearningRate), ValueLearningRate, "a finite number > 0");
        Check(MaxPolicyGradNorm >= 0 && double.IsFinite(MaxPolicyGradNorm), nameof(MaxPolicyGradNorm), MaxPolicyGradNorm, "finite and >= 0");
        Check(MaxValueGradNorm >= 0 && double.IsFinite(MaxValueGradNorm), nameof(MaxValueGradNorm), MaxValueGradNorm, "finite and >= 0");
        Check(MaxDepth is >= 1 and <= 16, nameof(MaxDepth), MaxDepth, "between 1 and 16");
        Check(MaxBins is >= 2 and <= 256, nameof(MaxBins), MaxBins, "between 2 and 256");
        Check(MinSamplesPerLeaf >= 0, nameof(MinSamplesPerLeaf), MinSamplesPerLeaf, "at least 0");
        Check(Threads >= 0, nameof(Threads), Threads, "0 (one per core) or more");
        Check(double.IsFinite(LogStdInit) && LogStdInit is >= -20 and <= 5, nameof(LogStdInit), LogStdInit, "between -20 and 5");
        Check(LogStdLearningRate >= 0 && double.IsFinite(LogStdLearningRate), nameof(LogStdLearningRate), LogStdLearningRate, "finite and >= 0");
        Check(Enum.IsDefined(Policy), nameof(Policy), Policy, "gbrl or mlp");
        Check(MlpLearningRate > 0 && double.IsFinite(MlpLearningRate), nameof(MlpLearningRate), MlpLearningRate, "a finite number > 0");
        Check(MlpHiddenSize is >= 1 and <= 4096, nameof(MlpHiddenSize), MlpHiddenSize, "between 1 and 4096");
        Check(MlpHiddenLayers is >= 0 and <= 8, nameof(MlpHiddenLayers), MlpHiddenLayers, "between 0 and 8");
        Check(MlpMaxGradNorm >= 0 && double.IsFinite(MlpMaxGradNorm), nameof(MlpMaxGradNorm), MlpMaxGradNorm, "finite and >= 0");
        Check(Enum.IsDefined(TreeShape), nameof(TreeShape), TreeShape, "oblivious or greedy");
        Check(Enum.IsDefined(SplitScore), nameof(SplitScore), SplitScore, "cosine or l2");
        Check(Enum.IsDefined(Binning), nameof(Binning), Binning, "quantile or uniform");
    }

    /// <summary>The booster options of an ensemble holding the given slices.</summary>
    internal GbrlOptions BoosterOptions(IReadOnlyList<OutputSlice> slices) => new()
    {
        MaxDepth = MaxDepth,
        Shape = TreeShape,
        Score = SplitScore,
        Binning = Binning,
        MaxBins = MaxBins,
        MinSamplesPerLeaf = MinSamplesPerLeaf,
        Threads = Threads,
        Slices = slices,
    };

    private static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok)
            throw new ArgumentException($"{name} must be {expected}, got {value}.", name);
    }
}
