using System.Runtime.CompilerServices;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Vector;

/// <summary>
/// One sub-environment seen through the flat float encoding: the typed environment is called
/// directly (no boxing); observations are written with <see cref="SpaceValues.WriteFlat{T}"/>.
/// </summary>
internal abstract class FlatEnvironment : IDisposable
{
    public abstract IEnvironment Environment { get; }

    /// <summary>Whether actions are integers: one int (Discrete) or an int vector (MultiDiscrete, MultiBinary).</summary>
    public abstract bool HasDiscreteActions { get; }

    public abstract void Reset(int? seed, Span<float> observation);

    /// <summary>Steps with an integer action: its one value (Discrete) or its whole vector (MultiDiscrete, MultiBinary).</summary>
    public abstract void Step(ReadOnlySpan<int> action, Span<float> observation, out double reward, out bool terminated, out bool truncated);

    public abstract void Step(ReadOnlySpan<float> action, Span<float> observation, out double reward, out bool terminated, out bool truncated);

    /// <summary>
    /// The action mask of the current observation, from the info of the last <see cref="Reset"/> or <see cref="Step(ReadOnlySpan{int}, Span{float}, out double, out bool, out bool)"/>
    /// (<see cref="StepInfo.ActionMask"/>, bit a set when action a is legal), or null when that info had none.
    /// </summary>
    public ulong? ActionMask { get; private protected set; }

    public void Dispose() => Environment.Dispose();

    /// <summary>Adapts <paramref name="env"/>; throws naming its types when the flat encoding does not cover them.</summary>
    public static FlatEnvironment Create(IEnvironment env) => env switch
    {
        OrderEnforcing<ReadOnlyMemory<float>, int> { Inner: TimeLimit<ReadOnlyMemory<float>, int> { Inner: ClassicControlEnvironment { HasFlatDiscreteStep: true } } } e
            => new ClassicControlChain(e),
        IEnvironment<ReadOnlyMemory<float>, int> e => new Typed<ReadOnlyMemory<float>, int>(e),
        IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> e => new Typed<ReadOnlyMemory<float>, ReadOnlyMemory<float>>(e),
        IEnvironment<int, int> e => new Typed<int, int>(e),
        IEnvironment<int, ReadOnlyMemory<float>> e => new Typed<int, ReadOnlyMemory<float>>(e),
        IEnvironment<ReadOnlyMemory<int>, int> e => new Typed<ReadOnlyMemory<int>, int>(e),
        IEnvironment<ReadOnlyMemory<int>, ReadOnlyMemory<float>> e => new Typed<ReadOnlyMemory<int>, ReadOnlyMemory<float>>(e),
        IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<int>> e => new Typed<ReadOnlyMemory<float>, ReadOnlyMemory<int>>(e),
        IEnvironment<int, ReadOnlyMemory<int>> e => new Typed<int, ReadOnlyMemory<int>>(e),
        IEnvironment<ReadOnlyMemory<int>, ReadOnlyMemory<int>> e => new Typed<ReadOnlyMemory<int>, ReadOnlyMemory<int>>(e),
        null => throw new ArgumentNullException(nameof(env)),
        _ => throw new ArgumentException(
            $"{env.GetType().Name} cannot be vectorized: observations must be {SpaceValues.SupportedTypes} and actions int (Discrete), ReadOnlyMemory<int> (MultiDiscrete, MultiBinary) or ReadOnlyMemory<float> (Box).",
            nameof(env)),
    };

    /// <summary>
    /// The registry's chain OrderEnforcing &gt; TimeLimit &gt; classic-control environment with discrete
    /// actions, stepped without the interface calls and result copies of the three layers: the same
    /// checks, bookkeeping and bits as the wrappers' Step (the vector tests compare both paths).
    /// </summary>
    private sealed class ClassicControlChain : FlatEnvironment
    {
        private readonly OrderEnforcing<ReadOnlyMemory<float>, int> _outer;
        private readonly TimeLimit<ReadOnlyMemory<float>, int> _timeLimit;
        private readonly ClassicControlEnvironment _env;

        public ClassicControlChain(OrderEnforcing<ReadOnlyMemory<float>, int> outer)
        {
            _outer = outer;
            _timeLimit = (TimeLimit<ReadOnlyMemory<float>, int>)outer.Inner;
            _env = (ClassicControlEnvironment)_timeLimit.Inner;
        }

        public override IEnvironment Environment => _outer;

        public override bool HasDiscreteActions => true;

        public override void Reset(int? seed, Span<float> observation) =>
            _outer.Reset(seed).Observation.Span.CopyTo(observation);

        public override void Step(ReadOnlySpan<int> action, Span<float> observation, out double reward, out bool terminated, out bool truncated)
        {
            _outer.EnsureCanStep();
            terminated = _env.StepFlat(action[0], observation, out reward);
            truncated = _timeLimit.CountStep();
            if (terminated || truncated)
            {
                _outer.EndEpisode();
            }
        }

        public override void Step(ReadOnlySpan<float> action, Span<float> observation, out double reward, out bool terminated, out bool truncated) =>
            throw new InvalidOperationException($"The sub-environments take discrete actions ({_env.ActionSpace}); pass int actions.");
    }

    private sealed class Typed<TObservation, TAction> : FlatEnvironment
    {
        private readonly IEnvironment<TObservation, TAction> _env;
        private readonly Space _observationSpace;
        private readonly float[] _action;
        private readonly int[] _intAction;

        public Typed(IEnvironment<TObservation, TAction> env)
        {
            _env = env;
            _observationSpace = env.ObservationSpace;
            if (!SpaceValues.Fits<TObservation>(_observationSpace))
            {
                throw new ArgumentException($"The observation space {_observationSpace} does not hold {typeof(TObservation).Name} values.", nameof(env));
            }

            if (!SpaceValues.Fits<TAction>(env.ActionSpace))
            {
                throw new ArgumentException($"The action space {env.ActionSpace} does not hold {typeof(TAction).Name} values.", nameof(env));
            }

            _action = typeof(TAction) == typeof(ReadOnlyMemory<float>) ? new float[env.ActionSpace.FlatSize] : [];
            _intAction = typeof(TAction) == typeof(ReadOnlyMemory<int>) ? new int[env.ActionSpace.FlatSize] : [];
        }

        public override IEnvironment Environment => _env;

        public override bool HasDiscreteActions => typeof(TAction) != typeof(ReadOnlyMemory<float>);


        public override void Reset(int? seed, Span<float> observation)
        {
            var result = _env.Reset(seed);
            SpaceValues.WriteFlat(_observationSpace, result.Observation, observation);
            ActionMask = result.Info.HasActionMask ? result.Info.ActionMask : null;
        }

        public override void Step(ReadOnlySpan<int> action, Span<float> observation, out double reward, out bool terminated, out bool truncated)
        {
            if (typeof(TAction) == typeof(int))
            {
                int scalar = action[0];
                Finish(_env.Step(Unsafe.As<int, TAction>(ref scalar)), observation, out reward, out terminated, out truncated);
                return;
            }

            if (typeof(TAction) != typeof(ReadOnlyMemory<int>))
            {
                throw new InvalidOperationException($"The sub-environments take continuous actions ({_env.ActionSpace}); pass float actions.");
            }

            action.CopyTo(_intAction);
            ReadOnlyMemory<int> memory = _intAction;
            Finish(_env.Step(Unsafe.As<ReadOnlyMemory<int>, TAction>(ref memory)), observation, out reward, out terminated, out truncated);
        }

        public override void Step(ReadOnlySpan<float> action, Span<float> observation, out double reward, out bool terminated, out bool truncated)
        {
            if (typeof(TAction) != typeof(ReadOnlyMemory<float>))
            {
                throw new InvalidOperationException($"The sub-environments take discrete actions ({_env.ActionSpace}); pass int actions.");
            }

            action.CopyTo(_action);
            ReadOnlyMemory<float> memory = _action;
            Finish(_env.Step(Unsafe.As<ReadOnlyMemory<float>, TAction>(ref memory)), observation, out reward, out terminated, out truncated);
        }

        private void Finish(in StepResult<TObservation> result, Span<float> observation, out double reward, out bool terminated, out bool truncated)
        {
            SpaceValues.WriteFlat(_observationSpace, result.Observation, observation);
            reward = result.Reward;
            terminated = result.Terminated;
            truncated = result.Truncated;
            ActionMask = result.Info.HasActionMask ? result.Info.ActionMask : null;
        }
    }
}
