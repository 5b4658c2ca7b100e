using System.Diagnostics.CodeAnalysis;

namespace RLFramework.Agents.Distributions;

/// <summary>
/// Independent Bernoulli distributions over n binary action elements, each parameterised by its logit z:
/// p = sigmoid(z) is the probability of 1 (Stable-Baselines3's <c>BernoulliDistribution</c>, a MultiBinary(n) action
/// space). An action holds n floats, each 0 or 1.
/// log pi(a) = sum_j [a_j log sigmoid(z_j) + (1 - a_j) log sigmoid(-z_j)], with log sigmoid(z) = -softplus(-z);
/// H = sum_j H_j, H_j = -p log p - q log q = p softplus(-z) + q softplus(z) with q = 1 - p = sigmoid(-z);
/// d log pi / dz_j = a_j - p_j and dH_j / dz_j = -z_j p_j q_j.
/// </summary>
public sealed class BernoulliDistribution : ActionDistribution
{
    /// <summary>Bernoulli distributions over <paramref name="elementCount"/> binary action elements.</summary>
    public BernoulliDistribution(int elementCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elementCount, 1);
        OutputCount = elementCount;
    }

    /// <inheritdoc />
    public override int OutputCount { get; }

    /// <inheritdoc />
    public override int ActionSize => OutputCount;

    /// <inheritdoc />
    public override int LogStdCount => 0;

    /// <inheritdoc />
    /// <remarks>
    /// One uniform draw u per element, in element order, the element 1 when u &lt; p; when <paramref name="deterministic"/>,
    /// the mode as Stable-Baselines3 rounds it: 1 when p &gt; 1/2, that is z &gt; 0 (p = 1/2 gives 0).
    /// </remarks>
    public override void Sample(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        bool deterministic, RandomSource random, Span<float> actions, Span<float> logProbs)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var n = OutputCount;
        for (var i = 0; i < count; i++)
        {
            var logProb = 0.0;
            for (var j = 0; j < n; j++)
            {
                double z = outputs[i * stride + j];
                var one = deterministic ? z > 0 : random.NextDouble() < Sigmoid(z);
                actions[i * n + j] = one ? 1f : 0f;
                logProb -= one ? Softplus(-z) : Softplus(z);
            }
            logProbs[i] = (float)logProb;
        }
    }

    /// <inheritdoc />
    public override void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, Span<float> logProbs, Span<float> entropies)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var n = OutputCount;
        for (var i = 0; i < count; i++)
        {
            var logProb = 0.0;
            var entropy = 0.0;
            for (var j = 0; j < n; j++)
            {
                double z = outputs[i * stride + j];
                var spMinus = Softplus(-z);
                var spPlus = Softplus(z);
                logProb -= IsOne(actions[i * n + j], j) ? spMinus : spPlus;
                entropy += Sigmoid(z) * spMinus + Sigmoid(-z) * spPlus;
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
        var n = OutputCount;
        for (var i = 0; i < count; i++)
        {
            double c = logProbCoefficients[i];
            for (var j = 0; j < n; j++)
            {
                double z = outputs[i * stride + j];
                var p = Sigmoid(z);
                var dLogProb = (IsOne(actions[i * n + j], j) ? 1.0 : 0.0) - p;
                var dEntropy = -z * p * Sigmoid(-z);
                gradients[i * stride + j] = (float)(c * dLogProb + entropyCoefficient * dEntropy);
            }
        }
    }

    /// <summary>Whether the action element <paramref name="element"/> is 1 (false for 0), or a clear error for any other value.</summary>
    private static bool IsOne(float action, int element)
    {
        if (action == 1f)
            return true;
        if (action != 0f)
            ThrowNotBinary(action, element);
        return false;
    }

    [DoesNotReturn]
    private static void ThrowNotBinary(float action, int element) =>
        throw new ArgumentException($"Action {action} of element {element} is not 0 or 1.", nameof(action));

    /// <summary>1 / (1 + e^-z), without overflow for either sign.</summary>
    private static double Sigmoid(double z)
    {
        if (z >= 0)
            return 1.0 / (1.0 + Math.Exp(-z));
        var e = Math.Exp(z);
        return e / (1.0 + e);
    }

    /// <summary>log(1 + e^x) = max(x, 0) + log1p(e^-|x|), without overflow and accurate where it is tiny.</summary>
    private static double Softplus(double x) => Math.Max(x, 0.0) + LogOnePlus(Math.Exp(-Math.Abs(x)));

    /// <summary>log(1 + t) for t in [0, 1], accurate for tiny t (Goldberg's correction of the rounded 1 + t).</summary>
    private static double LogOnePlus(double t)
    {
        var u = 1.0 + t;
        return u == 1.0 ? t : Math.Log(u) * t / (u - 1.0);
    }
}
