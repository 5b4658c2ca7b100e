using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Splitting;

/// <summary>
/// Finds the best split of a set of nodes from their histograms. For an oblivious level the nodes are all
/// the (non-empty) nodes of the level and a candidate's score is the sum of its node scores; for a greedy
/// node the set holds that one node. A candidate is invalid when, in any node, a child would get fewer than
/// <c>minSamples</c> samples, or when it equals a split already on the path (<c>excluded</c>).
/// The node-sum is multiplied by the feature's weight. Ties go to the first candidate in
/// feature-major, threshold-ascending order (strict &gt;), as in the reference.
/// </summary>
internal sealed class SplitFinder
{
    private readonly double[] _scores = new double[BinnedBatch.MaxBinsPerFeature];
    private double[] _left = new double[8];

    /// <summary>Best candidate over all features, or <see cref="SplitCandidate.None"/>.</summary>
    /// <param name="data">The binned batch.</param>
    /// <param name="outputCount">Number of split gradient columns K.</param>
    /// <param name="stride">Histogram row stride (slot K = count).</param>
    /// <param name="hists">Histograms of the nodes (each node non-empty).</param>
    /// <param name="totals">Node totals, <c>totals[node * stride + s]</c>.</param>
    /// <param name="minSamples">Minimum samples per child.</param>
    /// <param name="weights">Per-feature score multipliers (empty: all 1).</param>
    /// <param name="excluded">(feature, bin) pairs already used on the path.</param>
    public SplitCandidate FindBest<TScore>(
        BinnedBatch data, int outputCount, int stride, ReadOnlySpan<double[]> hists, ReadOnlySpan<double> totals,
        int minSamples, ReadOnlySpan<float> weights, ReadOnlySpan<(int Feature, int Bin)> excluded)
        where TScore : struct, ISplitScore
    {
        if (_left.Length < stride)
            _left = new double[stride];
        var best = SplitCandidate.None;
        for (var f = 0; f < data.FeatureCount; f++)
        {
            var bins = data.BinCount[f];
            var categorical = data.IsCategorical[f];
            // Numerical: candidates b = 0..bins-2 (threshold b); categorical: b = 1..bins-1 (category b-1).
            var first = categorical ? 1 : 0;
            var end = categorical ? bins : bins - 1;
            if (end <= first)
                continue;
            var scores = _scores.AsSpan(0, end);
            scores.Clear();
            var offset = data.BinOffset[f] * stride;
            for (var node = 0; node < hists.Length; node++)
            {
                var hist = hists[node].AsSpan(offset, bins * stride);
                var total = totals.Slice(node * stride, stride);
                if (categorical)
                    ScoreCategorical<TScore>(hist, total, outputCount, stride, minSamples, scores);
                else
                    ScoreNumerical<TScore>(hist, total, outputCount, stride, minSamples, scores);
            }
            var weight = weights.IsEmpty ? 1.0 : weights[f];
            for (var b = first; b < end; b++)
            {
                var s = scores[b];
                if (double.IsNegativeInfinity(s) || IsExcluded(excluded, f, b))
                    continue;
                s *= weight;
                if (s > best.Score)
                    best = new SplitCandidate(f, b, categorical, s);
            }
        }
        return best;
    }

    private void ScoreNumerical<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int stride, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var left = _left.AsSpan(0, stride);
        left.Clear();
        var n = total[k];
        for (var b = 0; b < scores.Length; b++)
        {
            var bin = hist.Slice(b * stride, stride);
            for (var s = 0; s <= k; s++)
                left[s] += bin[s];
            var nl = left[k];
            var nr = n - nl;
            if (nl < minSamples || nr < minSamples)
            {
                scores[b] = double.NegativeInfinity;
                continue;
            }
            double sl = 0, sr = 0;
            for (var s = 0; s < k; s++)
            {
                var l = left[s];
                var r = total[s] - l;
                sl += l * l;
                sr += r * r;
            }
            scores[b] += TScore.Finish(sl / nl + sr / nr);
        }
    }

    private static void ScoreCategorical<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int stride, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var n = total[k];
        for (var b = 1; b < scores.Length; b++)
        {
            var right = hist.Slice(b * stride, stride);
            var nr = right[k];
            var nl = n - nr;
            if (nl < minSamples || nr < minSamples)
            {
                scores[b] = double.NegativeInfinity;
                continue;
            }
            double sl = 0, sr = 0;
            for (var s = 0; s < k; s++)
            {
                var r = right[s];
                var l = total[s] - r;
                sl += l * l;
                sr += r * r;
            }
            scores[b] += TScore.Finish(sl / nl + sr / nr);
        }
    }

    /// <summary>Score of a node left unsplit: Finish(|S|^2 / n) (the greedy rule's parent score).</summary>
    public static double NodeScore<TScore>(ReadOnlySpan<double> total, int k) where TScore : struct, ISplitScore
    {
        var sq = 0.0;
        for (var s = 0; s < k; s++)
            sq += total[s] * total[s];
        return TScore.Finish(sq / total[k]);
    }

    private static bool IsExcluded(ReadOnlySpan<(int Feature, int Bin)> excluded, int feature, int bin)
    {
        foreach (var (f, b) in excluded)
        {
            if (f == feature && b == bin)
                return true;
        }
        return false;
    }
}
