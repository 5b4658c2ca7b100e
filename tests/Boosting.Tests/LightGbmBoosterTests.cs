namespace RLFramework.Boosting.Tests;

public class LightGbmBoosterTests
{
    private static GbrlOptions Options(int depth = 3, params double[] rates)
    {
        if (rates.Length == 0)
            rates = [0.1];
        var slices = new OutputSlice[rates.Length];
        for (var k = 0; k < rates.Length; k++)
            slices[k] = new OutputSlice($"out{k}", k, 1, LearningRateSchedule.Constant(rates[k]));
        return new GbrlOptions { MaxDepth = depth, MaxBins = 64, Slices = slices };
    }

    private static float[] RandomMatrix(Random random, int rows, int columns)
    {
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    [Fact]
    public void Native_library_loads_and_fits_one_tree_per_output()
    {
        var random = new Random(1);
        using var booster = new LightGbmBooster(Options(3, 0.1, 0.2, 0.3), 4);
        var x = RandomMatrix(random, 200, 4);
        var g = RandomMatrix(random, 200, 3);

        var result = booster.FitTree(x, g, 200);

        Assert.Equal(0, result.TreeIndex);
        Assert.Equal(1, booster.TreeCount);
        Assert.Equal(3, booster.NativeTreeCount);
        Assert.InRange(result.LeafCount, 3 * 2, 3 * 8);
        Assert.True(result.Score > 0);
        Assert.Contains("num_class=3", booster.NativeModelText(0), StringComparison.Ordinal);
    }

    [Fact]
    public void One_iteration_gives_leaf_equal_to_minus_learning_rate_times_mean_gradient()
    {
        // x = 0..7; output 0 gradients jump at x = 4, output 1 at x = 2: one split each at depth 1.
        float[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        float[] g0 = [1, 2, 3, 2, 5, 7, 6, 6];
        float[] g1 = [-4, -2, 1, 1, 1, 1, 1, 1];
        var g = new float[16];
        for (var i = 0; i < 8; i++)
        {
            g[2 * i] = g0[i];
            g[2 * i + 1] = g1[i];
        }
        using var booster = new LightGbmBooster(Options(1, 0.5, 0.1), 1);
        booster.SetBias([10f, -1f]);

        booster.FitTree(x, g, 8);
        var predictions = new float[16];
        booster.Predict(x, 8, predictions);

        for (var i = 0; i < 8; i++)
        {
            var mean0 = i < 4 ? (1 + 2 + 3 + 2) / 4.0 : (5 + 7 + 6 + 6) / 4.0;
            var mean1 = i < 2 ? -3.0 : 1.0;
            Assert.Equal(10 - 0.5 * mean0, predictions[2 * i], 5);
            Assert.Equal(-1 - 0.1 * mean1, predictions[2 * i + 1], 5);
        }
    }

    [Fact]
    public void Every_tree_holds_leaf_means_and_predictions_equal_the_sum_of_accumulated_trees()
    {
        var random = new Random(7);
        const int n = 300, features = 3, outputs = 2;
        using var booster = new LightGbmBooster(Options(3, 0.3, 0.05) with { MinSamplesPerLeaf = 5 }, features);
        booster.SetBias([0.5f, -0.25f]);
        var trees = 6;
        for (var t = 0; t < trees; t++)
        {
            // A new batch each update; the gradients follow a function of the features plus noise.
            var x = RandomMatrix(random, n, features);
            var g = new float[n * outputs];
            for (var i = 0; i < n; i++)
            {
                g[i * outputs] = MathF.Sin(3 * x[i * features]) + 0.1f * (float)random.NextDouble();
                g[i * outputs + 1] = x[i * features + 1] * x[i * features + 2];
            }
            booster.FitTree(x, g, n);

            // The new tree's contribution on its own batch: equal within a leaf, and -lr * mean gradient of the leaf.
            var contribution = new float[n * outputs];
            booster.AccumulateTrees(x, n, t, t + 1, contribution);
            double[] rates = [0.3, 0.05];
            for (var k = 0; k < outputs; k++)
            {
                var leaves = new Dictionary<float, (double Sum, int Count)>();
                for (var i = 0; i < n; i++)
                {
                    var key = contribution[i * outputs + k];
                    var (sum, count) = leaves.GetValueOrDefault(key);
                    leaves[key] = (sum + g[i * outputs + k], count + 1);
                }
                Assert.True(leaves.Count > 1, $"tree {t} output {k} did not split");
                foreach (var (value, (sum, count)) in leaves)
                {
                    Assert.True(count >= 5);
                    Assert.Equal(-rates[k] * sum / count, value, 4);
                }
            }
        }

        var probe = RandomMatrix(random, 50, features);
        var predicted = new float[50 * outputs];
        booster.Predict(probe, 50, predicted);
        var recomputed = new float[50 * outputs];
        for (var i = 0; i < 50; i++)
        {
            recomputed[i * outputs] = 0.5f;
            recomputed[i * outputs + 1] = -0.25f;
        }
        for (var t = 0; t < trees; t++)
            booster.AccumulateTrees(probe, 50, t, t + 1, recomputed);
        for (var j = 0; j < predicted.Length; j++)
            Assert.Equal(recomputed[j], predicted[j], 5);

        // One row at a time, tree by tree (ranges at both ends of LightGBM's newest-first order), agrees with the batch.
        var single = new float[outputs];
        booster.Predict(probe.AsSpan(0, features), 1, single);
        Assert.Equal(predicted[0], single[0], 5);
        Assert.Equal(predicted[1], single[1], 5);
        for (var t = 0; t < trees; t++)
        {
            var batch = new float[50 * outputs];
            booster.AccumulateTrees(probe, 50, t, t + 1, batch);
            var row = new float[outputs];
            booster.AccumulateTrees(probe.AsSpan(0, features), 1, t, t + 1, row);
            Assert.Equal(batch[0], row[0], 6);
            Assert.Equal(batch[1], row[1], 6);
        }
    }

    [Fact]
    public void Zero_gradients_give_an_empty_tree_that_keeps_indices_aligned()
    {
        var random = new Random(3);
        using var booster = new LightGbmBooster(Options(2, 0.1), 2);
        var x = RandomMatrix(random, 64, 2);
        var g = RandomMatrix(random, 64, 1);
        booster.FitTree(x, g, 64);
        var before = new float[64];
        booster.Predict(x, 64, before);

        var result = booster.FitTree(x, new float[64], 64);

        Assert.Equal(1, result.TreeIndex);
        Assert.Equal(2, booster.TreeCount);
        Assert.Equal(1, booster.NativeTreeCount);
        var after = new float[64];
        booster.Predict(x, 64, after);
        Assert.Equal(before, after);
        var added = new float[64];
        booster.AccumulateTrees(x, 64, 1, 2, added);
        Assert.All(added, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Categorical_feature_splits_one_category_against_the_rest_and_unseen_goes_with_the_rest()
    {
        // Feature 0: category codes 0..4; only category 2 has a different gradient. Feature 1: noise.
        var random = new Random(5);
        const int n = 200;
        var x = new float[n * 2];
        var g = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[2 * i] = i % 5;
            x[2 * i + 1] = (float)random.NextDouble();
            g[i] = i % 5 == 2 ? 4f : -1f;
        }
        using var booster = new LightGbmBooster(Options(1, 1.0), new FeatureSchema([5, 0]));

        booster.FitTree(x, g, n);
        float[] probe = [2, 0.5f, 3, 0.5f, 7, 0.5f];
        var predicted = new float[3];
        booster.Predict(probe, 3, predicted);

        Assert.Equal(-4f, predicted[0], 5);
        Assert.Equal(1f, predicted[1], 5);
        Assert.Equal(1f, predicted[2], 5);
    }

    [Fact]
    public void Save_then_load_predicts_identically_and_keeps_training()
    {
        var random = new Random(11);
        using var booster = new LightGbmBooster(Options(3, 0.2, 0.1), 3);
        booster.SetBias([1f, 2f]);
        for (var t = 0; t < 4; t++)
            booster.FitTree(RandomMatrix(random, 100, 3), RandomMatrix(random, 100, 2), 100);
        var path = Path.Combine(Path.GetTempPath(), $"lgbm-{Guid.NewGuid():N}.bin");
        try
        {
            booster.SaveToFile(path);
            using var loaded = LightGbmBooster.LoadFromFile(path);
            var probe = RandomMatrix(random, 40, 3);
            var expected = new float[80];
            var actual = new float[80];
            booster.Predict(probe, 40, expected);
            loaded.Predict(probe, 40, actual);
            Assert.Equal(expected, actual);
            Assert.Equal(booster.TreeCount, loaded.TreeCount);
            Assert.Equal(booster.Bias.ToArray(), loaded.Bias.ToArray());

            // Training continues after loading: the old trees keep their predictions, one tree is added.
            loaded.FitTree(RandomMatrix(random, 100, 3), RandomMatrix(random, 100, 2), 100);
            Assert.Equal(5, loaded.TreeCount);
            var old = new float[80];
            for (var i = 0; i < 40; i++)
                loaded.Bias.CopyTo(old.AsSpan(i * 2, 2));
            loaded.AccumulateTrees(probe, 40, 0, 4, old);
            for (var j = 0; j < 80; j++)
                Assert.Equal(expected[j], old[j], 5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Ranges_across_model_chunks_add_up_and_survive_save_and_load()
    {
        var random = new Random(13);
        var trees = LightGbmBooster.ChunkIterations + 12;
        using var booster = new LightGbmBooster(Options(2, 0.1, 0.2), 2);
        for (var t = 0; t < trees; t++)
            booster.FitTree(RandomMatrix(random, 32, 2), RandomMatrix(random, 32, 2), 32);
        var probe = RandomMatrix(random, 20, 2);
        var byTree = new float[40];
        for (var t = 0; t < trees; t++)
            booster.AccumulateTrees(probe, 20, t, t + 1, byTree);
        var whole = new float[40];
        booster.Predict(probe, 20, whole);
        for (var j = 0; j < 40; j++)
            Assert.Equal(byTree[j], whole[j], 4);

        var split = new float[40];
        booster.AccumulateTrees(probe, 20, 0, 100, split);
        booster.AccumulateTrees(probe, 20, 100, trees, split);
        for (var j = 0; j < 40; j++)
            Assert.Equal(whole[j], split[j], 4);

        using var stream = new MemoryStream();
        booster.Save(stream);
        stream.Position = 0;
        using var loaded = LightGbmBooster.Load(stream);
        var reloaded = new float[40];
        loaded.Predict(probe, 20, reloaded);
        Assert.Equal(whole, reloaded);
    }

    [Fact]
    public void Corrupt_or_truncated_file_is_refused_with_a_clear_message()
    {
        var random = new Random(2);
        using var booster = new LightGbmBooster(Options(2, 0.1), 2);
        booster.FitTree(RandomMatrix(random, 50, 2), RandomMatrix(random, 50, 1), 50);
        using var stream = new MemoryStream();
        booster.Save(stream);
        var bytes = stream.ToArray();

        var corrupt = (byte[])bytes.Clone();
        corrupt[bytes.Length / 2] ^= 0x40;
        var e1 = Assert.Throws<InvalidDataException>(() => LightGbmBooster.Load(new MemoryStream(corrupt)));
        Assert.Contains("checksum", e1.Message, StringComparison.Ordinal);

        var e2 = Assert.Throws<InvalidDataException>(() => LightGbmBooster.Load(new MemoryStream(bytes[..(bytes.Length - 10)])));
        Assert.Contains("truncated", e2.Message, StringComparison.Ordinal);

        var e3 = Assert.Throws<InvalidDataException>(() => LightGbmBooster.Load(new MemoryStream("not a model"u8.ToArray())));
        Assert.Contains("magic", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_native_failure_carries_LightGbm_last_error()
    {
        // A file whose header and checksum are right but whose LightGBM model text is not a model.
        var random = new Random(4);
        using var booster = new LightGbmBooster(Options(2, 0.1), 2);
        booster.FitTree(RandomMatrix(random, 50, 2), RandomMatrix(random, 50, 1), 50);
        using var stream = new MemoryStream();
        RLFramework.Boosting.LightGbm.LightGbmModelFile.Write(stream, booster, ["version=v4\nnum_class=x\n"u8.ToArray()]);
        stream.Position = 0;

        var error = Assert.Throws<InvalidOperationException>(() => LightGbmBooster.Load(stream));

        Assert.StartsWith("LightGBM call LGBM_BoosterLoadModelFromString failed: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length > "LightGBM call LGBM_BoosterLoadModelFromString failed: ".Length + 5, error.Message);
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        using var booster = new LightGbmBooster(Options(2, 0.1, 0.1), new FeatureSchema([0, 3]));
        var x = new float[10 * 2];
        var g = new float[10 * 2];

        var rows = Assert.Throws<ArgumentException>(() => booster.FitTree(x, g.AsSpan(0, 18), 10));
        Assert.Contains("Gradients hold 18 values", rows.Message, StringComparison.Ordinal);

        g[7] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => booster.FitTree(x, g, 10));
        Assert.Contains("sample 3, output 1 is NaN", nan.Message, StringComparison.Ordinal);
        g[7] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => booster.FitTree(x, g, 10));
        g[7] = 0;

        Assert.Throws<ArgumentException>(() => booster.FitTree(x.AsSpan(0, 19), g, 10));
        x[3] = 3;
        var category = Assert.Throws<ArgumentException>(() => booster.FitTree(x, g, 10));
        Assert.Contains("Feature 1 of sample 1 is 3", category.Message, StringComparison.Ordinal);
        x[3] = 0;

        Assert.Throws<ArgumentOutOfRangeException>(() => booster.AccumulateTrees(x, 10, 0, 1, new float[20]));
        Assert.Throws<ArgumentException>(() => booster.Predict(x, 10, new float[19]));
        Assert.Throws<ArgumentException>(() => booster.SetBias([1f]));
        Assert.Equal(0, booster.TreeCount);

        var depth = Assert.Throws<ArgumentException>(() => new LightGbmBooster(new GbrlOptions { MaxDepth = 0 }, 2));
        Assert.Contains("MaxDepth", depth.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LightGbmBooster(new GbrlOptions { FeatureWeights = [1f] }, 2));

        booster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => booster.Predict(x, 10, new float[20]));
    }
}
