using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// The view of an environment that the policy-gradient algorithms sample from: observations and
/// actions as double spans (a discrete action is its index 0..n-1 in one element). Continuous
/// actions are clipped to the action box before they reach the environment; the policy scores the
/// unclipped sample.
/// </summary>
public abstract class PolicyGradientEnvironment : IDisposable
{
    private protected PolicyGradientEnvironment(int observationSize, int actionSize)
    {
        ObservationSize = observationSize;
        ActionSize = actionSize;
    }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>1 for a discrete action space (the index), else the action dimension.</summary>
    public int ActionSize { get; }

    /// <summary>The number of actions of a discrete action space; 0 for a continuous one.</summary>
    public abstract int ActionCount { get; }

    /// <summary>
    /// Wraps an environment with a flat float <see cref="Box"/> observation space and either a
    /// <see cref="Discrete"/> action space (actions of type int) or a <see cref="Box"/> one
    /// (actions of type <see cref="ReadOnlyMemory{T}"/> of float). The adapter owns the environment.
    /// </summary>
    public static PolicyGradientEnvironment Create(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.ObservationSpace is not Box observationSpace)
            throw new ArgumentException($"Policy-gradient agents need a Box observation space; the environment has {environment.ObservationSpace.GetType().Name}.", nameof(environment));
        return environment switch
        {
            IEnvironment<ReadOnlyMemory<float>, int> discrete when environment.ActionSpace is Discrete actions =>
                new DiscreteAdapter(discrete, observationSpace.FlatSize, actions),
            IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> continuous when environment.ActionSpace is Box actions =>
                new ContinuousAdapter(continuous, observationSpace.FlatSize, actions),
            _ => throw new ArgumentException(
                $"Policy-gradient agents need IEnvironment<ReadOnlyMemory<float>, int> with a Discrete action space or IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> with a Box one; got {environment.GetType().Name} with {environment.ActionSpace.GetType().Name} actions.",
                nameof(environment)),
        };
    }

    /// <summary>Starts an episode (a seed re-seeds the environment) and writes the first observation.</summary>
    public abstract void Reset(int? seed, Span<double> observation);

    /// <summary>Takes <paramref name="action"/>, writes the next observation, returns the reward and whether the episode ended.</summary>
    public abstract (double Reward, bool Done) Step(ReadOnlySpan<double> action, Span<double> observation);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the wrapped environment.</summary>
    protected abstract void Dispose(bool disposing);

    private static void Copy(ReadOnlySpan<float> source, Span<double> destination)
    {
        Parametric.Mlp.CheckLength(source.Length, destination.Length, "observation");
        for (var i = 0; i < source.Length; i++) destination[i] = source[i];
    }

    private sealed class DiscreteAdapter(IEnvironment<ReadOnlyMemory<float>, int> environment, int observationSize, Discrete actions)
        : PolicyGradientEnvironment(observationSize, 1)
    {
        public override int ActionCount => actions.N;

        public override void Reset(int? seed, Span<double> observation) => Copy(environment.Reset(seed).Observation.Span, observation);

        public override (double Reward, bool Done) Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            var result = environment.Step(actions.Start + (int)action[0]);
            Copy(result.Observation.Span, observation);
            return (result.Reward, result.Done);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) environment.Dispose();
        }
    }

    private sealed class ContinuousAdapter : PolicyGradientEnvironment
    {
        private readonly IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> _environment;
        private readonly float[] _low;
        private readonly float[] _high;
        private readonly float[] _action;

        public ContinuousAdapter(IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> environment, int observationSize, Box actions)
            : base(observationSize, actions.FlatSize)
        {
            _environment = environment;
            _low = actions.Low.ToArray();
            _high = actions.High.ToArray();
            _action = new float[actions.FlatSize];
        }

        public override int ActionCount => 0;

        public override void Reset(int? seed, Span<double> observation) => Copy(_environment.Reset(seed).Observation.Span, observation);

        public override (double Reward, bool Done) Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            for (var j = 0; j < _action.Length; j++) _action[j] = Math.Clamp((float)action[j], _low[j], _high[j]);
            var result = _environment.Step(_action);
            Copy(result.Observation.Span, observation);
            return (result.Reward, result.Done);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _environment.Dispose();
        }
    }
}
