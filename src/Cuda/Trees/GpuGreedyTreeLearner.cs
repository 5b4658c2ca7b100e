using RLFramework.Boosting.Data;
using RLFramework.Boosting.Splitting;
using RLFramework.Boosting.Trees;

namespace RLFramework.Cuda.Trees;

/// <summary>
/// The GPU twin of <c>Boosting.Trees.GreedyTreeLearner</c>. A greedy node's decision depends only on its own samples,
/// depth and ancestors, not on the order nodes are visited, so the GPU grows the tree level by level (all open nodes
/// of a level in one histogram pass, one best-split group per node) and then numbers splits and leaves in the CPU's
/// depth-first, left-first order. Rules as on the CPU: a node at depth &lt; MaxDepth with at least 2 x MinSamples
/// samples splits on its best candidate (ancestors' splits excluded) when weighted score - parent score &gt;= 0, the
/// parent score being Finish(|S|^2 / n) of the node (0 at the root).
/// </summary>
internal sealed class GpuGreedyTreeLearner(GpuTreeWorkspace work)
{
    private readonly List<Node> _nodes = [];
    private readonly List<int> _open = [];
    private readonly List<int> _next = [];
    private readonly List<int> _eligible = [];
    private readonly List<int> _leafOrder = [];
    private int[] _slotOf = [];
    private int[] _split = [];
    private int[] _counts = [];
    private int[] _groupStart = [];
    private int[] _groupCount = [];
    private int[] _excluded = [];
    private int[] _bestIndex = [];
    private double[] _bestScore = [];
    private double[] _totals = [];
    private double[] _sums = [];

    private struct Node
    {
        public int Depth;
        public int Parent;
        public int Count;
        public int Bin;          // global bin of the split, -1 for a leaf
        public SplitCandidate Split;
        public SplitTest Test;
        public double Gain;
        public int Left;
        public int Right;
    }

    /// <summary>Fits a tree of at most <paramref name="maxDepth"/> levels into <paramref name="draft"/>.</summary>
    public void Fit(BinnedBatch data, int outputCount, int stride, int maxDepth, int minSamples, bool cosine, ReadOnlySpan<double> learningRates, GreedyTreeDraft draft)
    {
        minSamples = Math.Max(1, minSamples); // a greedy split never leaves a child empty (as on the CPU)
        _nodes.Clear();
        _open.Clear();
        _nodes.Add(new Node { Depth = 0, Parent = -1, Count = data.SampleCount, Bin = -1 });
        _open.Add(0);
        for (var depth = 0; depth < maxDepth && _open.Count > 0; depth++)
        {
            _eligible.Clear();
            foreach (var id in _open)
            {
                if (_nodes[id].Count >= 2 * minSamples)
                    _eligible.Add(id);
            }
            if (_eligible.Count == 0)
                break;
            SplitLevel(data, outputCount, stride, maxDepth, minSamples, cosine, depth);
        }
        Emit(draft, learningRates, outputCount);
    }

    private void SplitLevel(BinnedBatch data, int k, int stride, int maxDepth, int minSamples, bool cosine, int depth)
    {
        var ids = _nodes.Count;
        var groups = _eligible.Count;
        Ensure(ref _slotOf, ids);
        Ensure(ref _groupStart, groups);
        Ensure(ref _groupCount, groups);
        Ensure(ref _excluded, groups * maxDepth);
        Ensure(ref _bestIndex, groups);
        Ensure(ref _bestScore, groups);
        Ensure(ref _totals, groups * stride);
        _slotOf.AsSpan(0, ids).Fill(-1);
        _excluded.AsSpan(0, groups * maxDepth).Fill(-1);
        for (var g = 0; g < groups; g++)
        {
            var id = _eligible[g];
            _slotOf[id] = g;
            _groupStart[g] = g;
            _groupCount[g] = 1;
            var e = 0;
            for (var p = _nodes[id].Parent; p >= 0; p = _nodes[p].Parent)
                _excluded[g * maxDepth + e++] = _nodes[p].Bin;
        }
        work.Histograms.Build(work.Batch, _slotOf.AsSpan(0, ids), groups);
        work.Finder.FindBest(work.Batch, work.Histograms, _groupStart.AsSpan(0, groups), _groupCount.AsSpan(0, groups),
            _excluded.AsSpan(0, groups * maxDepth), maxDepth, minSamples, cosine, _bestIndex, _bestScore);
        work.Histograms.Totals.Download(_totals.AsSpan(0, groups * stride));

        _next.Clear();
        for (var g = 0; g < groups; g++)
        {
            var bin = _bestIndex[g];
            if (bin < 0)
                continue;
            var total = _totals.AsSpan(g * stride, stride);
            var parentScore = depth == 0 ? 0.0 : cosine ? SplitFinder.NodeScore<CosineScore>(total, k) : SplitFinder.NodeScore<L2Score>(total, k);
            var gain = _bestScore[g] - parentScore;
            if (!(gain >= 0))
                continue;
            var id = _eligible[g];
            var node = _nodes[id];
            node.Bin = bin;
            node.Split = GpuTreeWorkspace.CandidateOf(data, work.Batch, bin, _bestScore[g]);
            node.Test = SplitTest.From(data, node.Split);
            node.Gain = gain;
            node.Left = _nodes.Count;
            node.Right = _nodes.Count + 1;
            _nodes[id] = node;
            _nodes.Add(new Node { Depth = depth + 1, Parent = id, Bin = -1 });
            _nodes.Add(new Node { Depth = depth + 1, Parent = id, Bin = -1 });
            _next.Add(node.Left);
            _next.Add(node.Right);
        }
        _open.Clear();
        if (_next.Count == 0)
            return;
        // Partition the samples of the nodes that split, then count the new children.
        var all = _nodes.Count;
        Ensure(ref _split, all * NodeSplit.Size);
        Ensure(ref _counts, all);
        for (var id = 0; id < all; id++)
        {
            var node = _nodes[id];
            var at = id * NodeSplit.Size;
            var splitsNow = node.Bin >= 0 && node.Depth == depth;
            _split[at + NodeSplit.Feature] = splitsNow ? node.Split.Feature : -1;
            _split[at + NodeSplit.Bin] = node.Split.Bin;
            _split[at + NodeSplit.Categorical] = node.Split.IsCategorical ? 1 : 0;
            _split[at + NodeSplit.Left] = node.Left;
            _split[at + NodeSplit.Right] = node.Right;
        }
        work.Partition(_split.AsSpan(0, all * NodeSplit.Size));
        work.CountNodes(_counts.AsSpan(0, all));
        foreach (var id in _next)
        {
            var node = _nodes[id];
            node.Count = _counts[id];
            _nodes[id] = node;
            _open.Add(id);
        }
    }

    /// <summary>Numbers splits (preorder) and leaves (in visiting order) depth first, left first, as the CPU learner.</summary>
    private void Emit(GreedyTreeDraft draft, ReadOnlySpan<double> learningRates, int k)
    {
        draft.Clear();
        _leafOrder.Clear();
        EmitNode(draft, 0);
        var leaves = _leafOrder.Count;
        Ensure(ref _sums, leaves * k);
        Ensure(ref _slotOf, leaves);
        for (var j = 0; j < leaves; j++)
            _slotOf[j] = _leafOrder[j];
        Ensure(ref _counts, leaves);
        work.LeafSums(_slotOf.AsSpan(0, leaves), _sums.AsSpan(0, leaves * k), _counts.AsSpan(0, leaves));
        for (var j = 0; j < leaves; j++)
        {
            var count = _counts[j];
            var inv = count > 0 ? 1.0 / count : 0.0;
            for (var o = 0; o < k; o++)
                draft.Leaves.Add((float)(_sums[j * k + o] * inv * learningRates[o]));
        }
    }

    private int EmitNode(GreedyTreeDraft draft, int id)
    {
        var node = _nodes[id];
        if (node.Bin < 0)
        {
            _leafOrder.Add(id);
            return ~(_leafOrder.Count - 1);
        }
        var index = draft.NodeCount;
        draft.Tests.Add(node.Test);
        draft.Left.Add(0);
        draft.Right.Add(0);
        draft.Gain.Add(node.Gain);
        draft.Score += node.Split.Score;
        draft.Left[index] = EmitNode(draft, node.Left);
        draft.Right[index] = EmitNode(draft, node.Right);
        return index;
    }

    private static void Ensure<T>(ref T[] array, int length)
    {
        if (array.Length < length)
            array = new T[Math.Max(length, 2 * array.Length)];
    }
}
