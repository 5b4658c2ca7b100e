using RLFramework.Boosting;

namespace RLFramework.Cuda.Tests;

/// <summary>
/// The whole GPU booster against the CPU <see cref="GbrlBooster"/> on the same batches: the same trees (splits,
/// thresholds and leaf values; leaf sums are in the CPU's order, so leaf values are bit-identical and the tree dumps
/// equal as text), scores within 1e-9 relative, and bit-identical predictions (batch, tree ranges and the
/// incremental device batch), for oblivious and greedy trees, cosine and L2, numerical and categorical features.
/// </summary>
[Collection(DeviceCollection.Name)]
public class BoosterTests(TestDevice fixture)
{
    public static TheoryData<TreeShape, SplitScore, bool> Cases()
    {
        var data = new TheoryData<TreeShape, SplitScore, bool>();
        foreach (var shape in new[] { TreeShape.Oblivious, TreeShape.Greedy })
        {
            foreach (var score in new[] { SplitScore.Cosine, SplitScore.L2 })
            {
                data.Add(shape, score, false);
                data.Add(shape, score, true);
            }
        }
        return data;
    }

    private static GbrlOptions Options(TreeShape shape, SplitScore score, int depth = 3, int minSamples = 2) => new()
    {
        Shape = shape,
        Score = score,
        MaxDepth = depth,
        MaxBins = 16,
        MinSamplesPerLeaf = minSamples,
        Slices =
        [
            new OutputSlice("policy", 0, 2, LearningRateSchedule.Linear(0.5, 0.1, 4), MaxGradNorm: 3),
            new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.2)),
        ],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Same_trees_and_predictions_as_the_cpu_booster(TreeShape shape, SplitScore score, bool categorical)
    {
        int[] cards = categorical ? [0, 0, 4, 0] : [0, 0, 0, 0];
        var schema = new FeatureSchema(cards);
        var options = Options(shape, score);
        using var cpu = new GbrlBooster(options, schema);
        using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
        cpu.SetBias([0.1f, -0.2f, 0.3f]);
        gpu.SetBias([0.1f, -0.2f, 0.3f]);
        var (probe, _) = Synthetic.Batch(64, cards, 3, seed: 99);
        using var incremental = gpu.CreatePredictionBatch(probe, 64);
        for (var t = 0; t < 3; t++)
        {
            var n = 150 + 40 * t;
            var (x, g) = Synthetic.Batch(n, cards, 3, seed: 100 + t);
            var expected = cpu.FitTree(x, g, n);
            var actual = gpu.FitTree(x, g, n);
            Assert.Equal(expected.TreeIndex, actual.TreeIndex);
            Assert.Equal(expected.LeafCount, actual.LeafCount);
            Assert.Equal(expected.Score, actual.Score, 1e-9 * Math.Abs(expected.Score));
            Assert.Equal(cpu.DumpTree(t), gpu.DumpTree(t));
        }
        Assert.True(cpu.DumpTree(0).Contains(" == ", StringComparison.Ordinal) || !categorical || shape == TreeShape.Oblivious,
            "the categorical case should exercise an equality split");

        var expectedOut = new float[64 * 3];
        var actualOut = new float[64 * 3];
        cpu.Predict(probe, 64, expectedOut);
        gpu.Predict(probe, 64, actualOut);
        Assert.Equal(expectedOut, actualOut);
        incremental.Update();
        incremental.CopyOutputs(actualOut);
        Assert.Equal(expectedOut, actualOut);

        var cpuImportance = cpu.GetFeatureImportance();
        var gpuImportance = gpu.GetFeatureImportance();
        Assert.Equal(cpuImportance.SplitCounts, gpuImportance.SplitCounts);
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Tree_ranges_and_incremental_batches_match_the_cpu(TreeShape shape)
    {
        var schema = FeatureSchema.Numerical(3);
        var options = Options(shape, SplitScore.Cosine, depth: 2);
        using var cpu = new GbrlBooster(options, schema);
        using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
        var (probe, _) = Synthetic.Batch(33, [0, 0, 0], 3, seed: 5);
        using var incremental = gpu.CreatePredictionBatch(probe, 33);
        var expected = new float[33 * 3];
        var actual = new float[33 * 3];
        for (var t = 0; t < 5; t++)
        {
            var (x, g) = Synthetic.Batch(80, [0, 0, 0], 3, seed: 200 + t);
            cpu.FitTree(x, g, 80);
            gpu.FitTree(x, g, 80);
            // The CPU's incremental contract: add the new tree to kept outputs.
            cpu.AccumulateTrees(probe, 33, t, t + 1, expected);
            incremental.Update();
            incremental.CopyOutputs(actual);
            Assert.Equal(expected, actual);
            Assert.Equal(t + 1, incremental.TreeCount);
        }
        var cpuRange = new float[33 * 3];
        var gpuRange = new float[33 * 3];
        cpu.AccumulateTrees(probe, 33, 1, 4, cpuRange);
        gpu.AccumulateTrees(probe, 33, 1, 4, gpuRange);
        Assert.Equal(cpuRange, gpuRange);
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Ensemble_growing_past_the_first_device_allocation_predicts_like_the_cpu(TreeShape shape)
    {
        // 70 trees: more than the 64 the device arrays first hold, so they grow (device-to-device copy).
        var schema = FeatureSchema.Numerical(2);
        var options = Options(shape, SplitScore.L2, depth: 1, minSamples: 1);
        using var cpu = new GbrlBooster(options, schema);
        using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
        var (probe, _) = Synthetic.Batch(16, [0, 0], 3, seed: 9);
        using var incremental = gpu.CreatePredictionBatch(probe, 16);
        for (var t = 0; t < 70; t++)
        {
            var (x, g) = Synthetic.Batch(12, [0, 0], 3, seed: 700 + t);
            cpu.FitTree(x, g, 12);
            gpu.FitTree(x, g, 12);
        }
        var expected = new float[48];
        var actual = new float[48];
        cpu.Predict(probe, 16, expected);
        gpu.Predict(probe, 16, actual);
        Assert.Equal(expected, actual);
        incremental.Update();
        incremental.CopyOutputs(actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Saved_model_loads_on_the_cpu_with_the_same_predictions()
    {
        var schema = new FeatureSchema([0, 3, 0]);
        var options = Options(TreeShape.Greedy, SplitScore.L2);
        using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
        for (var t = 0; t < 2; t++)
        {
            var (x, g) = Synthetic.Batch(120, [0, 3, 0], 3, seed: 300 + t);
            gpu.FitTree(x, g, 120);
        }
        using var stream = new MemoryStream();
        gpu.Save(stream);
        stream.Position = 0;
        using var loaded = GbrlBooster.Load(stream);
        var (probe, _) = Synthetic.Batch(20, [0, 3, 0], 3, seed: 7);
        var expected = new float[60];
        var actual = new float[60];
        loaded.Predict(probe, 20, expected);
        gpu.Predict(probe, 20, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(gpu.GetFeatureImportance().SplitCounts, loaded.GetFeatureImportance().SplitCounts);
    }

    [Theory]
    [InlineData(TreeShape.Oblivious)]
    [InlineData(TreeShape.Greedy)]
    public void Cpu_model_loaded_on_the_device_predicts_and_keeps_fitting_like_the_cpu(TreeShape shape)
    {
        // Six outputs: two blocks of the prediction kernel (4 + 2 outputs per thread).
        var options = new GbrlOptions
        {
            Shape = shape,
            MaxDepth = 3,
            MaxBins = 16,
            Slices = [new OutputSlice("policy", 0, 5, LearningRateSchedule.Constant(0.3)), new OutputSlice("value", 5, 1, LearningRateSchedule.Constant(0.1))],
        };
        var schema = new FeatureSchema([0, 0, 3]);
        using var cpu = new GbrlBooster(options, schema);
        cpu.SetBias([1f, 2f, 3f, 4f, 5f, 6f]);
        for (var t = 0; t < 3; t++)
        {
            var (x, g) = Synthetic.Batch(90, [0, 0, 3], 6, seed: 400 + t);
            cpu.FitTree(x, g, 90);
        }
        using var stream = new MemoryStream();
        cpu.Save(stream);
        stream.Position = 0;
        using var gpu = GpuGbrlBooster.Load(stream, fixture.Device);
        Assert.Equal(3, gpu.TreeCount);
        var (more, grads) = Synthetic.Batch(90, [0, 0, 3], 6, seed: 500);
        cpu.FitTree(more, grads, 90);
        gpu.FitTree(more, grads, 90);
        Assert.Equal(cpu.DumpTree(3), gpu.DumpTree(3));
        var (probe, _) = Synthetic.Batch(21, [0, 0, 3], 6, seed: 8);
        var expected = new float[21 * 6];
        var actual = new float[21 * 6];
        cpu.Predict(probe, 21, expected);
        gpu.Predict(probe, 21, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Feature_weights_stop_greedy_nodes_like_the_cpu()
    {
        // With weights below 1 a split can score below its parent, so some greedy nodes stay leaves.
        var schema = FeatureSchema.Numerical(4);
        var options = Options(TreeShape.Greedy, SplitScore.Cosine, depth: 4) with { FeatureWeights = [0.9f, 0.97f, 0.6f, 0.8f] };
        using var cpu = new GbrlBooster(options, schema);
        using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
        var pruned = false;
        for (var t = 0; t < 4; t++)
        {
            var (x, g) = Synthetic.Batch(160, [0, 0, 0, 0], 3, seed: 600 + t);
            var leaves = cpu.FitTree(x, g, 160).LeafCount;
            Assert.Equal(leaves, gpu.FitTree(x, g, 160).LeafCount);
            Assert.Equal(cpu.DumpTree(t), gpu.DumpTree(t));
            pruned |= leaves < 16;
        }
        Assert.True(pruned, "some node should have stopped on a negative gain");
        Assert.Equal(cpu.GetFeatureImportance().SplitCounts, gpu.GetFeatureImportance().SplitCounts);
    }

    [Fact]
    public void Min_samples_and_depth_limits_match_the_cpu()
    {
        var schema = FeatureSchema.Numerical(4);
        foreach (var shape in new[] { TreeShape.Oblivious, TreeShape.Greedy })
        {
            var options = Options(shape, SplitScore.Cosine, depth: 5, minSamples: 25);
            using var cpu = new GbrlBooster(options, schema);
            using var gpu = new GpuGbrlBooster(options, schema, fixture.Device);
            var (x, g) = Synthetic.Batch(130, [0, 0, 0, 0], 3, seed: 17);
            Assert.Equal(cpu.FitTree(x, g, 130).LeafCount, gpu.FitTree(x, g, 130).LeafCount);
            Assert.Equal(cpu.DumpTree(0), gpu.DumpTree(0));
            // MaxDepth 5: the CPU's SIMD kernels store 8 levels per oblivious tree; the device kernels give the same floats.
            var expected = new float[130 * 3];
            var actual = new float[130 * 3];
            cpu.Predict(x, 130, expected);
            gpu.Predict(x, 130, actual);
            Assert.Equal(expected, actual);
            cpu.Predict(x.AsSpan(0, 4), 1, expected.AsSpan(0, 3));
            gpu.Predict(x.AsSpan(0, 4), 1, actual.AsSpan(0, 3));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        var schema = FeatureSchema.Numerical(2);
        using var gpu = new GpuGbrlBooster(Options(TreeShape.Oblivious, SplitScore.Cosine), schema, fixture.Device);
        var e = Assert.Throws<ArgumentException>(() => gpu.FitTree(new float[3], new float[3], 1));
        Assert.Contains("features", e.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentException>(() => gpu.FitTree([0f, 1f], [float.NaN, 0f, 0f], 1));
        Assert.Contains("finite", bad.Message, StringComparison.Ordinal);
        var deep = Assert.Throws<ArgumentException>(() => new GpuGbrlBooster(Options(TreeShape.Greedy, SplitScore.Cosine, depth: 13), schema, fixture.Device));
        Assert.Contains("MaxDepth", deep.Message, StringComparison.Ordinal);
    }
}
