using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Trees;

/// <summary>
/// Oblivious trees stored compactly in chunks of parallel arrays. Every tree has the ensemble's MaxDepth
/// levels (<c>LevelStride</c> = 4 when MaxDepth &lt;= 4 and 8 when MaxDepth is 5-8, so that a tree's levels fill one SIMD register;
/// unused levels never send right) and 2^MaxDepth leaves, each a row of K values (leaf-major: a sample adds
/// its leaf's K outputs with one vector load). A depth-4, 3-output tree takes 4 x 4 (features) + 4 x 4
/// (thresholds) + 1 (depth) + 16 x 3 x 4 (leaves) = 225 bytes (plus 4 x 4 for categorical upper bounds when
/// the schema has categorical features).
/// <para>Prediction kernels (every output summed over the trees in tree order, so all give the same floats):
/// AVX2 batch (blocks of 8 samples, tree-major: levels compared on the transposed block give 8 leaf rows, each
/// sample adds its row) and AVX2 single sample (a tree's levels in one register: one permute gathers the
/// features, one compare and a movemask give the leaf), for MaxDepth &lt;= 8; a scalar kernel otherwise.
/// The SIMD kernels are compiled fully optimized on first use (<c>AggressiveOptimization</c>): their loops run once
/// per chunk of trees, too few iterations for on-stack replacement, so a caller that predicts a few thousand
/// single samples (an RL loop) would otherwise run unoptimized code for its first ~100 ms.</para>
/// </summary>
internal sealed class ObliviousTreeStore : ITreeStore
{
    private const int ChunkShift = 12;
    private const int ChunkTrees = 1 << ChunkShift;
    private const int FirstChunkTrees = 64;
    private const int LeafPadding = 8;
    private const long ParallelWork = 1 << 20;

    private const long RunnerWork = 1 << 14;

    /// <summary>Blocks of 8 samples that walk the trees together in the batch kernel (their transposed features: at most <see cref="GroupFloats"/>).</summary>
    private const int GroupBlocks = 16;
    private const int GroupFloats = 8192;

    /// <summary>Trees walked by a group of blocks before the next: about 64-150 KB of levels and leaves, so they stay in L2 for the group.</summary>
    private const int TileTrees = 256;
    private readonly BlockWork _blockWork = new();
    private readonly unsafe BlockWork.BlocksKernel _numericalBlocks;
    private readonly unsafe BlockWork.BlocksKernel _mixedBlocks;

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
        _levelStride = maxDepth <= 4 ? 4 : maxDepth <= 8 ? 8 : maxDepth;
        _outputs = outputCount;
        _leafCount = 1 << maxDepth;
        _categorical = hasCategorical;
        unsafe
        {
            _numericalBlocks = _levelStride == 4 ? BlocksAvx2<NumericalLevelTest, FourLevels> : BlocksAvx2<NumericalLevelTest, EightLevels>;
            _mixedBlocks = _levelStride == 4 ? BlocksAvx2<MixedLevelTest, FourLevels> : BlocksAvx2<MixedLevelTest, EightLevels>;
        }
    }

    /// <summary>
    /// Helpers for batch prediction (the owning booster's fit runner): batches of at least 16,384 sample-trees are
    /// split into parts of 8-sample blocks over them. Null: the thread pool above 1M sample-trees, as before.
    /// Every sample is summed by one thread in tree order, so the outputs do not depend on the split.
    /// </summary>
    internal ItemRunner? Runner { get; set; }

    /// <summary>The parts of one batch prediction on <see cref="Runner"/>: part p = blocks [blocks p / parts, blocks (p + 1) / parts).</summary>
    private sealed unsafe class BlockWork : IItemWork
    {
        public delegate void BlocksKernel(float* x, int sampleCount, int featureCount, int firstTree, int endTree, float* output, int firstBlock, int endBlock);

        private float* _x;
        private float* _output;
        private int _sampleCount;
        private int _featureCount;
        private int _firstTree;
        private int _endTree;
        private int _blocks;

        public int Parts { get; private set; }

        public BlocksKernel? Run { get; set; }

        public void Set(float* x, float* output, int sampleCount, int featureCount, int firstTree, int endTree, int blocks, int parts)
        {
            _x = x;
            _output = output;
            _sampleCount = sampleCount;
            _featureCount = featureCount;
            _firstTree = firstTree;
            _endTree = endTree;
            _blocks = blocks;
            Parts = parts;
        }

        public void Clear()
        {
            _x = null;
            _output = null;
            Run = null;
        }

        void IItemWork.Run(int item, int worker) =>
            Run!(_x, _sampleCount, _featureCount, _firstTree, _endTree, _output, (int)((long)_blocks * item / Parts), (int)((long)_blocks * (item + 1) / Parts));
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
        // Draft leaves: [k * 2^depth + leaf]; stored: one row of K values per leaf, [leaf * K + k], for 2^MaxDepth
        // leaves, unreachable ones zero.
        var rows = chunk.Leaves.AsSpan(t * LeafBlock, LeafBlock);
        rows.Clear();
        var used = 1 << depth;
        for (var k = 0; k < _outputs; k++)
        {
            for (var leaf = 0; leaf < used; leaf++)
                rows[leaf * _outputs + k] = draft.Leaves[k * used + leaf];
        }
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
        var rows = chunk.Leaves.AsSpan(t * LeafBlock, LeafBlock);
        for (var k = 0; k < _outputs; k++)
        {
            for (var leaf = 0; leaf < used; leaf++)
                into.Leaves[k * used + leaf] = rows[leaf * _outputs + k];
        }
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
        if (Avx2.IsSupported && _maxDepth <= 8)
        {
            if (_categorical)
                AccumulateAvx2<MixedLevelTest>(features, sampleCount, featureCount, firstTree, endTree, outputs, Environment.ProcessorCount);
            else
                AccumulateAvx2<NumericalLevelTest>(features, sampleCount, featureCount, firstTree, endTree, outputs, Environment.ProcessorCount);
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
                var row = chunk.Leaves.AsSpan(t * LeafBlock + leaf * _outputs, _outputs);
                for (var k = 0; k < _outputs; k++)
                    acc[k] += row[k];
            }
            for (var k = 0; k < _outputs; k++)
                outputs[i * _outputs + k] -= acc[k];
        }
    }

    /// <summary>AVX2 kernels (MaxDepth &lt;= 8): single sample or blocks of 8 samples, split over cores for large work.</summary>
    internal unsafe void AccumulateAvx2<TTest>(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs, int maxParts)
        where TTest : struct, ILevelTest
    {
        if (_levelStride == 4)
            AccumulateAvx2<TTest, FourLevels>(features, sampleCount, featureCount, firstTree, endTree, outputs, maxParts);
        else
            AccumulateAvx2<TTest, EightLevels>(features, sampleCount, featureCount, firstTree, endTree, outputs, maxParts);
    }

    private unsafe void AccumulateAvx2<TTest, TLevels>(ReadOnlySpan<float> features, int sampleCount, int featureCount, int firstTree, int endTree, Span<float> outputs, int maxParts)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        Debug.Assert(_levelStride == TLevels.Count);
        fixed (float* x = features)
        fixed (float* output = outputs)
        {
            if (sampleCount == 1 && featureCount <= 8)
            {
                SingleAvx2<TTest, TLevels>(x, featureCount, firstTree, endTree, output);
                return;
            }
            var blocks = (sampleCount + 7) / 8;
            var work = (long)sampleCount * (endTree - firstTree);
            if (Runner is { } runner && blocks > 1 && work >= RunnerWork)
            {
                // On the booster's fit helpers: a hand-over costs ~1 us, so batches of a few hundred samples gain too.
                _blockWork.Set(x, output, sampleCount, featureCount, firstTree, endTree, blocks, Math.Min(2 * runner.Workers, blocks));
                _blockWork.Run = typeof(TTest) == typeof(MixedLevelTest) ? _mixedBlocks : _numericalBlocks;
                runner.Run(_blockWork, _blockWork.Parts);
                _blockWork.Clear();
                return;
            }
            var parts = Math.Min(maxParts, blocks);
            if (parts > 1 && work >= ParallelWork)
            {
                nint xp = (nint)x, op = (nint)output;
                Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
                    BlocksAvx2<TTest, TLevels>((float*)xp, sampleCount, featureCount, firstTree, endTree, (float*)op,
                        blocks * p / parts, blocks * (p + 1) / parts));
            }
            else
            {
                BlocksAvx2<TTest, TLevels>(x, sampleCount, featureCount, firstTree, endTree, output, 0, blocks);
            }
        }
    }

    /// <summary>
    /// Blocks of 8 samples, tree-major: each block is transposed to feature-major once, each tree's 4 or 8 levels are
    /// compared lane-wise and give the 8 offsets of the samples' leaf rows, then each sample adds its row (K
    /// outputs at once). Up to 8 outputs the 8 sums stay in registers (one 128- or 256-bit row each); more outputs
    /// are summed 8 at a time in a stack buffer. Up to <see cref="GroupBlocks"/> blocks walk the trees together,
    /// <see cref="TileTrees"/> trees at a time, so an ensemble larger than the caches is read from memory once per
    /// group rather than once per block (a vector environment of 16 copies predicts 2 blocks per step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void BlocksAvx2<TTest, TLevels>(float* x, int sampleCount, int featureCount, int firstTree, int endTree, float* output, int firstBlock, int endBlock)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var k = _outputs;
        var sumStride = k <= 4 ? 4 : (k + 7) & ~7;
        var blockFloats = featureCount * 8;
        var group = Math.Clamp(GroupFloats / blockFloats, 1, GroupBlocks);
        var blocks = stackalloc float[group * blockFloats];
        var sums = stackalloc float[group * 8 * sumStride];
        for (var g = firstBlock; g < endBlock; g += group)
        {
            var count = Math.Min(group, endBlock - g);
            for (var b = 0; b < count; b++)
            {
                var first = (g + b) * 8;
                var lanes = Math.Min(8, sampleCount - first);
                var block = blocks + b * blockFloats;
                for (var f = 0; f < featureCount; f++)
                {
                    for (var l = 0; l < 8; l++)
                        block[f * 8 + l] = l < lanes ? x[(first + l) * featureCount + f] : 0f;
                }
            }
            new Span<float>(sums, count * 8 * sumStride).Clear();
            for (var tree = firstTree; tree < endTree;)
            {
                var chunk = _chunks[tree >> ChunkShift];
                var start = tree & (ChunkTrees - 1);
                var stop = Math.Min(Math.Min(chunk.Count, start + (endTree - tree)), start + TileTrees);
                fixed (int* features = chunk.Feature)
                fixed (float* los = chunk.Lo)
                fixed (float* his = chunk.Hi ?? chunk.Lo)
                fixed (float* leaves = chunk.Leaves)
                {
                    var levels = start * TLevels.Count;
                    var trees = new TreeRange(features + levels, los + levels, his + levels, leaves + start * LeafBlock, stop - start, LeafBlock);
                    for (var b = 0; b < count; b++)
                    {
                        var block = blocks + b * blockFloats;
                        var blockSums = sums + b * 8 * sumStride;
                        if (k <= 4)
                            AddRows4<TTest, TLevels>(block, trees, k, blockSums);
                        else if (k <= 8)
                            AddRows8<TTest, TLevels>(block, trees, k, blockSums);
                        else
                            AddRowsWide<TTest, TLevels>(block, trees, k, blockSums, sumStride);
                    }
                }
                tree += stop - start;
            }
            for (var b = 0; b < count; b++)
            {
                var first = (g + b) * 8;
                var lanes = Math.Min(8, sampleCount - first);
                var blockSums = sums + b * 8 * sumStride;
                for (var l = 0; l < lanes; l++)
                {
                    for (var j = 0; j < k; j++)
                        output[(first + l) * k + j] -= blockSums[l * sumStride + j];
                }
            }
        }
    }

    /// <summary>Consecutive trees of one chunk: pointers to the first tree's levels and leaf rows.</summary>
    private readonly unsafe struct TreeRange(int* features, float* lo, float* hi, float* leaves, int count, int leafBlock)
    {
        public readonly int* Features = features;
        public readonly float* Lo = lo;
        public readonly float* Hi = hi;
        public readonly float* Leaves = leaves;
        public readonly int Count = count;
        public readonly int LeafBlock = leafBlock;
    }

    /// <summary>The leaf index (0..2^levels - 1) of each of the 8 samples of a transposed block in tree <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<int> LeafIndex<TTest, TLevels>(float* block, in TreeRange trees, int t)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var tf = trees.Features + t * TLevels.Count;
        var tlo = trees.Lo + t * TLevels.Count;
        var thi = trees.Hi + t * TLevels.Count;
        var idx = Vector256<int>.Zero;
        for (var d = TLevels.Count - 1; d >= 0; d--)
        {
            var right = TTest.RightOfOne(Avx.LoadVector256(block + tf[d] * 8), tlo + d, thi + d).AsInt32();
            idx = idx + idx - right;
        }
        return idx;
    }

    /// <summary>
    /// Up to 4 outputs: the 8 samples' sums live in registers for a whole chunk of trees. Lanes K..3 of a sum
    /// pick up the next row's values and are never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRows4<TTest, TLevels>(float* block, in TreeRange trees, int k, float* sums)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        // Software-pipelined: tree t + 1's row offsets are computed while tree t's rows are added.
        var rows = stackalloc long[8];
        var rowWidth = Vector256.Create(k);
        var s0 = Sse.LoadVector128(sums);
        var s1 = Sse.LoadVector128(sums + 4);
        var s2 = Sse.LoadVector128(sums + 8);
        var s3 = Sse.LoadVector128(sums + 12);
        var s4 = Sse.LoadVector128(sums + 16);
        var s5 = Sse.LoadVector128(sums + 20);
        var s6 = Sse.LoadVector128(sums + 24);
        var s7 = Sse.LoadVector128(sums + 28);
        var range = trees;
        var leaves = range.Leaves;
        var leafBlock = range.LeafBlock;
        var count = range.Count;
        var current = rows;
        var next = rows + 4;
        if (count > 0)
            Avx.Store((int*)current, Avx2.MultiplyLow(LeafIndex<TTest, TLevels>(block, range, 0), rowWidth));
        for (var t = 0; t < count; t++)
        {
            if (t + 1 < count)
                Avx.Store((int*)next, Avx2.MultiplyLow(LeafIndex<TTest, TLevels>(block, range, t + 1), rowWidth));
            // Row offsets of the 8 samples, read back two per 64-bit load.
            var r01 = (ulong)current[0];
            var r23 = (ulong)current[1];
            var r45 = (ulong)current[2];
            var r67 = (ulong)current[3];
            s0 = Sse.Add(s0, Sse.LoadVector128(leaves + (uint)r01));
            s1 = Sse.Add(s1, Sse.LoadVector128(leaves + (r01 >> 32)));
            s2 = Sse.Add(s2, Sse.LoadVector128(leaves + (uint)r23));
            s3 = Sse.Add(s3, Sse.LoadVector128(leaves + (r23 >> 32)));
            s4 = Sse.Add(s4, Sse.LoadVector128(leaves + (uint)r45));
            s5 = Sse.Add(s5, Sse.LoadVector128(leaves + (r45 >> 32)));
            s6 = Sse.Add(s6, Sse.LoadVector128(leaves + (uint)r67));
            s7 = Sse.Add(s7, Sse.LoadVector128(leaves + (r67 >> 32)));
            leaves += leafBlock;
            var swap = current;
            current = next;
            next = swap;
        }
        Sse.Store(sums, s0);
        Sse.Store(sums + 4, s1);
        Sse.Store(sums + 8, s2);
        Sse.Store(sums + 12, s3);
        Sse.Store(sums + 16, s4);
        Sse.Store(sums + 20, s5);
        Sse.Store(sums + 24, s6);
        Sse.Store(sums + 28, s7);
    }

    /// <summary>
    /// 5 to 8 outputs: the 8 samples' sums live in 256-bit registers for a range of trees. Lanes K..7 of a sum pick
    /// up the next row's values (or the chunk's padding) and are never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRows8<TTest, TLevels>(float* block, in TreeRange trees, int k, float* sums)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var rows = stackalloc int[8];
        var rowWidth = Vector256.Create(k);
        var s0 = Avx.LoadVector256(sums);
        var s1 = Avx.LoadVector256(sums + 8);
        var s2 = Avx.LoadVector256(sums + 16);
        var s3 = Avx.LoadVector256(sums + 24);
        var s4 = Avx.LoadVector256(sums + 32);
        var s5 = Avx.LoadVector256(sums + 40);
        var s6 = Avx.LoadVector256(sums + 48);
        var s7 = Avx.LoadVector256(sums + 56);
        var range = trees;
        var leaves = range.Leaves;
        for (var t = 0; t < range.Count; t++)
        {
            Avx.Store(rows, Avx2.MultiplyLow(LeafIndex<TTest, TLevels>(block, range, t), rowWidth));
            s0 = Avx.Add(s0, Avx.LoadVector256(leaves + rows[0]));
            s1 = Avx.Add(s1, Avx.LoadVector256(leaves + rows[1]));
            s2 = Avx.Add(s2, Avx.LoadVector256(leaves + rows[2]));
            s3 = Avx.Add(s3, Avx.LoadVector256(leaves + rows[3]));
            s4 = Avx.Add(s4, Avx.LoadVector256(leaves + rows[4]));
            s5 = Avx.Add(s5, Avx.LoadVector256(leaves + rows[5]));
            s6 = Avx.Add(s6, Avx.LoadVector256(leaves + rows[6]));
            s7 = Avx.Add(s7, Avx.LoadVector256(leaves + rows[7]));
            leaves += range.LeafBlock;
        }
        Avx.Store(sums, s0);
        Avx.Store(sums + 8, s1);
        Avx.Store(sums + 16, s2);
        Avx.Store(sums + 24, s3);
        Avx.Store(sums + 32, s4);
        Avx.Store(sums + 40, s5);
        Avx.Store(sums + 48, s6);
        Avx.Store(sums + 56, s7);
    }

    /// <summary>More than 8 outputs: each sample's sums in memory, 8 outputs per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRowsWide<TTest, TLevels>(float* block, in TreeRange trees, int k, float* sums, int sumStride)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var rows = stackalloc int[8];
        var rowWidth = Vector256.Create(k);
        var leaves = trees.Leaves;
        for (var t = 0; t < trees.Count; t++)
        {
            Avx.Store(rows, Avx2.MultiplyLow(LeafIndex<TTest, TLevels>(block, trees, t), rowWidth));
            for (var l = 0; l < 8; l++)
                AddRow(sums + l * sumStride, leaves + rows[l], sumStride);
            leaves += trees.LeafBlock;
        }
    }

    /// <summary>sums[0..width) += row[0..width), 8 lanes at a time (lanes past K read the next row and are never used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddRow(float* sums, float* row, int width)
    {
        for (var j = 0; j < width; j += 8)
            Avx.Store(sums + j, Avx.Add(Avx.LoadVector256(sums + j), Avx.LoadVector256(row + j)));
    }

    /// <summary>One sample (at most 8 features): its sums in one register up to 4 outputs, else in a stack buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void SingleAvx2<TTest, TLevels>(float* x, int featureCount, int firstTree, int endTree, float* output)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var k = _outputs;
        var sumStride = k <= 4 ? 4 : (k + 7) & ~7;
        var padded = stackalloc float[8];
        for (var f = 0; f < 8; f++)
            padded[f] = f < featureCount ? x[f] : 0f;
        var sample = Avx.LoadVector256(padded);
        var sums = stackalloc float[sumStride];
        new Span<float>(sums, sumStride).Clear();
        var sum = Vector128<float>.Zero;
        for (var tree = firstTree; tree < endTree;)
        {
            var chunk = _chunks[tree >> ChunkShift];
            var start = tree & (ChunkTrees - 1);
            var stop = Math.Min(chunk.Count, start + (endTree - tree));
            fixed (int* features = chunk.Feature)
            fixed (float* los = chunk.Lo)
            fixed (float* his = chunk.Hi ?? chunk.Lo)
            fixed (float* leaves = chunk.Leaves)
            {
                var levels = start * TLevels.Count;
                var trees = new TreeRange(features + levels, los + levels, his + levels, leaves + start * LeafBlock, stop - start, LeafBlock);
                if (k <= 4)
                    sum = TLevels.Count == 4 ? SingleRows4<TTest>(sample, trees, k, sum) : SingleRows4Deep<TTest>(sample, trees, k, sum);
                else
                    SingleRowsWide<TTest, TLevels>(sample, trees, k, sums, sumStride);
            }
            tree += stop - start;
        }
        if (k <= 4)
            Sse.Store(sums, sum);
        for (var j = 0; j < k; j++)
            output[j] -= sums[j];
    }

    /// <summary>
    /// The leaves of one sample in two consecutive 4-level trees, or its leaf in one 8-level tree: the 8 levels fill
    /// one register, one permute gathers the tested features, one compare and a movemask give the leaf bits (with
    /// 4 levels, low nibble: first tree).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int LeafBits8<TTest>(Vector256<float> sample, int* features, float* lo, float* hi)
        where TTest : struct, ILevelTest =>
        Avx.MoveMask(TTest.Right(Avx2.PermuteVar8x32(sample, Avx.LoadVector256(features)), lo, hi));

    /// <summary>The leaf of one sample in one tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int Leaf<TTest>(Vector256<float> sample, int* features, float* lo, float* hi)
        where TTest : struct, ILevelTest =>
        Sse.MoveMask(TTest.Right(Avx2.PermuteVar8x32(sample, Sse2.LoadVector128(features).ToVector256Unsafe()).GetLower(), lo, hi));

    /// <summary>Up to 4 outputs: the rows are added to one register in tree order (lanes K..3 are never read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Vector128<float> SingleRows4<TTest>(Vector256<float> sample, in TreeRange trees, int k, Vector128<float> sum)
        where TTest : struct, ILevelTest
    {
        var range = trees;
        var leaves = range.Leaves;
        var leafBlock = range.LeafBlock;
        var count = range.Count;
        var t = 0;
        for (; t + 1 < count; t += 2)
        {
            var mask = LeafBits8<TTest>(sample, range.Features + t * 4, range.Lo + t * 4, range.Hi + t * 4);
            sum = Sse.Add(sum, Sse.LoadVector128(leaves + (mask & 15) * k));
            sum = Sse.Add(sum, Sse.LoadVector128(leaves + leafBlock + (mask >> 4) * k));
            leaves += 2 * leafBlock;
        }
        if (t < count)
            sum = Sse.Add(sum, Sse.LoadVector128(leaves + Leaf<TTest>(sample, range.Features + t * 4, range.Lo + t * 4, range.Hi + t * 4) * k));
        return sum;
    }

    /// <summary>Up to 4 outputs, 8-level trees: one tree per compare (lanes K..3 are never read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Vector128<float> SingleRows4Deep<TTest>(Vector256<float> sample, in TreeRange trees, int k, Vector128<float> sum)
        where TTest : struct, ILevelTest
    {
        var range = trees;
        var leaves = range.Leaves;
        for (var t = 0; t < range.Count; t++)
        {
            sum = Sse.Add(sum, Sse.LoadVector128(leaves + LeafBits8<TTest>(sample, range.Features + t * 8, range.Lo + t * 8, range.Hi + t * 8) * k));
            leaves += range.LeafBlock;
        }
        return sum;
    }

    /// <summary>More than 4 outputs: the rows are added to a stack buffer, 8 outputs per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SingleRowsWide<TTest, TLevels>(Vector256<float> sample, in TreeRange trees, int k, float* sums, int sumStride)
        where TTest : struct, ILevelTest
        where TLevels : struct, ILevelStride
    {
        var range = trees;
        var leaves = range.Leaves;
        for (var t = 0; t < range.Count; t++)
        {
            var levels = t * TLevels.Count;
            var leaf = TLevels.Count == 4
                ? Leaf<TTest>(sample, range.Features + levels, range.Lo + levels, range.Hi + levels)
                : LeafBits8<TTest>(sample, range.Features + levels, range.Lo + levels, range.Hi + levels);
            AddRow(sums, leaves + leaf * k, sumStride);
            leaves += range.LeafBlock;
        }
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
        var rows = chunk.Leaves.AsSpan(t * LeafBlock, LeafBlock);
        for (var k = 0; k < _outputs; k++)
        {
            for (var leaf = 0; leaf < used; leaf++)
                writer.Write(rows[leaf * _outputs + k]);
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
    public void GetSplits(int tree, List<TreeSplit> splits)
    {
        var draft = new ObliviousTreeDraft(_maxDepth, _outputs);
        GetTree(tree, draft);
        for (var d = 0; d < draft.Depth; d++)
            splits.Add(draft.Levels[d].ToSplit());
    }

    /// <inheritdoc />
    public string Dump(int tree, TreeLabels? labels)
    {
        var draft = new ObliviousTreeDraft(_maxDepth, _outputs);
        GetTree(tree, draft);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"tree {tree}: oblivious, depth {draft.Depth}, {draft.LeafCount} leaves (bit d of the leaf index = level d goes right)\n");
        TreeText.AppendLeafNote(text, labels);
        for (var d = 0; d < draft.Depth; d++)
            text.Append(CultureInfo.InvariantCulture, $"  level {d}: {TreeText.Describe(labels, draft.Levels[d])}\n");
        for (var leaf = 0; leaf < draft.LeafCount; leaf++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  leaf {leaf}:");
            for (var k = 0; k < _outputs; k++)
                TreeText.AppendOutput(text, labels, k, draft.Leaves[k * draft.LeafCount + leaf]);
            text.Append('\n');
        }
        return text.ToString();
    }
}
