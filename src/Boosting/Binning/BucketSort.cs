namespace RLFramework.Boosting.Binning;

/// <summary>
/// Sorts the items of <see cref="RadixSort"/> (<c>(key &lt;&lt; 32) | index</c>, packed by <see cref="RadixSort.Pack"/>)
/// into exactly the order the radix sort gives, with one distribution pass instead of three: items go to
/// 2^ceil(log2 n) equal-width buckets over [min, max] of their values (a monotone map, so buckets are in value
/// order; -0 and +0 share a bucket), then each bucket is sorted by the packed item (insertion sort over the whole,
/// nearly sorted array when every bucket is small; an introsort per large bucket otherwise).
/// For the smooth feature distributions of a batch the buckets hold ~1 item each.
/// </summary>
internal sealed class BucketSort
{
    private const int MaxBucketBits = 16;
    private const int SmallBucket = 16;
    private ulong[] _items = [];
    private ulong[] _scratch = [];
    private ushort[] _bucketOf = [];
    private int[] _starts = [];

    /// <summary>Sorted items after <see cref="Sort"/>.</summary>
    public ReadOnlySpan<ulong> Items => _items;

    /// <summary>Makes room for <paramref name="n"/> items and returns the buffer to fill with <see cref="RadixSort.Pack"/>.</summary>
    public Span<ulong> Prepare(int n)
    {
        if (_items.Length < n)
        {
            _items = new ulong[n];
            _scratch = new ulong[n];
            _bucketOf = new ushort[n];
        }
        return _items.AsSpan(0, n);
    }

    /// <summary>Sorts the first <paramref name="n"/> prepared items; <paramref name="min"/> and <paramref name="max"/> bound their values.</summary>
    public void Sort(int n, float min, float max)
    {
        if (n < 2)
            return;
        var range = (double)max - min;
        if (!(range > 0))
        {
            // One value: the items are in index order unless -0 and +0 are mixed.
            var all = _items.AsSpan(0, n);
            for (var i = 1; i < all.Length; i++)
            {
                if (all[i - 1] > all[i])
                {
                    all.Sort();
                    return;
                }
            }
            return;
        }
        var bits = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)), 1, MaxBucketBits);
        var buckets = 1 << bits;
        if (_starts.Length < buckets + 1)
            _starts = new int[buckets + 1];
        var starts = _starts.AsSpan(0, buckets + 1);
        starts.Clear();
        var scale = buckets / range;
        var last = buckets - 1;
        var items = _items.AsSpan(0, n);
        var bucketOf = _bucketOf.AsSpan(0, n);
        for (var i = 0; i < items.Length; i++)
        {
            var b = Math.Min((int)((RadixSort.ValueOf(items[i]) - (double)min) * scale), last);
            bucketOf[i] = (ushort)b;
            starts[b + 1]++;
        }
        var largest = 0;
        for (var b = 1; b <= buckets; b++)
        {
            largest = Math.Max(largest, starts[b]);
            starts[b] += starts[b - 1];
        }
        var scratch = _scratch.AsSpan(0, n);
        for (var i = 0; i < items.Length; i++)
            scratch[starts[bucketOf[i]]++] = items[i];
        // starts[b] is now the end of bucket b (= start of bucket b + 1).
        if (largest <= SmallBucket)
        {
            InsertionSort(scratch);
        }
        else
        {
            var begin = 0;
            for (var b = 0; b < buckets; b++)
            {
                var end = starts[b];
                if (end - begin > 1)
                    SortSegment(scratch[begin..end]);
                begin = end;
            }
        }
        (_items, _scratch) = (_scratch, _items);
    }

    private static void SortSegment(Span<ulong> segment)
    {
        if (segment.Length <= SmallBucket)
            InsertionSort(segment);
        else
            segment.Sort();
    }

    /// <summary>Insertion sort: linear on the nearly sorted output of the distribution pass.</summary>
    private static void InsertionSort(Span<ulong> a)
    {
        for (var i = 1; i < a.Length; i++)
        {
            var item = a[i];
            if (a[i - 1] <= item)
                continue;
            var j = i - 1;
            do
            {
                a[j + 1] = a[j];
                j--;
            }
            while (j >= 0 && a[j] > item);
            a[j + 1] = item;
        }
    }
}
