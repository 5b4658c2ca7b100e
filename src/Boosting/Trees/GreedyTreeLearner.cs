using System.Runtime.InteropServices;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Histograms;
using RLFramework.Boosting.Splitting;
using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// Grows one greedy tree depth first (left child before right, as the reference). A node at depth &lt; max
/// splits on its best candidate when (weighted split score - parent score) &gt;= 0, the parent score being the
/// node's own unsplit score Finish(|S|^2/n) (0 at the root); candidates already used on the path are skipped.
/// After a split, the smaller child's histogram is built from its samples and the larger one is
/// parent - smaller, in the parent's buffer.
/// </summary>
internal sealed class GreedyTreeLearner
{
    private readonly SplitFinder _finder;
    private readonly bool _sparseScan;
    private SplitSearches? _searches;
    private readonly HistogramJobs _jobs = new();
    private (int Feature, int Bin)[] _pathBuffer = [];
    private readonly HistogramPool _pool = new();
    private readonly Stack<Pending> _stack = new();
    private readonly List<int> _parentOf = [];
    private readonly List<(int Feature, int Bin)> _pathSplits = [];
    private readonly List<(int Feature, int Bin)> _nodeSplits = [];
    private int[] _order = [];
    private int[] _scratch = [];
    private readonly double[][] _one = new double[1][];
    private double[] _totals = [];

    private readonly record struct Pending(int Start, int Count, int Depth, double[]? Hist, int Parent, bool IsRight);

    /// <summary>Creates a learner; <paramref name="sparseScan"/> false forces the dense split scan (tests compare the two).</summary>
    public GreedyTreeLearner(bool sparseScan = true)
    {
        _sparseScan = sparseScan;
        _finder = new SplitFinder { SparseScan = sparseScan };
    }

    /// <summary>
    /// Fits a tree of at most <paramref name="maxDepth"/> levels into <paramref name="draft"/>. With a
    /// <paramref name="runner"/>, the histograms and split scores of nodes with at least
    /// <see cref="ItemRunner.MinimumParallelWork"/> sample-features are computed one feature per item on its workers
    /// (the same tree bit for bit).
    /// </summary>
    public void Fit<TScore>(BinnedBatch data, GradientBatch grads, int maxDepth, int minSamples, float[] weights,
        ReadOnlySpan<double> learningRates, GreedyTreeDraft draft, ItemRunner? runner = null)
        where TScore : struct, ISplitScore
    {
        minSamples = Math.Max(1, minSamples); // a greedy split never leaves a child empty
        var n = data.SampleCount;
        var k = grads.OutputCount;
        var stride = grads.Stride;
        if (_order.Length < n)
        {
            _order = new int[n];
            _scratch = new int[n];
        }
        if (_totals.Length < stride)
            _totals = new double[stride];
        for (var i = 0; i < n; i++)
            _order[i] = i;
        var histLength = HistogramBuilder.Length(data, stride);
        _pool.Reset(histLength);
        draft.Clear();
        _parentOf.Clear();
        _nodeSplits.Clear();
        _stack.Clear();
        var rootHist = _pool.Rent();
        _jobs.Begin(data, grads);
        _jobs.Add(_order, 0, n, rootHist, parent: null);
        _jobs.Run(runner, parallel: true);
        var search = runner is null ? null : (_searches ??= new SplitSearches(runner.Workers, _sparseScan)).For<TScore>();
        _stack.Push(new Pending(0, n, 0, rootHist, -1, false));
        Span<float> leaf = stackalloc float[k];
        while (_stack.Count > 0)
        {
            var node = _stack.Pop();
            var split = SplitCandidate.None;
            var gain = double.NegativeInfinity;
            if (node.Hist is { } hist && node.Depth < maxDepth && node.Count >= 2 * minSamples)
            {
                HistogramBuilder.NodeTotals(data, stride, hist, _totals);
                CollectPath(node.Parent);
                _one[0] = hist;
                split = search is not null && node.Count * data.FeatureCount >= ItemRunner.MinimumParallelWork
                    ? search.Find(runner!, data, k, stride, _one, 1, _totals, minSamples, weights, PathArray(), _pathSplits.Count)
                    : _finder.FindBest<TScore>(data, k, stride, _one, _totals.AsSpan(0, stride), minSamples, weights,
                        CollectionsMarshal.AsSpan(_pathSplits));
                if (split.IsValid)
                    gain = split.Score - (node.Depth == 0 ? 0.0 : SplitFinder.NodeScore<TScore>(_totals, k));
            }
            if (!(gain >= 0))
            {
                if (node.Hist is not null)
                    _pool.Return(node.Hist);
                var leafIndex = draft.Leaves.Count / k;
                LeafValues.Mean(grads, _order.AsSpan(node.Start, node.Count), learningRates, leaf, 1);
                for (var j = 0; j < k; j++)
                    draft.Leaves.Add(leaf[j]);
                Link(draft, node, ~leafIndex);
                continue;
            }
            var index = draft.NodeCount;
            draft.Tests.Add(SplitTest.From(data, split));
            draft.Left.Add(0);
            draft.Right.Add(0);
            draft.Gain.Add(gain);
            draft.Score += split.Score;
            _parentOf.Add(node.Parent);
            _nodeSplits.Add((split.Feature, split.Bin));
            Link(draft, node, index);
            var left = Partition(data.Column(split.Feature), split, node.Start, node.Count);
            var right = node.Count - left;
            double[]? leftHist = null, rightHist = null;
            var parentHist = node.Hist!;
            if (node.Depth + 1 < maxDepth)
            {
                var leftSmaller = left <= right;
                var (smallStart, smallCount) = leftSmaller ? (node.Start, left) : (node.Start + left, right);
                var small = _pool.Rent();
                _jobs.Begin(data, grads);
                _jobs.Add(_order, smallStart, smallCount, small, parentHist);
                _jobs.Run(runner, parallel: smallCount * data.FeatureCount >= ItemRunner.MinimumParallelWork);
                (leftHist, rightHist) = leftSmaller ? (small, parentHist) : (parentHist, small);
            }
            else
            {
                _pool.Return(parentHist);
            }
            _stack.Push(new Pending(node.Start + left, right, node.Depth + 1, rightHist, index, true));
            _stack.Push(new Pending(node.Start, left, node.Depth + 1, leftHist, index, false));
        }
    }

    /// <summary>The path splits as an array (a reused buffer) for the parallel search.</summary>
    private (int Feature, int Bin)[] PathArray()
    {
        if (_pathBuffer.Length < _pathSplits.Count)
            _pathBuffer = new (int, int)[Math.Max(16, 2 * _pathSplits.Count)];
        _pathSplits.CopyTo(_pathBuffer);
        return _pathBuffer;
    }

    private static void Link(GreedyTreeDraft draft, Pending node, int child)
    {
        if (node.Parent < 0)
            return;
        if (node.IsRight)
            draft.Right[node.Parent] = child;
        else
            draft.Left[node.Parent] = child;
    }

    /// <summary>Fills _pathSplits with the (feature, bin) of every ancestor split.</summary>
    private void CollectPath(int parent)
    {
        _pathSplits.Clear();
        for (var p = parent; p >= 0; p = _parentOf[p])
            _pathSplits.Add(_nodeSplits[p]);
    }

    /// <summary>Stable in-place partition of _order[start, start+count): left samples first; returns the left count.</summary>
    private int Partition(ReadOnlySpan<byte> codes, SplitCandidate split, int start, int count)
    {
        var bin = (byte)split.Bin;
        var range = _order.AsSpan(start, count);
        int l = 0, r = 0;
        foreach (var i in range)
        {
            if (split.IsCategorical ? codes[i] == bin : codes[i] > bin)
                _scratch[r++] = i;
            else
                range[l++] = i;
        }
        _scratch.AsSpan(0, r).CopyTo(range[l..]);
        return l;
    }
}
