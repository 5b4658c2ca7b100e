using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Normalizes Box observations to (obs - mean) / sqrt(var + epsilon) with running statistics updated
/// on every reset and step observation (Gymnasium's NormalizeObservation; its default has no clip,
/// <see cref="Clip"/> adds one). <see cref="UpdateRunningMean"/> = false freezes the statistics (evaluation).
/// </summary>
public sealed class NormalizeObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>
{
    private readonly float[] _normalized;

    /// <summary>Wraps <paramref name="inner"/>, whose observation space must be a Box.</summary>
    public NormalizeObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, double epsilon = 1e-8, double clip = double.PositiveInfinity)
        : base(inner)
    {
        if (inner.ObservationSpace is not Box box)
        {
            throw new ArgumentException($"NormalizeObservation needs a Box observation space, not {inner.ObservationSpace}.", nameof(inner));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clip);
        Epsilon = epsilon;
        Clip = clip;
        Statistics = new RunningMeanStd(box.FlatSize);
        _normalized = new float[box.FlatSize];
        ObservationSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, [.. box.Shape]);
    }

    /// <summary>The epsilon added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized observations are clipped to ±Clip (infinity: no clip, Gymnasium's behaviour).</summary>
    public double Clip { get; }

    /// <summary>Whether observations update the statistics (false: frozen).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running statistics (use GetState/SetState to save and load them).</summary>
    public RunningMeanStd Statistics { get; }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        return result with { Observation = Normalize(result.Observation) };
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var result = Inner.Step(action);
        return result with { Observation = Normalize(result.Observation) };
    }

    private ReadOnlyMemory<float> Normalize(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        if (UpdateRunningMean)
        {
            Statistics.Update(span);
        }

        Statistics.Normalize(span, _normalized, Epsilon, Clip);
        return _normalized;
    }
}
