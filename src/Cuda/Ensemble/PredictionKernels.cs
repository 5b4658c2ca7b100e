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
/// <c>GreedyTreeStore.Accumulate</c>): thread (sample, output) walks trees [first, end) in order, sums the leaf
/// values in a float in tree order, then subtracts the sum from the output, exactly as the CPU kernels do, so the
/// results are bit-identical.
/// </summary>
internal static class PredictionKernels
{
    /// <summary>Oblivious trees: level d of tree t at <c>t * MaxDepth + d</c>; leaves at <c>t * K * 2^MaxDepth + k * 2^MaxDepth + leaf</c>.</summary>
    public static void Oblivious(Index1D thread, ArrayView<float> features, ArrayView<int> feature, ArrayView<float> lo, ArrayView<float> hi,
        ArrayView<float> leaves, ArrayView<float> outputs, PredictShape p)
    {
        var index = thread.X;
        var i = index / p.OutputCount;
        var k = index - i * p.OutputCount;
        var row = (long)i * p.FeatureCount;
        var leafCount = 1 << p.MaxDepth;
        var acc = 0f;
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
            acc += leaves[((long)t * p.OutputCount + k) * leafCount + leaf];
        }
        outputs[index] -= acc;
    }

    /// <summary>
    /// Greedy trees: nodes of tree t are <c>nodeStart[t] .. nodeStart[t+1]</c> (children relative to the tree, a child
    /// &lt; 0 is leaf ~child), leaves at <c>(leafStart[t] + leaf) * K + k</c>.
    /// </summary>
    public static void Greedy(Index1D thread, ArrayView<float> features, ArrayView<int> nodeStart, ArrayView<int> leafStart,
        ArrayView<int> feature, ArrayView<float> lo, ArrayView<float> hi, ArrayView<int> left, ArrayView<int> right,
        ArrayView<float> leaves, ArrayView<float> outputs, PredictShape p)
    {
        var index = thread.X;
        var i = index / p.OutputCount;
        var k = index - i * p.OutputCount;
        var row = (long)i * p.FeatureCount;
        var acc = 0f;
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
            acc += leaves[((long)leafStart[t] + ~node) * p.OutputCount + k];
        }
        outputs[index] -= acc;
    }

    /// <summary>Thread (sample, k): <c>outputs[i * K + k] = bias[k]</c>.</summary>
    public static void FillBias(Index1D thread, ArrayView<float> bias, ArrayView<float> outputs, int outputCount) =>
        outputs[thread.X] = bias[thread.X % outputCount];
}
