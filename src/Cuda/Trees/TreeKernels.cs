using ILGPU;
using ILGPU.Runtime;

namespace RLFramework.Cuda.Trees;

/// <summary>
/// Kernels of the GPU tree learners (twins of the partition and leaf-value steps of
/// <c>Boosting.Trees.ObliviousTreeLearner</c> and <c>GreedyTreeLearner</c>). Samples carry the id of the node they
/// are in (<c>nodeOf</c>); partitioning a node moves each of its samples to its left or right child id.
/// </summary>
internal static class TreeKernels
{
    /// <summary>
    /// Thread i: when sample i's node splits (<c>nodeFeature[node] &gt;= 0</c>), moves it to <c>nodeRight[node]</c> if
    /// its code goes right (numerical: code &gt; bin; categorical: code == bin), else to <c>nodeLeft[node]</c>.
    /// </summary>
    public static void Partition(Index1D thread, ArrayView<byte> codes, ArrayView<int> nodeOf, ArrayView<int> nodeSplit, int sampleCount)
    {
        var i = thread.X;
        var node = nodeOf[i];
        var at = node * NodeSplit.Size;
        var f = nodeSplit[at + NodeSplit.Feature];
        if (f < 0)
            return;
        int code = codes[(long)f * sampleCount + i];
        var bin = nodeSplit[at + NodeSplit.Bin];
        var right = nodeSplit[at + NodeSplit.Categorical] != 0 ? code == bin : code > bin;
        nodeOf[i] = right ? nodeSplit[at + NodeSplit.Right] : nodeSplit[at + NodeSplit.Left];
    }

    /// <summary>Thread i: counts sample i in its node (<c>counts</c> zeroed before).</summary>
    public static void CountNodes(Index1D thread, ArrayView<int> nodeOf, ArrayView<int> counts) =>
        Atomic.Add(ref counts[nodeOf[thread.X]], 1);

    /// <summary>
    /// Thread (leaf, k) = index: sum of raw gradient k over the samples of node <c>leafNodes[leaf]</c>, in ascending
    /// sample order in double (the CPU's order, so the sums are bit-identical); <c>sums[leaf * K + k]</c>; the k = 0
    /// thread also writes the leaf's sample count to <c>counts[leaf]</c>.
    /// </summary>
    public static void LeafSums(Index1D thread, ArrayView<float> raw, ArrayView<int> nodeOf, ArrayView<int> leafNodes, ArrayView<double> sums,
        ArrayView<int> counts, int sampleCount, int outputCount)
    {
        var index = thread.X;
        var leaf = index / outputCount;
        var k = index - leaf * outputCount;
        var node = leafNodes[leaf];
        var sum = 0.0;
        var count = 0;
        for (var i = 0; i < sampleCount; i++)
        {
            if (nodeOf[i] == node)
            {
                sum += raw[(long)i * outputCount + k];
                count++;
            }
        }
        sums[index] = sum;
        if (k == 0)
            counts[leaf] = count;
    }
}

/// <summary>Per-node split descriptor packed in one int array: <c>nodeSplit[node * Size + field]</c>.</summary>
internal static class NodeSplit
{
    /// <summary>Ints per node.</summary>
    public const int Size = 5;

    /// <summary>Split feature, or -1 when the node does not split.</summary>
    public const int Feature = 0;

    /// <summary>Local bin of the candidate.</summary>
    public const int Bin = 1;

    /// <summary>1 for an equality (categorical) split.</summary>
    public const int Categorical = 2;

    /// <summary>Id of the left child.</summary>
    public const int Left = 3;

    /// <summary>Id of the right child.</summary>
    public const int Right = 4;
}
