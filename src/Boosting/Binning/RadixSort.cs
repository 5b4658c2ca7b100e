using System.Runtime.CompilerServices;

namespace RLFramework.Boosting.Binning;

/// <summary>
/// Sorts float values with their sample indices: an LSD radix sort on order-preserving 32-bit keys
/// (3 passes of 11 bits, passes where every key shares the digit skipped) for large inputs, an
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
    private const int DigitBits = 11;
    private const int Radix = 1 << DigitBits;
    private const uint DigitMask = Radix - 1;
    private readonly int[] _counts = new int[3 * Radix];

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
        // One counting pass for the three 11-bit digits, then one stable scatter pass per digit.
        var counts = _counts;
        Array.Clear(counts);
        var keys = _keys.AsSpan(0, n);
        foreach (var k in keys)
        {
            counts[k & DigitMask]++;
            counts[Radix + ((k >> DigitBits) & DigitMask)]++;
            counts[2 * Radix + (k >> (2 * DigitBits))]++;
        }
        var src = _keys;
        var dst = _keysTmp;
        var srcIdx = _index;
        var dstIdx = _indexTmp;
        for (var digit = 0; digit < 3; digit++)
        {
            var shift = digit * DigitBits;
            var digitCounts = counts.AsSpan(digit * Radix, Radix);
            if (digitCounts[(int)((src[0] >> shift) & DigitMask)] == n)
                continue; // every key shares this digit
            var sum = 0;
            for (var b = 0; b < Radix; b++)
            {
                var c = digitCounts[b];
                digitCounts[b] = sum;
                sum += c;
            }
            for (var i = 0; i < n; i++)
            {
                var k = src[i];
                var pos = digitCounts[(int)((k >> shift) & DigitMask)]++;
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
