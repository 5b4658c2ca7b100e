using System.Diagnostics.CodeAnalysis;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Vector;

/// <summary>
/// What the synchronous and threaded vector environments share: the sub-environments, argument checks
/// and the per-environment step with autoreset. Both run exactly the same per-environment code, so
/// their results are identical bit for bit.
/// </summary>
public abstract class VectorEnvironmentBase : IVectorEnvironment
{
    private readonly FlatEnvironment[] _envs;
    private readonly bool[] _needsReset;
    private readonly int[] _discreteActions;
    private readonly float[] _continuousActions;
    private readonly float[] _resetObservations;
    private readonly ulong[] _actionMasks;
    private readonly bool[] _hasActionMask;
    private readonly CartPoleEnvironment[]? _cartPoles; // every sub-environment is a CartPole: its sin/cos computed ahead
    private VectorStepBuffers? _results;
    private bool _discreteStep;
    private int? _resetSeed;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="environments"/> (all with equal spaces).</summary>
    protected VectorEnvironmentBase(IReadOnlyList<IEnvironment> environments, AutoresetMode autoresetMode)
    {
        ArgumentNullException.ThrowIfNull(environments);
        if (environments.Count == 0)
        {
            throw new ArgumentException("A vector environment needs at least one sub-environment.", nameof(environments));
        }

        _envs = new FlatEnvironment[environments.Count];
        for (int i = 0; i < _envs.Length; i++)
        {
            _envs[i] = FlatEnvironment.Create(environments[i]);
        }

        SingleObservationSpace = environments[0].ObservationSpace;
        SingleActionSpace = environments[0].ActionSpace;
        for (int i = 1; i < _envs.Length; i++)
        {
            var env = environments[i];
            if (env.GetType() != environments[0].GetType()
                || env.ObservationSpace.ToString() != SingleObservationSpace.ToString()
                || env.ActionSpace.ToString() != SingleActionSpace.ToString())
            {
                throw new ArgumentException(
                    $"Sub-environment {i} ({env.GetType().Name}, {env.ObservationSpace}, {env.ActionSpace}) differs from sub-environment 0 ({environments[0].GetType().Name}, {SingleObservationSpace}, {SingleActionSpace}).",
                    nameof(environments));
            }
        }

        if (!Enum.IsDefined(autoresetMode))
        {
            throw new ArgumentOutOfRangeException(nameof(autoresetMode), autoresetMode, "Unknown autoreset mode.");
        }

        AutoresetMode = autoresetMode;
        ObservationSize = SingleObservationSpace.FlatSize;
        HasDiscreteActions = _envs[0].HasDiscreteActions;
        ActionSize = SingleActionSpace.FlatSize;
        _needsReset = new bool[_envs.Length];
        _discreteActions = HasDiscreteActions ? new int[_envs.Length * ActionSize] : [];
        _continuousActions = HasDiscreteActions ? [] : new float[_envs.Length * ActionSize];
        _resetObservations = new float[_envs.Length * ObservationSize];
        _actionMasks = new ulong[_envs.Length];
        _hasActionMask = new bool[_envs.Length];
        if (environments[0].Unwrapped() is CartPoleEnvironment)
        {
            _cartPoles = new CartPoleEnvironment[_envs.Length];
            for (int i = 0; i < _envs.Length; i++)
            {
                _cartPoles[i] = (CartPoleEnvironment)environments[i].Unwrapped();
            }
        }
    }

    /// <inheritdoc/>
    public int NumEnvs => _envs.Length;

    /// <inheritdoc/>
    public Space SingleObservationSpace { get; }

    /// <inheritdoc/>
    public Space SingleActionSpace { get; }

    /// <inheritdoc/>
    public int ObservationSize { get; }

    /// <inheritdoc/>
    public int ActionSize { get; }

    /// <summary>Whether actions are ints (Discrete, MultiDiscrete, MultiBinary) rather than floats (Box).</summary>
    public bool HasDiscreteActions { get; }

    /// <inheritdoc/>
    public AutoresetMode AutoresetMode { get; }

    /// <inheritdoc/>
    /// <remarks>Empty unless every sub-environment reported a mask with its current observation.</remarks>
    public ReadOnlySpan<ulong> ActionMasks
    {
        get
        {
            foreach (var has in _hasActionMask)
            {
                if (!has)
                {
                    return [];
                }
            }

            return _actionMasks;
        }
    }

    /// <summary>The sub-environment <paramref name="index"/> (for inspection; do not step it directly).</summary>
    public IEnvironment GetEnvironment(int index) => _envs[index].Environment;

    /// <inheritdoc/>
    public void Reset(int? seed, Span<float> observations)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (observations.Length != _resetObservations.Length)
        {
            ThrowSize("observations", observations.Length, _resetObservations.Length);
        }

        _resetSeed = seed;
        Run(isReset: true);
        _resetObservations.CopyTo(observations);
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!HasDiscreteActions)
        {
            throw new InvalidOperationException($"The sub-environments take continuous actions ({SingleActionSpace}); call Step with {ActionSize} floats per environment.");
        }

        if (actions.Length != _discreteActions.Length)
        {
            ThrowSize("actions", actions.Length, _discreteActions.Length);
        }

        CheckResults(results);
        actions.CopyTo(_discreteActions);
        _discreteStep = true;
        _results = results;
        Run(isReset: false);
        _results = null;
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> actions, VectorStepBuffers results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (HasDiscreteActions)
        {
            throw new InvalidOperationException($"The sub-environments take discrete actions ({SingleActionSpace}); call Step with {(ActionSize == 1 ? "one int" : $"{ActionSize} ints")} per environment.");
        }

        if (actions.Length != _continuousActions.Length)
        {
            ThrowSize("actions", actions.Length, _continuousActions.Length);
        }

        CheckResults(results);
        actions.CopyTo(_continuousActions);
        _discreteStep = false;
        _results = results;
        Run(isReset: false);
        _results = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <see cref="Process"/> for every sub-environment (serially or on worker threads).</summary>
    protected abstract void Run(bool isReset);

    /// <summary>Resets or steps the sub-environments <paramref name="start"/> to <paramref name="end"/> - 1.</summary>
    protected void Process(bool isReset, int start, int end)
    {
        if (isReset)
        {
            for (int i = start; i < end; i++)
            {
                _envs[i].Reset(_resetSeed is int s ? unchecked(s + i) : null, _resetObservations.AsSpan(i * ObservationSize, ObservationSize));
                _needsReset[i] = false;
                RecordActionMask(i);
            }

            return;
        }

        if (_cartPoles is { } cartPoles && _discreteStep)
        {
            for (int i = start; i < end; i++)
            {
                if (!_needsReset[i])
                {
                    cartPoles[i].PrepareStep();
                }
            }
        }

        var results = _results!;
        var rewards = results.Rewards;
        var terminated = results.Terminated;
        var truncated = results.Truncated;
        var hasFinal = results.HasFinalObservation;
        for (int i = start; i < end; i++)
        {
            var observation = results.Observation(i);
            if (_needsReset[i])
            {
                // NextStep mode: this step resets the environment and ignores its action.
                _envs[i].Reset(null, observation);
                _needsReset[i] = false;
                rewards[i] = 0;
                terminated[i] = false;
                truncated[i] = false;
                hasFinal[i] = false;
                RecordActionMask(i);
                continue;
            }

            double reward;
            bool term;
            bool trunc;
            if (_discreteStep)
            {
                _envs[i].Step(_discreteActions.AsSpan(i * ActionSize, ActionSize), observation, out reward, out term, out trunc);
            }
            else
            {
                _envs[i].Step(_continuousActions.AsSpan(i * ActionSize, ActionSize), observation, out reward, out term, out trunc);
            }

            rewards[i] = reward;
            terminated[i] = term;
            truncated[i] = trunc;
            hasFinal[i] = term || trunc;
            if (term || trunc)
            {
                observation.CopyTo(results.FinalObservationSlot(i));
                if (AutoresetMode == AutoresetMode.SameStep)
                {
                    _envs[i].Reset(null, observation);
                }
                else
                {
                    _needsReset[i] = true;
                }
            }

            RecordActionMask(i);
        }
    }

    /// <summary>Keeps the action mask that sub-environment <paramref name="i"/> reported with its current observation.</summary>
    private void RecordActionMask(int i)
    {
        var mask = _envs[i].ActionMask;
        _hasActionMask[i] = mask.HasValue;
        _actionMasks[i] = mask.GetValueOrDefault();
    }

    /// <summary>Disposes the sub-environments.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            foreach (var env in _envs)
            {
                env.Dispose();
            }
        }
    }

    private void CheckResults(VectorStepBuffers results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.NumEnvs != _envs.Length || results.ObservationSize != ObservationSize)
        {
            throw new ArgumentException(
                $"The result buffers are for {results.NumEnvs} environments x {results.ObservationSize} floats; this vector environment needs {_envs.Length} x {ObservationSize}.",
                nameof(results));
        }
    }

    [DoesNotReturn]
    private static void ThrowSize(string name, int got, int expected) =>
        throw new ArgumentException($"{name} has {got} values; expected {expected}.", name);
}
