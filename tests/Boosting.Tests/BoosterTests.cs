using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Tests;

public class BoosterTests
{
    [Fact]
    public void Same_data_same_trees_bit_for_bit()
    {
        static byte[] Run()
        {
            using var booster = new GbrlBooster(TestData.Options(3, TreeShape.Greedy, SplitScore.L2, 5), FeatureSchema.Numerical(6));
            for (var t = 0; t < 20; t++)
                booster.FitTree(TestData.Uniform(t, 200 * 6), TestData.Uniform(50 + t, 200 * 3), 200);
            using var stream = new MemoryStream();
            booster.Save(stream);
            return stream.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Categorical_task_only_equality_splits_can_solve_is_solved(TreeShape shape)
    {
        // Target depends on category membership in {1, 4, 6} of 8 categories, interleaved so that no
        // threshold on the code separates it; the numerical feature is noise.
        const int n = 512;
        var schema = new FeatureSchema([8, 0]);
        var options = TestData.Options(1, shape, depth: 3, lr: 0.5) with { Slices = [new OutputSlice("y", 0, 1, LearningRateSchedule.Constant(0.5))] };
        using var booster = new GbrlBooster(options, schema);
        var rng = new Random(4);
        var x = new float[n * 2];
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            var c = rng.Next(8);
            x[i * 2] = c;
            x[i * 2 + 1] = (float)rng.NextDouble();
            y[i] = c is 1 or 4 or 6 ? 1f : -1f;
        }
        var predictions = new float[n];
        var gradients = new float[n];
        for (var t = 0; t < 30; t++)
        {
            booster.Predict(x, n, predictions);
            for (var i = 0; i < n; i++)
                gradients[i] = predictions[i] - y[i]; // squared loss: F <- F - lr * mean(F - y)
            booster.FitTree(x, gradients, n);
        }
        booster.Predict(x, n, predictions);
        double mse = 0;
        for (var i = 0; i < n; i++)
            mse += (predictions[i] - y[i]) * (predictions[i] - y[i]);
        Assert.True(mse / n < 1e-3, $"mse {mse / n}");
        var importance = booster.GetFeatureImportance();
        Assert.True(importance.TotalGain[0] > importance.TotalGain[1], $"gains {importance.TotalGain[0]} {importance.TotalGain[1]}");
        Assert.StartsWith(shape == TreeShape.Oblivious ? "  level 0: f0 == " : "  if f0 == ", booster.DumpTree(0).Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Categories_of_a_feature_too_large_for_one_batch_are_all_reached_over_shuffled_batches()
    {
        // Every batch holds each of categories 0..399 (of 1000) exactly once, shuffled: 400 tied categories, more than
        // the 255 one batch offers. The target marks 10 of them spread over the range. Ties rotate with the batch's
        // first sample, so every marked category is split off within a few hundred trees (with ties to the lowest
        // category, 299 and 390 would never be candidates).
        const int n = 400;
        int[] marked = [3, 41, 77, 120, 150, 199, 230, 254, 299, 390];
        var options = TestData.Options(1, TreeShape.Oblivious, depth: 4, lr: 0.5) with { Slices = [new OutputSlice("y", 0, 1, LearningRateSchedule.Constant(0.5))] };
        using var booster = new GbrlBooster(options, new FeatureSchema([1000]));
        var rng = new Random(7);
        var x = new float[n];
        var f = new float[n];
        var g = new float[n];
        for (var t = 0; t < 300; t++)
        {
            for (var i = 0; i < n; i++)
                x[i] = i;
            rng.Shuffle(x);
            booster.Predict(x, n, f);
            for (var i = 0; i < n; i++)
                g[i] = f[i] - (Array.IndexOf(marked, (int)x[i]) >= 0 ? 1f : 0f);
            booster.FitTree(x, g, n);
        }
        var all = new float[400];
        for (var c = 0; c < all.Length; c++)
            all[c] = c;
        var predictions = new float[all.Length];
        booster.Predict(all, all.Length, predictions);
        for (var c = 0; c < all.Length; c++)
            Assert.True(Math.Abs(predictions[c] - (Array.IndexOf(marked, c) >= 0 ? 1f : 0f)) < 0.1, $"category {c}: {predictions[c]}");
    }

    [Fact]
    public void Squared_loss_boosting_fits_a_sum_of_sines()
    {
        const int n = 1024;
        using var booster = new GbrlBooster(TestData.Options(1, depth: 4, lr: 0.2), FeatureSchema.Numerical(3));
        var x = TestData.Uniform(1, n * 3, -2f, 2f);
        var y = new float[n];
        for (var i = 0; i < n; i++)
            y[i] = MathF.Sin(x[i * 3]) + MathF.Sin(2 * x[i * 3 + 1]);
        var f = new float[n];
        var g = new float[n];
        booster.Predict(x, n, f);
        for (var t = 0; t < 150; t++)
        {
            for (var i = 0; i < n; i++)
                g[i] = f[i] - y[i];
            booster.FitTree(x, g, n);
            booster.AccumulateTrees(x, n, t, t + 1, f);
        }
        double mse = 0, variance = 0;
        for (var i = 0; i < n; i++)
        {
            mse += (f[i] - y[i]) * (f[i] - y[i]);
            variance += y[i] * y[i];
        }
        Assert.True(mse < 0.05 * variance, $"mse {mse / n}, variance {variance / n}");
    }

    [Fact]
    public void Leaf_values_are_the_mean_clipped_gradient_times_the_slice_learning_rate()
    {
        var options = new GbrlOptions
        {
            MaxDepth = 1,
            Slices =
            [
                new OutputSlice("policy", 0, 2, LearningRateSchedule.Linear(0.5, 0.1, 4), MaxGradNorm: 5),
                new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.25)),
            ],
        };
        using var booster = new GbrlBooster(options, FeatureSchema.Numerical(1));
        float[] x = [0, 0, 1, 1];
        float[] g = [30, 40, 2, 1, 1, 4, 3, 0, 6, 5, 0, 8];
        booster.FitTree(x, [.. g.Select(v => 0f)], 4); // tree 0 at lr 0.5; tree 1 at lr 0.4
        booster.FitTree(x, g, 4);
        var outputs = new float[2 * 3];
        booster.AccumulateTrees([0f, 1f], 2, 1, 2, outputs);
        // Left leaf: rows (30,40)->(3,4) clipped, (1,1); mean (2, 2.5) * 0.4; value mean (2+4)/2 * 0.25.
        Assert.Equal(-0.8f, outputs[0], 1e-6f);
        Assert.Equal(-1.0f, outputs[1], 1e-6f);
        Assert.Equal(-0.75f, outputs[2], 1e-6f);
        // Right leaf: rows (3,0) and (5,0) within the norm; value mean (6+8)/2 * 0.25.
        Assert.Equal(-1.6f, outputs[3], 1e-6f);
        Assert.Equal(0f, outputs[4], 1e-6f);
        Assert.Equal(-1.75f, outputs[5], 1e-6f);
    }

    [Fact]
    public void Ensemble_of_more_than_200000_trees_predicts_correctly()
    {
        // Tiny trees appended straight to the store (fitting is tested elsewhere): x > 1.5 goes right.
        // Leaves hold 2^-10 (left) and 2^-9 (right): every partial sum is exact in float.
        const int trees = 200_005;
        const float lr = 1f / 1024;
        using var booster = new GbrlBooster(TestData.Options(1, depth: 1), FeatureSchema.Numerical(2));
        var draft = new Trees.ObliviousTreeDraft(1, 1) { Depth = 1 };
        draft.Levels[0] = new Trees.SplitTest(1, 1.5f, float.PositiveInfinity, false);
        draft.Leaves[0] = lr;
        draft.Leaves[1] = 2 * lr;
        for (var t = 0; t < trees; t++)
            booster.ObliviousTrees!.Add(draft);
        booster.FitTree([0f, 0f, 0f, 3f], [1f, 1f], 2); // and one fitted on top: both leaves 0.1 * 1
        Assert.Equal(trees + 1, booster.TreeCount);
        float[] x = [0f, 0f, 9f, 1f, 0f, 2f, 5f, 3f];
        var outputs = new float[4];
        booster.Predict(x, 4, outputs);
        Assert.Equal([-trees * lr - 0.1f, -trees * lr - 0.1f, -2 * trees * lr - 0.1f, -2 * trees * lr - 0.1f], outputs);
        var one = new float[1];
        booster.Predict([0f, 2.5f], 1, one);
        Assert.Equal(-2 * trees * lr - 0.1f, one[0]);
        var tail = new float[4];
        booster.AccumulateTrees(x, 4, 150_000, trees, tail);
        Assert.Equal(-(trees - 150_000) * lr, tail[0]);
        Assert.Equal(-2 * (trees - 150_000) * lr, tail[3]);
    }

    [Fact]
    public void Depth_4_oblivious_tree_with_3_outputs_takes_under_300_bytes()
    {
        using var booster = new GbrlBooster(TestData.Options(3), FeatureSchema.Numerical(4));
        var draft = new Trees.ObliviousTreeDraft(4, 3) { Depth = 4 };
        for (var d = 0; d < 4; d++)
            draft.Levels[d] = new Trees.SplitTest(d, 0.5f, float.PositiveInfinity, false);
        for (var t = 0; t < 4096; t++)
            booster.ObliviousTrees!.Add(draft);
        Assert.True(booster.TreeBytes / 4096.0 < 300, $"{booster.TreeBytes / 4096.0} bytes per tree");
    }

    [Fact]
    public void Feature_importance_counts_splits_and_sums_gains()
    {
        using var booster = new GbrlBooster(TestData.Options(1, depth: 2), FeatureSchema.Numerical(3));
        const int n = 200;
        var x = TestData.Uniform(3, n * 3);
        var g = new float[n];
        for (var i = 0; i < n; i++)
            g[i] = (x[i * 3 + 2] > 0 ? 1f : -1f) + (x[i * 3] > 0.5f ? 0.3f : 0f);
        booster.FitTree(x, g, n);
        var importance = booster.GetFeatureImportance();
        Assert.Equal(2, importance.SplitCounts.Sum());
        Assert.True(importance.TotalGain[2] > importance.TotalGain[0]);
        Assert.Equal(0, importance.SplitCounts[1]);
        Assert.Contains("level 0: f2 > ", booster.DumpTree(0), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_refused_naming_the_problem()
    {
        using var booster = new GbrlBooster(TestData.Options(2), FeatureSchema.Numerical(3));
        var x = new float[4 * 3];
        var e1 = Assert.Throws<ArgumentException>(() => booster.FitTree(x, new float[7], 4));
        Assert.Equal("gradients", e1.ParamName);
        Assert.Throws<ArgumentException>(() => booster.FitTree(x, new float[8], 3));
        var g = new float[8];
        g[5] = float.NaN;
        var e2 = Assert.Throws<ArgumentException>(() => booster.FitTree(x, g, 4));
        Assert.Contains("sample 2, output 1", e2.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => booster.Predict(x, 4, new float[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => booster.AccumulateTrees(x, 4, 0, 1, new float[8]));
        Assert.Throws<ArgumentException>(() => booster.SetBias([1f]));
        var e3 = Assert.Throws<ArgumentException>(() => new GbrlBooster(TestData.Options(2) with { MaxBins = 300 }, FeatureSchema.Numerical(3)));
        Assert.Equal("MaxBins", e3.ParamName);
        Assert.Throws<ArgumentException>(() => new GbrlBooster(TestData.Options(2) with { FeatureWeights = [1f] }, FeatureSchema.Numerical(3)));
        Assert.Throws<ArgumentException>(() => new GbrlBooster(TestData.Options(2), new FeatureSchema([FeatureSchema.MaxCardinality + 1, 0])));
        Assert.Contains("oblivious", Assert.Throws<ArgumentException>(() => new GbrlBooster(TestData.Options(2, depth: 12), FeatureSchema.Numerical(3))).Message, StringComparison.Ordinal);
        using var deepGreedy = new GbrlBooster(TestData.Options(2, TreeShape.Greedy, depth: 12), FeatureSchema.Numerical(3));
    }

    [Fact]
    public void Category_encoder_maps_strings_and_sends_unseen_ones_to_not_equal()
    {
        var encoder = new CategoryEncoder(3);
        Assert.Equal(0, encoder.GetOrAdd("red"));
        Assert.Equal(1, encoder.GetOrAdd("green"));
        Assert.Equal(0, encoder.GetOrAdd("red"));
        Assert.Equal(1f, encoder.Encode("green"));
        Assert.True(float.IsNaN(encoder.Encode("blue")));
        encoder.GetOrAdd("blue");
        Assert.Throws<ArgumentException>(() => encoder.GetOrAdd("pink"));
    }

    [Fact]
    public void Separate_actor_and_critic_ensembles_fit_their_own_gradients()
    {
        var schema = FeatureSchema.Numerical(2);
        using var boosters = new ActorCriticBoosters(TestData.Options(2, lr: 1), TestData.Options(1, lr: 0.5), schema);
        float[] x = [0f, 0f, 1f, 1f];
        boosters.FitTrees(x, [1f, 2f, 1f, 2f], [4f, 4f], 2);
        var actor = new float[4];
        var critic = new float[2];
        boosters.Predict(x, 2, actor, critic);
        Assert.Equal([-1f, -2f, -1f, -2f], actor);
        Assert.Equal([-2f, -2f], critic);
        Assert.Equal(1, boosters.Actor.TreeCount);
        Assert.Equal(1, boosters.Critic.TreeCount);
    }
}
