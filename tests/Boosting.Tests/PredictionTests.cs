using RLFramework.Boosting.Data;
using RLFramework.Boosting.Trees;

namespace RLFramework.Boosting.Tests;

public class PredictionTests
{
    private static GbrlBooster Grow(TreeShape shape, int depth, int features, int outputs, int trees, bool categorical, int seed)
    {
        var schema = new FeatureSchema([.. Enumerable.Range(0, features).Select(f => categorical && f == 0 ? 4 : 0)]);
        var options = TestData.Options(outputs, shape, SplitScore.Cosine, depth, 0.3);
        var booster = new GbrlBooster(options, schema);
        const int n = 64;
        for (var t = 0; t < trees; t++)
        {
            var x = TestData.Uniform(seed + t, n * features, -2f, 2f);
            if (categorical)
            {
                for (var i = 0; i < n; i++)
                    x[i * features] = (i + t) % 4;
            }
            var g = TestData.Uniform(seed + 1000 + t, n * outputs);
            booster.FitTree(x, g, n);
        }
        booster.SetBias([.. Enumerable.Range(0, outputs).Select(k => 0.5f * k)]);
        return booster;
    }

    /// <summary>The oracle: walk every tree from its stored tests, in double.</summary>
    private static double[] ManualWalk(GbrlBooster booster, float[] x, int n)
    {
        var k = booster.OutputCount;
        var f = booster.FeatureCount;
        var result = new double[n * k];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < k; j++)
                result[i * k + j] = booster.Bias[j];
        }
        for (var t = 0; t < booster.TreeCount; t++)
        {
            if (booster.ObliviousTrees is { } oblivious)
            {
                var tree = new ObliviousTreeDraft(booster.Options.MaxDepth, k);
                oblivious.GetTree(t, tree);
                for (var i = 0; i < n; i++)
                {
                    var leaf = 0;
                    for (var d = 0; d < tree.Depth; d++)
                    {
                        var level = tree.Levels[d];
                        var v = x[i * f + level.Feature];
                        var right = level.IsCategorical ? v == level.Hi : v > level.Lo;
                        leaf += right ? 1 << d : 0;
                    }
                    for (var j = 0; j < k; j++)
                        result[i * k + j] -= tree.Leaves[j * tree.LeafCount + leaf];
                }
            }
            else
            {
                var tree = new GreedyTreeDraft();
                booster.GreedyTrees!.GetTree(t, tree);
                for (var i = 0; i < n; i++)
                {
                    var node = tree.NodeCount > 0 ? 0 : ~0;
                    while (node >= 0)
                    {
                        var test = tree.Tests[node];
                        var v = x[i * f + test.Feature];
                        var right = test.IsCategorical ? v == test.Hi : v > test.Lo;
                        node = right ? tree.Right[node] : tree.Left[node];
                    }
                    for (var j = 0; j < k; j++)
                        result[i * k + j] -= tree.Leaves[~node * k + j];
                }
            }
        }
        return result;
    }

    private static float[] Inputs(int n, int features, int seed, bool categorical)
    {
        var x = TestData.Uniform(seed, n * features, -2.5f, 2.5f);
        x[Math.Min(3, x.Length - 1)] = float.NaN;
        if (categorical)
        {
            for (var i = 0; i < n; i++)
                x[i * features] = i % 6 == 5 ? float.NaN : i % 6; // 4 and 5 are unseen categories
        }
        return x;
    }

    [Theory]
    [InlineData(TreeShape.Oblivious, 4, 4, 3, false)]
    [InlineData(TreeShape.Oblivious, 4, 5, 3, true)]
    [InlineData(TreeShape.Oblivious, 3, 12, 2, false)]
    [InlineData(TreeShape.Oblivious, 2, 3, 1, true)]
    [InlineData(TreeShape.Oblivious, 6, 4, 3, true)] // scalar kernel
    [InlineData(TreeShape.Greedy, 4, 4, 3, true)]
    [InlineData(TreeShape.Greedy, 7, 3, 2, false)]
    public void Prediction_equals_a_manual_tree_walk(TreeShape shape, int depth, int features, int outputs, bool categorical)
    {
        using var booster = Grow(shape, depth, features, outputs, 40, categorical, depth * 10 + features);
        const int n = 67;
        var x = Inputs(n, features, 5, categorical);
        var predicted = new float[n * outputs];
        booster.Predict(x, n, predicted);
        var expected = ManualWalk(booster, x, n);
        for (var i = 0; i < predicted.Length; i++)
            Assert.Equal(expected[i], predicted[i], 1e-4);
        // One sample at a time (the single-sample kernel) gives the same floats.
        var one = new float[outputs];
        for (var i = 0; i < n; i++)
        {
            booster.Predict(x.AsSpan(i * features, features), 1, one);
            Assert.Equal(predicted.AsSpan(i * outputs, outputs).ToArray(), one);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Simd_kernels_equal_the_scalar_kernel_bit_for_bit(bool categorical)
    {
        using var booster = Grow(TreeShape.Oblivious, 4, 6, 3, 60, categorical, 77);
        const int n = 301;
        var x = Inputs(n, 6, 8, categorical);
        var fast = new float[n * 3];
        var scalar = new float[n * 3];
        booster.ObliviousTrees!.Accumulate(x, n, 6, 0, booster.TreeCount, fast);
        booster.ObliviousTrees!.AccumulateScalar(x, n, 6, 0, booster.TreeCount, scalar);
        Assert.Equal(scalar, fast);
    }

    [Theory]
    [InlineData(4, 1, 4, false)]
    [InlineData(4, 2, 3, true)]
    [InlineData(4, 3, 6, true)]
    [InlineData(4, 4, 8, false)]
    [InlineData(4, 5, 5, true)] // more than 4 outputs: sums in a stack buffer
    [InlineData(4, 7, 3, false)]
    [InlineData(4, 9, 4, true)] // two 8-wide steps per leaf row
    [InlineData(4, 8, 51, true)] // 5-8 outputs: sums in 256-bit registers (MiniGrid: 7 actions + value, 51 features)
    [InlineData(4, 6, 1100, false)] // more than 1,024 features: one block per group
    [InlineData(3, 3, 4, true)] // 8 leaves per tree, padding level
    [InlineData(2, 2, 9, false)] // more than 8 features: a single sample takes the block kernel
    [InlineData(5, 3, 4, false)] // MaxDepth 5-8: 8 levels per tree, one tree per register
    [InlineData(6, 2, 7, true)]
    [InlineData(6, 5, 12, true)]
    [InlineData(8, 3, 8, false)]
    [InlineData(8, 9, 5, true)]
    public void Simd_kernels_equal_the_scalar_kernel_for_every_output_count_and_batch_size(int depth, int outputs, int features, bool categorical)
    {
        using var booster = Grow(TreeShape.Oblivious, depth, features, outputs, 45, categorical, depth * 100 + outputs * 10 + features);
        var trees = booster.ObliviousTrees!;
        foreach (var n in new[] { 1, 2, 7, 8, 9, 16, 17, 67, 300 })
        {
            var x = Inputs(n, features, n, categorical);
            var scalar = new float[n * outputs];
            trees.AccumulateScalar(x, n, features, 0, booster.TreeCount, scalar);
            var fast = new float[n * outputs];
            trees.Accumulate(x, n, features, 0, booster.TreeCount, fast);
            Assert.Equal(scalar, fast);
            // A tree range that starts and ends inside the ensemble.
            var partScalar = new float[n * outputs];
            var partFast = new float[n * outputs];
            trees.AccumulateScalar(x, n, features, 3, 40, partScalar);
            trees.Accumulate(x, n, features, 3, 40, partFast);
            Assert.Equal(partScalar, partFast);
        }
    }

    [Theory]
    [InlineData(4, 2, false)]
    [InlineData(4, 3, true)]
    [InlineData(7, 3, true)]
    public void One_and_two_threads_give_the_scalar_result(int depth, int outputs, bool categorical)
    {
        // 2,051 samples x 520 trees is above the parallel threshold; 2,051 is not a multiple of 8.
        using var booster = Grow(TreeShape.Oblivious, depth, 5, outputs, 520, categorical, 11 + outputs);
        const int n = 2051;
        var x = Inputs(n, 5, 12, categorical);
        var scalar = new float[n * outputs];
        booster.ObliviousTrees!.AccumulateScalar(x, n, 5, 0, booster.TreeCount, scalar);
        foreach (var threads in new[] { 1, 2 })
        {
            var fast = new float[n * outputs];
            if (categorical)
                booster.ObliviousTrees.AccumulateAvx2<MixedLevelTest>(x, n, 5, 0, booster.TreeCount, fast, threads);
            else
                booster.ObliviousTrees.AccumulateAvx2<NumericalLevelTest>(x, n, 5, 0, booster.TreeCount, fast, threads);
            Assert.Equal(scalar, fast);
        }
    }

    [Fact]
    public void Ensembles_over_one_chunk_predict_across_the_chunk_boundary()
    {
        // 4,096 trees per chunk: 4,100 trees span two chunks; ranges start in the first and end in the second.
        using var booster = Grow(TreeShape.Oblivious, 2, 3, 2, 4100, false, 21);
        const int n = 19;
        var x = Inputs(n, 3, 22, false);
        var scalar = new float[n * 2];
        var fast = new float[n * 2];
        booster.ObliviousTrees!.AccumulateScalar(x, n, 3, 4090, 4100, scalar);
        booster.ObliviousTrees.Accumulate(x, n, 3, 4090, 4100, fast);
        Assert.Equal(scalar, fast);
        var one = new float[2];
        var oneScalar = new float[2];
        booster.ObliviousTrees.Accumulate(x.AsSpan(0, 3), 1, 3, 0, 4100, one);
        booster.ObliviousTrees.AccumulateScalar(x.AsSpan(0, 3), 1, 3, 0, 4100, oneScalar);
        Assert.Equal(oneScalar, one);
    }

    [Fact]
    public void Large_batches_split_over_cores_give_the_same_result()
    {
        using var booster = Grow(TreeShape.Oblivious, 4, 4, 3, 520, false, 3);
        const int n = 2048; // 2048 x 520 trees is above the parallel threshold
        var x = Inputs(n, 4, 9, false);
        var fast = new float[n * 3];
        var scalar = new float[n * 3];
        booster.ObliviousTrees!.Accumulate(x, n, 4, 0, booster.TreeCount, fast);
        booster.ObliviousTrees!.AccumulateScalar(x, n, 4, 0, booster.TreeCount, scalar);
        Assert.Equal(scalar, fast);
    }

    [Fact]
    public void Accumulating_new_trees_keeps_batch_predictions_current()
    {
        var options = TestData.Options(3);
        using var booster = new GbrlBooster(options, FeatureSchema.Numerical(4));
        booster.SetBias([1f, 2f, 3f]);
        const int n = 128;
        var x = TestData.Uniform(1, n * 4);
        var running = new float[n * 3];
        booster.Predict(x, n, running);
        for (var t = 0; t < 30; t++)
        {
            booster.FitTree(x, TestData.Uniform(100 + t, n * 3), n);
            booster.AccumulateTrees(x, n, booster.TreeCount - 1, booster.TreeCount, running);
        }
        var full = new float[n * 3];
        booster.Predict(x, n, full);
        for (var i = 0; i < full.Length; i++)
            Assert.Equal(full[i], running[i], 1e-5f);
    }

    [Fact]
    public void Unseen_category_and_NaN_take_the_not_equal_branch()
    {
        var options = TestData.Options(1, depth: 1, lr: 1);
        using var booster = new GbrlBooster(options, new FeatureSchema([3]));
        float[] x = [0, 1, 2, 0, 1, 2];
        float[] g = [0, 0, 6, 0, 0, 6]; // category 2 differs: split "x == 2"
        booster.FitTree(x, g, 6);
        var outputs = new float[4];
        booster.Predict([2f, 0f, 7f, float.NaN], 4, outputs);
        Assert.Equal(-6f, outputs[0]);
        Assert.Equal([0f, 0f, 0f], outputs[1..]);
    }
}
