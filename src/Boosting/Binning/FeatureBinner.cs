using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Binning;

/// <summary>
/// Chooses the candidate thresholds of every feature from one batch and writes the batch's bin codes
/// (the reference's <c>SplitCandidateGenerator</c>, done once per batch instead of per candidate).
/// <para>Quantile rule (m non-NaN values sorted, B = MaxBins): threshold i (i = 0..B-2) is the value of the
/// last sample of the i-th of B near-equal bins, sorted[floor((i+1)·m/B) - 1]; duplicates and values equal
/// to the maximum (which would send nothing right) are skipped.</para>
/// <para>Uniform rule: thresholds min + i·(max-min)/B for i = 1..B-1 (B equal-width bins), duplicates skipped.</para>
/// <para>Categorical features: one candidate per category (x == category goes right).</para>
/// <para>NaN is missing: it gets code 0 and always goes left (the comparison x &gt; t and the test x == c are false
/// for NaN, so prediction needs no special case). Infinite values are refused.</para>
/// <para>Sorting: <see cref="BucketSort"/> (one distribution pass), which gives the same order as the 3-pass
/// <see cref="RadixSort"/> it replaced (and the introsort used below 256 samples), so thresholds and codes are unchanged.</para>
/// </summary>
internal sealed class FeatureBinner
{
    private readonly BucketSort _sort = new();

    /// <summary>Bins <paramref name="features"/> (row-major, sampleCount x schema.FeatureCount) into <paramref name="batch"/>.</summary>
    public void Bin(ReadOnlySpan<float> features, int sampleCount, FeatureSchema schema, BinningRule rule, int maxBins, BinnedBatch batch)
    {
        var featureCount = schema.FeatureCount;
        batch.Reset(sampleCount, featureCount);
        var offset = 0;
        for (var f = 0; f < featureCount; f++)
        {
            var cardinality = schema.Cardinalities[f];
            var codes = batch.Codes.AsSpan(f * sampleCount, sampleCount);
            int bins;
            if (cardinality > 0)
            {
                BinCategorical(features, sampleCount, featureCount, f, cardinality, codes);
                bins = cardinality + 1;
            }
            else
            {
                var thresholds = batch.Thresholds.AsSpan(f * BinnedBatch.MaxBinsPerFeature, BinnedBatch.MaxBinsPerFeature);
                bins = BinNumerical(features, sampleCount, featureCount, f, rule, maxBins, thresholds, codes) + 1;
            }
            batch.IsCategorical[f] = cardinality > 0;
            batch.BinCount[f] = bins;
            batch.BinOffset[f] = offset;
            offset += bins;
        }
        batch.TotalBins = offset;
    }

    private static void BinCategorical(ReadOnlySpan<float> features, int n, int featureCount, int f, int cardinality, Span<byte> codes)
    {
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
            codes[i] = (byte)((int)x + 1);
        }
    }

    /// <summary>Returns the number of thresholds written.</summary>
    private int BinNumerical(ReadOnlySpan<float> features, int n, int featureCount, int f, BinningRule rule, int maxBins, Span<float> thresholds, Span<byte> codes)
    {
        var items = _sort.Prepare(n);
        var m = 0;
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            var x = features[i * featureCount + f];
            if (float.IsNaN(x))
            {
                codes[i] = 0;
                continue;
            }
            if (float.IsInfinity(x))
                ThrowHelper.InfiniteFeature(i, f, x);
            items[m++] = RadixSort.Pack(x, i);
            if (x < min)
                min = x;
            if (x > max)
                max = x;
        }
        if (m == 0)
            return 0;
        _sort.Sort(m, min, max);
        var sorted = _sort.Items;
        max = RadixSort.ValueOf(sorted[m - 1]);
        var count = 0;
        if (rule == BinningRule.Quantile)
        {
            for (var i = 0; i < maxBins - 1; i++)
            {
                var pos = (int)((long)(i + 1) * m / maxBins) - 1;
                if (pos < 0)
                    continue;
                var t = RadixSort.ValueOf(sorted[pos]);
                if (t >= max)
                    break;
                if (count > 0 && t == thresholds[count - 1])
                    continue;
                thresholds[count++] = t;
            }
        }
        else
        {
            double lowest = RadixSort.ValueOf(sorted[0]);
            for (var i = 1; i < maxBins; i++)
            {
                var t = (float)(lowest + i * ((max - lowest) / maxBins));
                if (t >= max)
                    break;
                if (t < lowest || (count > 0 && t == thresholds[count - 1]))
                    continue;
                thresholds[count++] = t;
            }
        }
        // Codes by one walk over the sorted values: code = number of thresholds strictly below x.
        var p = 0;
        for (var j = 0; j < m; j++)
        {
            var x = RadixSort.ValueOf(sorted[j]);
            while (p < count && x > thresholds[p])
                p++;
            codes[RadixSort.IndexOf(sorted[j])] = (byte)p;
        }
        return count;
    }
}
