using System.Runtime.CompilerServices;

namespace RLFramework.Boosting.Binning;

/// <summary>
/// Sorts float values with their sample indices: an LSD radix sort on order-preserving 32-bit keys
/// (4 passes of 8 bits, passes where every key shares the byte skipped) for large inputs, an
/// introsort for small ones. Both give the same order for distinct values; equal values keep no
/// particular order (only values, not indices, are used after sorting ties).
/// </summary>
internal sealed class RadixSort
{
    private const int SmallInput = 256;
    private uint[] _keys = [];
    private uint[] _keysTmp = [];
    private int[] _index = [];
    private int[] _indexTmp = [];
    private readonly int[] _counts = new int[256];

    /// <summary>Sorted keys after <see cref="Sort"/> (decode with <see cref="KeyToFloat"/>).</summary>
    public ReadOnlySpan<uint> Keys => _keys;

    /// <summary>Sample indices in sorted order after <see cref="Sort"/>.</summary>
    public ReadOnlySpan<int> Index => _index;

    /// <summary>Makes room for <paramref name="n"/> values and returns the key and index buffers to fill.</summary>
    public void Prepare(int n, out Span<uint> keys, out Span<int> index)
    {
        if (_keys.Length < n)
        {
            _keys = new uint[n];
            _keysTmp = new uint[n];
            _index = new int[n];
            _indexTmp = new int[n];
        }
        keys = _keys.AsSpan(0, n);
        index = _index.AsSpan(0, n);
    }

    /// <summary>Order-preserving key of a non-NaN float (-0 sorts just before +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint FloatToKey(float x)
    {
        var bits = BitConverter.SingleToUInt32Bits(x);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    /// <summary>Inverse of <see cref="FloatToKey"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeyToFloat(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);

    /// <summary>Sorts the first <paramref name="n"/> prepared keys ascending, carrying the indices.</summary>
    public void Sort(int n)
    {
        if (n < SmallInput)
        {
            _keys.AsSpan(0, n).Sort(_index.AsSpan(0, n));
            return;
        }
        var src = _keys;
        var dst = _keysTmp;
        var srcIdx = _index;
        var dstIdx = _indexTmp;
        for (var shift = 0; shift < 32; shift += 8)
        {
            var counts = _counts;
            Array.Clear(counts);
            for (var i = 0; i < n; i++)
                counts[(src[i] >> shift) & 0xFF]++;
            if (counts[(src[0] >> shift) & 0xFF] == n)
                continue; // every key shares this byte
            var sum = 0;
            for (var b = 0; b < 256; b++)
            {
                var c = counts[b];
                counts[b] = sum;
                sum += c;
            }
            for (var i = 0; i < n; i++)
            {
                var k = src[i];
                var pos = counts[(k >> shift) & 0xFF]++;
                dst[pos] = k;
                dstIdx[pos] = srcIdx[i];
            }
            (src, dst) = (dst, src);
            (srcIdx, dstIdx) = (dstIdx, srcIdx);
        }
        if (!ReferenceEquals(src, _keys))
        {
            // Keep the sorted data in the public buffers.
            (_keys, _keysTmp) = (_keysTmp, _keys);
            (_index, _indexTmp) = (_indexTmp, _index);
        }
    }
}
