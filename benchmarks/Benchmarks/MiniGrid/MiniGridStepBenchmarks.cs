using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RLFramework.Environments;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Benchmarks.MiniGrid;

/// <summary>
/// Steps per second of MiniGrid with the observation computed every step (the egocentric 7x7 view
/// with occlusion), uniform random actions, resetting when an episode ends (resets included).
/// Raw: the typed observation; Categorical: plus the 51 categorical floats GBRL consumes.
/// Reference: Python MiniGrid 3.1.0 does about 12,000 (DoorKey-5x5) and 10,000 (FourRooms) steps/s.
/// Run: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*MiniGridStep*'
/// </summary>
[Config(typeof(ShortInProcessConfig))]
[MemoryDiagnoser]
[MedianColumn]
public class MiniGridStepBenchmarks
{
    /// <summary>
    /// BenchmarkDotNet's short run (3 iterations, 1 launch) with 10 warm-ups (lets tiered JIT settle), in process: the project file
    /// name differs from the assembly name, which BenchmarkDotNet's out-of-process build cannot find.
    /// </summary>
    private sealed class ShortInProcessConfig : ManualConfig
    {
        public ShortInProcessConfig() => AddJob(Job.ShortRun.WithWarmupCount(10).WithToolchain(InProcessEmitToolchain.Instance));
    }

    private const int Steps = 100_000;
    private int[] _actions = [];
    private MiniGridEnvironment _env = null!;
    private CategoricalObservationWrapper _categorical = null!;

    [Params("MiniGrid-DoorKey-5x5-v0", "MiniGrid-FourRooms-v0")]
    public string Id { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        _actions = new int[Steps];
        for (int i = 0; i < Steps; i++)
        {
            _actions[i] = random.Next(MiniGridEnvironment.ActionCount);
        }

        _env = MiniGridEnvironments.Create(Id, seed: 0);
        _categorical = new CategoricalObservationWrapper(MiniGridEnvironments.Create(Id, seed: 0));
        _env.Reset(0);
        _categorical.Reset(0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _env.Dispose();
        _categorical.Dispose();
    }

    /// <summary>One step with the typed observation (per operation).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int Raw()
    {
        int checksum = 0;
        MiniGridEnvironment env = _env;
        foreach (int action in _actions)
        {
            StepResult<MiniGridObservation> result = env.Step(action);
            checksum += result.Observation.Direction;
            if (result.Done)
            {
                env.Reset();
            }
        }

        return checksum;
    }

    /// <summary>One step with the categorical float observation (per operation).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public float Categorical()
    {
        float checksum = 0;
        CategoricalObservationWrapper env = _categorical;
        foreach (int action in _actions)
        {
            StepResult<ReadOnlyMemory<float>> result = env.Step(action);
            checksum += result.Observation.Span[0];
            if (result.Done)
            {
                env.Reset();
            }
        }

        return checksum;
    }
}
