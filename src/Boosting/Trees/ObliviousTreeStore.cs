using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// Oblivious trees stored compactly in chunks of parallel arrays. Every tree has the ensemble's MaxDepth
/// levels (<c>LevelStride</c> = 4 when MaxDepth &lt;= 4, so that a tree's levels fill one SIMD register;
/// unused levels never send right) and 2^MaxDepth leaves per output, output-major. A depth-4, 3-output tree
/// takes 4 x 4 (features) + 4 x 4 (thresholds) + 1 (depth) + 16 x 3 x 4 (leaves) = 225 bytes
/// (plus 4 x 4 for categorical upper bounds when the schema has categorical features).
/// <para>Prediction kernels (same float additions in the same order, so bit-identical results):
/// AVX2 batch (8 samples per register; levels compared on transposed features, leaf index built as
/// 2·idx + bit, leaf values picked by permutes) and AVX2 single sample (a tree's levels in one register: one
/// permute gathers the features, one compare and a movemask give the leaf), for MaxDepth &lt;= 4; a scalar
/// kernel otherwise.</para>
/// </summary>
internal sealed class ObliviousTreeStore : ITreeStore
{
    private const int ChunkShift = 12;
    private const int ChunkTrees = 1 << ChunkShift;
    private const int FirstChunkTrees = 64;
    private const int LeafPadding = 8;
    private const long ParallelWork = 1 << 20;

    private readonly int _maxDepth;
    private readonly int _levelStride;
    private readonly int _outputs;
    private readonly int _leafCount;
    private readonly bool _categorical;
    private readonly List<Chunk> _chunks = [];

    private sealed class Chunk(int capacity, int levelStride, int leafBlock, bool categorical)
    {
        public int Count;
        public int[] Feature = new int[capacity * levelStride];
        public float[] Lo = new float[capacity * levelStride];
        public float[]? Hi = categorical ? new float[capacity * levelStride] : null;
        public byte[] Depth = new byte[capacity];
        public float[] Leaves = new float[capacity * leafBlock + LeafPadding];

        public int Capacity => Depth.Length;

        public long Bytes => Feature.Length * 4L + Lo.Length * 4L + (Hi?.Length ?? 0) * 4L + Depth.Length + Leaves.Length * 4L;

        public void Grow(int capacity, int levelStride, int leafBlock)
        {
            Array.Resize(ref Feature, capacity * levelStride);
            Array.Resize(ref Lo, capacity * levelStride);
            if (Hi is not null)
                Array.Resize(ref Hi, capacity * levelStride);
            Array.Resize(ref Depth, capacity);
            Array.Resize(ref Leaves, capacity * leafBlock + LeafPadding);
        }
    }

    public ObliviousTreeStore(int maxDepth, int outputCount, bool hasCategorical)
    {
        _maxDepth = maxDepth;
        _levelStride = maxDepth <= 4 ? 4 : maxDepth;
        _outputs = outputCount;
        _leafCount = 1 << maxDepth;
        _categorical = hasCategorical;
    }

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

    private int LeafBlock => _outputs * _leafCount;

    /// <summary>Appends a fitted tree.</summary>
    public void Add(ObliviousTreeDraft draft)
    {
        var chunk = ChunkForAppend();
        var t = chunk.Count;
        var depth = draft.Depth;
        chunk.Depth[t] = (byte)depth;
        for (var d = 0; d < _levelStride; d++)
        {
            var test = d < depth ? draft.Levels[d] : SplitTest.Never;
            chunk.Feature[t * _levelStride + d] = test.Feature;
            chunk.Lo[t * _levelStride + d] = test.Lo;
            if (chunk.Hi is not null)
                chunk.Hi[t * _levelStride + d] = test.Hi;
        }
        // Draft leaves: [k * 2^depth + leaf]; stored: [k * 2^MaxDepth + leaf], unreachable leaves zero.
        var leaves = chunk.Leaves.AsSpan(t * LeafBlock, LeafBlock);
        leaves.Clear();
        var used = 1 << depth;
        for (var k = 0; k < _outputs; k++)
            draft.Leaves.AsSpan(k * used, used).CopyTo(leaves.Slice(k * _leafCount));
        chunk.Count++;
        Count++;
    }

    private Chunk ChunkForAppend()
    {
        var last = _chunks.Count > 0 ? _chunks[^1] : null;
        if (last is not null && last.Count < last.Capacity)
            return last;
        if (last is not null && last.Capacity < ChunkTrees)
        {
            last.Grow(Math.Min(ChunkTrees, last.Capacity * 2), _levelStride, LeafBlock);
            return last;
        }
        var chunk = new Chunk(_chunks.Count == 0 ? FirstChunkTrees : ChunkTrees, _levelStride, LeafBlock, _categorical);
        _chunks.Add(chunk);
        return chunk;
    }

    /// <summary>Depth, level tests and leaf values (output-major, 2^depth per output) of tree <paramref name="tree"/>.</summary>
    public void GetTree(int tree, ObliviousTreeDraft into)
    {
        var chunk = _chunks[tree >> ChunkShift];
        var t = tree & (ChunkTrees - 1);
        var depth = chunk.Depth[t];
        into.Depth = depth;
        for (var d = 0; d < depth; d++)
            into.Levels[d] = LevelOf(chunk, t, d);
        var used = 1 << depth;
        for (var k = 0; k < _outputs; k++)
            chunk.Leaves.AsSpan(t * LeafBlock + k * _leafCount, used).CopyTo(into.Leaves.AsSpan(k * used));
    }

    private SplitTest LevelOf(Chunk chunk, int t, int d)
    {
        var i = t * _levelStride + d;
        var hi = chunk.Hi?[i] ?? float.PositiveInfinity;
        return new SplitTest(chunk.Feature[i], chunk.Lo[i], hi, !float.IsPositiveInfinity(hi));
    }

    /// <inheritdoc />
    public void Accumulate(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs)
    {
        if (firstTree >= endTree)
            return;
        if (Avx2.IsSupported && _maxDepth <= 4)
        {
            if (_categorical)
                AccumulateAvx2<MixedLevelTest>(features, sampleCount, featureCount, firstTree, endTree, outputs);
            else
                AccumulateAvx2<NumericalLevelTest>(features, sampleCount, featureCount, firstTree, endTree, outputs);
        }
        else
        {
            AccumulateScalar(features, sampleCount, featureCount, firstTree, endTree, outputs);
        }
    }

    /// <summary>Reference kernel: one sample, one tree, one level at a time.</summary>
    internal void AccumulateScalar(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs)
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
                var leaf = 0;
                for (var d = 0; d < _maxDepth; d++)
                {
                    var j = t * _levelStride + d;
                    var v = x[chunk.Feature[j]];
                    var hi = chunk.Hi is null ? float.PositiveInfinity : chunk.Hi[j];
                    if (v > chunk.Lo[j] && v <= hi)
                        leaf |= 1 << d;
                }
                var leaves = chunk.Leaves.AsSpan(t * LeafBlock);
                for (var k = 0; k < _outputs; k++)
                    acc[k] += leaves[k * _leafCount + leaf];
            }
            for (var k = 0; k < _outputs; k++)
                outputs[i * _outputs + k] -= acc[k];
        }
    }

    /// <summary>AVX2 kernels (MaxDepth &lt;= 4): single sample or blocks of 8 samples, split over cores for large work.</summary>
    internal unsafe void AccumulateAvx2<TTest>(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs)
        where TTest : struct, ILevelTest
    {
        fixed (float* x = features)
        fixed (float* output = outputs)
        {
            if (sampleCount == 1 && featureCount <= 8)
            {
                SingleAvx2<TTest>(x, featureCount, firstTree, endTree, output);
                return;
            }
            var blocks = (sampleCount + 7) / 8;
            var parts = Math.Min(Environment.ProcessorCount, blocks);
            if (parts > 1 && (long)sampleCount * (endTree - firstTree) >= ParallelWork)
            {
                nint xp = (nint)x, op = (nint)output;
                Parallel.For(0, parts, p =>
                    BlocksAvx2<TTest>((float*)xp, sampleCount, featureCount, firstTree, endTree, (float*)op,
                        blocks * p / parts, blocks * (p + 1) / parts));
            }
            else
            {
                BlocksAvx2<TTest>(x, sampleCount, featureCount, firstTree, endTree, output, 0, blocks);
            }
        }
    }

    private unsafe void BlocksAvx2<TTest>(float* x, int sampleCount, int featureCount, int firstTree, int endTree, float* output, int firstBlock, int endBlock)
        where TTest : struct, ILevelTest
    {
        var k = _outputs;
        var leafCount = _leafCount;
        var leafBlock = LeafBlock;
        var block = stackalloc float[featureCount * 8];
        var pair = stackalloc float[featureCount * 16];
        var acc = stackalloc Vector256<float>[k];
        for (var b = firstBlock; b < endBlock; b++)
        {
            if (k <= 4 && b + 1 < endBlock)
            {
                PairAvx2<TTest>(x, sampleCount, featureCount, firstTree, endTree, output, b, pair);
                b++;
                continue;
            }
            var first = b * 8;
            var lanes = Math.Min(8, sampleCount - first);
            for (var f = 0; f < featureCount; f++)
            {
                for (var l = 0; l < 8; l++)
                    block[f * 8 + l] = l < lanes ? x[(first + l) * featureCount + f] : 0f;
            }
            for (var j = 0; j < k; j++)
                acc[j] = Vector256<float>.Zero;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var tree = firstTree; tree < endTree;)
            {
                var chunk = _chunks[tree >> ChunkShift];
                var start = tree & (ChunkTrees - 1);
                var stop = Math.Min(chunk.Count, start + (endTree - tree));
                fixed (int* features = chunk.Feature)
                fixed (float* los = chunk.Lo)
                fixed (float* his = chunk.Hi ?? chunk.Lo)
                fixed (float* leavesBase = chunk.Leaves)
                {
                    for (var t = start; t < stop; t++)
                    {
                        var tf = features + t * 4;
                        var tlo = los + t * 4;
                        var thi = his + t * 4;
                        var idx = Vector256<int>.Zero;
                        for (var d = 3; d >= 0; d--)
                        {
                            var right = TTest.Right(Avx.LoadVector256(block + tf[d] * 8), tlo[d], thi[d]).AsInt32();
                            idx = idx + idx - right;
                        }
                        var leaves = leavesBase + t * leafBlock;
                        if (k <= 4)
                        {
                            // Up to 4 outputs: accumulators stay in registers.
                            a0 += PickLeaves(leaves, idx, leafCount);
                            if (k > 1)
                                a1 += PickLeaves(leaves + leafCount, idx, leafCount);
                            if (k > 2)
                                a2 += PickLeaves(leaves + 2 * leafCount, idx, leafCount);
                            if (k > 3)
                                a3 += PickLeaves(leaves + 3 * leafCount, idx, leafCount);
                        }
                        else
                        {
                            for (var j = 0; j < k; j++)
                                acc[j] += PickLeaves(leaves + j * leafCount, idx, leafCount);
                        }
                    }
                }
                tree += stop - start;
            }
            if (k <= 4)
            {
                acc[0] = a0;
                if (k > 1)
                    acc[1] = a1;
                if (k > 2)
                    acc[2] = a2;
                if (k > 3)
                    acc[3] = a3;
            }
            for (var j = 0; j < k; j++)
            {
                var a = (float*)(acc + j);
                for (var l = 0; l < lanes; l++)
                    output[(first + l) * k + j] -= a[l];
            }
        }
    }

    /// <summary>
    /// Two blocks of 8 samples (16 samples) per pass over the trees, for up to 4 outputs: each tree's thresholds
    /// and leaf vectors are loaded once for both blocks, and all accumulators stay in registers.
    /// </summary>
    private unsafe void PairAvx2<TTest>(float* x, int sampleCount, int featureCount, int firstTree, int endTree, float* output, int b, float* pair)
        where TTest : struct, ILevelTest
    {
        var k = _outputs;
        var leafCount = _leafCount;
        var leafBlock = LeafBlock;
        var first = b * 8;
        var lanes = Math.Min(16, sampleCount - first);
        for (var f = 0; f < featureCount; f++)
        {
            for (var l = 0; l < 16; l++)
                pair[f * 16 + l] = l < lanes ? x[(first + l) * featureCount + f] : 0f;
        }
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (var tree = firstTree; tree < endTree;)
        {
            var chunk = _chunks[tree >> ChunkShift];
            var start = tree & (ChunkTrees - 1);
            var stop = Math.Min(chunk.Count, start + (endTree - tree));
            fixed (int* features = chunk.Feature)
            fixed (float* los = chunk.Lo)
            fixed (float* his = chunk.Hi ?? chunk.Lo)
            fixed (float* leavesBase = chunk.Leaves)
            {
                for (var t = start; t < stop; t++)
                {
                    var tf = features + t * 4;
                    var tlo = los + t * 4;
                    var thi = his + t * 4;
                    var idxA = Vector256<int>.Zero;
                    var idxB = Vector256<int>.Zero;
                    for (var d = 3; d >= 0; d--)
                    {
                        var lo = Vector256.Create(tlo[d]);
                        var hi = Vector256.Create(thi[d]);
                        var column = pair + tf[d] * 16;
                        var rightA = TTest.Right(Avx.LoadVector256(column), lo, hi).AsInt32();
                        var rightB = TTest.Right(Avx.LoadVector256(column + 8), lo, hi).AsInt32();
                        idxA = idxA + idxA - rightA;
                        idxB = idxB + idxB - rightB;
                    }
                    var leaves = leavesBase + t * leafBlock;
                    if (leafCount <= 8)
                    {
                        var v = Avx.LoadVector256(leaves);
                        a0 += Avx2.PermuteVar8x32(v, idxA);
                        b0 += Avx2.PermuteVar8x32(v, idxB);
                        if (k > 1)
                        {
                            v = Avx.LoadVector256(leaves + leafCount);
                            a1 += Avx2.PermuteVar8x32(v, idxA);
                            b1 += Avx2.PermuteVar8x32(v, idxB);
                        }
                        if (k > 2)
                        {
                            v = Avx.LoadVector256(leaves + 2 * leafCount);
                            a2 += Avx2.PermuteVar8x32(v, idxA);
                            b2 += Avx2.PermuteVar8x32(v, idxB);
                        }
                        if (k > 3)
                        {
                            v = Avx.LoadVector256(leaves + 3 * leafCount);
                            a3 += Avx2.PermuteVar8x32(v, idxA);
                            b3 += Avx2.PermuteVar8x32(v, idxB);
                        }
                    }
                    else
                    {
                        var upperA = Avx2.ShiftLeftLogical(idxA, 28).AsSingle();
                        var upperB = Avx2.ShiftLeftLogical(idxB, 28).AsSingle();
                        a0 += Pick16(leaves, idxA, upperA);
                        b0 += Pick16(leaves, idxB, upperB);
                        if (k > 1)
                        {
                            a1 += Pick16(leaves + 16, idxA, upperA);
                            b1 += Pick16(leaves + 16, idxB, upperB);
                        }
                        if (k > 2)
                        {
                            a2 += Pick16(leaves + 32, idxA, upperA);
                            b2 += Pick16(leaves + 32, idxB, upperB);
                        }
                        if (k > 3)
                        {
                            a3 += Pick16(leaves + 48, idxA, upperA);
                            b3 += Pick16(leaves + 48, idxB, upperB);
                        }
                    }
                }
            }
            tree += stop - start;
        }
        var sums = stackalloc Vector256<float>[8];
        sums[0] = a0;
        sums[1] = a1;
        sums[2] = a2;
        sums[3] = a3;
        sums[4] = b0;
        sums[5] = b1;
        sums[6] = b2;
        sums[7] = b3;
        for (var l = 0; l < lanes; l++)
        {
            var lanesOf = (float*)(sums + (l < 8 ? 0 : 4));
            for (var j = 0; j < k; j++)
                output[(first + l) * k + j] -= lanesOf[j * 8 + (l & 7)];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Pick16(float* leaves, Vector256<int> idx, Vector256<float> upper) =>
        Avx.BlendVariable(Avx2.PermuteVar8x32(Avx.LoadVector256(leaves), idx), Avx2.PermuteVar8x32(Avx.LoadVector256(leaves + 8), idx), upper);

    /// <summary>The leaf value of each lane's leaf index (leafCount &lt;= 16 values of one output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> PickLeaves(float* leaves, Vector256<int> idx, int leafCount)
    {
        var low = Avx2.PermuteVar8x32(Avx.LoadVector256(leaves), idx);
        if (leafCount <= 8)
            return low;
        var high = Avx2.PermuteVar8x32(Avx.LoadVector256(leaves + 8), idx);
        return Avx.BlendVariable(low, high, Avx2.ShiftLeftLogical(idx, 28).AsSingle());
    }

    private unsafe void SingleAvx2<TTest>(float* x, int featureCount, int firstTree, int endTree, float* output)
        where TTest : struct, ILevelTest
    {
        var k = _outputs;
        var leafCount = _leafCount;
        var leafBlock = LeafBlock;
        var padded = stackalloc float[8];
        for (var f = 0; f < 8; f++)
            padded[f] = f < featureCount ? x[f] : 0f;
        var sample = Avx.LoadVector256(padded);
        var acc = stackalloc float[k];
        for (var j = 0; j < k; j++)
            acc[j] = 0f;
        float s0 = 0f, s1 = 0f, s2 = 0f;
        for (var tree = firstTree; tree < endTree;)
        {
            var chunk = _chunks[tree >> ChunkShift];
            var start = tree & (ChunkTrees - 1);
            var stop = Math.Min(chunk.Count, start + (endTree - tree));
            fixed (int* features = chunk.Feature)
            fixed (float* los = chunk.Lo)
            fixed (float* his = chunk.Hi ?? chunk.Lo)
            fixed (float* leavesBase = chunk.Leaves)
            {
                var t = start;
                for (; t + 1 < stop; t += 2)
                {
                    // Two trees per step: their 2 x 4 levels fill one register; the movemask's low nibble is the
                    // first tree's leaf, the high nibble the second's. Additions stay in tree order.
                    var values = Avx2.PermuteVar8x32(sample, Avx.LoadVector256(features + t * 4));
                    var mask = Avx.MoveMask(TTest.Right(values, Avx.LoadVector256(los + t * 4), Avx.LoadVector256(his + t * 4)));
                    var first = leavesBase + t * leafBlock + (mask & 15);
                    var second = leavesBase + (t + 1) * leafBlock + (mask >> 4);
                    s0 += first[0];
                    s0 += second[0];
                    if (k > 1)
                    {
                        s1 += first[leafCount];
                        s1 += second[leafCount];
                    }
                    if (k > 2)
                    {
                        s2 += first[2 * leafCount];
                        s2 += second[2 * leafCount];
                    }
                    for (var j = 3; j < k; j++)
                    {
                        acc[j] += first[j * leafCount];
                        acc[j] += second[j * leafCount];
                    }
                }
                for (; t < stop; t++)
                {
                    var index = Sse2.LoadVector128(features + t * 4).ToVector256Unsafe();
                    var values = Avx2.PermuteVar8x32(sample, index).GetLower();
                    var right = TTest.Right(values, Sse.LoadVector128(los + t * 4), Sse.LoadVector128(his + t * 4));
                    var leaves = leavesBase + t * leafBlock + Sse.MoveMask(right);
                    s0 += leaves[0];
                    if (k > 1)
                        s1 += leaves[leafCount];
                    if (k > 2)
                        s2 += leaves[2 * leafCount];
                    for (var j = 3; j < k; j++)
                        acc[j] += leaves[j * leafCount];
                }
            }
            tree += stop - start;
        }
        acc[0] = s0;
        if (k > 1)
            acc[1] = s1;
        if (k > 2)
            acc[2] = s2;
        for (var j = 0; j < k; j++)
            output[j] -= acc[j];
    }

    /// <inheritdoc />
    public void WriteTree(BinaryWriter writer, int tree)
    {
        var chunk = _chunks[tree >> ChunkShift];
        var t = tree & (ChunkTrees - 1);
        var depth = chunk.Depth[t];
        writer.Write(depth);
        for (var d = 0; d < depth; d++)
        {
            var level = LevelOf(chunk, t, d);
            writer.Write(level.Feature);
            writer.Write(level.Lo);
            writer.Write(level.Hi);
        }
        var used = 1 << depth;
        for (var k = 0; k < _outputs; k++)
        {
            foreach (var v in chunk.Leaves.AsSpan(t * LeafBlock + k * _leafCount, used))
                writer.Write(v);
        }
    }

    /// <inheritdoc />
    public void ReadTree(BinaryReader reader, int featureCount)
    {
        var draft = new ObliviousTreeDraft(_maxDepth, _outputs);
        int depth = reader.ReadByte();
        if (depth > _maxDepth)
            throw new InvalidDataException($"Tree {Count} has depth {depth}, more than the model's MaxDepth {_maxDepth}.");
        draft.Depth = depth;
        for (var d = 0; d < depth; d++)
        {
            var feature = reader.ReadInt32();
            var lo = reader.ReadSingle();
            var hi = reader.ReadSingle();
            if (feature < 0 || feature >= featureCount)
                throw new InvalidDataException($"Tree {Count} level {d} tests feature {feature}; the model has {featureCount} features.");
            var categorical = !float.IsPositiveInfinity(hi);
            if (categorical && !_categorical)
                throw new InvalidDataException($"Tree {Count} level {d} is categorical but the schema has no categorical feature.");
            draft.Levels[d] = new SplitTest(feature, lo, hi, categorical);
        }
        var used = 1 << depth;
        for (var i = 0; i < used * _outputs; i++)
            draft.Leaves[i] = reader.ReadSingle();
        Add(draft);
    }

    /// <inheritdoc />
    public string Dump(int tree)
    {
        var draft = new ObliviousTreeDraft(_maxDepth, _outputs);
        GetTree(tree, draft);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"tree {tree}: oblivious, depth {draft.Depth}, {draft.LeafCount} leaves (bit d of the leaf index = level d goes right)\n");
        for (var d = 0; d < draft.Depth; d++)
            text.Append(CultureInfo.InvariantCulture, $"  level {d}: {draft.Levels[d]}\n");
        for (var leaf = 0; leaf < draft.LeafCount; leaf++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  leaf {leaf}:");
            for (var k = 0; k < _outputs; k++)
                text.Append(CultureInfo.InvariantCulture, $" {draft.Leaves[k * draft.LeafCount + leaf]:R}");
            text.Append('\n');
        }
        return text.ToString();
    }
}
