using System.Diagnostics;
using RLFramework.Boosting;

namespace RLFramework.Cli.Bench;

/// <summary>One measured workload.</summary>
/// <param name="Backend">Booster backend.</param>
/// <param name="Name">Workload name.</param>
/// <param name="Settings">What was run.</param>
/// <param name="Median">Median over the repetitions.</param>
/// <param name="Unit">Unit of <paramref name="Median"/>.</param>
/// <param name="Reference">The reference (GBRL 1.1.6 CPU, 2 cores) figure in the same unit, when one exists.</param>
/// <param name="Target">The goal in the same unit, when one exists.</param>
/// <param name="CpuMean">Mean CPU time of this process per repetition (all threads), same unit; NaN where not measured.</param>
internal sealed record BenchResult(string Backend, string Name, string Settings, double Median, string Unit, double? Reference, double? Target, double CpuMean = double.NaN)
{
    /// <summary>Reference / ours (a speed-up factor; for bytes, the ratio to the target).</summary>
    public double? Ratio => Reference is { } r && Median > 0 ? r / Median : null;

    /// <summary>Whether the goal is met (lower is better for every workload).</summary>
    public bool? MeetsTarget => Target is { } t ? Median <= t : null;
}

/// <summary>
/// The boosting workloads of issue 3, end to end through <see cref="IGradientBooster"/>. Timings are medians of
/// Stopwatch repetitions (wall clock) after a warm-up of at least 1.5 s per workload; data come from fixed seeds. Gradients follow a smooth function of
/// the features (so that trees grow to full depth), like the gradients of a policy loss would.
/// </summary>
internal static class BoostingWorkloads
{
    private const int Outputs = 3;

    /// <summary>Every workload for one backend; <paramref name="quick"/> uses fewer repetitions.</summary>
    public static IEnumerable<BenchResult> Run(BoosterFactory factory, bool quick)
    {
        var reps = quick ? 7 : 31;
        yield return Fit(factory, "fit_2048x4_d4_oblivious_cosine", 4, TreeShape.Oblivious, SplitScore.Cosine, 35, reps);
        yield return Fit(factory, "fit_2048x4_d4_oblivious_l2", 4, TreeShape.Oblivious, SplitScore.L2, 16, reps);
        yield return Fit(factory, "fit_2048x4_d4_greedy_cosine", 4, TreeShape.Greedy, SplitScore.Cosine, null, reps);
        yield return Fit(factory, "fit_2048x16_d4_oblivious_cosine", 16, TreeShape.Oblivious, SplitScore.Cosine, 135, reps);
        yield return Fit(factory, "fit_2048x16_d4_oblivious_l2", 16, TreeShape.Oblivious, SplitScore.L2, 63, reps);
        foreach (var r in Predict(factory, reps))
            yield return r;
        var bytesPerTree = double.NaN;
        foreach (var trees in new[] { 1_000, 10_000, 100_000 })
        {
            if (trees > factory.MaxEnsembleTrees)
                continue;
            var (result, bytes) = UpdateCost(factory, trees, reps);
            bytesPerTree = bytes;
            yield return result;
        }
        yield return Incremental(factory, quick ? 1 : 3);
        if (!double.IsNaN(bytesPerTree))
            yield return new BenchResult(factory.Name, "bytes_per_tree", "depth-4 oblivious, 3 outputs, in memory, largest ensemble above", bytesPerTree, "bytes", null, 300);
    }

    /// <summary>The fit's thread count for the settings text, for the boosters that have one.</summary>
    private static string FitThreads(IGradientBooster booster) =>
        booster is GbrlBooster gbrl ? $"; fit on {gbrl.FitThreads} thread(s)" : "";

    internal static GbrlOptions Options(TreeShape shape, SplitScore score) => new()
    {
        MaxDepth = 4,
        Shape = shape,
        Score = score,
        Slices =
        [
            new OutputSlice("policy", 0, 2, LearningRateSchedule.Constant(0.03), 100),
            new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.01), 10),
        ],
    };

    /// <summary>A batch of features in [-1, 1] and gradients -y(x) of a smooth 3-output target.</summary>
    internal static (float[] Features, float[] Gradients) Batch(int seed, int samples, int features)
    {
        var rng = new Random(seed);
        var x = new float[samples * features];
        for (var i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        var g = new float[samples * Outputs];
        for (var i = 0; i < samples; i++)
        {
            var row = x.AsSpan(i * features, features);
            g[i * Outputs] = MathF.Sin(3 * row[0]) + 0.5f * row[1 % features] + 0.1f * (float)rng.NextDouble();
            g[i * Outputs + 1] = MathF.Cos(2 * row[2 % features]) * row[3 % features] + 0.1f * (float)rng.NextDouble();
            g[i * Outputs + 2] = row[0] * row[features - 1] + 0.1f * (float)rng.NextDouble();
        }
        return (x, g);
    }

    /// <summary>
    /// Wall-clock samples of the repetitions of one workload (Stopwatch), and their mean CPU time: the process's
    /// CPU clock is read once before the first repetition and once when <see cref="Cpu"/> is read after the last.
    /// Reading that clock (CLOCK_PROCESS_CPUTIME_ID sums every thread) around each repetition kept the fit's helper
    /// thread from joining: it made the two-thread fit run on one thread.
    /// </summary>
    private sealed class Samples
    {
        private readonly List<double> _wall = [];
        private long _start;
        private double _cpuStart = double.NaN;
        private double _scale = 1;

        public void Start()
        {
            if (double.IsNaN(_cpuStart))
                _cpuStart = CpuClock.NowMs();
            _start = Stopwatch.GetTimestamp();
        }

        /// <summary>Ends a repetition; <paramref name="scale"/> converts milliseconds to the reported unit.</summary>
        public void Stop(double scale = 1)
        {
            _wall.Add(Ms(Stopwatch.GetTimestamp() - _start) * scale);
            _scale = scale;
        }

        public double Wall => Median(_wall);

        /// <summary>Mean CPU time per repetition since the first <see cref="Start"/> (read once, at the end).</summary>
        public double Cpu => (CpuClock.NowMs() - _cpuStart) * _scale / _wall.Count;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// Runs <paramref name="action"/> for at least 1.5 s (and 50 calls) so that the JIT has promoted the hot
    /// methods to optimized code before anything is timed.
    /// </summary>
    private static void WarmUp(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        for (var calls = 0; calls < 50 || (Ms(Stopwatch.GetTimestamp() - start) < 1500 && calls < 5000); calls++)
            action();
    }

    private static BenchResult Fit(BoosterFactory factory, string name, int features, TreeShape shape, SplitScore score, double? reference, int reps)
    {
        using var booster = factory.Create(Options(shape, score), FeatureSchema.Numerical(features));
        var (x, g) = Batch(1, 2048, features);
        var times = new Samples();
        var leaves = 0;
        WarmUp(() => booster.FitTree(x, g, 2048));
        for (var r = 0; r < reps; r++)
        {
            times.Start();
            leaves = booster.FitTree(x, g, 2048).LeafCount;
            times.Stop();
        }
        return new BenchResult(factory.Name, name, $"2048 samples x {features} features x 3 outputs, depth 4, {shape}, {score}; {leaves} leaves{FitThreads(booster)}",
            times.Wall, "ms", reference, reference / 50, times.Cpu);
    }

    private static IEnumerable<BenchResult> Predict(BoosterFactory factory, int reps)
    {
        using var booster = factory.Create(Options(TreeShape.Oblivious, SplitScore.Cosine), FeatureSchema.Numerical(4));
        for (var t = 0; t < 1000; t++)
        {
            var (xt, gt) = Batch(100 + t, 256, 4);
            booster.FitTree(xt, gt, 256);
        }
        var (x, _) = Batch(7, 2048, 4);
        var outputs = new float[2048 * Outputs];
        var times = new Samples();
        WarmUp(() => booster.Predict(x, 2048, outputs));
        for (var r = 0; r < reps; r++)
        {
            times.Start();
            booster.Predict(x, 2048, outputs);
            times.Stop();
        }
        yield return new BenchResult(factory.Name, "predict_batch2048_1000trees_oblivious", "2048 samples x 4 features, 1,000 depth-4 oblivious trees, 3 outputs",
            times.Wall, "ms", 14, 1.4, times.Cpu);

        const int calls = 200;
        var one = new float[Outputs];
        var single = new Samples();
        WarmUp(() => booster.Predict(x.AsSpan(0, 4), 1, one));
        for (var r = 0; r < reps; r++)
        {
            single.Start();
            for (var c = 0; c < calls; c++)
                booster.Predict(x.AsSpan((c % 2048) * 4, 4), 1, one);
            single.Stop(1000.0 / calls);
        }
        yield return new BenchResult(factory.Name, "predict_single_1000trees_oblivious", $"1 sample x 4 features, 1,000 depth-4 oblivious trees, 3 outputs (mean of {calls} calls per repetition)",
            single.Wall, "us", 14, 2, single.Cpu);
    }

    /// <summary>
    /// The RL-loop update on a fixed batch of 2048 x 4: gradient of a squared loss from the maintained predictions,
    /// one tree fitted, its contribution accumulated (AccumulateTrees on the new tree only). The ensemble is first
    /// grown to <paramref name="trees"/> trees on small batches.
    /// </summary>
    private static (BenchResult Result, double BytesPerTree) UpdateCost(BoosterFactory factory, int trees, int reps)
    {
        using var booster = factory.Create(Options(TreeShape.Oblivious, SplitScore.Cosine), FeatureSchema.Numerical(4));
        var (small, smallGrad) = Batch(3, 64, 4);
        for (var t = 0; t < trees; t++)
            booster.FitTree(small, smallGrad, 64);
        var (x, target) = Batch(4, 2048, 4);
        var predictions = new float[2048 * Outputs];
        booster.Predict(x, 2048, predictions);
        var gradients = new float[predictions.Length];
        var times = new Samples();
        for (var r = -10; r < reps; r++)
        {
            times.Start();
            for (var i = 0; i < gradients.Length; i++)
                gradients[i] = predictions[i] + target[i]; // target = -y, so F - y = F + target
            var fit = booster.FitTree(x, gradients, 2048);
            booster.AccumulateTrees(x, 2048, fit.TreeIndex, fit.TreeIndex + 1, predictions);
            times.Stop();
        }
        var bytes = booster is GbrlBooster gbrl ? gbrl.TreeBytes / (double)gbrl.TreeCount : SavedBytesPerTree(booster);
        return (new BenchResult(factory.Name, $"update_cost_at_{trees}_trees", $"fixed batch 2048 x 4 x 3, ensemble of {trees:N0} depth-4 oblivious trees: gradient + fit + accumulate{FitThreads(booster)}",
            times.Wall, "ms", null, null, times.Cpu), bytes);
    }

    private static double SavedBytesPerTree(IGradientBooster booster)
    {
        using var stream = new MemoryStream();
        booster.Save(stream);
        return stream.Length / (double)Math.Max(1, booster.TreeCount);
    }

    /// <summary>The GBRL paper's incremental workload: 1,000 iterations, each a new random batch of 128 x 20 with 3 targets.</summary>
    private static BenchResult Incremental(BoosterFactory factory, int reps)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        var threads = "";
        for (var r = -1; r < reps; r++) // the first run warms the JIT up and is not timed
        {
            using var booster = factory.Create(Options(TreeShape.Oblivious, SplitScore.Cosine) with
            {
                Slices = [new OutputSlice("targets", 0, 3, LearningRateSchedule.Constant(0.1))],
            }, FeatureSchema.Numerical(20));
            threads = FitThreads(booster);
            var rng = new Random(5);
            var x = new float[128 * 20];
            var y = new float[128 * Outputs];
            var predictions = new float[128 * Outputs];
            var gradients = new float[128 * Outputs];
            var start = Stopwatch.GetTimestamp();
            var cpuStart = CpuClock.NowMs();
            for (var it = 0; it < 1000; it++)
            {
                for (var i = 0; i < x.Length; i++)
                    x[i] = (float)rng.NextDouble();
                for (var i = 0; i < y.Length; i++)
                    y[i] = (float)rng.NextDouble();
                booster.Predict(x, 128, predictions);
                for (var i = 0; i < gradients.Length; i++)
                    gradients[i] = predictions[i] - y[i];
                booster.FitTree(x, gradients, 128);
            }
            if (r >= 0)
            {
                wall.Add(Ms(Stopwatch.GetTimestamp() - start) / 1000);
                cpu.Add((CpuClock.NowMs() - cpuStart) / 1000);
            }
        }
        return new BenchResult(factory.Name, "incremental_1000iters_128x20x3", $"1,000 iterations: new random batch 128 x 20, 3 random targets, predict + squared-loss gradient + fit (depth 4 oblivious){threads}",
            Median(wall), "s", 5.47, 0.5, cpu.Average());
    }
}
