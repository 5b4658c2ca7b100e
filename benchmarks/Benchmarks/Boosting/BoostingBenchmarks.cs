using BenchmarkDotNet.Attributes;
using RLFramework.Boosting;

namespace RLFramework.Benchmarks.Boosting;

/// <summary>Shared data: features in [-1, 1] and a smooth 3-output gradient (trees grow to full depth).</summary>
internal static class BoostingData
{
    public static (float[] Features, float[] Gradients) Batch(int seed, int samples, int features)
    {
        var rng = new Random(seed);
        var x = new float[samples * features];
        for (var i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        var g = new float[samples * 3];
        for (var i = 0; i < samples; i++)
        {
            var row = x.AsSpan(i * features, features);
            g[i * 3] = MathF.Sin(3 * row[0]) + 0.5f * row[1 % features];
            g[i * 3 + 1] = MathF.Cos(2 * row[2 % features]) * row[3 % features];
            g[i * 3 + 2] = row[0] * row[features - 1];
        }
        return (x, g);
    }

    public static GbrlOptions Options(TreeShape shape, SplitScore score, int depth = 4) => new()
    {
        MaxDepth = depth,
        Shape = shape,
        Score = score,
        Slices =
        [
            new OutputSlice("policy", 0, 2, LearningRateSchedule.Constant(0.03), 100),
            new OutputSlice("value", 2, 1, LearningRateSchedule.Constant(0.01), 10),
        ],
    };
}

/// <summary>One boosting step: fit a depth-4 tree to 2048 x F x 3 gradients (reference: 35/16 ms at F=4, 135/63 ms at F=16).</summary>
[MemoryDiagnoser]
public class FitTreeBenchmarks
{
    private GbrlBooster _booster = null!;
    private float[] _x = [];
    private float[] _g = [];

    [Params(4, 16)]
    public int Features { get; set; }

    [Params(SplitScore.Cosine, SplitScore.L2)]
    public SplitScore Score { get; set; }

    [Params(TreeShape.Oblivious, TreeShape.Greedy)]
    public TreeShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _booster = new GbrlBooster(BoostingData.Options(Shape, Score), FeatureSchema.Numerical(Features));
        (_x, _g) = BoostingData.Batch(1, 2048, Features);
    }

    [Benchmark]
    public int FitTree() => _booster.FitTree(_x, _g, 2048).LeafCount;
}

/// <summary>
/// Prediction at 1,000 oblivious trees of depth 4 (reference: 14 ms for 2048 samples, 13-15 us for one) and of
/// depths 6 and 8 (8 levels per tree in the SIMD kernels).
/// </summary>
public class PredictBenchmarks
{
    private GbrlBooster _booster = null!;
    private float[] _x = [];
    private readonly float[] _outputs = new float[2048 * 3];

    [Params(4, 6, 8)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _booster = new GbrlBooster(BoostingData.Options(TreeShape.Oblivious, SplitScore.Cosine, Depth), FeatureSchema.Numerical(4));
        for (var t = 0; t < 1000; t++)
        {
            var (xt, gt) = BoostingData.Batch(100 + t, 256, 4);
            _booster.FitTree(xt, gt, 256);
        }
        (_x, _) = BoostingData.Batch(7, 2048, 4);
    }

    [Benchmark]
    public void PredictBatch2048() => _booster.Predict(_x, 2048, _outputs);

    [Benchmark]
    public void PredictSingle() => _booster.Predict(_x.AsSpan(0, 4), 1, _outputs.AsSpan(0, 3));
}

/// <summary>Adding the newest tree's contribution to a fixed batch's predictions: independent of the ensemble size.</summary>
public class AccumulateBenchmarks
{
    private GbrlBooster _booster = null!;
    private float[] _x = [];
    private readonly float[] _outputs = new float[2048 * 3];

    [Params(1_000, 10_000, 100_000)]
    public int Trees { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _booster = new GbrlBooster(BoostingData.Options(TreeShape.Oblivious, SplitScore.Cosine), FeatureSchema.Numerical(4));
        var (xs, gs) = BoostingData.Batch(3, 64, 4);
        for (var t = 0; t < Trees; t++)
            _booster.FitTree(xs, gs, 64);
        (_x, _) = BoostingData.Batch(4, 2048, 4);
    }

    [Benchmark]
    public void AccumulateNewestTree() => _booster.AccumulateTrees(_x, 2048, Trees - 1, Trees, _outputs);
}
