namespace RLFramework.Agents.Distributions;

/// <summary>
/// The distribution of actions given a policy's raw outputs (logits or means), with the analytic
/// derivatives that GBRL fits its trees to. Every method works on a batch of rows of
/// <c>stride</c> floats whose first <see cref="OutputCount"/> floats are the policy outputs, so one
/// virtual call serves a whole batch.
/// </summary>
public abstract class ActionDistribution
{
    /// <summary>Policy outputs per sample (logits for categorical and Bernoulli, means for Gaussian).</summary>
    public abstract int OutputCount { get; }

    /// <summary>Floats per action (one index per categorical block, one 0/1 per Bernoulli element, one value per Gaussian dimension).</summary>
    public abstract int ActionSize { get; }

    /// <summary>Number of state-independent log-std parameters (0 for categorical).</summary>
    public abstract int LogStdCount { get; }

    /// <summary>Draws (or, when <paramref name="deterministic"/>, takes the mode of) one action per row and writes its log-probability.</summary>
    public abstract void Sample(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        bool deterministic, RandomSource random, Span<float> actions, Span<float> logProbs);

    /// <summary>Writes the log-probability of each row's action and the entropy of each row's distribution.</summary>
    public abstract void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, Span<float> logProbs, Span<float> entropies);

    /// <summary>
    /// Per-sample loss gradients for a loss of the form
    /// l_i = logProbCoefficients[i] * log pi(a_i | s_i) + entropyCoefficient * H(pi(. | s_i)):
    /// writes dl_i/dz_i into the first <see cref="OutputCount"/> floats of each gradient row and adds
    /// the sum over rows of dl_i/dlogstd into <paramref name="logStdGradients"/>.
    /// </summary>
    public abstract void Gradients(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, ReadOnlySpan<float> logProbCoefficients, double entropyCoefficient,
        Span<float> gradients, Span<double> logStdGradients);

    /// <summary>Checks the common span lengths once per batch.</summary>
    private protected void CheckBatch(int outputsLength, int stride, int count, int logStdLength, int actionsLength)
    {
        if (stride < OutputCount)
            throw new ArgumentException($"The row stride {stride} is smaller than the {OutputCount} policy outputs.", nameof(stride));
        if (count < 0 || outputsLength < (long)count * stride)
            throw new ArgumentException($"The outputs hold {outputsLength} floats; {count} rows of stride {stride} need {(long)count * stride}.", "outputs");
        if (logStdLength != LogStdCount)
            throw new ArgumentException($"The log-std has {logStdLength} entries; this distribution needs {LogStdCount}.", "logStd");
        if (actionsLength < (long)count * ActionSize)
            throw new ArgumentException($"The actions hold {actionsLength} floats; {count} actions need {(long)count * ActionSize}.", "actions");
    }
}
