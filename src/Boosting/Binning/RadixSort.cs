using System.Runtime.CompilerServices;

namespace RLFramework.Boosting.Binning;

/// <summary>
/// Sorts float values with their sample indices, packed as <c>(key &lt;&lt; 32) | index</c> in one ulong
/// (key = an order-preserving 32-bit image of the float): an LSD radix sort on the key (3 passes of 11 bits,
/// one counting pass for all three, passes where every key shares the digit skipped) for large inputs, an
/// introsort for small ones. Equal values end up ordered by index.
/// </summary>
internal sealed class RadixSort
{
    private const int SmallInput = 256;
    private const int DigitBits = 11;
    private const int Radix = 1 << DigitBits;
    private const ulong DigitMask = Radix - 1;
    private ulong[] _items = [];
    private ulong[] _scratch = [];
    private readonly int[] _counts = new int[3 * Radix];

    /// <summary>Sorted items after <see cref="Sort"/>: <see cref="KeyOf"/> and <see cref="IndexOf"/> unpack them.</summary>
    public ReadOnlySpan<ulong> Items => _items;

    /// <summary>Makes room for <paramref name="n"/> items and returns the buffer to fill with <see cref="Pack"/>.</summary>
    public Span<ulong> Prepare(int n)
    {
        if (_items.Length < n)
        {
            _items = new ulong[n];
            _scratch = new ulong[n];
        }
        return _items.AsSpan(0, n);
    }

    /// <summary>Order-preserving key of a non-NaN float (-0 sorts just before +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint FloatToKey(float x)
    {
        // Branch-free (the sign of a batch's values is unpredictable): negative -> ~bits, else bits | sign bit.
        var bits = BitConverter.SingleToUInt32Bits(x);
        return bits ^ ((uint)((int)bits >> 31) | 0x8000_0000u);
    }

    /// <summary>Inverse of <see cref="FloatToKey"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeyToFloat(uint key) =>
        BitConverter.UInt32BitsToSingle(key ^ ((uint)((int)~key >> 31) | 0x8000_0000u));

    /// <summary>One item: the value's key in the high half, the sample index in the low half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(float value, int index) => ((ulong)FloatToKey(value) << 32) | (uint)index;

    /// <summary>The value of an item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ValueOf(ulong item) => KeyToFloat((uint)(item >> 32));

    /// <summary>The sample index of an item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ulong item) => (int)(uint)item;

    /// <summary>Sorts the first <paramref name="n"/> prepared items by key.</summary>
    public void Sort(int n)
    {
        if (n < SmallInput)
        {
            _items.AsSpan(0, n).Sort();
            return;
        }
        var counts = _counts;
        Array.Clear(counts);
        foreach (var item in _items.AsSpan(0, n))
        {
            counts[(int)((item >> 32) & DigitMask)]++;
            counts[Radix + (int)((item >> (32 + DigitBits)) & DigitMask)]++;
            counts[2 * Radix + (int)(item >> (32 + 2 * DigitBits))]++;
        }
        var src = _items;
        var dst = _scratch;
        for (var digit = 0; digit < 3; digit++)
        {
            var shift = 32 + digit * DigitBits;
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
                var item = src[i];
                dst[digitCounts[(int)((item >> shift) & DigitMask)]++] = item;
            }
            (src, dst) = (dst, src);
        }
        if (!ReferenceEquals(src, _items))
            (_items, _scratch) = (_scratch, _items); // keep the sorted data in the public buffer
    }
}
