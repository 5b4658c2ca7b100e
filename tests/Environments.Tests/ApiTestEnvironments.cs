using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Tests;

/// <summary>
/// A small stochastic environment for the API tests: a walker on a line with Box observations
/// [position, noise] and actions Discrete(2) (0 left, 1 right). Terminates at |position| >= Bound;
/// the reward is +1 for right, -0.5 for left, plus the noise. Deterministic under a reset seed.
/// It deliberately does not enforce the reset/step order (that is OrderEnforcing's job).
/// </summary>
internal sealed class WalkerEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly float[] _observation = new float[2];
    private Random _random = new(12345);
    private int _position;

    public WalkerEnvironment(int bound = 3) => Bound = bound;

    public int Bound { get; }

    public int ResetCount { get; private set; }

    public Space ObservationSpace { get; } = new Box(-10f, 10f, 2);

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random = new Random(s);
        }

        ResetCount++;
        _position = _random.Next(-1, 2);
        Observe();
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        if ((uint)action > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Walker actions are 0 or 1.");
        }

        _position += action == 1 ? 1 : -1;
        Observe();
        double reward = (action == 1 ? 1.0 : -0.5) + _observation[1];
        bool terminated = Math.Abs(_position) >= Bound;
        return new(_observation, reward, terminated, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Observe()
    {
        _observation[0] = _position;
        _observation[1] = (float)_random.NextDouble();
    }
}

/// <summary>
/// A small environment with Discrete(5) observations (a cell index) and Box(-1, 1, 1) actions: the
/// action's sign moves the cell; the reward is the action value; terminated on reaching cell 4.
/// The start cell is drawn from the seeded generator.
/// </summary>
internal sealed class CellEnvironment : IEnvironment<int, ReadOnlyMemory<float>>
{
    private Random _random = new(7);
    private int _cell;

    public Space ObservationSpace { get; } = new Discrete(5);

    public Space ActionSpace { get; } = new Box(-1f, 1f, 1);

    public EnvironmentSpec? Spec => null;

    public ResetResult<int> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random = new Random(s);
        }

        _cell = _random.Next(0, 3);
        return new(_cell, StepInfo.Empty);
    }

    public StepResult<int> Step(ReadOnlyMemory<float> action)
    {
        float a = action.Span[0];
        _cell = Math.Clamp(_cell + (a >= 0 ? 1 : -1), 0, 4);
        return new(_cell, a + (_random.NextDouble() * 0.01), _cell == 4, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// A small environment with MultiDiscrete([3, 2]) actions (an int vector): the observation is the last action
/// [a0, a1] followed by the step count; the reward is 10 * a0 + a1, so every action is visible in the reward;
/// truncated after <see cref="Length"/> steps. Rejects actions outside its space, naming them.
/// </summary>
internal sealed class ChordEnvironment : IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<int>>
{
    private readonly float[] _observation = new float[3];
    private int _steps;

    public ChordEnvironment(int length = 4) => Length = length;

    public int Length { get; }

    public Space ObservationSpace { get; } = new Box(0f, 100f, 3);

    public Space ActionSpace { get; } = new MultiDiscrete(3, 2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _steps = 0;
        Array.Clear(_observation);
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<int> action)
    {
        var a = action.Span;
        if (!((MultiDiscrete)ActionSpace).Contains(a))
        {
            throw new ArgumentOutOfRangeException(nameof(action), $"[{string.Join(", ", a.ToArray())}] is not in {ActionSpace}.");
        }

        _steps++;
        _observation[0] = a[0];
        _observation[1] = a[1];
        _observation[2] = _steps;
        return new(_observation, 10 * a[0] + a[1], false, _steps >= Length, StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}
