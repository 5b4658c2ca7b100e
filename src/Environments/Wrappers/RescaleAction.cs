using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Exposes the action space Box(min, max) and maps actions affinely onto the wrapped environment's
/// bounded Box (Gymnasium's RescaleAction, float32 arithmetic as numpy does it):
/// <c>a' = clip(gradient * a + intercept, low, high)</c> with <c>gradient = (high - low) / (max - min)</c>
/// and <c>intercept = low - gradient * min</c>. NaN actions throw.
/// </summary>
public sealed class RescaleAction<TObservation> : EnvironmentWrapper<TObservation, ReadOnlyMemory<float>>
{
    private readonly Box _innerSpace;
    private readonly float[] _gradient;
    private readonly float[] _intercept;
    private readonly float[] _rescaled;

    /// <summary>Wraps <paramref name="inner"/> (a bounded Box action space) so that it takes actions in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public RescaleAction(IEnvironment<TObservation, ReadOnlyMemory<float>> inner, float min = -1f, float max = 1f)
        : base(inner)
    {
        _innerSpace = inner.ActionSpace as Box
            ?? throw new ArgumentException($"RescaleAction needs a Box action space, not {inner.ActionSpace}.", nameof(inner));
        if (!_innerSpace.IsBounded)
        {
            throw new ArgumentException($"RescaleAction needs finite action bounds; {_innerSpace} has infinite ones.", nameof(inner));
        }

        if (!float.IsFinite(min) || !float.IsFinite(max) || !(min < max))
        {
            throw new ArgumentException($"RescaleAction needs finite min < max (got {min}, {max}).", nameof(min));
        }

        int n = _innerSpace.FlatSize;
        _gradient = new float[n];
        _intercept = new float[n];
        _rescaled = new float[n];
        for (int i = 0; i < n; i++)
        {
            _gradient[i] = (_innerSpace.High[i] - _innerSpace.Low[i]) / (max - min);
            _intercept[i] = (_gradient[i] * -min) + _innerSpace.Low[i];
        }

        ActionSpace = new Box(min, max, [.. _innerSpace.Shape]);
    }

    /// <inheritdoc/>
    public override Space ActionSpace { get; }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(ReadOnlyMemory<float> action)
    {
        var span = action.Span;
        if (span.Length != _rescaled.Length)
        {
            throw new ArgumentException($"The action has {span.Length} floats; {ActionSpace} needs {_rescaled.Length}.", nameof(action));
        }

        for (int i = 0; i < span.Length; i++)
        {
            if (float.IsNaN(span[i]))
            {
                throw new ArgumentException($"Action element {i} is NaN.", nameof(action));
            }

            _rescaled[i] = (_gradient[i] * span[i]) + _intercept[i];
        }

        _innerSpace.Clip(_rescaled);
        return Inner.Step(_rescaled);
    }
}
