using System.Diagnostics;
using System.Globalization;
using System.Text;
using RLFramework.Boosting;
using RLFramework.Cuda;

// The GPU check and comparison of benchmarks/gpu/run.sh:
//   verify: the GPU booster against the CPU booster on the device (same trees, bit-identical predictions);
//   bench:  one tree fit (2,048 and 65,536 samples), batch prediction of 65,536 samples at 10,000 and 100,000 trees,
//           and the GBRL paper's incremental workload (1,000 x 128 new samples, 20 features, 3 targets), CPU vs GPU.
// Usage: GpuBench [verify|bench|all] [--device cuda|cpu-sim] [--quick] [--out DIR]
// Timings are Stopwatch medians after a warm-up; the device is opened (kernels compiled) before any timing.
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var deviceName = Option("--device") ?? "cuda";
var quick = args.Contains("--quick");
var outDir = Option("--out") ?? ".";
Directory.CreateDirectory(outDir);
var report = new StringBuilder();

var opened = Stopwatch.StartNew();
GpuDevice? found = null;
if (deviceName == "cpu-sim")
    found = GpuDevice.OpenCpuSimulator();
else if (!GpuDevice.TryOpenCuda(0, out found, out var whyNot))
{
    Console.Error.WriteLine(whyNot);
    return 2;
}
using var device = found;
Line($"device: {device.Description}; opened and kernels compiled in {opened.Elapsed.TotalSeconds:F2} s");
Line($"cpu: {Environment.ProcessorCount} logical cores; .NET {Environment.Version}; quick={quick}");

var failures = 0;
if (mode is "verify" or "all")
    failures += Verify();
if (mode is "bench" or "all")
    Bench();
var path = Path.Combine(outDir, "gpu-results.md");
File.WriteAllText(path + ".tmp", report.ToString());
File.Move(path + ".tmp", path, overwrite: true);
Line(failures == 0 ? "verify: all checks passed" : $"verify: {failures} check(s) FAILED");
return failures == 0 ? 0 : 1;

int Verify()
{
    var failed = 0;
    var n = quick ? 300 : 4096;
    foreach (var shape in new[] { TreeShape.Oblivious, TreeShape.Greedy })
    {
        foreach (var score in new[] { SplitScore.Cosine, SplitScore.L2 })
        {
            foreach (var categorical in new[] { false, true })
            {
                var cards = new int[20];
                if (categorical)
                    cards[3] = 7;
                var schema = new FeatureSchema(cards);
                var options = Options(shape, score, maxBins: 64);
                using var cpu = new GbrlBooster(options, schema);
                using var gpu = new GpuGbrlBooster(options, schema, device);
                var (probe, _) = Data(1000, cards, 3, seed: 1);
                using var incremental = gpu.CreatePredictionBatch(probe, 1000);
                var sameTrees = true;
                for (var t = 0; t < 5; t++)
                {
                    var (x, g) = Data(n, cards, 3, seed: 10 + t);
                    cpu.FitTree(x, g, n);
                    gpu.FitTree(x, g, n);
                    sameTrees &= cpu.DumpTree(t) == gpu.DumpTree(t);
                }
                var expected = new float[3000];
                var actual = new float[3000];
                var viaBatch = new float[3000];
                cpu.Predict(probe, 1000, expected);
                gpu.Predict(probe, 1000, actual);
                incremental.Update();
                incremental.CopyOutputs(viaBatch);
                var ok = sameTrees && expected.AsSpan().SequenceEqual(actual) && expected.AsSpan().SequenceEqual(viaBatch);
                failed += ok ? 0 : 1;
                Line($"verify {shape} {score} categorical={categorical}: trees {(sameTrees ? "equal" : "DIFFER")}, predictions {(expected.AsSpan().SequenceEqual(actual) ? "bit-identical" : "DIFFER")}, incremental {(expected.AsSpan().SequenceEqual(viaBatch) ? "bit-identical" : "DIFFER")}");
            }
        }
    }
    return failed;
}

void Bench()
{
    var schema = FeatureSchema.Numerical(20);
    Line("");
    Line("| measurement | CPU (GbrlBooster) | GPU (GpuGbrlBooster) | CPU / GPU |");
    Line("|---|---|---|---|");
    // One tree fit.
    foreach (var n in quick ? new[] { 2048 } : new[] { 2048, 65536 })
    {
        foreach (var shape in new[] { TreeShape.Oblivious, TreeShape.Greedy })
        {
            var options = Options(shape, SplitScore.Cosine, maxBins: 256);
            var (x, g) = Data(n, new int[20], 3, seed: 3);
            using var cpu = new GbrlBooster(options, schema);
            using var gpu = new GpuGbrlBooster(options, schema, device);
            var cpuMs = Median(quick ? 3 : 7, () => cpu.FitTree(x, g, n));
            var gpuMs = Median(quick ? 3 : 7, () => gpu.FitTree(x, g, n));
            Row($"fit one {shape.ToString().ToLowerInvariant()} depth-4 tree, {n:N0} samples x 20 features x 3 outputs, 256 bins", cpuMs, gpuMs, "ms");
        }
    }
    // Batch prediction.
    var batch = quick ? 4096 : 65536;
    var (probe, _) = Data(batch, new int[20], 3, seed: 4);
    foreach (var trees in quick ? new[] { 1000 } : new[] { 10_000, 100_000 })
    {
        // Small, cheap fits (32 samples, 4 bins) build the ensemble quickly; prediction cost does not depend on them.
        var options = Options(TreeShape.Oblivious, SplitScore.Cosine, maxBins: 4);
        var built = Stopwatch.StartNew();
        using var cpu = new GbrlBooster(options, schema);
        var (x, g) = Data(32, new int[20], 3, seed: 5);
        for (var t = 0; t < trees; t++)
        {
            // Vary the gradients so trees differ.
            g[t % g.Length] += 0.5f;
            cpu.FitTree(x, g, 32);
        }
        using var stream = new MemoryStream();
        cpu.Save(stream);
        stream.Position = 0;
        using var gpu = GpuGbrlBooster.Load(stream, device);
        Line($"(built and uploaded a {trees:N0}-tree oblivious ensemble in {built.Elapsed.TotalSeconds:F1} s)");
        var expected = new float[batch * 3];
        var actual = new float[batch * 3];
        var cpuMs = Median(3, () => cpu.Predict(probe, batch, expected));
        var gpuMs = Median(3, () => gpu.Predict(probe, batch, actual));
        var mismatches = 0;
        for (var i = 0; i < expected.Length; i++)
            mismatches += expected[i] == actual[i] ? 0 : 1;
        Row($"predict {batch:N0} samples at {trees:N0} trees (GPU time includes upload and download; {mismatches} outputs differ)", cpuMs, gpuMs, "ms");
        var residentMs = Median(3, () =>
        {
            using var b = gpu.CreatePredictionBatch(probe, batch);
            b.CopyOutputs(actual);
        });
        Line($"| predict {batch:N0} samples at {trees:N0} trees through a device-resident batch | | {residentMs:F1} ms | |");
    }
    // The paper's incremental workload: 1,000 iterations of 128 new samples, 20 features, 3 targets.
    var iterations = quick ? 50 : 1000;
    foreach (var predict in new[] { false, true })
    {
        var options = Options(TreeShape.Oblivious, SplitScore.Cosine, maxBins: 256);
        double Run(IGradientBooster booster)
        {
            var rng = new Random(6);
            var x = new float[128 * 20];
            var y = new float[128 * 3];
            var f = new float[128 * 3];
            var grad = new float[128 * 3];
            var clock = Stopwatch.StartNew();
            for (var it = 0; it < iterations; it++)
            {
                for (var i = 0; i < x.Length; i++)
                    x[i] = (float)rng.NextDouble();
                for (var i = 0; i < 128; i++)
                {
                    for (var k = 0; k < 3; k++)
                        y[i * 3 + k] = (float)(Math.Sin(3 * x[i * 20 + k]) + x[i * 20 + 10] + 0.1 * rng.NextDouble());
                }
                if (predict)
                {
                    booster.Predict(x, 128, f);
                    for (var i = 0; i < grad.Length; i++)
                        grad[i] = f[i] - y[i];
                }
                else
                {
                    for (var i = 0; i < grad.Length; i++)
                        grad[i] = -y[i];
                }
                booster.FitTree(x, grad, 128);
            }
            return clock.Elapsed.TotalSeconds;
        }
        using var cpu = new GbrlBooster(options, schema);
        using var gpu = new GpuGbrlBooster(options, schema, device);
        var cpuS = Run(cpu);
        var gpuS = Run(gpu);
        var what = predict ? "predict the new batch with the whole ensemble, then fit (MSE gradients)" : "fit only";
        Row($"paper workload: {iterations:N0} iterations x 128 new samples x 20 features x 3 targets, {what} (paper: 5.47 s GBRL GPU)", cpuS, gpuS, "s");
    }
}

GbrlOptions Options(TreeShape shape, SplitScore score, int maxBins) => new()
{
    Shape = shape,
    Score = score,
    MaxDepth = 4,
    MaxBins = maxBins,
    Slices = [new OutputSlice("policy", 0, 2, LearningRateSchedule.Constant(0.1)), new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.05))],
};

(float[] X, float[] G) Data(int n, int[] cards, int k, int seed)
{
    var rng = new Random(seed);
    var f = cards.Length;
    var x = new float[n * f];
    var g = new float[n * k];
    for (var i = 0; i < n; i++)
    {
        for (var j = 0; j < f; j++)
            x[i * f + j] = cards[j] > 0 ? rng.Next(cards[j]) : (float)(rng.NextDouble() * 2 - 1);
        for (var o = 0; o < k; o++)
            g[i * k + o] = (float)((o + 1) * (x[i * f] > 0.1 ? 1 : -0.5) + x[i * f + 1] * x[i * f + 2] + (cards.Length > 3 && cards[3] > 0 && x[i * f + 3] == 2 ? 1.5 : 0) + 0.3 * (rng.NextDouble() - 0.5));
    }
    return (x, g);
}

double Median(int repeats, Action action)
{
    action();
    var times = new double[repeats];
    for (var r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew();
        action();
        times[r] = clock.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times[repeats / 2];
}

void Row(string what, double cpu, double gpu, string unit) =>
    Line(string.Create(CultureInfo.InvariantCulture, $"| {what} | {cpu:F2} {unit} | {gpu:F2} {unit} | {cpu / gpu:F2}x |"));

void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
