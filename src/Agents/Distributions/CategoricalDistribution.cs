using System.Diagnostics.CodeAnalysis;

namespace RLFramework.Agents.Distributions;

/// <summary>
/// Independent categorical distributions over one or more blocks of actions, each parameterised by its logits z:
/// p = softmax(z). One block is Stable-Baselines3's <c>CategoricalDistribution</c> (a Discrete action space); several
/// are its <c>MultiCategoricalDistribution</c> (MultiDiscrete(nvec), block j of size nvec[j]). The outputs are the
/// blocks' logits one after another and an action holds one float index per block.
/// log pi(a) = sum_j log p_j(a_j) and H = sum_j H_j; per block d log pi / dz = onehot(a_j) - p and
/// dH/dz_k = -p_k (log p_k + H_j), with H_j the entropy of that block alone.
/// </summary>
public sealed class CategoricalDistribution : ActionDistribution
{
    private readonly int[] _blockSizes;
    private readonly double[] _logP;

    /// <summary>
    /// Categorical distributions over blocks of <paramref name="blockSizes"/> actions: one size for a Discrete action
    /// space (<c>new CategoricalDistribution(n)</c>), the space's nvec for a MultiDiscrete one.
    /// </summary>
    /// <exception cref="ArgumentException">There is no block, or a block has fewer than one action.</exception>
    public CategoricalDistribution(params int[] blockSizes)
    {
        ArgumentNullException.ThrowIfNull(blockSizes);
        if (blockSizes.Length == 0)
            throw new ArgumentException("A categorical distribution needs at least one block of actions.", nameof(blockSizes));
        var outputs = 0;
        for (var j = 0; j < blockSizes.Length; j++)
        {
            if (blockSizes[j] < 1)
                throw new ArgumentOutOfRangeException(nameof(blockSizes), blockSizes[j], $"Block {j} has {blockSizes[j]} actions; every block needs at least one.");
            outputs = checked(outputs + blockSizes[j]);
        }
        _blockSizes = (int[])blockSizes.Clone();
        OutputCount = outputs;
        _logP = new double[outputs];
    }

    /// <summary>The number of actions of each block (one block for a Discrete action space).</summary>
    public ReadOnlySpan<int> BlockSizes => _blockSizes;

    /// <inheritdoc />
    public override int OutputCount { get; }

    /// <inheritdoc />
    public override int ActionSize => _blockSizes.Length;

    /// <inheritdoc />
    public override int LogStdCount => 0;

    // Sums over blocks start at -0.0, the identity of IEEE addition (-0.0 + x is x bit for bit, +0.0 + -0.0 is not):
    // one block gives exactly the single-distribution value, computed by the same operations in the same order.

    /// <inheritdoc />
    /// <remarks>One uniform draw per block, in block order, unless <paramref name="deterministic"/> (then each block's first most probable action).</remarks>
    public override void Sample(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        bool deterministic, RandomSource random, Span<float> actions, Span<float> logProbs)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var blocks = _blockSizes.Length;
        for (var i = 0; i < count; i++)
        {
            var row = outputs.Slice(i * stride, OutputCount);
            var logProb = -0.0;
            var offset = 0;
            for (var j = 0; j < blocks; j++)
            {
                var logP = _logP.AsSpan(offset, _blockSizes[j]);
                LogSoftmax(row.Slice(offset, logP.Length), logP);
                var action = deterministic ? ArgMax(logP) : InverseCdf(logP, random.NextDouble());
                actions[i * blocks + j] = action;
                logProb += logP[action];
                offset += logP.Length;
            }
            logProbs[i] = (float)logProb;
        }
    }

    /// <inheritdoc />
    public override void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> actions, Span<float> logProbs, Span<float> entropies)
    {
        CheckBatch(outputs.Length, stride, count, logStd.Length, actions.Length);
        var blocks = _blockSizes.Length;
        for (var i = 0; i < count; i++)
        {
            var row = outputs.Slice(i * stride, OutputCount);
            var logProb = -0.0;
            var entropy = -0.0;
            var offset = 0;
            for (var j = 0; j < blocks; j++)
            {
                var logP = _logP.AsSpan(offset, _blockSizes[j]);
                LogSoftmax(row.Slice(offset, logP.Length), logP);
                logProb += logP[ActionIndex(actions[i * blocks + j], j)];
                entropy += Entropy(logP);
                offset += logP.Length;
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
        var blocks = _blockSizes.Length;
        for (var i = 0; i < count; i++)
        {
            var row = outputs.Slice(i * stride, OutputCount);
            var gradientRow = gradients.Slice(i * stride, OutputCount);
            double c = logProbCoefficients[i];
            var offset = 0;
            for (var j = 0; j < blocks; j++)
            {
                var logP = _logP.AsSpan(offset, _blockSizes[j]);
                LogSoftmax(row.Slice(offset, logP.Length), logP);
                var entropy = Entropy(logP);
                var action = ActionIndex(actions[i * blocks + j], j);
                var blockGradients = gradientRow.Slice(offset, logP.Length);
                for (var k = 0; k < blockGradients.Length; k++)
                {
                    var p = Math.Exp(logP[k]);
                    var dLogProb = (k == action ? 1.0 : 0.0) - p;
                    var dEntropy = -p * (logP[k] + entropy);
                    blockGradients[k] = (float)(c * dLogProb + entropyCoefficient * dEntropy);
                }
                offset += logP.Length;
            }
        }
    }

    /// <summary>The index that <paramref name="action"/> holds for block <paramref name="block"/>, or a clear error.</summary>
    private int ActionIndex(float action, int block)
    {
        var a = (int)action;
        if (a < 0 || a >= _blockSizes[block] || a != action)
            ThrowNotAnIndex(action, block);
        return a;
    }

    [DoesNotReturn]
    private void ThrowNotAnIndex(float action, int block) => throw new ArgumentException(_blockSizes.Length == 1
        ? $"Action {action} is not an index in [0, {_blockSizes[0]})."
        : $"Action {action} of block {block} is not an index in [0, {_blockSizes[block]}).", nameof(action));

    /// <summary>The first most probable action.</summary>
    private static int ArgMax(ReadOnlySpan<double> logP)
    {
        var action = 0;
        for (var k = 1; k < logP.Length; k++)
        {
            if (logP[k] > logP[action])
                action = k;
        }
        return action;
    }

    /// <summary>
    /// The first action whose cumulative probability exceeds <paramref name="u"/>; if rounding leaves none, the last action of
    /// non-zero probability (never a masked one: see <see cref="ActionMasking"/>).
    /// </summary>
    internal static int InverseCdf(ReadOnlySpan<double> logP, double u)
    {
        var cumulative = 0.0;
        for (var k = 0; k < logP.Length; k++)
        {
            cumulative += Math.Exp(logP[k]);
            if (u < cumulative)
                return k;
        }
        var last = logP.Length - 1;
        while (last > 0 && Math.Exp(logP[last]) == 0)
            last--;
        return last;
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
