using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Tests;

public class SpacesTests
{
    [Fact]
    public void Box_reports_shape_flat_size_and_numerical_cardinalities()
    {
        var box = new Box(-1f, 2f, 2, 3);
        Assert.Equal(new[] { 2, 3 }, box.Shape);
        Assert.Equal(6, box.FlatSize);
        Assert.All(box.Cardinalities, c => Assert.Equal(0, c));
        Assert.True(box.IsBounded);
    }

    [Fact]
    public void Box_contains_checks_length_bounds_and_nan()
    {
        var box = new Box([-1f, float.NegativeInfinity], [1f, float.PositiveInfinity]);
        Assert.True(box.Contains([0.5f, -1e30f]));
        Assert.True(box.Contains([-1f, float.PositiveInfinity]));
        Assert.False(box.Contains([1.0001f, 0f]));
        Assert.False(box.Contains([0f, float.NaN]));
        Assert.False(box.Contains([0f]));
        Assert.False(box.IsBounded);
    }

    [Fact]
    public void Box_sample_is_within_bounds_and_deterministic_under_a_seed()
    {
        var low = new[] { -2f, 0f, float.NegativeInfinity, float.NegativeInfinity, 3f };
        var high = new[] { 2f, 1e-6f, float.PositiveInfinity, 5f, float.PositiveInfinity };
        var a = new Box(low, high);
        var b = new Box(low, high);
        a.Seed(42);
        b.Seed(42);
        var x = new float[5];
        var y = new float[5];
        var sums = new double[5];
        for (int i = 0; i < 2000; i++)
        {
            a.Sample(x);
            b.Sample(y);
            Assert.Equal(x, y);
            Assert.True(a.Contains(x));
            for (int j = 0; j < 5; j++)
            {
                sums[j] += x[j];
            }
        }

        // Uniform on [-2, 2] has mean 0; normal mean 0; high - Exp(1) has mean 4; low + Exp(1) has mean 4.
        Assert.InRange(sums[0] / 2000, -0.15, 0.15);
        Assert.InRange(sums[2] / 2000, -0.1, 0.1);
        Assert.InRange(sums[3] / 2000, 3.9, 4.1);
        Assert.InRange(sums[4] / 2000, 3.9, 4.1);

        b.Seed(43);
        b.Sample(y);
        a.Seed(42);
        a.Sample(x);
        Assert.NotEqual(x, y);
    }

    [Fact]
    public void Box_categorical_elements_hold_integer_codes()
    {
        var box = new Box([0f, -5f], [10f, 5f]).WithCardinalities(4, 0);
        Assert.Equal(new[] { 4, 0 }, box.Cardinalities);
        Assert.True(box.Contains([3f, 0.5f]));
        Assert.False(box.Contains([1.5f, 0f]));
        Assert.False(box.Contains([4f, 0f]));
        box.Seed(1);
        var seen = new bool[4];
        var x = new float[2];
        for (int i = 0; i < 200; i++)
        {
            box.Sample(x);
            Assert.True(box.Contains(x));
            seen[(int)x[0]] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Box_rejects_bad_bounds_with_clear_messages()
    {
        var e = Assert.Throws<ArgumentException>(() => new Box([2f], [1f]));
        Assert.Contains("low 2 above high 1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Box([0f, 0f], [1f]));
        Assert.Throws<ArgumentException>(() => new Box(0f, 1f, 0));
        Assert.Throws<ArgumentException>(() => new Box([0f], [1f], cardinalities: [1, 2]));
    }

    [Fact]
    public void Discrete_contains_and_samples_every_value_with_start()
    {
        var space = new Discrete(3, start: -1);
        Assert.Empty(space.Shape);
        Assert.Equal(1, space.FlatSize);
        Assert.Equal(new[] { 3 }, space.Cardinalities);
        Assert.True(space.Contains(-1));
        Assert.True(space.Contains(1));
        Assert.False(space.Contains(2));
        Assert.False(space.Contains(-2));
        space.Seed(5);
        var counts = new int[3];
        var first = new int[50];
        for (int i = 0; i < 3000; i++)
        {
            int v = space.Sample();
            counts[v + 1]++;
            if (i < 50)
            {
                first[i] = v;
            }
        }

        Assert.All(counts, c => Assert.InRange(c, 900, 1100));
        space.Seed(5);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(first[i], space.Sample());
        }
    }

    [Fact]
    public void Discrete_masked_sample_only_returns_allowed_values()
    {
        var space = new Discrete(6);
        space.Seed(3);
        for (int i = 0; i < 200; i++)
        {
            int v = space.Sample(0b100100UL);
            Assert.True(v is 2 or 5);
        }

        Assert.Throws<ArgumentException>(() => space.Sample(0b1000000UL));
    }

    [Fact]
    public void MultiDiscrete_masked_sample_draws_each_element_uniformly_among_its_allowed_values()
    {
        // nvec [3, 2, 4]: element 0 bits 0-2, element 1 bits 3-4, element 2 bits 5-8. Allowed: {0, 2}, {1}, {0, 1, 3}.
        var space = new MultiDiscrete(3, 2, 4);
        space.Seed(4);
        const ulong mask = 0b1011_10_101UL;
        var counts = new int[3, 4];
        var value = new int[3];
        const int draws = 6000;
        for (int i = 0; i < draws; i++)
        {
            space.Sample(value, mask);
            for (int j = 0; j < 3; j++)
            {
                counts[j, value[j]]++;
            }
        }

        Assert.Equal((0, 0), (counts[0, 1], counts[1, 0]));
        Assert.Equal(draws, counts[1, 1]);
        Assert.Equal(0, counts[2, 2]);
        foreach (var (j, v, p) in new[] { (0, 0, 1 / 2.0), (0, 2, 1 / 2.0), (2, 0, 1 / 3.0), (2, 1, 1 / 3.0), (2, 3, 1 / 3.0) })
        {
            Assert.InRange(counts[j, v] / (double)draws, p - 0.03, p + 0.03);
        }

        var error = Assert.Throws<ArgumentException>(() => space.Sample(value, 0b1011_00_101UL));
        Assert.Contains("element 1", error.Message);
    }

    [Fact]
    public void MultiDiscrete_contains_and_samples()
    {
        var space = new MultiDiscrete(2, 3, 4);
        Assert.Equal(new[] { 3 }, space.Shape);
        Assert.Equal(new[] { 2, 3, 4 }, space.Cardinalities);
        Assert.True(space.Contains([1, 2, 3]));
        Assert.False(space.Contains([2, 0, 0]));
        Assert.False(space.Contains([0, -1, 0]));
        Assert.False(space.Contains([0, 0]));
        space.Seed(9);
        var x = new int[3];
        for (int i = 0; i < 100; i++)
        {
            space.Sample(x);
            Assert.True(space.Contains(x));
        }

        Assert.Throws<ArgumentException>(() => new MultiDiscrete(2, 0));
    }

    [Fact]
    public void Flat_encoding_writes_discrete_index_box_copy_and_multidiscrete_codes()
    {
        var dest = new float[3];
        SpaceValues.WriteFlat(new Discrete(4, start: 10), 12, dest);
        Assert.Equal(2f, dest[0]);
        SpaceValues.WriteFlat(new Box(-1f, 1f, 3), (ReadOnlyMemory<float>)new[] { 0.1f, -0.2f, 0.3f }, dest);
        Assert.Equal(new[] { 0.1f, -0.2f, 0.3f }, dest);
        SpaceValues.WriteFlat(new MultiDiscrete(2, 3, 4), (ReadOnlyMemory<int>)new[] { 1, 2, 3 }, dest);
        Assert.Equal(new[] { 1f, 2f, 3f }, dest);
        Assert.Throws<NotSupportedException>(() => SpaceValues.WriteFlat(new Discrete(2), 1.5, dest));
    }

    [Fact]
    public void Generic_contains_and_sample_match_the_space()
    {
        var discrete = new Discrete(3);
        var box = new Box(0f, 1f, 2);
        Assert.True(SpaceValues.Contains(discrete, 2));
        Assert.False(SpaceValues.Contains(discrete, 3));
        Assert.False(SpaceValues.Contains(box, 1));
        Assert.True(SpaceValues.Contains(box, SpaceValues.Sample<ReadOnlyMemory<float>>(box)));
        Assert.True(SpaceValues.Fits<int>(discrete));
        Assert.False(SpaceValues.Fits<int>(box));
    }

    [Fact]
    public void ToString_reads_like_gymnasium()
    {
        Assert.Equal("Discrete(2)", new Discrete(2).ToString());
        Assert.Equal("Box(-1, 1, (3,))", new Box(-1f, 1f, 3).ToString());
        Assert.Equal("MultiDiscrete([2, 3])", new MultiDiscrete(2, 3).ToString());
        Assert.Equal("Box([-1, -inf], [1, inf], (2,))", new Box([-1f, float.NegativeInfinity], [1f, float.PositiveInfinity]).ToString());
    }

    [Fact]
    public void ToString_shortens_long_runs_and_counts_categorical_elements()
    {
        float[] high = [.. Enumerable.Repeat(197f, 49), 3f, 5f];
        var box = new Box(new float[51], high, cardinalities: [.. Enumerable.Repeat(198, 49), 4, 6]);
        Assert.Equal("Box(0, [197 x49, 3, 5], (51,), 51 categorical)", box.ToString());
        // Model files record the full form, which must not change (ModelFileCompatibilityTests loads old files).
        Assert.Equal($"Box([{string.Join(", ", Enumerable.Repeat("0", 51))}], [{string.Join(", ", Enumerable.Repeat("197", 49))}, 3, 5], (51,))", box.ToFullString());
        Assert.Equal("Box(-1, 1, (3,))", new Box(-1f, 1f, 3).ToFullString());
        Assert.Equal("Box([0, 0], [1, 2], (2,))", new Box([0f, 0f], [1f, 2f]).ToFullString());

        // Runs shorter than eight are written out (Acrobot's bounds read as in Gymnasium); a run is shortened wherever it stands.
        float[] low = [2f, 2f, 2f, 2f, 2f, 2f, 2f, 1f, .. Enumerable.Repeat(3f, 8)];
        Assert.Equal("Box([2, 2, 2, 2, 2, 2, 2, 1, 3 x8], 9, (16,), 1 categorical)",
            new Box(low, Enumerable.Repeat(9f, 16).ToArray(), cardinalities: [.. new int[15], 10]).ToString());
    }
}
