using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RLFramework.Boosting;
using RLFramework.Environments;

namespace RLFramework.Benchmarks.MiniGrid;

/// <summary>
/// One boosting step on MiniGrid's categorical observations: fit a depth-4 oblivious cosine tree to
/// N x 51 observations of random DoorKey-5x5 play (49 view-cell codes of cardinality 198, direction,
/// mission) and 8 gradient columns (7 action logits + value), once with the features marked
/// categorical (equality splits, one code vs the rest) and once with the same codes as numerical
/// features (threshold splits). Run: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*CategoricalFit*'
/// </summary>
[Config(typeof(ShortInProcessConfig))]
[MemoryDiagnoser]
[MedianColumn]
public class CategoricalFitBenchmarks
{
    /// <summary>BenchmarkDotNet's short run (3 iterations, 1 launch), in process (see <see cref="MiniGridStepBenchmarks"/>).</summary>
    private sealed class ShortInProcessConfig : ManualConfig
    {
        public ShortInProcessConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private const int Outputs = 8;
    private GbrlBooster _booster = null!;
    private float[] _x = [];
    private float[] _g = [];

    [Params(2048, 4096)]
    public int Samples { get; set; }

    [Params(true, false)]
    public bool Categorical { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var env = EnvironmentRegistry.Make<ReadOnlyMemory<float>, int>("MiniGrid-DoorKey-5x5-v0");
        var features = env.ObservationSpace.FlatSize;
        var random = new Random(0);
        _x = new float[Samples * features];
        _g = new float[Samples * Outputs];
        var observation = env.Reset(0).Observation;
        for (var i = 0; i < Samples; i++)
        {
            observation.Span.CopyTo(_x.AsSpan(i * features, features));
            var step = env.Step(random.Next(7));
            observation = step.Terminated || step.Truncated ? env.Reset().Observation : step.Observation;
            for (var k = 0; k < Outputs; k++)
                _g[i * Outputs + k] = (float)(random.NextDouble() * 2 - 1);
        }
        var schema = Categorical ? new FeatureSchema([.. env.ObservationSpace.Cardinalities]) : FeatureSchema.Numerical(features);
        _booster = new GbrlBooster(new GbrlOptions
        {
            MaxDepth = 4,
            Slices =
            [
                new OutputSlice("policy", 0, 7, LearningRateSchedule.Constant(0.17), 100),
                new OutputSlice("value", 7, 1, LearningRateSchedule.Constant(0.01), 10),
            ],
        }, schema);
    }

    [GlobalCleanup]
    public void Cleanup() => _booster.Dispose();

    /// <summary>Fits one tree (the ensemble grows by one tree per invocation).</summary>
    [Benchmark]
    public int FitTree() => _booster.FitTree(_x, _g, Samples).LeafCount;
}
