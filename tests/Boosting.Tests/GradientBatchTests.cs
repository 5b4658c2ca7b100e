using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Tests;

public class GradientBatchTests
{
    [Fact]
    public void Clipping_rescales_rows_of_each_slice_to_its_max_norm()
    {
        // Two outputs of policy (max norm 1), one of value (max norm 2).
        OutputSlice[] slices =
        [
            new("policy", 0, 2, LearningRateSchedule.Constant(1), MaxGradNorm: 1),
            new("value", 2, 1, LearningRateSchedule.Constant(1), MaxGradNorm: 2),
        ];
        float[] g = [3f, 4f, -5f, 0.3f, 0.4f, 1f];
        var batch = new GradientBatch();
        batch.Prepare(g, 2, slices, 3, standardize: false);
        var raw = batch.Raw.ToArray();
        Assert.Equal(0.6f, raw[0], 6);
        Assert.Equal(0.8f, raw[1], 6);
        Assert.Equal(-2f, raw[2], 6);
        Assert.Equal([0.3f, 0.4f, 1f], raw[3..]); // within both norms: untouched
    }

    [Fact]
    public void Rows_hold_gradients_count_and_padding()
    {
        float[] g = [1f, 2f, 3f, 4f, 5f, 6f];
        var batch = new GradientBatch();
        batch.Prepare(g, 2, [new OutputSlice("o", 0, 3, LearningRateSchedule.Constant(1))], 3, standardize: false);
        Assert.Equal(4, batch.Stride);
        Assert.Equal([1.0, 2.0, 3.0, 1.0, 4.0, 5.0, 6.0, 1.0], batch.Rows.ToArray());
    }

    [Fact]
    public void Standardizing_a_constant_column_gives_zeros_not_NaN()
    {
        float[] g = [1f, 7f, 3f, 7f, 5f, 7f];
        var batch = new GradientBatch();
        batch.Prepare(g, 3, [new OutputSlice("o", 0, 2, LearningRateSchedule.Constant(1))], 2, standardize: true);
        var rows = batch.Rows;
        var std = Math.Sqrt(8.0 / 3.0);
        Assert.Equal(-2 / std, rows[0], 12);
        Assert.Equal(0.0, rows[4], 12);
        Assert.Equal(2 / std, rows[8], 12);
        Assert.Equal(0.0, rows[1]);
        Assert.Equal(0.0, rows[5]);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_gradient_is_refused_naming_sample_and_output(float bad)
    {
        float[] g = [1f, 2f, 3f, bad];
        var batch = new GradientBatch();
        var e = Assert.Throws<ArgumentException>(() =>
            batch.Prepare(g, 2, [new OutputSlice("o", 0, 2, LearningRateSchedule.Constant(1))], 2, standardize: false));
        Assert.Contains("sample 1, output 1", e.Message, StringComparison.Ordinal);
    }
}

public class StandardizationTests
{
    /// <summary>
    /// Oracle: per column, mean and population std summed in sample order in double, then (g - mean) / std; the
    /// vectorized stride-4 path must give these values bit for bit (K = 1, 2, 3), the count lane 1, the padding 0.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)] // stride 8: the scalar path
    public void Standardized_rows_equal_the_scalar_formula_bit_for_bit(int k)
    {
        const int n = 777;
        var g = TestData.Uniform(k, n * k, -3f, 5f);
        var batch = new GradientBatch();
        batch.Prepare(g, n, [new OutputSlice("o", 0, k, LearningRateSchedule.Constant(1))], k, standardize: true);
        var rows = batch.Rows;
        var stride = batch.Stride;
        for (var c = 0; c < k; c++)
        {
            var mean = 0.0;
            for (var i = 0; i < n; i++)
                mean += g[i * k + c];
            mean /= n;
            var variance = 0.0;
            for (var i = 0; i < n; i++)
            {
                var d = g[i * k + c] - mean;
                variance += d * d;
            }
            var inv = 1.0 / Math.Sqrt(variance / n);
            for (var i = 0; i < n; i++)
                Assert.Equal((g[i * k + c] - mean) * inv, rows[i * stride + c]);
        }
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(1.0, rows[i * stride + k]);
            for (var s = k + 1; s < stride; s++)
                Assert.Equal(0.0, rows[i * stride + s]);
        }
    }
}
