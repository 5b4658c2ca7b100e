namespace RLFramework.Boosting.Trees;

/// <summary>
/// The trees of an ensemble, in chunks (no fixed capacity, no copy of old trees when the ensemble grows).
/// Leaf values are stored already multiplied by the slice learning rate.
/// </summary>
internal interface ITreeStore
{
    /// <summary>Number of trees.</summary>
    int Count { get; }

    /// <summary>Bytes held by the tree arrays (allocated capacity included).</summary>
    long ByteSize { get; }

    /// <summary>
    /// outputs[i * K + k] -= sum over trees [first, end) of the leaf value k that sample i reaches.
    /// Features are row-major (sample, feature).
    /// </summary>
    void Accumulate(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs);

    /// <summary>Writes tree <paramref name="tree"/> in the model format.</summary>
    void WriteTree(BinaryWriter writer, int tree);

    /// <summary>Reads one tree in the model format and appends it; throws <see cref="InvalidDataException"/> on bad content.</summary>
    void ReadTree(BinaryReader reader, int featureCount);

    /// <summary>Readable text of tree <paramref name="tree"/>, named by <paramref name="labels"/> (null: the stored numbers).</summary>
    string Dump(int tree, TreeLabels? labels);

    /// <summary>Appends the splits of tree <paramref name="tree"/> to <paramref name="splits"/> (levels, or nodes depth first).</summary>
    void GetSplits(int tree, List<TreeSplit> splits);
}
