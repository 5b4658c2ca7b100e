using RLFramework.Environments.Wrappers;

namespace RLFramework.Agents.Normalization;

/// <summary>
/// Observation and reward normalization of a vector of environments, Stable-Baselines3's VecNormalize:
/// obs -> clip((obs - mean) / sqrt(var + eps), +-clip); reward -> clip(reward / sqrt(var(discounted return) + eps), +-clip).
/// Statistics update only while <see cref="Training"/> is true and are saved with the agent. The running
/// moments are the environments' own <see cref="RunningMeanStd"/> (one implementation of the parallel update).
/// Categorical features (codes the trees test by equality) pass through unchanged: a normalized code would be no code,
/// and would drift with the statistics (Stable-Baselines3 likewise normalizes only Box observations).
/// </summary>
internal sealed class VecNormalizer
{
    private const double Epsilon = 1e-8;
    private readonly double[] _returnSamples;
    private readonly int[] _categorical;

    /// <summary>Statistics for <paramref name="numEnvs"/> environments of <paramref name="observationSize"/> floats.</summary>
    /// <param name="numEnvs">Environments stepped together.</param>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="normalizeObservations">Whether observations are normalized (running mean and variance).</param>
    /// <param name="normalizeRewards">Whether rewards are scaled by the running std of the discounted return.</param>
    /// <param name="gamma">Discount of that return.</param>
    /// <param name="clipObservation">Normalized observations are clipped to +- this.</param>
    /// <param name="clipReward">Scaled rewards are clipped to +- this.</param>
    /// <param name="categorical">Cardinality per observation feature (0: numerical); null: every feature numerical.</param>
    public VecNormalizer(int numEnvs, int observationSize, bool normalizeObservations, bool normalizeRewards,
        double gamma, double clipObservation = 10, double clipReward = 10, IReadOnlyList<int>? categorical = null)
    {
        var categoricalFeatures = new List<int>();
        for (var f = 0; f < (categorical?.Count ?? 0); f++)
        {
            if (categorical![f] > 0)
                categoricalFeatures.Add(f);
        }
        _categorical = [.. categoricalFeatures];
        NormalizeObservations = normalizeObservations;
        NormalizeRewards = normalizeRewards;
        Gamma = gamma;
        ClipObservation = clipObservation;
        ClipReward = clipReward;
        ObservationStatistics = new RunningMeanStd(observationSize);
        ReturnStatistics = new RunningMeanStd(1);
        DiscountedReturns = new double[numEnvs];
        _returnSamples = new double[numEnvs];
    }

    public bool NormalizeObservations { get; }

    public bool NormalizeRewards { get; }

    public double Gamma { get; }

    public double ClipObservation { get; }

    public double ClipReward { get; }

    public bool Training { get; set; } = true;

    public RunningMeanStd ObservationStatistics { get; }

    public RunningMeanStd ReturnStatistics { get; }

    /// <summary>Per environment, the running discounted return used for the reward scale.</summary>
    public double[] DiscountedReturns { get; }

    /// <summary>Updates the statistics with <paramref name="raw"/> (when training) and writes the normalized rows.</summary>
    public void ProcessObservations(ReadOnlySpan<float> raw, int count, Span<float> normalized)
    {
        if (NormalizeObservations && Training && count > 0)
            ObservationStatistics.Update(raw[..(count * ObservationStatistics.Size)]);
        NormalizeObservationRows(raw, count, normalized);
    }

    /// <summary>Writes normalized rows without touching the statistics.</summary>
    public void NormalizeObservationRows(ReadOnlySpan<float> raw, int count, Span<float> normalized)
    {
        var size = ObservationStatistics.Size;
        if (!NormalizeObservations)
        {
            raw[..(count * size)].CopyTo(normalized);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            ObservationStatistics.Normalize(raw.Slice(i * size, size), normalized.Slice(i * size, size), Epsilon, ClipObservation);
            foreach (var f in _categorical)
                normalized[i * size + f] = raw[i * size + f];
        }
    }

    /// <summary>The raw value of feature <paramref name="feature"/> whose normalized value is <paramref name="normalized"/> (inside the clip).</summary>
    public double Denormalize(int feature, float normalized) =>
        (normalized * Math.Sqrt(ObservationStatistics.Variance[feature] + Epsilon)) + ObservationStatistics.Mean[feature];

    /// <summary>Updates the return statistics (when training) and writes the scaled rewards; episodes that ended restart their return.</summary>
    public void ProcessRewards(ReadOnlySpan<double> raw, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, Span<float> normalized)
    {
        if (!NormalizeRewards)
        {
            for (var e = 0; e < raw.Length; e++)
                normalized[e] = (float)raw[e];
            return;
        }
        if (Training)
        {
            for (var e = 0; e < raw.Length; e++)
            {
                DiscountedReturns[e] = DiscountedReturns[e] * Gamma + raw[e];
                _returnSamples[e] = DiscountedReturns[e];
            }
            if (raw.Length > 0)
                ReturnStatistics.Update(_returnSamples.AsSpan(0, raw.Length));
        }
        var scale = Math.Sqrt(ReturnStatistics.Variance[0] + Epsilon);
        for (var e = 0; e < raw.Length; e++)
        {
            normalized[e] = (float)Math.Clamp(raw[e] / scale, -ClipReward, ClipReward);
            if (terminated[e] || truncated[e])
                DiscountedReturns[e] = 0;
        }
    }
}
