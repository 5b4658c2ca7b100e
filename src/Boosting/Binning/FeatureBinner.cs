using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RLFramework.Boosting.Data;
using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Binning;

/// <summary>
/// Chooses the candidate thresholds of every feature from one batch and writes the batch's bin codes
/// (the reference's <c>SplitCandidateGenerator</c>, done once per batch instead of per candidate).
/// <para>Quantile rule (m non-NaN values sorted, B = MaxBins): threshold i (i = 0..B-2) is the value of the
/// last sample of the i-th of B near-equal bins, sorted[floor((i+1)·m/B) - 1]; duplicates and values equal
/// to the maximum (which would send nothing right) are skipped.</para>
/// <para>Uniform rule: thresholds min + i·(max-min)/B for i = 1..B-1 (B equal-width bins), duplicates skipped.</para>
/// <para>Categorical features: one candidate per category that occurs in the batch (x == category goes right); when
/// more than 255 occur (a feature of more categories than a code holds), the 255 most frequent, and the others share
/// code 0 with NaN: they go left at every split, as they do at prediction, where no split tests them. Ties go to the
/// categories that follow the batch's first category (cyclically), so that over shuffled batches no category is
/// always passed over, and the choice depends on the batch alone.</para>
/// <para>NaN is missing: it gets code 0 and always goes left (the comparison x &gt; t and the test x == c are false
/// for NaN, so prediction needs no special case). Infinite values are refused.</para>
/// <para>How (per numerical feature, linear time for the smooth distributions of a batch): the values go to
/// 2^ceil(log2 m) equal-width buckets over [min, max] (<see cref="Bucket"/>, monotone in the value), are sorted
/// as order-preserving keys by one distribution pass plus an insertion sort, and the thresholds are read off the
/// sorted keys. A sample's code is then found from its bucket alone: every threshold in a lower bucket is below
/// it and every threshold in a higher bucket above it (monotonicity), so code = (thresholds in lower buckets) +
/// (thresholds of its own bucket below it), usually 0 or 1 comparison.</para>
/// </summary>
internal sealed class FeatureBinner
{
    private const int MaxBucketBits = 16;
    private const int SmallBucket = 16;

    /// <summary>The most categories one batch offers as split candidates (codes 1..255 of a byte; 0 is NaN and the rest).</summary>
    internal const int MaxCandidateCategories = BinnedBatch.MaxBinsPerFeature - 1;
    private Scratch[] _scratch = [];
    private readonly BinWork _work;

    /// <summary>Creates a binner (its buffers grow with the first batches and are then reused).</summary>
    public FeatureBinner() => _work = new BinWork(this);

    /// <summary>
    /// Bins <paramref name="features"/> (row-major, sampleCount x schema.FeatureCount) into <paramref name="batch"/>,
    /// one feature per item of <paramref name="runner"/> when given (the result is the same either way).
    /// </summary>
    public unsafe void Bin(ReadOnlySpan<float> features, int sampleCount, FeatureSchema schema, BinningRule rule, int maxBins, BinnedBatch batch,
        ItemRunner? runner = null)
    {
        var featureCount = schema.FeatureCount;
        batch.Reset(sampleCount, featureCount);
        var workers = runner?.Workers ?? 1;
        if (_scratch.Length < workers)
            Array.Resize(ref _scratch, workers);
        for (var w = 0; w < workers; w++)
            (_scratch[w] ??= new Scratch()).Ensure(sampleCount);
        fixed (float* x = features)
        {
            // The span's memory stays pinned while the items run (the runner returns only when every item is done).
            _work.Set(x, sampleCount, schema, rule, maxBins, batch);
            if (runner is null)
            {
                for (var f = 0; f < featureCount; f++)
                    _work.Run(f, 0);
            }
            else
            {
                runner.Run(_work, featureCount);
            }
            _work.Clear();
        }
        var offset = 0;
        for (var f = 0; f < featureCount; f++)
        {
            batch.BinOffset[f] = offset;
            offset += batch.BinCount[f];
        }
        batch.TotalBins = offset;
    }

    /// <summary>Bins one feature: its codes, thresholds, bin count and kind.</summary>
    private unsafe void BinFeature(float* x, int n, FeatureSchema schema, int f, BinningRule rule, int maxBins, BinnedBatch batch, Scratch scratch)
    {
        var featureCount = schema.FeatureCount;
        var features = new ReadOnlySpan<float>(x, n * featureCount);
        var cardinality = schema.Cardinalities[f];
        var codes = batch.Codes.AsSpan(f * n, n);
        int bins;
        if (cardinality > 0)
        {
            var categories = batch.Thresholds.AsSpan(f * BinnedBatch.MaxBinsPerFeature, BinnedBatch.MaxBinsPerFeature);
            bins = (cardinality < BinnedBatch.MaxBinsPerFeature
                ? BinCategorical(features, n, featureCount, f, cardinality, codes, categories)
                : BinManyCategories(features, n, featureCount, f, cardinality, codes, categories, scratch)) + 1;
        }
        else
        {
            var thresholds = batch.Thresholds.AsSpan(f * BinnedBatch.MaxBinsPerFeature, BinnedBatch.MaxBinsPerFeature);
            bins = BinNumerical(features, n, featureCount, f, rule, maxBins, thresholds, codes, scratch) + 1;
        }
        batch.IsCategorical[f] = cardinality > 0;
        batch.BinCount[f] = bins;
    }

    /// <summary>One worker's buffers.</summary>
    private sealed class Scratch
    {
        public float[] Values = [];
        public uint[] Sorted = [];
        public int[] BucketOf = [];
        public int[] Starts = [];
        public int[] FirstThreshold = [];
        public int[] CategoryCounts = [];
        public int[] PresentCategories = [];

        public void Ensure(int n)
        {
            if (Values.Length >= n)
                return;
            Values = new float[n];
            Sorted = new uint[n];
            BucketOf = new int[n];
            var buckets = 1 << BucketBits(n);
            Starts = new int[buckets + 2];
            FirstThreshold = new int[buckets + 1];
        }

        /// <summary>Buffers for a categorical feature of <paramref name="cardinality"/> categories (grown once, then reused).</summary>
        public void EnsureCategories(int cardinality)
        {
            if (CategoryCounts.Length >= cardinality)
                return;
            CategoryCounts = new int[cardinality];
            PresentCategories = new int[cardinality];
        }
    }

    /// <summary>The items of one <see cref="Bin"/> call: feature f on worker w's scratch.</summary>
    private sealed unsafe class BinWork(FeatureBinner owner) : IItemWork
    {
        private float* _x;
        private int _n;
        private FeatureSchema? _schema;
        private BinningRule _rule;
        private int _maxBins;
        private BinnedBatch? _batch;

        public void Set(float* x, int n, FeatureSchema schema, BinningRule rule, int maxBins, BinnedBatch batch)
        {
            _x = x;
            _n = n;
            _schema = schema;
            _rule = rule;
            _maxBins = maxBins;
            _batch = batch;
        }

        public void Clear()
        {
            _x = null;
            _schema = null;
            _batch = null;
        }

        public void Run(int item, int worker) =>
            owner.BinFeature(_x, _n, _schema!, item, _rule, _maxBins, _batch!, owner._scratch[worker]);
    }

    private static int BucketBits(int m) => Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(m - 1)), 1, MaxBucketBits);

    /// <summary>
    /// Codes of a categorical feature: 1 + the rank of its category among those present (ascending), NaN 0; writes the
    /// present categories to <paramref name="categories"/> and returns their number.
    /// </summary>
    private static int BinCategorical(ReadOnlySpan<float> features, int n, int featureCount, int f, int cardinality, Span<byte> codes,
        Span<float> categories)
    {
        // Pass 1: the category of every sample (0 = missing) and which categories occur.
        Span<byte> code = stackalloc byte[BinnedBatch.MaxBinsPerFeature];
        code.Clear();
        for (var i = 0; i < n; i++)
        {
            var x = features[i * featureCount + f];
            if (float.IsNaN(x))
            {
                codes[i] = 0;
                continue;
            }
            if (!(x >= 0) || x >= cardinality || x != MathF.Floor(x))
                ThrowHelper.BadCategory(i, f, x, cardinality);
            var category = (int)x;
            codes[i] = (byte)(category + 1);
            code[category] = 1;
        }
        // Ranks in ascending order of category, then pass 2 turns category + 1 into rank + 1.
        var present = 0;
        for (var c = 0; c < cardinality; c++)
        {
            if (code[c] == 0)
                continue;
            categories[present] = c;
            code[c] = (byte)++present;
        }
        if (present == cardinality)
            return present;
        for (var i = 0; i < n; i++)
        {
            if (codes[i] != 0)
                codes[i] = code[codes[i] - 1];
        }
        return present;
    }

    /// <summary>
    /// <see cref="BinCategorical"/> for a feature of 256 or more categories: counts them, keeps the
    /// <see cref="MaxCandidateCategories"/> most frequent when more occur (ties: first the categories from the batch's
    /// first one upwards, cyclically), codes the kept ones 1 + their rank in ascending order and everything else
    /// (other categories, NaN) 0.
    /// </summary>
    private static int BinManyCategories(ReadOnlySpan<float> features, int n, int featureCount, int f, int cardinality, Span<byte> codes,
        Span<float> categories, Scratch scratch)
    {
        scratch.EnsureCategories(cardinality);
        var counts = scratch.CategoryCounts.AsSpan(0, cardinality);
        counts.Clear();
        var first = -1;
        for (var i = 0; i < n; i++)
        {
            var x = features[i * featureCount + f];
            if (float.IsNaN(x))
                continue;
            if (!(x >= 0) || x >= cardinality || x != MathF.Floor(x))
                ThrowHelper.BadCategory(i, f, x, cardinality);
            counts[(int)x]++;
            if (first < 0)
                first = (int)x;
        }
        var present = 0;
        var order = scratch.PresentCategories.AsSpan(0, cardinality);
        for (var c = 0; c < cardinality; c++)
        {
            if (counts[c] != 0)
                order[present++] = c;
        }
        var kept = order[..present];
        if (present > MaxCandidateCategories)
        {
            kept.Sort(new MoreFrequentFirst(scratch.CategoryCounts, first, cardinality));
            kept = kept[..MaxCandidateCategories];
            kept.Sort();
        }
        // counts becomes the code of each category: 0 unless kept.
        foreach (var c in order[..present])
            counts[c] = 0;
        for (var r = 0; r < kept.Length; r++)
        {
            counts[kept[r]] = r + 1;
            categories[r] = kept[r];
        }
        for (var i = 0; i < n; i++)
        {
            var x = features[i * featureCount + f];
            codes[i] = float.IsNaN(x) ? (byte)0 : (byte)counts[(int)x];
        }
        return kept.Length;
    }

    /// <summary>Orders categories by descending count, then cyclically upwards from <paramref name="start"/>.</summary>
    private readonly struct MoreFrequentFirst(int[] counts, int start, int cardinality) : IComparer<int>
    {
        public int Compare(int a, int b) => counts[a] != counts[b]
            ? counts[b].CompareTo(counts[a])
            : ((a - start + cardinality) % cardinality).CompareTo((b - start + cardinality) % cardinality);
    }

    /// <summary>Bucket of a value in [min, max]: monotone non-decreasing in <paramref name="x"/> (every step rounds monotonically).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket(float x, double min, double scale, int last) => Math.Min((int)(((double)x - min) * scale), last);

    /// <summary>
    /// <see cref="Bucket"/> of every value (the same IEEE operations, four at a time where AVX is available);
    /// NaN gets <paramref name="nanBucket"/>, one past the last.
    /// </summary>
    private static void Buckets(ReadOnlySpan<float> values, double min, double scale, int last, int nanBucket, Span<int> bucketOf)
    {
        var i = 0;
        if (Avx.IsSupported)
        {
            var vmin = Vector256.Create(min);
            var vscale = Vector256.Create(scale);
            var vlast = Vector128.Create(last);
            var vnan = Vector128.Create(nanBucket);
            ref var x0 = ref MemoryMarshal.GetReference(values);
            ref var b0 = ref MemoryMarshal.GetReference(bucketOf);
            for (; i + 4 <= values.Length; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref x0, (nuint)i);
                var b = Avx.ConvertToVector128Int32WithTruncation((Avx.ConvertToVector256Double(x) - vmin) * vscale);
                var nan = ~Vector128.Equals(x, x).AsInt32();
                Vector128.ConditionalSelect(nan, vnan, Vector128.Min(b, vlast)).StoreUnsafe(ref b0, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
            bucketOf[i] = float.IsNaN(values[i]) ? nanBucket : Bucket(values[i], min, scale, last);
    }

    /// <summary>Returns the number of thresholds written.</summary>
    private static int BinNumerical(ReadOnlySpan<float> features, int n, int featureCount, int f, BinningRule rule, int maxBins, Span<float> thresholds, Span<byte> codes,
        Scratch scratch)
    {
        // The column, checked: NaN is counted out, infinities refused.
        var values = scratch.Values.AsSpan(0, n);
        var m = 0;
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            var x = features[i * featureCount + f];
            values[i] = x;
            if (float.IsInfinity(x))
                ThrowHelper.InfiniteFeature(i, f, x);
            m += float.IsNaN(x) ? 0 : 1;
            min = x < min ? x : min;
            max = x > max ? x : max;
        }
        if (m == 0)
        {
            codes.Clear();
            return 0;
        }

        // Distribution pass: keys to their buckets (in value order between buckets), NaN to one more bucket at the end.
        var buckets = 1 << BucketBits(m);
        var last = buckets - 1;
        var range = (double)max - min;
        var scale = range > 0 ? buckets / range : 0.0;
        var bucketOf = scratch.BucketOf.AsSpan(0, n);
        Buckets(values, min, scale, last, buckets, bucketOf);
        var starts = scratch.Starts.AsSpan(0, buckets + 2);
        starts.Clear();
        foreach (var b in bucketOf)
            starts[b + 1]++;
        // Counts to starts, the running sum in a register (not through memory: that chains every step to the last store).
        var largest = 0;
        var sum = 0;
        for (var b = 1; b <= buckets; b++)
        {
            var c = starts[b];
            largest = Math.Max(largest, c);
            sum += c;
            starts[b] = sum;
        }
        var keys = scratch.Sorted.AsSpan(0, n);
        for (var i = 0; i < n; i++)
            keys[starts[bucketOf[i]]++] = FloatToKey(values[i]);
        // starts[b] is now the end of bucket b (= start of bucket b + 1); the NaN keys follow the first m.
        var sorted = keys[..m];
        if (largest <= SmallBucket)
        {
            InsertionSort(sorted);
        }
        else
        {
            var begin = 0;
            for (var b = 0; b < buckets; b++)
            {
                var end = starts[b];
                if (end - begin > SmallBucket)
                    sorted[begin..end].Sort();
                else if (end - begin > 1)
                    InsertionSort(sorted[begin..end]);
                begin = end;
            }
        }

        var count = rule == BinningRule.Quantile
            ? QuantileThresholds(sorted, maxBins, thresholds)
            : UniformThresholds(sorted, maxBins, thresholds);

        // first[b] = number of thresholds in buckets below b (thresholds ascend, so their buckets do too).
        var first = scratch.FirstThreshold.AsSpan(0, buckets + 1);
        var bucket = 0;
        for (var t = 0; t < count; t++)
        {
            var own = Bucket(thresholds[t], min, scale, last);
            while (bucket <= own)
                first[bucket++] = t;
        }
        while (bucket <= buckets)
            first[bucket++] = count;
        for (var i = 0; i < n; i++)
        {
            var b = bucketOf[i];
            if (b == buckets)
            {
                codes[i] = 0; // NaN
                continue;
            }
            var x = values[i];
            var code = first[b];
            var end = first[b + 1];
            while (code < end && x > thresholds[code])
                code++;
            codes[i] = (byte)code;
        }
        return count;
    }

    private static int QuantileThresholds(ReadOnlySpan<uint> sorted, int maxBins, Span<float> thresholds)
    {
        var m = sorted.Length;
        var max = KeyToFloat(sorted[m - 1]);
        var count = 0;
        for (var i = 0; i < maxBins - 1; i++)
        {
            var pos = (int)((long)(i + 1) * m / maxBins) - 1;
            if (pos < 0)
                continue;
            var t = KeyToFloat(sorted[pos]);
            if (t >= max)
                break;
            if (count > 0 && t == thresholds[count - 1])
                continue;
            thresholds[count++] = t;
        }
        return count;
    }

    private static int UniformThresholds(ReadOnlySpan<uint> sorted, int maxBins, Span<float> thresholds)
    {
        double lowest = KeyToFloat(sorted[0]);
        var max = KeyToFloat(sorted[^1]);
        var count = 0;
        for (var i = 1; i < maxBins; i++)
        {
            var t = (float)(lowest + i * ((max - lowest) / maxBins));
            if (t >= max)
                break;
            if (t < lowest || (count > 0 && t == thresholds[count - 1]))
                continue;
            thresholds[count++] = t;
        }
        return count;
    }

    /// <summary>Order-preserving key of a non-NaN float (-0 sorts just before +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint FloatToKey(float x)
    {
        // Branch-free (the sign of a batch's values is unpredictable): negative -> ~bits, else bits | sign bit.
        var bits = BitConverter.SingleToUInt32Bits(x);
        return bits ^ ((uint)((int)bits >> 31) | 0x8000_0000u);
    }

    /// <summary>Inverse of <see cref="FloatToKey"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float KeyToFloat(uint key) =>
        BitConverter.UInt32BitsToSingle(key ^ ((uint)((int)~key >> 31) | 0x8000_0000u));

    /// <summary>Insertion sort: linear on the nearly sorted output of the distribution pass.</summary>
    private static void InsertionSort(Span<uint> a)
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
