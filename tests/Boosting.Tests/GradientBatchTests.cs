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
