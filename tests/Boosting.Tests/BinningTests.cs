using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Tests;

public class BinningTests
{
    /// <summary>The reference rule, written out: B near-equal bins by sorted value; threshold = last value of bin i.</summary>
    internal static List<float> QuantileOracle(float[] values, int maxBins)
    {
        var sorted = values.Where(v => !float.IsNaN(v)).OrderBy(v => v).ToArray();
        var m = sorted.Length;
        var result = new List<float>();
        for (var i = 0; i < maxBins - 1; i++)
        {
            var pos = (int)((long)(i + 1) * m / maxBins) - 1;
            if (pos < 0)
                continue;
            var t = sorted[pos];
            if (t >= sorted[^1])
                break;
            if (result.Count > 0 && result[^1] == t)
                continue;
            result.Add(t);
        }
        return result;
    }

    [Theory]
    [InlineData(2048, 256, 1)]
    [InlineData(100, 256, 2)] // fewer samples than bins, bucket sort path
    [InlineData(1000, 16, 3)]
    [InlineData(300, 2, 4)]
    public void Quantile_thresholds_follow_the_reference_rule(int n, int maxBins, int seed)
    {
        var values = TestData.Uniform(seed, n, -5f, 5f);
        var batch = TestData.Bin(values, n, FeatureSchema.Numerical(1), BinningRule.Quantile, maxBins);
        Assert.Equal(QuantileOracle(values, maxBins), batch.FeatureThresholds(0).ToArray());
    }

    [Fact]
    public void Quantile_thresholds_skip_duplicates()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 1000).Select(_ => (float)rng.Next(0, 7)).ToArray();
        var batch = TestData.Bin(values, values.Length, FeatureSchema.Numerical(1));
        var thresholds = batch.FeatureThresholds(0).ToArray();
        Assert.Equal(QuantileOracle(values, 256), thresholds);
        Assert.Equal(thresholds.Distinct().Count(), thresholds.Length);
        Assert.True(thresholds.Length <= 6);
    }

    [Fact]
    public void Uniform_thresholds_are_equally_spaced_inside_the_range()
    {
        float[] values = [0f, 10f, 3f, 7f];
        var batch = TestData.Bin(values, 4, FeatureSchema.Numerical(1), BinningRule.Uniform, maxBins: 5);
        Assert.Equal([2f, 4f, 6f, 8f], batch.FeatureThresholds(0).ToArray());
    }

    [Theory]
    [InlineData(BinningRule.Quantile)]
    [InlineData(BinningRule.Uniform)]
    public void Code_counts_the_thresholds_below_the_value_and_NaN_gets_zero(BinningRule rule)
    {
        const int n = 700;
        var values = TestData.Uniform(11, n * 2, -3f, 3f);
        values[5] = float.NaN;
        values[100] = float.NaN;
        var batch = TestData.Bin(values, n, FeatureSchema.Numerical(2), rule, 64);
        for (var f = 0; f < 2; f++)
        {
            var thresholds = batch.FeatureThresholds(f).ToArray();
            Assert.True(thresholds.Length is > 10 and <= 63);
            var codes = batch.Column(f);
            for (var i = 0; i < n; i++)
            {
                var x = values[i * 2 + f];
                Assert.Equal(thresholds.Count(t => x > t), codes[i]);
            }
        }
        Assert.Equal(0, batch.Column(1)[2]); // values[5] = sample 2, feature 1
    }

    [Fact]
    public void Categorical_codes_are_category_plus_one_and_missing_is_zero()
    {
        float[] values = [2f, 0f, float.NaN, 1f];
        var batch = TestData.Bin(values, 4, new FeatureSchema([3]));
        Assert.True(batch.IsCategorical[0]);
        Assert.Equal(4, batch.BinCount[0]);
        Assert.Equal([3, 1, 0, 2], batch.Column(0).ToArray());
    }

    [Fact]
    public void Categorical_bins_are_the_categories_present_in_the_batch_in_ascending_order()
    {
        // Cardinality 6, categories 4, 0 and 2 present: three bins besides missing, categories 1, 3 and 5 have none.
        float[] values = [4f, 0f, float.NaN, 2f, 4f];
        var batch = TestData.Bin(values, 5, new FeatureSchema([6]));
        Assert.Equal(4, batch.BinCount[0]);
        Assert.Equal([3, 1, 0, 2, 3], batch.Column(0).ToArray());
        Assert.Equal([0f, 2f, 4f], batch.FeatureCategories(0).ToArray());
        Assert.Equal(4f, batch.Category(0, 3));
        Assert.True(batch.FeatureThresholds(0).IsEmpty);
    }

    [Theory]
    [InlineData(500, 200, 1)] // fewer present than a code holds: every one is a candidate
    [InlineData(500, 400, 2)] // more: the 255 most frequent
    [InlineData(5000, 3000, 3)]
    public void A_feature_of_many_categories_offers_its_255_most_frequent_and_codes_the_rest_as_missing(int cardinality, int used, int seed)
    {
        // Category c (of the first `used`) appears about (c % 37) + 1 times, with ties and NaNs mixed in.
        var random = new Random(seed);
        var values = new List<float>();
        for (var c = 0; c < used; c++)
        {
            for (var k = 0; k <= c % 37; k++)
                values.Add(c);
        }
        for (var k = 0; k < 50; k++)
            values.Add(float.NaN);
        var shuffled = values.OrderBy(_ => random.Next()).ToArray();
        var batch = TestData.Bin(shuffled, shuffled.Length, new FeatureSchema([cardinality]));

        // Oracle: rank by count (descending), ties cyclically upwards from the batch's first category; keep 255;
        // candidates in ascending order.
        var start = (int)shuffled.First(v => !float.IsNaN(v));
        var kept = shuffled.Where(v => !float.IsNaN(v)).GroupBy(v => v)
            .OrderByDescending(g => g.Count()).ThenBy(g => ((int)g.Key - start + cardinality) % cardinality)
            .Take(255).Select(g => g.Key).OrderBy(v => v).ToArray();
        Assert.Equal(Math.Min(used, 255), kept.Length);
        Assert.Equal(kept, batch.FeatureCategories(0).ToArray());
        Assert.Equal(kept.Length + 1, batch.BinCount[0]);
        var codes = batch.Column(0).ToArray();
        for (var i = 0; i < shuffled.Length; i++)
        {
            var rank = Array.IndexOf(kept, shuffled[i]);
            Assert.Equal(rank < 0 ? 0 : rank + 1, codes[i]);
        }
    }

    [Fact]
    public void A_cardinality_above_the_limit_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new GbrlBooster(new GbrlOptions(), new FeatureSchema([FeatureSchema.MaxCardinality + 1])));
        Assert.Contains($"1..{FeatureSchema.MaxCardinality} (categorical)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    public void Invalid_category_code_is_refused_naming_the_feature(float bad)
    {
        float[] values = [0f, 1f, 2f, 0f, 1f, bad];
        var e = Assert.Throws<ArgumentException>(() => TestData.Bin(values, 3, new FeatureSchema([0, 3])));
        Assert.Contains("Feature 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infinite_numerical_feature_is_refused()
    {
        float[] values = [0f, float.PositiveInfinity];
        var e = Assert.Throws<ArgumentException>(() => TestData.Bin(values, 2, FeatureSchema.Numerical(1)));
        Assert.Contains("finite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constant_feature_has_no_candidate()
    {
        var values = Enumerable.Repeat(3f, 50).ToArray();
        var batch = TestData.Bin(values, 50, FeatureSchema.Numerical(1));
        Assert.Equal(1, batch.BinCount[0]);
        Assert.True(batch.FeatureThresholds(0).IsEmpty);
    }
}

public class BinnerDistributionTests
{
    public static TheoryData<string, int> Distributions() => new()
    {
        { "uniform", 2048 }, { "uniform", 100 }, { "uniform", 3 }, { "gaussian", 2048 }, { "heavy-tail", 2048 },
        { "few-values", 2048 }, { "signed-zeros", 2048 }, { "constant", 500 }, { "extreme-range", 2048 },
        { "tiny-range", 3000 }, { "clustered", 2048 }, { "with-nan", 1000 }, { "uniform", 70000 },
    };

    /// <summary>
    /// Oracle: a full sort of the values and the reference's quantile rule for the thresholds, and for every sample
    /// the number of thresholds below its value (brute force) for the code; both binning rules, several bin counts.
    /// The distributions stress the bucket pass: many equal values, -0 and +0 mixed, values at +-float.MaxValue,
    /// a range of a few ulps, one dense cluster with outliers (large buckets), NaN.
    /// </summary>
    [Theory]
    [MemberData(nameof(Distributions))]
    public void Thresholds_and_codes_match_a_full_sort(string kind, int n)
    {
        var rng = new Random(n + kind.Length);
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            values[i] = kind switch
            {
                "uniform" => (float)(u * 2 - 1),
                "gaussian" => (float)(Math.Sqrt(-2 * Math.Log(1 - u)) * Math.Cos(2 * Math.PI * rng.NextDouble())),
                "heavy-tail" => (float)(1 / (1 - u) - 1) * (rng.Next(2) == 0 ? -1 : 1),
                "few-values" => rng.Next(5),
                "signed-zeros" => rng.Next(3) switch { 0 => -0f, 1 => 0f, _ => (float)u },
                "constant" => 7f,
                "extreme-range" => rng.Next(3) switch { 0 => -float.MaxValue, 1 => float.MaxValue, _ => (float)u },
                "clustered" => rng.Next(50) == 0 ? (float)(u * 1000) : (float)(u * 1e-3),
                "with-nan" => rng.Next(4) == 0 ? float.NaN : (float)u,
                _ => 1f + (float)(u * 1e-6),
            };
        }
        foreach (var rule in new[] { BinningRule.Quantile, BinningRule.Uniform })
        {
            foreach (var maxBins in new[] { 256, 17, 2 })
            {
                var batch = TestData.Bin(values, n, FeatureSchema.Numerical(1), rule, maxBins);
                var thresholds = batch.FeatureThresholds(0).ToArray();
                if (rule == BinningRule.Quantile)
                    Assert.Equal(BinningTests.QuantileOracle(values, maxBins), thresholds);
                var codes = batch.Column(0);
                for (var i = 0; i < n; i++)
                    Assert.Equal(thresholds.Count(t => values[i] > t), codes[i]);
            }
        }
    }
}
