using BenchmarkDotNet.Attributes;
using RLFramework.Environments;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Benchmarks.Environments;

/// <summary>
/// Steps per second of the built-in environments, as made by the registry (TimeLimit and
/// OrderEnforcing wrappers included, like Gymnasium's make), with pseudo-random actions and a reset
/// whenever an episode ends; CartPole also with TimeLimit alone, and 16 CartPoles in the generic sync
/// vector (<see cref="VectorMode.Sync"/>) and in the native <see cref="CartPoleVectorEnvironment"/>.
/// Each reported time is per environment step (OperationsPerInvoke), so steps/s = 1e9 / ns.
/// Run: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*EnvironmentStepBenchmarks*' --job short --inProcess
/// (--inProcess: the project's assembly name differs from its file name, which BenchmarkDotNet's out-of-process toolchain needs).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class EnvironmentStepBenchmarks
{
    private const int Steps = 100_000;
    private const int VectorSize = 16;
    private const int VectorSteps = Steps / VectorSize;

    private IEnvironment<ReadOnlyMemory<float>, int> _cartPole = null!;
    private IEnvironment<ReadOnlyMemory<float>, int> _cartPoleTimeLimit = null!;
    private IEnvironment<ReadOnlyMemory<float>, int> _acrobot = null!;
    private IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> _pendulum = null!;
    private IVectorEnvironment _cartPoleVector = null!;
    private VectorStepBuffers _vectorBuffers = null!;
    private IVectorEnvironment _cartPoleNative = null!;
    private VectorStepBuffers _nativeBuffers = null!;
    private readonly int[] _vectorActions = new int[VectorSize];
    private readonly float[] _torque = new float[1];
    private uint _random = 12345;

    [GlobalSetup]
    public void Setup()
    {
        _cartPole = RLFramework.Environments.Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1");
        _acrobot = RLFramework.Environments.Environments.Make<ReadOnlyMemory<float>, int>("Acrobot-v1");
        _pendulum = RLFramework.Environments.Environments.Make<ReadOnlyMemory<float>, ReadOnlyMemory<float>>("Pendulum-v1");
        _cartPoleTimeLimit = new TimeLimit<ReadOnlyMemory<float>, int>(new CartPoleEnvironment(), 500);
        _cartPole.Reset(seed: 0);
        _cartPoleTimeLimit.Reset(seed: 0);
        _acrobot.Reset(seed: 0);
        _pendulum.Reset(seed: 0);
        _cartPoleVector = VectorEnvironment.Make("CartPole-v1", VectorSize, new VectorOptions { Mode = VectorMode.Sync });
        _vectorBuffers = VectorStepBuffers.For(_cartPoleVector);
        _cartPoleVector.Reset(0, new float[VectorSize * _cartPoleVector.ObservationSize]);
        _cartPoleNative = VectorEnvironment.Make("CartPole-v1", VectorSize); // VectorMode.Auto: CartPoleVectorEnvironment
        _nativeBuffers = VectorStepBuffers.For(_cartPoleNative);
        _cartPoleNative.Reset(0, new float[VectorSize * _cartPoleNative.ObservationSize]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cartPole.Dispose();
        _cartPoleTimeLimit.Dispose();
        _acrobot.Dispose();
        _pendulum.Dispose();
        _cartPoleVector.Dispose();
        _cartPoleNative.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public double CartPole_v1_single()
    {
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            StepResult<ReadOnlyMemory<float>> result = _cartPole.Step((int)(NextRandom() & 1));
            total += result.Reward;
            if (result.Done)
            {
                _cartPole.Reset();
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public double CartPole_v1_single_TimeLimit_only()
    {
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            StepResult<ReadOnlyMemory<float>> result = _cartPoleTimeLimit.Step((int)(NextRandom() & 1));
            total += result.Reward;
            if (result.Done)
            {
                _cartPoleTimeLimit.Reset();
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = VectorSteps * VectorSize)]
    public double CartPole_v1_vector16_sync()
    {
        double total = 0;
        for (int i = 0; i < VectorSteps; i++)
        {
            for (int e = 0; e < VectorSize; e++)
            {
                _vectorActions[e] = (int)(NextRandom() & 1);
            }

            _cartPoleVector.Step(_vectorActions, _vectorBuffers);
            total += _vectorBuffers.Rewards[0];
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = VectorSteps * VectorSize)]
    public double CartPole_v1_vector16_native()
    {
        double total = 0;
        for (int i = 0; i < VectorSteps; i++)
        {
            for (int e = 0; e < VectorSize; e++)
            {
                _vectorActions[e] = (int)(NextRandom() & 1);
            }

            _cartPoleNative.Step(_vectorActions, _nativeBuffers);
            total += _nativeBuffers.Rewards[0];
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public double Acrobot_v1_single()
    {
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            StepResult<ReadOnlyMemory<float>> result = _acrobot.Step((int)(NextRandom() % 3));
            total += result.Reward;
            if (result.Done)
            {
                _acrobot.Reset();
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public double Pendulum_v1_single()
    {
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            _torque[0] = ((NextRandom() & 0xFFFF) / 16384f) - 2f;
            StepResult<ReadOnlyMemory<float>> result = _pendulum.Step(_torque);
            total += result.Reward;
            if (result.Done)
            {
                _pendulum.Reset();
            }
        }

        return total;
    }

    private uint NextRandom()
    {
        // xorshift32: cheap pseudo-random actions.
        uint x = _random;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _random = x;
        return x;
    }
}
