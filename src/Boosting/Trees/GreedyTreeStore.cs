using System.Globalization;
using System.Text;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// Greedy trees in chunks of parallel node arrays (feature, lo, hi, left, right; a child &lt; 0 is leaf ~child)
/// and leaf-major leaf values; prediction is a <c>while (node &gt;= 0)</c> walk per sample and tree.
/// </summary>
internal sealed class GreedyTreeStore : ITreeStore
{
    private const int ChunkShift = 12;
    private const int ChunkTrees = 1 << ChunkShift;

    private readonly int _outputs;
    private readonly List<Chunk> _chunks = [];

    private sealed class Chunk
    {
        public int Count;
        public int NodeCount;
        public int LeafCount;
        public int[] NodeStart = new int[ChunkTrees + 1];
        public int[] LeafStart = new int[ChunkTrees + 1];
        public int[] Feature = new int[64];
        public float[] Lo = new float[64];
        public float[] Hi = new float[64];
        public int[] Left = new int[64];
        public int[] Right = new int[64];
        public float[] Leaves = new float[64];

        public long Bytes => (NodeStart.Length + LeafStart.Length) * 4L + Feature.Length * 20L + Leaves.Length * 4L;

        public void ReserveNodes(int extra)
        {
            var need = NodeCount + extra;
            if (need <= Feature.Length)
                return;
            var size = Math.Max(need, Feature.Length * 2);
            Array.Resize(ref Feature, size);
            Array.Resize(ref Lo, size);
            Array.Resize(ref Hi, size);
            Array.Resize(ref Left, size);
            Array.Resize(ref Right, size);
        }

        public void ReserveLeafValues(int need)
        {
            if (need > Leaves.Length)
                Array.Resize(ref Leaves, Math.Max(need, Leaves.Length * 2));
        }
    }

    public GreedyTreeStore(int outputCount) => _outputs = outputCount;

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public long ByteSize
    {
        get
        {
            long bytes = 0;
            foreach (var chunk in _chunks)
                bytes += chunk.Bytes;
            return bytes;
        }
    }

    /// <summary>Appends a fitted tree.</summary>
    public void Add(GreedyTreeDraft draft)
    {
        if (_chunks.Count == 0 || _chunks[^1].Count == ChunkTrees)
            _chunks.Add(new Chunk());
        var chunk = _chunks[^1];
        var nodes = draft.NodeCount;
        var leafValues = draft.Leaves.Count;
        chunk.ReserveNodes(nodes);
        chunk.ReserveLeafValues(chunk.LeafCount * _outputs + leafValues);
        var n0 = chunk.NodeCount;
        for (var i = 0; i < nodes; i++)
        {
            var test = draft.Tests[i];
            chunk.Feature[n0 + i] = test.Feature;
            chunk.Lo[n0 + i] = test.Lo;
            chunk.Hi[n0 + i] = test.Hi;
            chunk.Left[n0 + i] = draft.Left[i];
            chunk.Right[n0 + i] = draft.Right[i];
        }
        var v0 = chunk.LeafCount * _outputs;
        for (var i = 0; i < leafValues; i++)
            chunk.Leaves[v0 + i] = draft.Leaves[i];
        chunk.NodeCount += nodes;
        chunk.LeafCount += leafValues / _outputs;
        chunk.Count++;
        chunk.NodeStart[chunk.Count] = chunk.NodeCount;
        chunk.LeafStart[chunk.Count] = chunk.LeafCount;
        Count++;
    }

    /// <summary>Copies tree <paramref name="tree"/> into <paramref name="into"/>.</summary>
    public void GetTree(int tree, GreedyTreeDraft into)
    {
        var chunk = _chunks[tree >> ChunkShift];
        var t = tree & (ChunkTrees - 1);
        into.Clear();
        for (var i = chunk.NodeStart[t]; i < chunk.NodeStart[t + 1]; i++)
        {
            var hi = chunk.Hi[i];
            into.Tests.Add(new SplitTest(chunk.Feature[i], chunk.Lo[i], hi, !float.IsPositiveInfinity(hi)));
            into.Left.Add(chunk.Left[i]);
            into.Right.Add(chunk.Right[i]);
        }
        for (var i = chunk.LeafStart[t] * _outputs; i < chunk.LeafStart[t + 1] * _outputs; i++)
            into.Leaves.Add(chunk.Leaves[i]);
    }

    /// <inheritdoc />
    public void Accumulate(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs)
    {
        Span<float> acc = stackalloc float[_outputs];
        for (var i = 0; i < sampleCount; i++)
        {
            var x = features.Slice(i * featureCount, featureCount);
            acc.Clear();
            for (var tree = firstTree; tree < endTree; tree++)
            {
                var chunk = _chunks[tree >> ChunkShift];
                var t = tree & (ChunkTrees - 1);
                var start = chunk.NodeStart[t];
                var node = chunk.NodeStart[t + 1] > start ? 0 : ~0;
                while (node >= 0)
                {
                    var j = start + node;
                    var v = x[chunk.Feature[j]];
                    node = v > chunk.Lo[j] && v <= chunk.Hi[j] ? chunk.Right[j] : chunk.Left[j];
                }
                var leaf = chunk.Leaves.AsSpan((chunk.LeafStart[t] + ~node) * _outputs, _outputs);
                for (var k = 0; k < _outputs; k++)
                    acc[k] += leaf[k];
            }
            for (var k = 0; k < _outputs; k++)
                outputs[i * _outputs + k] -= acc[k];
        }
    }

    /// <inheritdoc />
    public void WriteTree(BinaryWriter writer, int tree)
    {
        var draft = new GreedyTreeDraft();
        GetTree(tree, draft);
        writer.Write(draft.NodeCount);
        writer.Write(draft.Leaves.Count / _outputs);
        for (var i = 0; i < draft.NodeCount; i++)
        {
            writer.Write(draft.Tests[i].Feature);
            writer.Write(draft.Tests[i].Lo);
            writer.Write(draft.Tests[i].Hi);
            writer.Write(draft.Left[i]);
            writer.Write(draft.Right[i]);
        }
        foreach (var v in draft.Leaves)
            writer.Write(v);
    }

    /// <inheritdoc />
    public void ReadTree(BinaryReader reader, int featureCount)
    {
        var draft = new GreedyTreeDraft();
        var nodes = reader.ReadInt32();
        var leaves = reader.ReadInt32();
        if (nodes < 0 || leaves != nodes + 1 || nodes > 1 << 20)
            throw new InvalidDataException($"Tree {Count} has {nodes} nodes and {leaves} leaves; a greedy tree has nodes + 1 leaves.");
        for (var i = 0; i < nodes; i++)
        {
            var feature = reader.ReadInt32();
            var lo = reader.ReadSingle();
            var hi = reader.ReadSingle();
            var left = reader.ReadInt32();
            var right = reader.ReadInt32();
            if (feature < 0 || feature >= featureCount)
                throw new InvalidDataException($"Tree {Count} node {i} tests feature {feature}; the model has {featureCount} features.");
            // Children point forward (depth-first order) or to a leaf.
            if (left >= 0 ? left <= i || left >= nodes : ~left >= leaves)
                throw new InvalidDataException($"Tree {Count} node {i} has an invalid left child {left}.");
            if (right >= 0 ? right <= i || right >= nodes : ~right >= leaves)
                throw new InvalidDataException($"Tree {Count} node {i} has an invalid right child {right}.");
            draft.Tests.Add(new SplitTest(feature, lo, hi, !float.IsPositiveInfinity(hi)));
            draft.Left.Add(left);
            draft.Right.Add(right);
        }
        for (var i = 0; i < leaves * _outputs; i++)
            draft.Leaves.Add(reader.ReadSingle());
        Add(draft);
    }

    /// <inheritdoc />
    public void GetSplits(int tree, List<TreeSplit> splits)
    {
        var draft = new GreedyTreeDraft();
        GetTree(tree, draft);
        foreach (var test in draft.Tests)
            splits.Add(test.ToSplit());
    }

    /// <inheritdoc />
    public string Dump(int tree, TreeLabels? labels)
    {
        var draft = new GreedyTreeDraft();
        GetTree(tree, draft);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"tree {tree}: greedy, {draft.NodeCount} splits, {draft.NodeCount + 1} leaves\n");
        TreeText.AppendLeafNote(text, labels);
        DumpNode(draft, draft.NodeCount > 0 ? 0 : ~0, 1, labels, text);
        return text.ToString();
    }

    private void DumpNode(GreedyTreeDraft draft, int node, int indent, TreeLabels? labels, StringBuilder text)
    {
        var pad = new string(' ', 2 * indent);
        if (node < 0)
        {
            var leaf = ~node;
            text.Append(CultureInfo.InvariantCulture, $"{pad}leaf {leaf}:");
            for (var k = 0; k < _outputs; k++)
                TreeText.AppendOutput(text, labels, k, draft.Leaves[leaf * _outputs + k]);
            text.Append('\n');
            return;
        }
        text.Append(CultureInfo.InvariantCulture, $"{pad}if {TreeText.Describe(labels, draft.Tests[node])}:\n");
        DumpNode(draft, draft.Right[node], indent + 1, labels, text);
        text.Append(CultureInfo.InvariantCulture, $"{pad}else:\n");
        DumpNode(draft, draft.Left[node], indent + 1, labels, text);
    }
}
