using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Maps each Box observation element affinely from the wrapped bounds [low, high] onto [min, max] (Gymnasium 1.0's
/// <c>RescaleObservation</c>, its <c>rescale_box</c> arithmetic): <c>obs' = gradient * obs + intercept</c> in float,
/// with <c>gradient = (max - min) / (high - low)</c> (in double, stored as float) and <c>intercept = gradient * -low + min</c>.
/// An element with an infinite bound must keep that same infinite bound (Gymnasium asserts it): one finite side only
/// shifts (<c>gradient = 1</c>, <c>intercept = min - low</c> or <c>max - high</c>), none finite passes through. So
/// low maps to min, high to max and the midpoint to the midpoint. Observations are not clipped. The exposed space is
/// Box(min, max) with the wrapped shape; its elements are numerical (rescaled codes are no longer categories).
/// </summary>
public sealed class RescaleObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>, IEnvironmentLabels
{
    private EnvironmentLabels? _labels;
    private readonly float[] _gradient;
    private readonly float[] _intercept;
    private readonly float[] _rescaled;

    /// <summary>Wraps <paramref name="inner"/> (a Box observation space) so that every element lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public RescaleObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, float min, float max)
        : this(inner, Filled(inner, min), Filled(inner, max))
    {
    }

    /// <summary>Wraps <paramref name="inner"/> (a Box observation space) with per-element bounds <paramref name="min"/> and <paramref name="max"/>.</summary>
    public RescaleObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, float[] min, float[] max)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(min);
        ArgumentNullException.ThrowIfNull(max);
        var box = WrapperSupport.BoxObservations(inner, "RescaleObservation");
        int n = box.FlatSize;
        if (min.Length != n || max.Length != n)
        {
            throw new ArgumentException($"RescaleObservation bounds have {min.Length} (min) and {max.Length} (max) elements; the observation space {box} has {n}.", nameof(min));
        }

        _gradient = new float[n];
        _intercept = new float[n];
        _rescaled = new float[n];
        for (int i = 0; i < n; i++)
        {
            float low = box.Low[i], high = box.High[i];
            if (float.IsNaN(min[i]) || float.IsNaN(max[i]) || !(min[i] <= max[i]))
            {
                throw new ArgumentException($"RescaleObservation needs min <= max; element {i} has min {min[i]} and max {max[i]}.", nameof(min));
            }

            if ((float.IsInfinity(min[i]) || float.IsInfinity(low)) && min[i] != low)
            {
                throw new ArgumentException(
                    $"RescaleObservation cannot map element {i}'s low bound {low} onto {min[i]}: an infinite bound must stay the same infinite bound (observation space {box}).", nameof(min));
            }

            if ((float.IsInfinity(max[i]) || float.IsInfinity(high)) && max[i] != high)
            {
                throw new ArgumentException(
                    $"RescaleObservation cannot map element {i}'s high bound {high} onto {max[i]}: an infinite bound must stay the same infinite bound (observation space {box}).", nameof(max));
            }

            bool minFinite = float.IsFinite(min[i]), maxFinite = float.IsFinite(max[i]);
            if (minFinite && maxFinite && low == high)
            {
                throw new ArgumentException($"RescaleObservation cannot rescale element {i}: its bounds are equal ({low}), so no affine map sends them to {min[i]} and {max[i]}.", nameof(inner));
            }

            _gradient[i] = minFinite && maxFinite ? (float)(((double)max[i] - min[i]) / ((double)high - low)) : 1f;
            _intercept[i] = minFinite ? (float)((double)(_gradient[i] * -low) + min[i])
                : maxFinite ? (float)((double)max[i] - high)
                : 0f;
        }

        ObservationSpace = new Box(min, max, [.. box.Shape]);
    }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        return new(Rescale(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(Rescale(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private static float[] Filled(IEnvironment inner, float value)
    {
        var filled = new float[WrapperSupport.BoxObservations(inner, "RescaleObservation").FlatSize];
        Array.Fill(filled, value);
        return filled;
    }

    private ReadOnlyMemory<float> Rescale(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        WrapperSupport.CheckLength(span, _rescaled.Length, "RescaleObservation");
        for (int i = 0; i < span.Length; i++)
        {
            _rescaled[i] = (_gradient[i] * span[i]) + _intercept[i];
        }

        return _rescaled;
    }

    /// <summary>The inner names: rescaling keeps every element where it was.</summary>
    public string FeatureName(int index) => InnerLabels.FeatureName(index);

    /// <summary>None: the rescaled numbers are no longer the inner codes (a rescaled Box is numerical).</summary>
    public string? ValueName(int index, float value) => null;

    /// <inheritdoc/>
    public string ActionName(int index) => InnerLabels.ActionName(index);

    private EnvironmentLabels InnerLabels => _labels ??= EnvironmentLabels.Of(Inner);
}
