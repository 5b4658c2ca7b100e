using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Writes the transformed observation into <paramref name="transformed"/>, a buffer of the new space's
/// <see cref="Space.FlatSize"/> floats that the wrapper owns, from <paramref name="observation"/>, the wrapped
/// environment's flat observation (valid only during the call).
/// </summary>
public delegate void ObservationTransform(ReadOnlySpan<float> observation, Span<float> transformed);

/// <summary>
/// Applies a caller-given function to every observation of <c>Reset</c> and <c>Step</c> (Gymnasium 1.0's
/// <c>TransformObservation(env, func, observation_space)</c>). The function writes into a buffer the wrapper owns
/// (<see cref="ObservationTransform"/>), so a step allocates nothing; the caller states the exposed space, a Box,
/// DictSpace or TupleSpace (values of flat floats), or null to keep the wrapped one. The wrapped observations are
/// flat floats too: a Box, DictSpace or TupleSpace. Whether the function's outputs lie in the stated space is the
/// caller's promise, as in Gymnasium (the environment checker tests it).
/// </summary>
public sealed class TransformObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>
{
    private readonly ObservationTransform _transform;
    private readonly float[] _transformed;
    private readonly int _innerSize;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="observationSpace"/> null keeps the wrapped observation space.</summary>
    public TransformObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, ObservationTransform transform, Space? observationSpace = null)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (!SpaceValues.Fits<ReadOnlyMemory<float>>(inner.ObservationSpace))
        {
            throw new ArgumentException($"TransformObservation needs observations of flat floats (Box, DictSpace, TupleSpace), not {inner.ObservationSpace}.", nameof(inner));
        }

        observationSpace ??= inner.ObservationSpace;
        if (!SpaceValues.Fits<ReadOnlyMemory<float>>(observationSpace))
        {
            throw new ArgumentException($"TransformObservation's observation space must hold flat floats (Box, DictSpace, TupleSpace), not {observationSpace}.", nameof(observationSpace));
        }

        _transform = transform;
        _innerSize = inner.ObservationSpace.FlatSize;
        _transformed = new float[observationSpace.FlatSize];
        ObservationSpace = observationSpace;
    }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        return new(Transform(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(Transform(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private ReadOnlyMemory<float> Transform(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        WrapperSupport.CheckLength(span, _innerSize, "TransformObservation");
        _transform(span, _transformed);
        return _transformed;
    }
}
