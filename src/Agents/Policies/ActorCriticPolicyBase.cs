using RLFramework.Agents.Distributions;

namespace RLFramework.Agents.Policies;

/// <summary>
/// What every actor-critic policy shares: one output row per sample (the distribution's outputs, then
/// the value), a state-independent log-std, and acting, evaluating and reading values as "compute the
/// rows with <see cref="Forward"/>, then read them". Subclasses supply <see cref="Forward"/> and training.
/// </summary>
public abstract class ActorCriticPolicyBase
{
    private float[] _rowScratch = [];

    private protected ActorCriticPolicyBase(ActionDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        Distribution = distribution;
        LogStdValues = new float[distribution.LogStdCount];
    }

    /// <summary>The action distribution over the policy outputs.</summary>
    public ActionDistribution Distribution { get; }

    /// <summary>Outputs per sample: the distribution's outputs, then the value.</summary>
    public int OutputCount => Distribution.OutputCount + 1;

    /// <summary>The state-independent log-std (empty for discrete actions).</summary>
    public ReadOnlySpan<float> LogStd => LogStdValues;

    private protected float[] LogStdValues { get; }

    /// <summary>Writes the output rows (count x OutputCount) of <paramref name="observations"/>.</summary>
    public abstract void Forward(ReadOnlySpan<float> observations, int count, Span<float> outputs);

    /// <summary>Samples (or takes the mode of) actions, with their log-probabilities and the values; illegal actions (<paramref name="actionMasks"/>, when given) have probability 0.</summary>
    public void Act(ReadOnlySpan<float> observations, int count, bool deterministic, RandomSource random,
        Span<float> actions, Span<float> logProbs, Span<float> values, Span<float> outputs, ReadOnlySpan<ulong> actionMasks = default)
    {
        var k = OutputCount;
        var rows = outputs.IsEmpty ? RowScratch(count * k) : outputs;
        Forward(observations, count, rows);
        if (!actionMasks.IsEmpty)
            ActionMasking.Apply(rows, k, count, Distribution.OutputCount, actionMasks);
        Distribution.Sample(rows, k, count, LogStdValues, deterministic, random, actions, logProbs);
        CopyValues(rows, count, values);
    }

    /// <summary>Log-probabilities and entropies of given actions (under <paramref name="actionMasks"/>, when given), and the values.</summary>
    public void EvaluateActions(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int count,
        Span<float> logProbs, Span<float> entropies, Span<float> values, ReadOnlySpan<ulong> actionMasks = default)
    {
        var rows = RowScratch(count * OutputCount);
        Forward(observations, count, rows);
        if (!actionMasks.IsEmpty)
            ActionMasking.Apply(rows, OutputCount, count, Distribution.OutputCount, actionMasks);
        Distribution.LogProbAndEntropy(rows, OutputCount, count, LogStdValues, actions, logProbs, entropies);
        CopyValues(rows, count, values);
    }

    private protected void CopyValues(ReadOnlySpan<float> rows, int count, Span<float> values)
    {
        var k = OutputCount;
        for (var i = 0; i < count; i++)
            values[i] = rows[i * k + k - 1];
    }

    private protected Span<float> RowScratch(int length)
    {
        if (_rowScratch.Length < length)
            _rowScratch = new float[Math.Max(length, _rowScratch.Length * 2)];
        return _rowScratch.AsSpan(0, length);
    }
}
