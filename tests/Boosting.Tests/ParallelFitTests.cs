using RLFramework.Boosting.Threading;

namespace RLFramework.Boosting.Tests;

/// <summary>Fits on several threads are the sequential fits bit for bit; errors raised on a helper reach the caller.</summary>
public class ParallelFitTests
{
    public static TheoryData<TreeShape, SplitScore, int> Settings() => new()
    {
        { TreeShape.Oblivious, SplitScore.Cosine, 0 },
        { TreeShape.Oblivious, SplitScore.L2, 0 },
        { TreeShape.Oblivious, SplitScore.Cosine, 20 },
        { TreeShape.Greedy, SplitScore.Cosine, 0 },
        { TreeShape.Greedy, SplitScore.L2, 5 },
    };

    /// <summary>
    /// Oracle: the same booster on one thread. Numerical (with NaN) and categorical features, feature weights,
    /// batch sizes above and below the parallel threshold; the saved models must be byte-identical.
    /// </summary>
    [Theory]
    [MemberData(nameof(Settings))]
    public void Trees_on_several_threads_equal_the_single_thread_trees(TreeShape shape, SplitScore score, int minSamples)
    {
        var schema = new FeatureSchema([0, 0, 5, 0, 0, 3, 0, 0, 0]);
        byte[] Run(int threads)
        {
            var options = TestData.Options(3, shape, score, 5) with
            {
                Threads = threads,
                MinSamplesPerLeaf = minSamples,
                FeatureWeights = [1f, 0.5f, 1f, 2f, 1f, 1f, 0.8f, 1f, 1f],
            };
            using var booster = new GbrlBooster(options, schema);
            var rng = new Random(7);
            for (var t = 0; t < 12; t++)
            {
                var n = t % 3 == 0 ? 100 : 1500; // 100 x 9 features is below the parallel threshold
                var x = new float[n * 9];
                for (var i = 0; i < x.Length; i++)
                {
                    var f = i % 9;
                    x[i] = schema.Cardinalities[f] > 0 ? rng.Next(schema.Cardinalities[f]) : rng.Next(40) == 0 ? float.NaN : (float)rng.NextDouble();
                }
                booster.FitTree(x, TestData.Uniform(100 + t, n * 3), n);
            }
            using var stream = new MemoryStream();
            booster.Save(stream);
            return stream.ToArray();
        }
        var sequential = Run(1);
        Assert.Equal(sequential, Run(2));
        Assert.Equal(sequential, Run(3));
    }

    /// <summary>Oracle: the same ensemble predicting on one thread (batches above the split threshold, odd sizes included).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predictions_split_over_threads_equal_one_thread(bool categorical)
    {
        var schema = categorical ? new FeatureSchema([0, 4, 0]) : FeatureSchema.Numerical(3);
        float[] Run(int threads, float[] x, int n)
        {
            using var booster = new GbrlBooster(TestData.Options(3) with { Threads = threads }, schema);
            var rng = new Random(11);
            for (var t = 0; t < 150; t++)
            {
                var xt = new float[64 * 3];
                for (var i = 0; i < xt.Length; i++)
                    xt[i] = i % 3 == 1 && categorical ? rng.Next(4) : (float)rng.NextDouble();
                booster.FitTree(xt, TestData.Uniform(t, 64 * 3), 64);
            }
            var outputs = new float[n * 3];
            booster.Predict(x, n, outputs);
            return outputs;
        }
        foreach (var n in new[] { 109, 250, 1001 })
        {
            var random = new Random(n);
            var x = new float[n * 3];
            for (var i = 0; i < x.Length; i++)
                x[i] = i % 3 == 1 && categorical ? random.Next(4) : (float)random.NextDouble();
            Assert.Equal(Run(1, x, n), Run(2, x, n));
            Assert.Equal(Run(1, x, n), Run(3, x, n));
        }
    }

    [Fact]
    public void A_bad_feature_found_on_a_helper_thread_is_reported_on_the_caller_lowest_feature_first()
    {
        using var booster = new GbrlBooster(TestData.Options(2) with { Threads = 2 }, FeatureSchema.Numerical(8));
        const int n = 1000;
        var x = TestData.Uniform(3, n * 8);
        x[500 * 8 + 6] = float.PositiveInfinity;
        x[700 * 8 + 3] = float.NegativeInfinity;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var e = Assert.Throws<ArgumentException>(() => booster.FitTree(x, TestData.Uniform(4, n * 2), n));
            Assert.Contains("feature 3", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(0, booster.TreeCount);
    }

    [Fact]
    public void Every_item_runs_once_whatever_the_worker()
    {
        using var runner = new ItemRunner(4);
        var work = new CountingWork(1000);
        for (var r = 0; r < 50; r++)
        {
            Array.Clear(work.Counts);
            runner.Run(work, 1000);
            Assert.All(work.Counts, c => Assert.Equal(1, c));
        }
    }

    private sealed class CountingWork(int count) : IItemWork
    {
        public readonly int[] Counts = new int[count];

        public void Run(int item, int worker)
        {
            Assert.InRange(worker, 0, 3);
            Interlocked.Increment(ref Counts[item]);
        }
    }

    [Fact]
    public void Threads_zero_means_one_per_core_up_to_four_and_other_values_are_kept()
    {
        using var automatic = new GbrlBooster(TestData.Options(2), FeatureSchema.Numerical(3));
        Assert.Equal(Math.Min(Environment.ProcessorCount, 4), automatic.FitThreads);
        using var three = new GbrlBooster(TestData.Options(2) with { Threads = 3 }, FeatureSchema.Numerical(3));
        Assert.Equal(3, three.FitThreads);
    }

    /// <summary>Model files do not hold the thread count (a runtime setting): the loader's argument sets it.</summary>
    [Fact]
    public void A_loaded_booster_fits_on_the_threads_given_to_the_loader()
    {
        using var saved = new GbrlBooster(TestData.Options(2) with { Threads = 3 }, FeatureSchema.Numerical(3));
        var bytes = new MemoryStream();
        saved.Save(bytes);
        using var one = GbrlBooster.Load(new MemoryStream(bytes.ToArray()), threads: 1);
        Assert.Equal(1, one.FitThreads);
        using var automatic = GbrlBooster.Load(new MemoryStream(bytes.ToArray()));
        Assert.Equal(Math.Min(Environment.ProcessorCount, 4), automatic.FitThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => GbrlBooster.Load(new MemoryStream(bytes.ToArray()), threads: -1));
    }

    [Fact]
    public void Threads_below_zero_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new GbrlBooster(TestData.Options(2) with { Threads = -1 }, FeatureSchema.Numerical(3)));
        Assert.Equal("Threads", e.ParamName);
    }
}
