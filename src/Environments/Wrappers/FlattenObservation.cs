using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Flattens observations into a float vector (Gymnasium's FlattenObservation): a Box element as is
/// (row-major), a Discrete value as a one-hot vector of length n, a MultiDiscrete element as the
/// concatenation of one-hot vectors. The exposed observation space is the matching Box.
/// </summary>
public sealed class FlattenObservation<TObservation, TAction> : IEnvironment<ReadOnlyMemory<float>, TAction>, IEnvironmentWrapper
{
    private readonly float[] _flat;
    private readonly int[] _offsets;
    private readonly float[] _codes;

    /// <summary>Wraps <paramref name="inner"/>, whose observations must be Discrete (int), Box or MultiDiscrete.</summary>
    public FlattenObservation(IEnvironment<TObservation, TAction> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!SpaceValues.Fits<TObservation>(inner.ObservationSpace))
        {
            throw new ArgumentException(
                $"FlattenObservation cannot flatten {typeof(TObservation).Name} observations of {inner.ObservationSpace}; supported: {SpaceValues.SupportedTypes}.",
                nameof(inner));
        }

        Inner = inner;
        switch (inner.ObservationSpace)
        {
            case Box box:
                _offsets = [];
                _flat = new float[box.FlatSize];
                var low = box.Low.ToArray();
                var high = box.High.ToArray();
                ObservationSpace = new Box(low, high);
                break;
            case Discrete discrete:
                _offsets = [0];
                _flat = new float[discrete.N];
                ObservationSpace = new Box(0f, 1f, discrete.N);
                break;
            default:
                var multi = (MultiDiscrete)inner.ObservationSpace;
                _offsets = new int[multi.FlatSize];
                int total = 0;
                for (int i = 0; i < _offsets.Length; i++)
                {
                    _offsets[i] = total;
                    total += multi.Nvec[i];
                }

                _flat = new float[total];
                ObservationSpace = new Box(0f, 1f, total);
                break;
        }

        _codes = new float[_offsets.Length];
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment<TObservation, TAction> Inner { get; }

    /// <inheritdoc/>
    public IEnvironment InnerEnvironment => Inner;

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace => Inner.ActionSpace;

    /// <inheritdoc/>
    public EnvironmentSpec? Spec => Inner.Spec;

    /// <inheritdoc/>
    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        return new(Flatten(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(Flatten(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <inheritdoc/>
    public void Dispose() => Inner.Dispose();

    private ReadOnlyMemory<float> Flatten(TObservation observation)
    {
        var space = Inner.ObservationSpace;
        if (space is Box)
        {
            SpaceValues.WriteFlat(space, observation, _flat);
            return _flat;
        }

        // Discrete and MultiDiscrete: codes first, then one-hot.
        var code = _codes;
        SpaceValues.WriteFlat(space, observation, code);
        Array.Clear(_flat);
        for (int i = 0; i < _offsets.Length; i++)
        {
            int c = (int)code[i];
            int n = (i + 1 < _offsets.Length ? _offsets[i + 1] : _flat.Length) - _offsets[i];
            if ((uint)c >= (uint)n)
            {
                throw new InvalidOperationException($"Observation code {c} of element {i} is outside {space}.");
            }

            _flat[_offsets[i] + c] = 1f;
        }

        return _flat;
    }
}
