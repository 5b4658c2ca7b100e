namespace RLFramework.Agents.Distributions;

/// <summary>
/// Diagonal Gaussian whose means come from the policy outputs and whose log-std s is a
/// state-independent parameter: log pi = sum_j [ -(a_j - mu_j)^2 / (2 sigma_j^2) - s_j - 0.5 log(2 pi) ].
/// d log pi / d mu_j = (a_j - mu_j) / sigma_j^2; d log pi / d s_j = (a_j - mu_j)^2 / sigma_j^2 - 1;
/// H = sum_j (s_j + 0.5 (1 + log 2 pi)), so dH/dmu = 0 and dH/ds_j = 1.
/// </summary>
public sealed class DiagGaussianDistribution : ActionDistribution
{
    private static readonly double s_halfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>A Gaussian over <paramref name="actionSize"/> independent action dimensions.</summary>
    public DiagGaussianDistribution(int actionSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionSize, 1);
        OutputCount = actionSize;
    }

    /// <inheritdoc />
    public override int OutputCount { get; }

    /// <inheritdoc />
    public override int ActionSize => OutputCount;

    /// <inheritdoc />
    public override int LogStdCount => OutputCount;

    /// <inheritdoc />
    public override void Sample(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        bool deterministic, RandomSource random, Span<float> actions, Span<float> logProbs)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var d = OutputCount;
        for (var i = 0; i < count; i++)
        {
            var logProb = 0.0;
            for (var j = 0; j < d; j++)
            {
                double mu = outputs[i * stride + j];
                var sigma = Math.Exp(logStd[j]);
                var action = deterministic ? mu : mu + sigma * random.NextGaussian();
                actions[i * d + j] = (float)action;
                var z = ((float)action - mu) / sigma;
                logProb += -0.5 * z * z - logStd[j] - s_halfLogTwoPi;
            }
            logProbs[i] = (float)logProb;
        }
    }

    /// <inheritdoc />
    public override void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, Span<float> logProbs, Span<float> entropies)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var d = OutputCount;
        var entropy = 0.0;
        for (var j = 0; j < d; j++)
            entropy += logStd[j] + 0.5 + s_halfLogTwoPi;
        for (var i = 0; i < count; i++)
        {
            var logProb = 0.0;
            for (var j = 0; j < d; j++)
            {
                var z = (actions[i * d + j] - (double)outputs[i * stride + j]) / Math.Exp(logStd[j]);
                logProb += -0.5 * z * z - logStd[j] - s_halfLogTwoPi;
            }
            logProbs[i] = (float)logProb;
            entropies[i] = (float)entropy;
        }
    }

    /// <inheritdoc />
    public override void Gradients(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, ReadOnlySpan<float> logProbCoefficients, double entropyCoefficient,
        Span<float> gradients, Span<double> logStdGradients)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        if (logStdGradients.Length != LogStdCount)
            throw new ArgumentException($"The log-std gradient has {logStdGradients.Length} entries; {LogStdCount} expected.", nameof(logStdGradients));
        var d = OutputCount;
        for (var i = 0; i < count; i++)
        {
            double c = logProbCoefficients[i];
            for (var j = 0; j < d; j++)
            {
                var variance = Math.Exp(2.0 * logStd[j]);
                var diff = actions[i * d + j] - (double)outputs[i * stride + j];
                gradients[i * stride + j] = (float)(c * diff / variance);
                logStdGradients[j] += c * (diff * diff / variance - 1.0) + entropyCoefficient;
            }
        }
    }
}
