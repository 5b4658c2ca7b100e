using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;
using RLFramework.Boosting.Splitting;
using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// Grows one oblivious tree level by level. Per level: the best (feature, bin) over the summed node scores
/// (<see cref="SplitFinder"/>), then every node's sample range is partitioned (stable) into its left child j
/// and right child j + 2^d, then the next level's histograms: the smaller child of each node built from its
/// samples, the larger one = parent - smaller, in the parent's buffer. The tree stops early when no valid
/// candidate is left. Empty nodes take no part in scoring (their leaves get zeros).
/// </summary>
internal sealed class ObliviousTreeLearner
{
    private readonly SplitFinder _finder;
    private readonly bool _sparseScan;
    private SplitSearches? _searches;
    private readonly HistogramJobs _jobs = new();
    private readonly HistogramPool _pool = new();
    private (int Feature, int Bin)[] _used = [];
    private int[] _order = [];
    private int[] _next = [];
    private int[] _start = [];
    private int[] _count = [];
    private int[] _childStart = [];
    private int[] _childCount = [];
    private double[]?[] _hist = [];
    private double[]?[] _childHist = [];
    private double[][] _active = [];
    private double[] _totals = [];

    /// <summary>Creates a learner; <paramref name="sparseScan"/> false forces the dense split scan (tests compare the two).</summary>
    public ObliviousTreeLearner(bool sparseScan = true)
    {
        _sparseScan = sparseScan;
        _finder = new SplitFinder { SparseScan = sparseScan };
    }

    /// <summary>
    /// Fits a tree of at most <paramref name="maxDepth"/> levels into <paramref name="draft"/>. With a
    /// <paramref name="runner"/>, histograms and split scores are computed one feature per item on its workers
    /// (the same tree bit for bit).
    /// </summary>
    public void Fit<TScore>(BinnedBatch data, GradientBatch grads, int maxDepth, int minSamples, float[] weights,
        ReadOnlySpan<double> learningRates, ObliviousTreeDraft draft, ItemRunner? runner = null)
        where TScore : struct, ISplitScore
    {
        var n = data.SampleCount;
        var k = grads.OutputCount;
        var stride = grads.Stride;
        EnsureBuffers(n, maxDepth, stride);
        for (var i = 0; i < n; i++)
            _order[i] = i;
        _start[0] = 0;
        _count[0] = n;
        var histLength = HistogramBuilder.Length(data, stride);
        _pool.Reset(histLength);
        _hist[0] = _pool.Rent();
        _jobs.Begin(data, grads);
        _jobs.Add(_order, 0, n, _hist[0]!, parent: null);
        _jobs.Run(runner, parallel: true);
        var search = runner is null ? null : (_searches ??= new SplitSearches(runner.Workers, _sparseScan)).For<TScore>();
        var parentScore = 0.0;
        var depth = 0;
        draft.Score = 0;
        while (depth < maxDepth)
        {
            var nodes = 1 << depth;
            var active = 0;
            for (var j = 0; j < nodes; j++)
            {
                if (_count[j] == 0)
                    continue;
                var hist = _hist[j]!;
                HistogramBuilder.NodeTotals(data, stride, hist, _totals.AsSpan(active * stride, stride));
                _active[active++] = hist;
            }
            var best = search is null
                ? _finder.FindBest<TScore>(data, k, stride, _active.AsSpan(0, active), _totals.AsSpan(0, active * stride),
                    minSamples, weights, _used.AsSpan(0, depth))
                : search.Find(runner!, data, k, stride, _active, active, _totals, minSamples, weights, _used, depth);
            if (!best.IsValid)
                break;
            var test = SplitTest.From(data, best);
            draft.Levels[depth] = test;
            draft.LevelGain[depth] = best.Score - parentScore;
            draft.Score += best.Score;
            parentScore = best.Score;
            _used[depth] = (best.Feature, best.Bin);

            Partition(data.Column(best.Feature), best, nodes);
            Array.Clear(_childHist, 0, 2 * nodes);
            var lastLevel = depth + 1 == maxDepth;
            _jobs.Begin(data, grads);
            for (var j = 0; j < nodes; j++)
            {
                var parent = _hist[j];
                _hist[j] = null;
                if (parent is null)
                    continue;
                if (lastLevel)
                {
                    _pool.Return(parent);
                    continue;
                }
                int small = j, large = j + nodes;
                if (_childCount[small] > _childCount[large])
                    (small, large) = (large, small);
                if (_childCount[small] > 0)
                {
                    var smallHist = _pool.Rent();
                    _jobs.Add(_next, _childStart[small], _childCount[small], smallHist, parent);
                    _childHist[small] = smallHist;
                }
                _childHist[large] = parent;
            }
            _jobs.Run(runner, parallel: true);
            depth++;
            (_order, _next) = (_next, _order);
            (_start, _childStart) = (_childStart, _start);
            (_count, _childCount) = (_childCount, _count);
            (_hist, _childHist) = (_childHist, _hist);
        }
        for (var j = 0; j < (1 << depth); j++)
        {
            if (_hist[j] is { } h)
                _pool.Return(h);
            _hist[j] = null;
        }
        for (var d = depth; d < maxDepth; d++)
        {
            draft.Levels[d] = SplitTest.Never;
            draft.LevelGain[d] = 0;
        }
        draft.Depth = depth;
        var leaves = 1 << depth;
        for (var j = 0; j < leaves; j++)
            LeafValues.Mean(grads, _order.AsSpan(_start[j], _count[j]), learningRates, draft.Leaves.AsSpan(j), leaves);
    }

    /// <summary>Stable partition of each node's range of _order into _next: left child j, right child j + nodes.</summary>
    private void Partition(ReadOnlySpan<byte> codes, SplitCandidate split, int nodes)
    {
        if (split.IsCategorical)
            Partition<CategoryTest>(codes, (byte)split.Bin, nodes);
        else
            Partition<ThresholdTest>(codes, (byte)split.Bin, nodes);
    }

    /// <summary>Branch-free: one pass counts the right child, one writes every sample to its side.</summary>
    private void Partition<TTest>(ReadOnlySpan<byte> codes, byte bin, int nodes)
        where TTest : struct, ICodeTest
    {
        for (var j = 0; j < nodes; j++)
        {
            var start = _start[j];
            var count = _count[j];
            var range = _order.AsSpan(start, count);
            var right = 0;
            foreach (var i in range)
                right += TTest.Right(codes[i], bin);
            var left = count - right;
            int l = start, r = start + left;
            var next = _next.AsSpan();
            foreach (var i in range)
            {
                var goesRight = TTest.Right(codes[i], bin);
                next[goesRight != 0 ? r : l] = i;
                r += goesRight;
                l += 1 - goesRight;
            }
            _childStart[j] = start;
            _childCount[j] = left;
            _childStart[j + nodes] = start + left;
            _childCount[j + nodes] = right;
        }
    }

    /// <summary>Whether a bin code goes right (1) or left (0), as a generic struct policy.</summary>
    private interface ICodeTest
    {
        static abstract int Right(byte code, byte bin);
    }

    /// <summary>Numerical: code &gt; bin (the value is above threshold bin).</summary>
    private readonly struct ThresholdTest : ICodeTest
    {
        public static int Right(byte code, byte bin) => code > bin ? 1 : 0;
    }

    /// <summary>Categorical: code == bin (the value is the bin's category, <see cref="BinnedBatch.Category"/>).</summary>
    private readonly struct CategoryTest : ICodeTest
    {
        public static int Right(byte code, byte bin) => code == bin ? 1 : 0;
    }

    private void EnsureBuffers(int n, int maxDepth, int stride)
    {
        if (_used.Length < maxDepth)
            _used = new (int, int)[maxDepth];
        if (_order.Length < n)
        {
            _order = new int[n];
            _next = new int[n];
        }
        var leaves = 1 << maxDepth;
        if (_start.Length < leaves)
        {
            _start = new int[leaves];
            _count = new int[leaves];
            _childStart = new int[leaves];
            _childCount = new int[leaves];
            _hist = new double[]?[leaves];
            _childHist = new double[]?[leaves];
            _active = new double[leaves][];
        }
        Array.Clear(_count);
        Array.Clear(_childCount);
        if (_totals.Length < leaves * stride)
            _totals = new double[leaves * stride];
    }
}
