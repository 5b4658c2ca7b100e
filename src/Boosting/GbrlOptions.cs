namespace RLFramework.Boosting;

/// <summary>Tree shape.</summary>
public enum TreeShape
{
    /// <summary>One (feature, threshold) per depth level shared by all nodes of the level (the reference's default).</summary>
    Oblivious,

    /// <summary>Best split per node, depth first; a node splits only when it improves on its parent.</summary>
    Greedy,
}

/// <summary>Split score over multi-output gradients.</summary>
public enum SplitScore
{
    /// <summary>sqrt(sum_c n_c |m_c|^2) on raw gradients (the reference's default).</summary>
    Cosine,

    /// <summary>sum_c n_c |m_c|^2 on gradients standardized per output column.</summary>
    L2,
}

/// <summary>How candidate thresholds of numerical features are chosen from a batch.</summary>
public enum BinningRule
{
    /// <summary>Quantiles of the batch's values.</summary>
    Quantile,

    /// <summary>Equally spaced between the batch's min and max.</summary>
    Uniform,
}

/// <summary>A learning rate, constant or linear in the tree index.</summary>
/// <param name="Initial">Learning rate of the first tree.</param>
/// <param name="Final">Learning rate reached at tree <paramref name="Horizon"/> (equal to Initial for a constant rate).</param>
/// <param name="Horizon">Number of trees over which the rate moves linearly from Initial to Final; 0 for constant.</param>
public readonly record struct LearningRateSchedule(double Initial, double Final, int Horizon)
{
    /// <summary>A constant learning rate.</summary>
    public static LearningRateSchedule Constant(double value) => new(value, value, 0);

    /// <summary>A rate moving linearly from <paramref name="initial"/> to <paramref name="final"/> over <paramref name="horizon"/> trees.</summary>
    public static LearningRateSchedule Linear(double initial, double final, int horizon) => new(initial, final, horizon);

    /// <summary>The rate for tree number <paramref name="treeIndex"/>.</summary>
    public double At(int treeIndex) =>
        Horizon <= 0 || treeIndex >= Horizon ? (Horizon <= 0 ? Initial : Final)
        : Initial + (Final - Initial) * treeIndex / Horizon;
}

/// <summary>
/// A contiguous range of outputs with its own learning rate and per-sample gradient-norm clip
/// (for shared actor-critic trees: a policy slice and a value slice).
/// </summary>
/// <param name="Name">Name used in errors and dumps ("policy", "value").</param>
/// <param name="Start">First output of the slice.</param>
/// <param name="Length">Number of outputs in the slice.</param>
/// <param name="LearningRate">Shrinkage applied to this slice's leaf values.</param>
/// <param name="MaxGradNorm">Rows of the slice with a larger L2 norm are rescaled to it; 0 disables clipping.</param>
public sealed record OutputSlice(string Name, int Start, int Length, LearningRateSchedule LearningRate, double MaxGradNorm = 0);

/// <summary>Options of the GBRL tree learner. Defaults follow the reference library.</summary>
public sealed record GbrlOptions
{
    /// <summary>Maximum tree depth (levels of splits).</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Oblivious or greedy trees.</summary>
    public TreeShape Shape { get; init; } = TreeShape.Oblivious;

    /// <summary>Split score.</summary>
    public SplitScore Score { get; init; } = SplitScore.Cosine;

    /// <summary>Candidate-threshold rule for numerical features.</summary>
    public BinningRule Binning { get; init; } = BinningRule.Quantile;

    /// <summary>Maximum number of bins per numerical feature (2..256).</summary>
    public int MaxBins { get; init; } = 256;

    /// <summary>
    /// Minimum number of samples in each child of a split. 0 (the reference's default, <c>min_data_in_leaf=0</c>):
    /// an oblivious level may leave some nodes' children empty (an empty child adds 0 to the score and its leaf
    /// holds zeros), so small batches still grow to <see cref="MaxDepth"/>. Greedy nodes never split into an
    /// empty child, whatever the value (a split that moves no sample cannot improve the parent).
    /// </summary>
    public int MinSamplesPerLeaf { get; init; }

    /// <summary>
    /// Threads that fit a tree: 0 (the default) = one per processor core, at most 4; 1 = the calling thread only.
    /// Binning, histograms and split scores are computed one feature per item on the calling thread plus helper
    /// threads of the booster's own, for batches of at least 2,048 sample-features (smaller fits run on the calling
    /// thread); batch predictions of 16,384+ sample-trees use the same helpers. Helpers spin for 200 us after each
    /// piece of work, so set 1 when several trainings share the machine's cores. The trees are the same bit for bit
    /// whatever the value. A runtime setting: not saved with a model (a loaded model gets the default).
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Optional per-feature multipliers of split scores (null: all 1).</summary>
    public IReadOnlyList<float>? FeatureWeights { get; init; }

    /// <summary>Output slices with their learning rates; they must cover the outputs without overlap.</summary>
    public IReadOnlyList<OutputSlice> Slices { get; init; } = [new OutputSlice("output", 0, 1, LearningRateSchedule.Constant(0.1))];

    /// <summary>Total number of outputs (derived from <see cref="Slices"/>).</summary>
    public int OutputCount => Slices.Count == 0 ? 0 : Slices.Max(s => s.Start + s.Length);

    /// <summary>Writes each output's learning rate for tree <paramref name="treeIndex"/> (its slice's schedule) into <paramref name="rates"/>.</summary>
    internal void LearningRatesAt(int treeIndex, Span<double> rates)
    {
        foreach (var slice in Slices)
            rates.Slice(slice.Start, slice.Length).Fill(slice.LearningRate.At(treeIndex));
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (MaxDepth is < 1 or > 16)
            throw new ArgumentException($"MaxDepth must be between 1 and 16, got {MaxDepth}.", nameof(MaxDepth));
        if (MaxBins is < 2 or > 256)
            throw new ArgumentException($"MaxBins must be between 2 and 256, got {MaxBins}.", nameof(MaxBins));
        if (Threads < 0)
            throw new ArgumentException($"Threads must be 0 (one per core) or more, got {Threads}.", nameof(Threads));
        if (MinSamplesPerLeaf < 0)
            throw new ArgumentException($"MinSamplesPerLeaf must be at least 0, got {MinSamplesPerLeaf}.", nameof(MinSamplesPerLeaf));
        if (Slices.Count == 0)
            throw new ArgumentException("Slices must hold at least one output slice.", nameof(Slices));
        var covered = new bool[OutputCount];
        foreach (var slice in Slices)
        {
            if (slice.Start < 0 || slice.Length < 1)
                throw new ArgumentException($"Slice '{slice.Name}' has start {slice.Start} and length {slice.Length}; the start must be >= 0 and the length >= 1.", nameof(Slices));
            if (!(slice.LearningRate.Initial >= 0) || !(slice.LearningRate.Final >= 0) || double.IsInfinity(slice.LearningRate.Initial) || double.IsInfinity(slice.LearningRate.Final))
                throw new ArgumentException($"Slice '{slice.Name}' has learning rate {slice.LearningRate}; rates must be finite and >= 0.", nameof(Slices));
            if (!(slice.MaxGradNorm >= 0))
                throw new ArgumentException($"Slice '{slice.Name}' has MaxGradNorm {slice.MaxGradNorm}; it must be >= 0 (0 disables clipping).", nameof(Slices));
            for (var j = slice.Start; j < slice.Start + slice.Length; j++)
            {
                if (covered[j])
                    throw new ArgumentException($"Output {j} belongs to more than one slice.", nameof(Slices));
                covered[j] = true;
            }
        }
        var gap = Array.IndexOf(covered, false);
        if (gap >= 0)
            throw new ArgumentException($"Output {gap} belongs to no slice.", nameof(Slices));
        if (FeatureWeights is not null)
        {
            foreach (var w in FeatureWeights)
            {
                if (!(w >= 0) || float.IsInfinity(w))
                    throw new ArgumentException($"FeatureWeights must be finite and >= 0, got {w}.", nameof(FeatureWeights));
            }
        }
    }
}
