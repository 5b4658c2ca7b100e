using RLFramework.Boosting.Data;
using RLFramework.Boosting.Splitting;
using RLFramework.Boosting.Trees;

namespace RLFramework.Cuda.Trees;

/// <summary>
/// The GPU twin of <c>Boosting.Trees.ObliviousTreeLearner</c>: per level, the histograms of all 2^depth nodes
/// (one pass over the samples), the candidate scores summed over the non-empty nodes (empty ones take no part, as
/// on the CPU), the best candidate (ties to the first, feature-major, threshold-ascending), and the partition of
/// every node into left child j and right child j + 2^depth; the tree stops early when no valid candidate is left;
/// leaf values = mean clipped raw gradient times the slice learning rate (empty leaves 0). Only the best candidate
/// comes back to the host per level. The batch must already be uploaded to the workspace.
/// </summary>
internal sealed class GpuObliviousTreeLearner(GpuTreeWorkspace work)
{
    private int[] _counts = [];
    private int[] _slotOf = [];
    private int[] _split = [];
    private int[] _leafNodes = [];
    private double[] _sums = [];
    private readonly int[] _groupStart = [0];
    private readonly int[] _groupCount = new int[1];
    private readonly int[] _bestIndex = new int[1];
    private readonly double[] _bestScore = new double[1];

    /// <summary>Fits a tree of at most <paramref name="maxDepth"/> levels into <paramref name="draft"/>.</summary>
    public void Fit(BinnedBatch data, int outputCount, int maxDepth, int minSamples, bool cosine, ReadOnlySpan<double> learningRates, ObliviousTreeDraft draft)
    {
        var leavesMax = 1 << maxDepth;
        if (_counts.Length < leavesMax)
        {
            _counts = new int[leavesMax];
            _slotOf = new int[leavesMax];
            _split = new int[leavesMax * NodeSplit.Size];
            _leafNodes = new int[leavesMax];
        }
        Span<int> used = stackalloc int[maxDepth];
        used.Fill(-1);
        var parentScore = 0.0;
        var depth = 0;
        draft.Score = 0;
        while (depth < maxDepth)
        {
            var nodes = 1 << depth;
            for (var j = 0; j < nodes; j++)
                _slotOf[j] = j;
            work.Histograms.Build(work.Batch, _slotOf.AsSpan(0, nodes), nodes);
            _groupCount[0] = nodes;
            work.Finder.FindBest(work.Batch, work.Histograms, _groupStart, _groupCount, used, maxDepth, minSamples, cosine, _bestIndex, _bestScore);
            if (_bestIndex[0] < 0)
                break;
            var best = GpuTreeWorkspace.CandidateOf(data, work.Batch, _bestIndex[0], _bestScore[0]);
            draft.Levels[depth] = SplitTest.From(data, best);
            draft.LevelGain[depth] = best.Score - parentScore;
            draft.Score += best.Score;
            parentScore = best.Score;
            used[depth] = _bestIndex[0];
            for (var j = 0; j < nodes; j++)
            {
                var at = j * NodeSplit.Size;
                _split[at + NodeSplit.Feature] = best.Feature;
                _split[at + NodeSplit.Bin] = best.Bin;
                _split[at + NodeSplit.Categorical] = best.IsCategorical ? 1 : 0;
                _split[at + NodeSplit.Left] = j;
                _split[at + NodeSplit.Right] = j + nodes;
            }
            work.Partition(_split.AsSpan(0, nodes * NodeSplit.Size));
            depth++;
        }
        for (var d = depth; d < maxDepth; d++)
        {
            draft.Levels[d] = SplitTest.Never;
            draft.LevelGain[d] = 0;
        }
        draft.Depth = depth;
        var leaves = 1 << depth;
        var k = outputCount;
        if (_sums.Length < leaves * k)
            _sums = new double[leaves * k];
        for (var j = 0; j < leaves; j++)
            _leafNodes[j] = j;
        work.LeafSums(_leafNodes.AsSpan(0, leaves), _sums.AsSpan(0, leaves * k), _counts.AsSpan(0, leaves));
        for (var j = 0; j < leaves; j++)
        {
            var inv = _counts[j] > 0 ? 1.0 / _counts[j] : 0.0;
            for (var o = 0; o < k; o++)
                draft.Leaves[o * leaves + j] = (float)(_sums[j * k + o] * inv * learningRates[o]);
        }
    }
}
