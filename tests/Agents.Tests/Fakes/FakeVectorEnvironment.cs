using RLFramework.Environments.Spaces;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Tests.Fakes;

/// <summary>
/// A deterministic vector environment for collector and algorithm tests (same-step autoreset).
/// Observation of env e at episode step t: [t, e, 0.5 * action of the last step]. Reward = 1 + action (discrete)
/// or -|action| (continuous). Env e's episodes end after <c>lengths[e]</c> steps, terminated or truncated as configured.
/// </summary>
internal sealed class FakeVectorEnvironment : IVectorEnvironment
{
    private readonly int[] _lengths;
    private readonly bool[] _truncates;
    private readonly int[] _t;
    private readonly float[] _lastAction;

    public FakeVectorEnvironment(int[] lengths, bool[] truncates, Space actionSpace)
    {
        _lengths = lengths;
        _truncates = truncates;
        NumEnvs = lengths.Length;
        _t = new int[NumEnvs];
        _lastAction = new float[NumEnvs];
        SingleActionSpace = actionSpace;
    }

    public int NumEnvs { get; }

    public Space SingleObservationSpace { get; } = new Box(-100f, 100f, 3);

    public Space SingleActionSpace { get; }

    public int ObservationSize => 3;

    public int ActionSize => SingleActionSpace.FlatSize;

    public AutoresetMode AutoresetMode => AutoresetMode.SameStep;

    public int Resets { get; private set; }

    public void Reset(int? seed, Span<float> observations)
    {
        Resets++;
        for (var e = 0; e < NumEnvs; e++)
        {
            _t[e] = 0;
            _lastAction[e] = 0;
            Write(e, observations.Slice(e * 3, 3));
        }
    }

    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers results)
    {
        for (var e = 0; e < NumEnvs; e++)
            Advance(e, actions[e], 1 + actions[e], results);
    }

    public void Step(ReadOnlySpan<float> actions, VectorStepBuffers results)
    {
        for (var e = 0; e < NumEnvs; e++)
            Advance(e, actions[e], -Math.Abs(actions[e]), results);
    }

    private void Advance(int e, float action, double reward, VectorStepBuffers results)
    {
        _t[e]++;
        _lastAction[e] = action;
        results.Rewards[e] = reward;
        var done = _t[e] >= _lengths[e];
        results.Terminated[e] = done && !_truncates[e];
        results.Truncated[e] = done && _truncates[e];
        results.HasFinalObservation[e] = done;
        if (done)
        {
            Write(e, results.FinalObservationSlot(e));
            _t[e] = 0;
            _lastAction[e] = 0;
        }
        Write(e, results.Observation(e));
    }

    private void Write(int e, Span<float> observation)
    {
        observation[0] = _t[e];
        observation[1] = e;
        observation[2] = 0.5f * _lastAction[e];
    }

    public void Dispose()
    {
    }
}
