using ILGPU;
using ILGPU.Runtime;

namespace RLFramework.Cuda.Ensemble;

/// <summary>Sizes of one prediction launch.</summary>
/// <param name="SampleCount">Samples n.</param>
/// <param name="FeatureCount">Features F (row-major features).</param>
/// <param name="OutputCount">Outputs K.</param>
/// <param name="FirstTree">First tree to add.</param>
/// <param name="EndTree">End of the tree range.</param>
/// <param name="MaxDepth">Oblivious: levels per tree.</param>
internal readonly record struct PredictShape(int SampleCount, int FeatureCount, int OutputCount, int FirstTree, int EndTree, int MaxDepth);

/// <summary>
/// Ensemble prediction kernels (twins of <c>ObliviousTreeStore.AccumulateScalar</c> and
/// <c>GreedyTreeStore.Accumulate</c>): thread (sample, block of up to 4 outputs) walks trees [first, end) in order,
/// sums each output's leaf values in a float in tree order, then subtracts the sums from the outputs, exactly as
/// the CPU kernels do, so the results are bit-identical. One walk serves up to 4 outputs (K = 3 in the usual
/// actor-critic case: one thread per sample).
/// </summary>
internal static class PredictionKernels
{
    /// <summary>Outputs handled by one thread.</summary>
    public const int OutputsPerThread = 4;

    /// <summary>Threads per sample for <paramref name="outputCount"/> outputs.</summary>
    public static int BlocksPerSample(int outputCount) => (outputCount + OutputsPerThread - 1) / OutputsPerThread;

    /// <summary>Oblivious trees: level d of tree t at <c>t * MaxDepth + d</c>; leaves at <c>t * K * 2^MaxDepth + k * 2^MaxDepth + leaf</c>.</summary>
    public static void Oblivious(Index1D thread, ArrayView<float> features, ArrayView<int> feature, ArrayView<float> lo, ArrayView<float> hi,
        ArrayView<float> leaves, ArrayView<float> outputs, PredictShape p)
    {
        var blocks = BlocksPerSample(p.OutputCount);
        var i = thread.X / blocks;
        var k0 = (thread.X - i * blocks) * OutputsPerThread;
        var m = Math.Min(OutputsPerThread, p.OutputCount - k0);
        var row = (long)i * p.FeatureCount;
        var leafCount = 1 << p.MaxDepth;
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
        for (var t = p.FirstTree; t < p.EndTree; t++)
        {
            var leaf = 0;
            var level = (long)t * p.MaxDepth;
            for (var d = 0; d < p.MaxDepth; d++)
            {
                var v = features[row + feature[level + d]];
                if (v > lo[level + d] && v <= hi[level + d])
                    leaf |= 1 << d;
            }
            var at = ((long)t * p.OutputCount + k0) * leafCount + leaf;
            a0 += leaves[at];
            if (m > 1)
                a1 += leaves[at + leafCount];
            if (m > 2)
                a2 += leaves[at + 2 * leafCount];
            if (m > 3)
                a3 += leaves[at + 3 * leafCount];
        }
        Store(outputs, (long)i * p.OutputCount + k0, m, a0, a1, a2, a3);
    }

    /// <summary>
    /// Greedy trees: nodes of tree t are <c>nodeStart[t] .. nodeStart[t+1]</c> (children relative to the tree, a child
    /// &lt; 0 is leaf ~child), leaves at <c>(leafStart[t] + leaf) * K + k</c>.
    /// </summary>
    public static void Greedy(Index1D thread, ArrayView<float> features, ArrayView<int> nodeStart, ArrayView<int> leafStart,
        ArrayView<int> feature, ArrayView<float> lo, ArrayView<float> hi, ArrayView<int> left, ArrayView<int> right,
        ArrayView<float> leaves, ArrayView<float> outputs, PredictShape p)
    {
        var blocks = BlocksPerSample(p.OutputCount);
        var i = thread.X / blocks;
        var k0 = (thread.X - i * blocks) * OutputsPerThread;
        var m = Math.Min(OutputsPerThread, p.OutputCount - k0);
        var row = (long)i * p.FeatureCount;
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
        for (var t = p.FirstTree; t < p.EndTree; t++)
        {
            var start = nodeStart[t];
            var node = nodeStart[t + 1] > start ? 0 : ~0;
            while (node >= 0)
            {
                var j = start + node;
                var v = features[row + feature[j]];
                node = v > lo[j] && v <= hi[j] ? right[j] : left[j];
            }
            var at = ((long)leafStart[t] + ~node) * p.OutputCount + k0;
            a0 += leaves[at];
            if (m > 1)
                a1 += leaves[at + 1];
            if (m > 2)
                a2 += leaves[at + 2];
            if (m > 3)
                a3 += leaves[at + 3];
        }
        Store(outputs, (long)i * p.OutputCount + k0, m, a0, a1, a2, a3);
    }

    private static void Store(ArrayView<float> outputs, long at, int m, float a0, float a1, float a2, float a3)
    {
        outputs[at] -= a0;
        if (m > 1)
            outputs[at + 1] -= a1;
        if (m > 2)
            outputs[at + 2] -= a2;
        if (m > 3)
            outputs[at + 3] -= a3;
    }

    /// <summary>Thread (sample, k): <c>outputs[i * K + k] = bias[k]</c>.</summary>
    public static void FillBias(Index1D thread, ArrayView<float> bias, ArrayView<float> outputs, int outputCount) =>
        outputs[thread.X] = bias[thread.X % outputCount];
}
