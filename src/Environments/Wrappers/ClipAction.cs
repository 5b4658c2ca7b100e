using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Clips continuous actions into the wrapped environment's Box bounds (Gymnasium's ClipAction): the
/// exposed action space is unbounded with the same shape. NaN actions are passed through unchanged
/// so that the environment rejects them.
/// </summary>
public sealed class ClipAction<TObservation> : EnvironmentWrapper<TObservation, ReadOnlyMemory<float>>
{
    private readonly Box _innerSpace;
    private readonly float[] _clipped;

    /// <summary>Wraps <paramref name="inner"/>, whose action space must be a Box.</summary>
    public ClipAction(IEnvironment<TObservation, ReadOnlyMemory<float>> inner)
        : base(inner)
    {
        _innerSpace = inner.ActionSpace as Box
            ?? throw new ArgumentException($"ClipAction needs a Box action space, not {inner.ActionSpace}.", nameof(inner));
        _clipped = new float[_innerSpace.FlatSize];
        ActionSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, [.. _innerSpace.Shape]);
    }

    /// <inheritdoc/>
    public override Space ActionSpace { get; }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(ReadOnlyMemory<float> action)
    {
        var span = action.Span;
        if (span.Length != _clipped.Length)
        {
            throw new ArgumentException($"The action has {span.Length} floats; the action space {_innerSpace} needs {_clipped.Length}.", nameof(action));
        }

        span.CopyTo(_clipped);
        _innerSpace.Clip(_clipped);
        return Inner.Step(_clipped);
    }
}
