using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Users' environments with the action spaces beyond Discrete and Box, registered once for every test that needs them.
/// </summary>
internal static class SpaceTestEnvironments
{
    /// <summary>A <see cref="CombinationLock"/>: MultiDiscrete observations and actions.</summary>
    public const string LockId = "Test-CombinationLock-v0";

    /// <summary>A <see cref="Switchboard"/>: a DictSpace observation and MultiBinary actions.</summary>
    public const string SwitchboardId = "Test-Switchboard-v0";

    private static readonly object s_registration = new();

    /// <summary>
    /// Registers the example package's ids (SignpostCorridor-v0, Thermostats-v0, CoinRow-v0) once per process, under the one lock that
    /// every test registering test ids takes (test classes run in parallel, and a second registration of an id throws).
    /// </summary>
    public static void EnsureExamplePackage()
    {
        lock (s_registration)
        {
            if (!EnvironmentRegistry.IsRegistered(CustomEnvironment.CorridorPackage.CorridorId))
                new CustomEnvironment.CorridorPackage().Register();
        }
    }

    /// <summary>Registers <paramref name="id"/> with <paramref name="register"/> once per process, under the same lock.</summary>
    public static void EnsureRegistered(string id, Action register)
    {
        lock (s_registration)
        {
            if (!EnvironmentRegistry.IsRegistered(id))
                register();
        }
    }

    /// <summary>Registers the ids of this file (once per process).</summary>
    public static void EnsureRegistered()
    {
        lock (s_registration)
        {
            if (!EnvironmentRegistry.IsRegistered(LockId))
                EnvironmentRegistry.Register(new EnvironmentSpec(LockId, 20, null, new Dictionary<string, object?>()), _ => new CombinationLock());
            if (!EnvironmentRegistry.IsRegistered(SwitchboardId))
                EnvironmentRegistry.Register(new EnvironmentSpec(SwitchboardId, 20, null, new Dictionary<string, object?>()), _ => new Switchboard());
        }
    }
}

/// <summary>
/// Each step shows a code of two dials, MultiDiscrete([3, 2]), drawn from the seeded generator; the action sets the
/// dials, MultiDiscrete([3, 2]); the reward is the fraction of dials set to the code shown (optimum: 1 a step).
/// An episode has <see cref="Length"/> steps, so the optimal return is 4. An untrained greedy policy sets [0, 0] and
/// scores (1/3 + 1/2) / 2 a step on average.
/// </summary>
internal sealed class CombinationLock : IEnvironment<ReadOnlyMemory<int>, ReadOnlyMemory<int>>
{
    public const int Length = 4;

    private readonly MultiDiscrete _dials = new(3, 2);
    private readonly int[] _code = new int[2];
    private Random _random = new(0);
    private int _steps;

    public Space ObservationSpace => _dials;

    public Space ActionSpace => _dials;

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<int>> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        _steps = 0;
        Draw();
        return new(_code, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<int>> Step(ReadOnlyMemory<int> action)
    {
        var a = action.Span;
        if (!_dials.Contains(a))
            throw new ArgumentOutOfRangeException(nameof(action), $"[{string.Join(", ", a.ToArray())}] is not in {_dials}.");
        var reward = ((a[0] == _code[0] ? 1 : 0) + (a[1] == _code[1] ? 1 : 0)) / 2.0;
        _steps++;
        Draw();
        return new(_code, reward, _steps == Length, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Draw()
    {
        _code[0] = _random.Next(3);
        _code[1] = _random.Next(2);
    }
}

/// <summary>
/// Each step lights some of four lamps, drawn from the seeded generator, and the action sets four switches,
/// MultiBinary(4); the reward is the fraction of switches that match their lamp (optimum: 1 a step). The observation
/// is a DictSpace: 'lamps' MultiBinary(4) and 'step' Box(0, 4, (1,)), the steps taken. An episode has
/// <see cref="Length"/> steps (optimal return 4); an untrained greedy policy leaves every switch off and matches half
/// of the lamps on average.
/// </summary>
internal sealed class Switchboard : IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<int>>
{
    public const int Length = 4;

    private readonly DictSpace _space = new(("lamps", new MultiBinary(4)), ("step", new Box(0f, Length, 1)));
    private readonly MultiBinary _switches = new(4);
    private readonly float[] _observation = new float[5];
    private Random _random = new(0);
    private int _steps;

    public Space ObservationSpace => _space;

    public Space ActionSpace => _switches;

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        _steps = 0;
        Observe();
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<int> action)
    {
        var a = action.Span;
        if (!_switches.Contains(a))
            throw new ArgumentOutOfRangeException(nameof(action), $"[{string.Join(", ", a.ToArray())}] is not in {_switches}.");
        var lamps = _space.Slice(_observation, "lamps");
        var matches = 0;
        for (var j = 0; j < a.Length; j++)
            matches += a[j] == (int)lamps[j] ? 1 : 0;
        _steps++;
        Observe();
        return new(_observation, matches / 4.0, _steps == Length, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Observe()
    {
        var lamps = _space.Slice(_observation, "lamps");
        for (var j = 0; j < lamps.Length; j++)
            lamps[j] = _random.Next(2);
        _space.Slice(_observation, "step")[0] = _steps;
    }
}
