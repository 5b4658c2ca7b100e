using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// A 2-state, 2-action MDP with one-hot observations, whose finite-horizon objective
/// J_H(theta) = E[sum_{t&lt;H} gamma^t r_t] has a closed form by dynamic programming.
/// Optionally its reward becomes NaN from a given global step on (divergence tests).
/// </summary>
internal sealed class TwoStateMdp : IEnvironment<ReadOnlyMemory<float>, int>
{
    /// <summary>P(next state = 1 | s, a).</summary>
    public static readonly double[,] ProbabilityOfOne = { { 0.2, 0.7 }, { 0.4, 0.9 } };

    /// <summary>r(s, a).</summary>
    public static readonly double[,] Rewards = { { 1.0, 0.0 }, { -0.5, 2.0 } };

    /// <summary>P(s_0 = 1).</summary>
    public const double InitialProbabilityOfOne = 0.4;

    private readonly float[] _observation = new float[2];
    private readonly long _nanFromStep;
    private Random _random = new(0);
    private int _state;
    private long _steps;

    public TwoStateMdp(long nanFromStep = long.MaxValue) => _nanFromStep = nanFromStep;

    public Space ObservationSpace { get; } = new Box(0f, 1f, 2);

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is { } s) _random = new Random(s);
        _state = _random.NextDouble() < InitialProbabilityOfOne ? 1 : 0;
        return new(Observe(), StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        var reward = _steps++ >= _nanFromStep ? double.NaN : Rewards[_state, action];
        _state = _random.NextDouble() < ProbabilityOfOne[_state, action] ? 1 : 0;
        return new(Observe(), reward, false, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private ReadOnlyMemory<float> Observe()
    {
        _observation[0] = _state == 0 ? 1f : 0f;
        _observation[1] = _state == 1 ? 1f : 0f;
        return _observation;
    }

    public static double[] OneHot(int state) => state == 0 ? [1.0, 0.0] : [0.0, 1.0];

    /// <summary>J_H(theta) by backward induction over the horizon.</summary>
    public static double Objective(Parametric.IParametricPolicy policy, double[] theta, int horizon, double discount)
    {
        var value = new double[2];
        for (var t = horizon - 1; t >= 0; t--)
        {
            var next = new double[2];
            for (var s = 0; s < 2; s++)
            {
                for (var a = 0; a < 2; a++)
                {
                    var pi = Math.Exp(policy.LogProbability(theta, OneHot(s), [a]));
                    var p1 = ProbabilityOfOne[s, a];
                    next[s] += pi * (Math.Pow(discount, t) * Rewards[s, a] + p1 * value[1] + (1 - p1) * value[0]);
                }
            }
            value = next;
        }
        return InitialProbabilityOfOne * value[1] + (1 - InitialProbabilityOfOne) * value[0];
    }

    /// <summary>grad J_H by central differences of the closed form.</summary>
    public static double[] ObjectiveGradient(Parametric.IParametricPolicy policy, double[] theta, int horizon, double discount)
    {
        var gradient = new double[theta.Length];
        const double h = 1e-5;
        for (var i = 0; i < theta.Length; i++)
        {
            var shifted = (double[])theta.Clone();
            shifted[i] = theta[i] + h;
            var plus = Objective(policy, shifted, horizon, discount);
            shifted[i] = theta[i] - h;
            var minus = Objective(policy, shifted, horizon, discount);
            gradient[i] = (plus - minus) / (2 * h);
        }
        return gradient;
    }

    /// <summary>Every trajectory of length <paramref name="horizon"/>: states, actions and its probability under theta.</summary>
    public static IEnumerable<(int[] States, int[] Actions, double Probability)> Trajectories(Parametric.IParametricPolicy policy, double[] theta, int horizon)
    {
        var count = 1 << (2 * horizon);
        for (var code = 0; code < count; code++)
        {
            var states = new int[horizon];
            var actions = new int[horizon];
            for (var t = 0; t < horizon; t++)
            {
                states[t] = (code >> (2 * t)) & 1;
                actions[t] = (code >> (2 * t + 1)) & 1;
            }
            var p = states[0] == 1 ? InitialProbabilityOfOne : 1 - InitialProbabilityOfOne;
            for (var t = 0; t < horizon; t++)
            {
                p *= Math.Exp(policy.LogProbability(theta, OneHot(states[t]), [actions[t]]));
                if (t + 1 < horizon)
                {
                    var p1 = ProbabilityOfOne[states[t], actions[t]];
                    p *= states[t + 1] == 1 ? p1 : 1 - p1;
                }
            }
            yield return (states, actions, p);
        }
    }
}

/// <summary>One-step-per-state continuous task: observation x ~ U[-1,1], reward -(a - 0.5 x)^2, episodes of 5 steps.</summary>
internal sealed class TrackingTask : IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>>
{
    private readonly float[] _observation = new float[1];
    private Random _random = new(0);
    private int _t;

    public Space ObservationSpace { get; } = new Box(-1f, 1f, 1);

    public Space ActionSpace { get; } = new Box(-2f, 2f, 1);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is { } s) _random = new Random(s);
        _t = 0;
        _observation[0] = (float)(_random.NextDouble() * 2 - 1);
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<float> action)
    {
        var a = action.Span[0];
        if (a < -2f || a > 2f) throw new ArgumentOutOfRangeException(nameof(action), a, "Action outside the box.");
        var error = a - 0.5 * _observation[0];
        _t++;
        _observation[0] = (float)(_random.NextDouble() * 2 - 1);
        return new(_observation, -error * error, false, _t == 5, StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}
