using ILGPU;
using ILGPU.Runtime;
using RLFramework.Cuda.Histograms;

namespace RLFramework.Cuda.Splitting;

/// <summary>Parameters of the split-scoring kernel.</summary>
/// <param name="Shape">Histogram sizes.</param>
/// <param name="MinSamples">Minimum samples per child.</param>
/// <param name="Cosine">1: cosine score sqrt(x); 0: L2 score x (x = sum_c |S_c|^2 / n_c).</param>
/// <param name="MaxExcluded">Excluded candidates per group (entries &lt; 0 unused).</param>
internal readonly record struct ScoreShape(HistogramShape Shape, int MinSamples, int Cosine, int MaxExcluded);

/// <summary>
/// Kernels of <see cref="GpuSplitFinder"/>, the GPU twin of <c>Boosting.Splitting.SplitFinder</c>: prefix sums of the
/// histograms over bins (the left child of numerical candidate b holds bins 0..b), the score of every candidate for
/// every group of nodes (an oblivious level is one group of all its non-empty nodes; a greedy node is a group of one),
/// and the best-split reduction per group (ties to the lowest global bin: feature-major, threshold-ascending, as on
/// the CPU). Arithmetic is the CPU's, in the CPU's order, so equal histograms give equal scores.
/// </summary>
internal static class SplitKernels
{
    /// <summary>Threads per group of <see cref="Best"/> (at most; fewer where the accelerator allows fewer).</summary>
    public const int BestGroupSize = 256;

    /// <summary>Thread ((slot, f), s) = index: <c>cum[.. b ..] = sum of hist bins 0..b</c> of feature f, slot s.</summary>
    public static void PrefixSums(Index1D thread, ArrayView<double> hist, ArrayView<int> featureInfo, ArrayView<double> cum, HistogramShape shape)
    {
        var index = thread.X;
        var width = shape.OutputCount + 1;
        var pair = index / width;
        var s = index - pair * width;
        var slot = pair / shape.FeatureCount;
        var f = pair - slot * shape.FeatureCount;
        var offset = featureInfo[f * FeatureInfo.Size + FeatureInfo.Offset];
        var bins = featureInfo[f * FeatureInfo.Size + FeatureInfo.Count];
        var at = (long)slot * shape.NodeLength + (long)offset * shape.Stride + s;
        var sum = 0.0;
        for (var b = 0; b < bins; b++)
        {
            sum += hist[at];
            cum[at] = sum;
            at += shape.Stride;
        }
    }

    /// <summary>
    /// Thread (group, c) = index: weighted score of candidate c (global bin) summed over the group's nodes
    /// (slots <c>groupStart[g] .. + groupCount[g]</c>), or -inf when it is not a candidate, a child would get fewer than
    /// MinSamples samples in any node, or it is excluded (already on the path).
    /// </summary>
    public static void Scores(Index1D thread, ArrayView<double> hist, ArrayView<double> cum, ArrayView<double> totals,
        ArrayView<int> binFeature, ArrayView<int> featureInfo, ArrayView<float> weights, ArrayView<int> groupStart,
        ArrayView<int> groupCount, ArrayView<int> excluded, ArrayView<double> scores, ScoreShape p)
    {
        var index = thread.X;
        var shape = p.Shape;
        var group = index / shape.TotalBins;
        var c = index - group * shape.TotalBins;
        var f = binFeature[c];
        var offset = featureInfo[f * FeatureInfo.Size + FeatureInfo.Offset];
        var bins = featureInfo[f * FeatureInfo.Size + FeatureInfo.Count];
        var categorical = featureInfo[f * FeatureInfo.Size + FeatureInfo.Categorical] != 0;
        var b = c - offset;
        var valid = categorical ? b >= 1 : b <= bins - 2;
        for (var e = 0; e < p.MaxExcluded; e++)
        {
            if (excluded[group * p.MaxExcluded + e] == c)
                valid = false;
        }
        var k = shape.OutputCount;
        var stride = shape.Stride;
        var score = 0.0;
        var first = groupStart[group];
        var end = first + groupCount[group];
        for (var slot = first; slot < end && valid; slot++)
        {
            var total = (long)slot * stride;
            var bin = (long)slot * shape.NodeLength + (long)c * stride;
            var n = totals[total + k];
            // An empty node takes no part (the CPU leaves it out of the level's node list).
            if (n == 0)
                continue;
            // Numerical: left = bins 0..b (prefix sums); categorical: right = bin b.
            var side = categorical ? hist[bin + k] : cum[bin + k];
            var nl = categorical ? n - side : side;
            var nr = n - nl;
            if (nl < p.MinSamples || nr < p.MinSamples)
            {
                valid = false;
                break;
            }
            double sl = 0, sr = 0;
            for (var s = 0; s < k; s++)
            {
                double l, r;
                if (categorical)
                {
                    r = hist[bin + s];
                    l = totals[total + s] - r;
                }
                else
                {
                    l = cum[bin + s];
                    r = totals[total + s] - l;
                }
                sl += l * l;
                sr += r * r;
            }
            // sl / nl + sr / nr; an empty child (MinSamples 0) adds 0, as on the CPU.
            var x = nl == 0 ? sr / nr : nr == 0 ? sl / nl : (sl * nr + sr * nl) / (nl * nr);
            score += p.Cosine != 0 ? Math.Sqrt(x) : x;
        }
        scores[index] = valid ? score * weights[f] : double.NegativeInfinity;
    }

    /// <summary>
    /// One group of threads per node group: the highest score of the group's candidates and its global bin (the
    /// lowest bin among equal scores; -1 when every score is -inf).
    /// </summary>
    public static void Best(ArrayView<double> scores, ArrayView<int> bestIndex, ArrayView<double> bestScore, int totalBins)
    {
        var sharedScore = SharedMemory.Allocate<double>(BestGroupSize);
        var sharedIndex = SharedMemory.Allocate<int>(BestGroupSize);
        var group = Grid.IdxX;
        var t = Group.IdxX;
        var dim = Group.DimX;
        var best = double.NegativeInfinity;
        var at = int.MaxValue;
        var row = (long)group * totalBins;
        for (var c = t; c < totalBins; c += dim)
        {
            var s = scores[row + c];
            if (s > best)
            {
                best = s;
                at = c;
            }
        }
        sharedScore[t] = best;
        sharedIndex[t] = at;
        Group.Barrier();
        for (var half = dim / 2; half > 0; half /= 2)
        {
            if (t < half)
            {
                var os = sharedScore[t + half];
                var oi = sharedIndex[t + half];
                var bs = sharedScore[t];
                if (os > bs || (os == bs && oi < sharedIndex[t]))
                {
                    sharedScore[t] = os;
                    sharedIndex[t] = oi;
                }
            }
            Group.Barrier();
        }
        if (t == 0)
        {
            var winner = sharedIndex[0];
            bestIndex[group] = winner == int.MaxValue || double.IsNegativeInfinity(sharedScore[0]) ? -1 : winner;
            bestScore[group] = sharedScore[0];
        }
    }
}
