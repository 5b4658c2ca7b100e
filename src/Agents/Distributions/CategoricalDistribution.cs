namespace RLFramework.Agents.Distributions;

/// <summary>
/// Categorical distribution over <c>n</c> actions parameterised by logits z: p = softmax(z).
/// d log p_a / dz = onehot(a) - p; dH/dz_k = -p_k (log p_k + H).
/// </summary>
public sealed class CategoricalDistribution : ActionDistribution
{
    private readonly double[] _logP;

    /// <summary>A categorical distribution over <paramref name="actionCount"/> actions.</summary>
    public CategoricalDistribution(int actionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        OutputCount = actionCount;
        _logP = new double[actionCount];
    }

    /// <inheritdoc />
    public override int OutputCount { get; }

    /// <inheritdoc />
    public override int ActionSize => 1;

    /// <inheritdoc />
    public override int LogStdCount => 0;

    /// <inheritdoc />
    public override void Sample(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        bool deterministic, RandomSource random, Span<float> actions, Span<float> logProbs)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var logP = _logP.AsSpan();
        for (var i = 0; i < count; i++)
        {
            LogSoftmax(outputs.Slice(i * stride, OutputCount), logP);
            int action;
            if (deterministic)
            {
                action = 0;
                for (var k = 1; k < logP.Length; k++)
                {
                    if (logP[k] > logP[action])
                        action = k;
                }
            }
            else
            {
                var u = random.NextDouble();
                action = logP.Length - 1;
                var cumulative = 0.0;
                for (var k = 0; k < logP.Length; k++)
                {
                    cumulative += Math.Exp(logP[k]);
                    if (u < cumulative)
                    {
                        action = k;
                        break;
                    }
                }
            }
            actions[i] = action;
            logProbs[i] = (float)logP[action];
        }
    }

    /// <inheritdoc />
    public override void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, Span<float> logProbs, Span<float> entropies)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var logP = _logP.AsSpan();
        for (var i = 0; i < count; i++)
        {
            LogSoftmax(outputs.Slice(i * stride, OutputCount), logP);
            logProbs[i] = (float)logP[ActionIndex(actions[i])];
            entropies[i] = (float)Entropy(logP);
        }
    }

    /// <inheritdoc />
    public override void Gradients(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, ReadOnlySpan<float> logProbCoefficients, double entropyCoefficient,
        Span<float> gradients, Span<double> logStdGradients)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var logP = _logP.AsSpan();
        for (var i = 0; i < count; i++)
        {
            LogSoftmax(outputs.Slice(i * stride, OutputCount), logP);
            var entropy = Entropy(logP);
            var action = ActionIndex(actions[i]);
            double c = logProbCoefficients[i];
            var row = gradients.Slice(i * stride, OutputCount);
            for (var k = 0; k < row.Length; k++)
            {
                var p = Math.Exp(logP[k]);
                var dLogProb = (k == action ? 1.0 : 0.0) - p;
                var dEntropy = -p * (logP[k] + entropy);
                row[k] = (float)(c * dLogProb + entropyCoefficient * dEntropy);
            }
        }
    }

    private int ActionIndex(float action)
    {
        var a = (int)action;
        if (a < 0 || a >= OutputCount || a != action)
            throw new ArgumentException($"Action {action} is not an index in [0, {OutputCount}).", nameof(action));
        return a;
    }

    private static void LogSoftmax(ReadOnlySpan<float> logits, Span<double> logP)
    {
        double max = logits[0];
        for (var k = 1; k < logits.Length; k++)
            max = Math.Max(max, logits[k]);
        var sum = 0.0;
        for (var k = 0; k < logits.Length; k++)
            sum += Math.Exp(logits[k] - max);
        var logSum = max + Math.Log(sum);
        for (var k = 0; k < logits.Length; k++)
            logP[k] = logits[k] - logSum;
    }

    private static double Entropy(ReadOnlySpan<double> logP)
    {
        var h = 0.0;
        foreach (var lp in logP)
            h -= Math.Exp(lp) * lp;
        return h;
    }
}
