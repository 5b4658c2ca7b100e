using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Appends the number of steps taken in the current episode to every Box observation, as one more float: 0 at
/// <see cref="Reset"/>, t after the t-th <see cref="Step"/> (Gymnasium 1.0's <c>TimeAwareObservation(env, flatten=True,
/// normalize_time=False)</c>, whose flattened <c>Dict(obs, time)</c> is the observation followed by the time). With
/// <c>normalizeTime</c> the element is t / <see cref="MaxEpisodeSteps"/> (computed in double, stored as float, as
/// Gymnasium does) and lies in [0, 1]; else it lies in [0, <see cref="MaxEpisodeSteps"/>]. The exposed space is the
/// inner Box with one more element: the inner bounds and categorical cardinalities kept, the time element numerical.
/// The limit is the constructor argument, else that of the nearest <see cref="TimeLimit{TObservation, TAction}"/> in
/// the chain, else the spec's <see cref="EnvironmentSpec.MaxEpisodeSteps"/> (Gymnasium looks at the spec first; a
/// registry spec here does not change with <c>Make</c>'s maxEpisodeSteps override while the TimeLimit does, so the
/// chain comes first). Gymnasium's unflattened Dict and Tuple forms are not offered: observations stay flat floats.
/// </summary>
public sealed class TimeAwareObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>, IEnvironmentLabels
{
    private EnvironmentLabels? _labels;
    private readonly float[] _observation;
    private readonly int _size;

    /// <summary>
    /// Wraps <paramref name="inner"/> (a Box observation space). <paramref name="maxEpisodeSteps"/> null takes the limit
    /// from the chain or the spec; an <see cref="ArgumentException"/> says so when neither has one.
    /// </summary>
    public TimeAwareObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, bool normalizeTime = false, int? maxEpisodeSteps = null)
        : base(inner)
    {
        var box = WrapperSupport.BoxObservations(inner, "TimeAwareObservation");
        int limit = maxEpisodeSteps ?? FindLimit(inner)
            ?? throw new ArgumentException(
                $"TimeAwareObservation needs the episode step limit: pass maxEpisodeSteps, wrap a TimeLimit, or make the environment from a spec with MaxEpisodeSteps ({inner.Spec?.Id ?? inner.GetType().Name} has none).",
                nameof(maxEpisodeSteps));
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), limit, "TimeAwareObservation needs a step limit of at least 1.");
        }

        MaxEpisodeSteps = limit;
        NormalizeTime = normalizeTime;
        _size = box.FlatSize;
        _observation = new float[_size + 1];
        float[] low = [.. box.Low, 0f];
        float[] high = [.. box.High, normalizeTime ? 1f : limit];
        int[] cardinalities = [.. box.Cardinalities, 0];
        ObservationSpace = new Box(low, high, [_size + 1], cardinalities);
    }

    /// <summary>The step limit the time is measured against (the upper bound of the raw time element).</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Whether the time element is t / <see cref="MaxEpisodeSteps"/> rather than t.</summary>
    public bool NormalizeTime { get; }

    /// <summary>Steps taken in the current episode (the raw time element of the last observation).</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        ElapsedSteps = 0;
        var result = Inner.Reset(seed);
        return new(Append(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        ElapsedSteps++; // before the inner step, as Gymnasium counts
        var r = Inner.Step(action);
        return new(Append(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>The inner names, and <c>elapsed steps</c> (or <c>elapsed time</c> when normalized) for the appended element.</summary>
    public string FeatureName(int index) =>
        index == _size ? (NormalizeTime ? "elapsed time" : "elapsed steps") : InnerLabels.FeatureName(index);

    /// <inheritdoc/>
    public string? ValueName(int index, float value) => index == _size ? null : InnerLabels.ValueName(index, value);

    /// <inheritdoc/>
    public string ActionName(int index) => InnerLabels.ActionName(index);

    private EnvironmentLabels InnerLabels => _labels ??= EnvironmentLabels.Of(Inner);

    /// <summary>The limit of the nearest TimeLimit in the chain, else the spec's, else null.</summary>
    private static int? FindLimit(IEnvironment inner) =>
        inner.Find<ITimeLimit>()?.MaxEpisodeSteps ?? inner.Spec?.MaxEpisodeSteps;

    private ReadOnlyMemory<float> Append(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        WrapperSupport.CheckLength(span, _size, "TimeAwareObservation");
        span.CopyTo(_observation);
        _observation[_size] = NormalizeTime ? (float)((double)ElapsedSteps / MaxEpisodeSteps) : ElapsedSteps;
        return _observation;
    }
}
