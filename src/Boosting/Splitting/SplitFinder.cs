using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Splitting;

/// <summary>
/// Finds the best split of a set of nodes from their histograms. For an oblivious level the nodes are all
/// the (non-empty) nodes of the level and a candidate's score is the sum of its node scores; for a greedy
/// node the set holds that one node. A candidate is invalid when, in any node, a child would get fewer than
/// <c>minSamples</c> samples, or when it equals a split already on the path (<c>excluded</c>). With
/// <c>minSamples</c> 0 a node whose candidate leaves one child empty scores as if unsplit.
/// The node-sum is multiplied by the feature's weight. Ties go to the first candidate in
/// feature-major, threshold-ascending order (strict &gt;), as in the reference.
/// </summary>
internal sealed class SplitFinder
{
    private readonly double[] _scores = new double[BinnedBatch.MaxBinsPerFeature];
    private const int PrefixLane = BinnedBatch.MaxBinsPerFeature;
    private double[] _left = new double[8];
    private readonly double[] _prefix = new double[4 * PrefixLane];
    private readonly int[] _runStart = new int[PrefixLane + 4];
    private readonly double[] _runScore = new double[PrefixLane + 4];

    /// <summary>
    /// Whether <see cref="FindBest{TScore}"/> scores a small node through its non-empty bins only (the default);
    /// false forces the dense scan everywhere (tests compare the two).
    /// </summary>
    public bool SparseScan { get; init; } = true;

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
        var best = SplitCandidate.None;
        for (var f = 0; f < data.FeatureCount; f++)
        {
            var candidate = BestOfFeature<TScore>(data, f, outputCount, stride, hists, totals, minSamples, weights, excluded, best.Score);
            if (candidate.IsValid)
                best = candidate;
        }
        return best;
    }

    /// <summary>
    /// The best candidate of feature <paramref name="feature"/> (the first of equal scores) if its score is above
    /// <paramref name="floor"/>, else <see cref="SplitCandidate.None"/>. Other arguments as in <see cref="FindBest{TScore}"/>.
    /// </summary>
    public SplitCandidate BestOfFeature<TScore>(
        BinnedBatch data, int feature, int outputCount, int stride, ReadOnlySpan<double[]> hists, ReadOnlySpan<double> totals,
        int minSamples, ReadOnlySpan<float> weights, ReadOnlySpan<(int Feature, int Bin)> excluded, double floor)
        where TScore : struct, ISplitScore
    {
        if (_left.Length < stride)
            _left = new double[stride];
        var f = feature;
        var best = SplitCandidate.None;
        var bins = data.BinCount[f];
        var categorical = data.IsCategorical[f];
        // Numerical: candidates b = 0..bins-2 (threshold b); categorical: b = 1..bins-1 (the categories present in the batch).
        var first = categorical ? 1 : 0;
        var end = categorical ? bins : bins - 1;
        if (end <= first)
            return best;
        var scores = _scores.AsSpan(0, end);
        scores.Clear();
        var offset = data.BinOffset[f] * stride;
        for (var node = 0; node < hists.Length; node++)
        {
            var hist = hists[node].AsSpan(offset, bins * stride);
            var total = totals.Slice(node * stride, stride);
            if (categorical)
                ScoreCategorical<TScore>(hist, total, outputCount, stride, minSamples, scores);
            else if (stride == 4 && SparseScan && 2 * total[outputCount] <= bins)
                ScoreNumericalStride4Sparse<TScore>(hist, total, outputCount, minSamples, scores);
            else if (stride == 4)
                ScoreNumericalStride4<TScore>(hist, total, outputCount, minSamples, scores);
            else
                ScoreNumerical<TScore>(hist, total, outputCount, stride, minSamples, scores);
        }
        var weight = weights.IsEmpty ? 1.0 : weights[f];
        // Weights are >= 0 and rounding is monotonic, so no candidate can beat the floor when the feature's
        // largest score cannot: skip the candidate walk then (most features of a level after the first few).
        if (TensorPrimitives.Max(scores[first..end]) * weight <= floor)
            return best;
        var bestScore = floor;
        for (var b = first; b < end; b++)
        {
            var s = scores[b];
            if (double.IsNegativeInfinity(s) || IsExcluded(excluded, f, b))
                continue;
            s *= weight;
            if (s > bestScore)
            {
                bestScore = s;
                best = new SplitCandidate(f, b, categorical, s);
            }
        }
        return best;
    }

    /// <summary>
    /// <see cref="ScoreNumerical{TScore}"/> for up to 3 outputs (histogram stride 4), four candidates per step:
    /// one pass turns the node's bins into prefix sums, one array per lane (sums 0..2, zero past the outputs; count
    /// from slot k), then each step
    /// scores four thresholds with Vector256 arithmetic. Padding candidates past the last threshold have count 0
    /// and are therefore invalid.
    /// </summary>
    private void ScoreNumericalStride4<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var count = scores.Length;
        var padded = (count + 3) & ~3;
        var prefix = _prefix.AsSpan();
        var p0 = prefix[..padded];
        var p1 = prefix.Slice(PrefixLane, padded);
        var p2 = prefix.Slice(2 * PrefixLane, padded);
        var pc = prefix.Slice(3 * PrefixLane, padded);
        double a0 = 0, a1 = 0, a2 = 0, ac = 0;
        for (var b = 0; b < count; b++)
        {
            var bin = hist.Slice(b * 4, 4);
            p0[b] = a0 += bin[0];
            p1[b] = a1 += k > 1 ? bin[1] : 0;
            p2[b] = a2 += k > 2 ? bin[2] : 0;
            pc[b] = ac += bin[k];
        }
        for (var b = count; b < padded; b++)
            p0[b] = p1[b] = p2[b] = pc[b] = 0;
        var node = new NodeTotals4(total, k, minSamples);
        var invalid = Vector256.Create(double.NegativeInfinity);
        ref var s = ref MemoryMarshal.GetReference(_scores.AsSpan());
        for (var b = 0; b < padded; b += 4)
        {
            var current = Vector256.LoadUnsafe(ref s, (nuint)b);
            if (Vector256.EqualsAll(current, invalid))
                continue; // an earlier node already ruled these four candidates out: -inf stays -inf
            (current + node.Score<TScore>(p0, p1, p2, pc, b)).StoreUnsafe(ref s, (nuint)b); // -inf + anything finite = -inf
        }
    }

    /// <summary>
    /// <see cref="ScoreNumericalStride4{TScore}"/> for a node with at most half as many samples as the feature has
    /// bins (most bins empty). A bin whose four slots are all zero adds nothing to the prefix sums, so from one
    /// non-empty bin to the next the node's score is constant: the prefix sums are formed over the non-empty bins
    /// only (the same additions as the dense scan, minus additions of zero), scored four runs at a time with the
    /// same arithmetic, and each run's score (or -inf where invalid) is added to its candidates. Every candidate
    /// gets bit for bit the score of the dense scan. Run 0 is the empty prefix (candidates before the first
    /// non-empty bin).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // stable code from the first call (no tiering): see benchmarks/README.md
    private void ScoreNumericalStride4Sparse<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var count = scores.Length;
        ref var h = ref MemoryMarshal.GetReference(hist);
        var starts = _runStart.AsSpan(0, count + 2); // runs <= count + 1, plus the end of the last run
        ref var start = ref MemoryMarshal.GetReference(starts);
        start = 0;
        var runs = 1;
        for (var b = 0; b < count; b++)
        {
            // Branch-free: the bin is always written, and kept when one of its slots is non-zero.
            Unsafe.Add(ref start, runs) = b;
            runs += Vector256.EqualsAll(Vector256.LoadUnsafe(ref h, (nuint)(b * 4)), Vector256<double>.Zero) ? 0 : 1;
        }
        var padded = (runs + 3) & ~3;
        var prefix = _prefix.AsSpan();
        var p0 = prefix[..padded];
        var p1 = prefix.Slice(PrefixLane, padded);
        var p2 = prefix.Slice(2 * PrefixLane, padded);
        var pc = prefix.Slice(3 * PrefixLane, padded);
        p0[0] = p1[0] = p2[0] = pc[0] = 0;
        var sum = Vector256<double>.Zero;
        for (var r = 1; r < runs; r++)
        {
            sum += Vector256.LoadUnsafe(ref h, (nuint)(starts[r] * 4));
            p0[r] = sum.GetElement(0);
            p1[r] = k > 1 ? sum.GetElement(1) : 0;
            p2[r] = k > 2 ? sum.GetElement(2) : 0;
            pc[r] = sum.GetElement(k);
        }
        for (var r = runs; r < padded; r++)
            p0[r] = p1[r] = p2[r] = pc[r] = 0;
        var node = new NodeTotals4(total, k, minSamples);
        ref var runScore = ref MemoryMarshal.GetReference(_runScore.AsSpan());
        for (var r = 0; r < padded; r += 4)
            node.Score<TScore>(p0, p1, p2, pc, r).StoreUnsafe(ref runScore, (nuint)r);
        starts[runs] = count;
        ref var score0 = ref MemoryMarshal.GetReference(scores);
        for (var r = 0; r < runs; r++)
        {
            var value = Unsafe.Add(ref runScore, r);
            var end = Unsafe.Add(ref start, r + 1);
            for (var b = Unsafe.Add(ref start, r); b < end; b++)
                Unsafe.Add(ref score0, b) += value;
        }
    }

    /// <summary>A node's totals (up to 3 outputs and the count) in registers, for scoring four candidates at a time.</summary>
    private readonly struct NodeTotals4(ReadOnlySpan<double> total, int k, int minSamples)
    {
        private readonly Vector256<double> _t0 = Vector256.Create(total[0]);
        private readonly Vector256<double> _t1 = Vector256.Create(k > 1 ? total[1] : 0);
        private readonly Vector256<double> _t2 = Vector256.Create(k > 2 ? total[2] : 0);
        private readonly Vector256<double> _n = Vector256.Create(total[k]);
        private readonly Vector256<double> _min = Vector256.Create((double)minSamples);

        /// <summary>
        /// Finish(sl / nl + sr / nr) of the four candidates whose left prefix sums are at <paramref name="at"/> of the
        /// lane arrays (an empty child adds 0), or -inf where a child has fewer than minSamples samples.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Score<TScore>(ReadOnlySpan<double> p0, ReadOnlySpan<double> p1, ReadOnlySpan<double> p2, ReadOnlySpan<double> pc, int at)
            where TScore : struct, ISplitScore
        {
            var l0 = Vector256.Create(p0.Slice(at, 4));
            var l1 = Vector256.Create(p1.Slice(at, 4));
            var l2 = Vector256.Create(p2.Slice(at, 4));
            var nl = Vector256.Create(pc.Slice(at, 4));
            var r0 = _t0 - l0;
            var r1 = _t1 - l1;
            var r2 = _t2 - l2;
            var nr = _n - nl;
            var sl = l0 * l0 + l1 * l1 + l2 * l2;
            var sr = r0 * r0 + r1 * r1 + r2 * r2;
            // sl / nl + sr / nr as (sl nr + sr nl) / (nl nr), an empty child adding 0 (only reachable with
            // minSamples 0): numerator and denominator are chosen per lane so that one division serves all cases.
            var leftEmpty = Vector256.Equals(nl, Vector256<double>.Zero);
            var rightEmpty = Vector256.Equals(nr, Vector256<double>.Zero);
            var numerator = Vector256.ConditionalSelect(leftEmpty, sr, Vector256.ConditionalSelect(rightEmpty, sl, sl * nr + sr * nl));
            var denominator = Vector256.ConditionalSelect(leftEmpty, nr, Vector256.ConditionalSelect(rightEmpty, nl, nl * nr));
            var valid = Vector256.GreaterThanOrEqual(nl, _min) & Vector256.GreaterThanOrEqual(nr, _min);
            return Vector256.ConditionalSelect(valid, TScore.Finish(numerator / denominator), Vector256.Create(double.NegativeInfinity));
        }
    }

    private void ScoreNumerical<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int stride, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var left = _left.AsSpan(0, stride);
        left.Clear();
        for (var b = 0; b < scores.Length; b++)
        {
            var bin = hist.Slice(b * stride, stride);
            for (var s = 0; s <= k; s++)
                left[s] += bin[s];
            if (!double.IsNegativeInfinity(scores[b])) // ruled out by an earlier node: -inf stays -inf
                scores[b] += PartitionScore<TScore>(left, total, k, minSamples);
        }
    }

    /// <summary>
    /// Categorical candidates of one node. Many categories of the batch are absent from a node of a deeper level: such a
    /// bin holds zeros, and its score, the same for all of them, is computed once (bit for bit what
    /// <see cref="PartitionScore{TScore}"/> gives for a zero child).
    /// </summary>
    private static void ScoreCategorical<TScore>(ReadOnlySpan<double> hist, ReadOnlySpan<double> total, int k, int stride, int minSamples, Span<double> scores)
        where TScore : struct, ISplitScore
    {
        var absent = double.NaN;
        for (var b = 1; b < scores.Length; b++)
        {
            if (double.IsNegativeInfinity(scores[b])) // ruled out by an earlier node: -inf stays -inf
                continue;
            // Bin b holds the right child (x == the bin's category) itself.
            var child = hist.Slice(b * stride, stride);
            if (child[k] == 0 && IsZero(child, k))
            {
                if (double.IsNaN(absent))
                    absent = PartitionScore<TScore>(child, total, k, minSamples);
                scores[b] += absent;
            }
            else
            {
                scores[b] += PartitionScore<TScore>(child, total, k, minSamples);
            }
        }
    }

    private static bool IsZero(ReadOnlySpan<double> sums, int k)
    {
        for (var s = 0; s < k; s++)
        {
            if (sums[s] != 0)
                return false;
        }
        return true;
    }

    /// <summary>
    /// Finish(sc / nc + so / no) of a node split into a child with sums <paramref name="child"/> (slot k = its
    /// count) and the other child total - child, or -inf when a child has fewer than <paramref name="minSamples"/>.
    /// Symmetric in the two children bit for bit (IEEE addition and multiplication commute), so either may be given.
    /// </summary>
    private static double PartitionScore<TScore>(ReadOnlySpan<double> child, ReadOnlySpan<double> total, int k, int minSamples)
        where TScore : struct, ISplitScore
    {
        var nc = child[k];
        var no = total[k] - nc;
        if (nc < minSamples || no < minSamples)
            return double.NegativeInfinity;
        double sc = 0, so = 0;
        for (var s = 0; s < k; s++)
        {
            var c = child[s];
            var o = total[s] - c;
            sc += c * c;
            so += o * o;
        }
        return TScore.Finish(SumSquaresOverCount(sc, nc, so, no));
    }

    /// <summary>sl / nl + sr / nr in one division; an empty child (minSamples 0) adds 0.</summary>
    private static double SumSquaresOverCount(double sl, double nl, double sr, double nr) =>
        nl == 0 ? sr / nr : nr == 0 ? sl / nl : (sl * nr + sr * nl) / (nl * nr);

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

/// <summary>
/// <see cref="SplitFinder.FindBest{TScore}"/> with one feature per item of an <see cref="ItemRunner"/> (one finder
/// per worker): every feature's best candidate is found on its own, then the best over features is taken in
/// feature order with ties to the first, which is the sequential search's result exactly.
/// </summary>
internal sealed class SplitSearch<TScore> : IItemWork
    where TScore : struct, ISplitScore
{
    private readonly SplitFinder[] _finders;
    private SplitCandidate[] _best = [];
    private BinnedBatch? _data;
    private int _outputCount;
    private int _stride;
    private double[][] _hists = [];
    private int _nodes;
    private double[] _totals = [];
    private int _minSamples;
    private float[] _weights = [];
    private (int Feature, int Bin)[] _excluded = [];
    private int _excludedCount;

    /// <summary>A search for <paramref name="workers"/> workers; <paramref name="sparseScan"/> as in <see cref="SplitFinder.SparseScan"/>.</summary>
    public SplitSearch(int workers, bool sparseScan)
    {
        _finders = new SplitFinder[workers];
        for (var w = 0; w < workers; w++)
            _finders[w] = new SplitFinder { SparseScan = sparseScan };
    }

    /// <summary>Best candidate over all features of the nodes hists[0 .. nodes); arguments as in <see cref="SplitFinder.FindBest{TScore}"/>.</summary>
    public SplitCandidate Find(ItemRunner runner, BinnedBatch data, int outputCount, int stride, double[][] hists, int nodes, double[] totals,
        int minSamples, float[] weights, (int Feature, int Bin)[] excluded, int excludedCount)
    {
        _data = data;
        _outputCount = outputCount;
        _stride = stride;
        _hists = hists;
        _nodes = nodes;
        _totals = totals;
        _minSamples = minSamples;
        _weights = weights;
        _excluded = excluded;
        _excludedCount = excludedCount;
        if (_best.Length < data.FeatureCount)
            _best = new SplitCandidate[data.FeatureCount];
        runner.Run(this, data.FeatureCount);
        var best = SplitCandidate.None;
        for (var f = 0; f < data.FeatureCount; f++)
        {
            if (_best[f].Score > best.Score)
                best = _best[f];
        }
        _data = null;
        return best;
    }

    /// <inheritdoc />
    public void Run(int item, int worker) =>
        _best[item] = _finders[worker].BestOfFeature<TScore>(_data!, item, _outputCount, _stride, _hists.AsSpan(0, _nodes),
            _totals.AsSpan(0, _nodes * _stride), _minSamples, _weights, _excluded.AsSpan(0, _excludedCount), double.NegativeInfinity);
}

/// <summary>A learner's two parallel split searches, one per score, created on first use.</summary>
internal sealed class SplitSearches(int workers, bool sparseScan)
{
    private SplitSearch<CosineScore>? _cosine;
    private SplitSearch<L2Score>? _l2;

    /// <summary>The search for <typeparamref name="TScore"/> (the type test folds away in each instantiation).</summary>
    public SplitSearch<TScore> For<TScore>() where TScore : struct, ISplitScore =>
        typeof(TScore) == typeof(CosineScore)
            ? (SplitSearch<TScore>)(object)(_cosine ??= new SplitSearch<CosineScore>(workers, sparseScan))
            : (SplitSearch<TScore>)(object)(_l2 ??= new SplitSearch<L2Score>(workers, sparseScan));
}
