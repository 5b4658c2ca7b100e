using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Keeps the listed keys of a <see cref="DictSpace"/> observation (Gymnasium 1.0's <c>FilterObservation</c> on a Dict).
/// The exposed space is a DictSpace of those keys' sub-spaces in ordinal key order, as Gymnasium's
/// <c>Dict({key: ... for key in filter_keys})</c> sorts a dict's keys, whatever order they are listed in; an
/// observation is the kept keys' slices of the flat vector in that order. Every key must be in the wrapped space
/// (else an <see cref="ArgumentException"/> lists the missing keys and the space's keys); at least one key is needed.
/// Differences: a key listed twice is an error (Gymnasium's dict would keep it once), and Gymnasium's Tuple form
/// (integer indices) is not offered. Steps copy the kept floats into a buffer the wrapper owns and allocate nothing.
/// </summary>
public sealed class FilterObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>
{
    private readonly float[] _filtered;
    private readonly int[] _sourceOffsets;
    private readonly int[] _lengths;
    private readonly int _innerSize;

    /// <summary>Wraps <paramref name="inner"/> (a DictSpace observation space), keeping <paramref name="keys"/>.</summary>
    public FilterObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, params string[] keys)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var dict = inner.ObservationSpace as DictSpace
            ?? throw new ArgumentException($"FilterObservation needs a DictSpace observation space, not {inner.ObservationSpace}.", nameof(inner));
        if (keys.Length == 0)
        {
            throw new ArgumentException($"FilterObservation needs at least one key to keep; the keys of {dict} are {string.Join(", ", dict.Keys)}.", nameof(keys));
        }

        var missing = Array.FindAll(keys, k => k is null || dict.IndexOf(k) < 0);
        if (missing.Length > 0)
        {
            throw new ArgumentException(
                $"FilterObservation: the observation space has no key{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)}; its keys are {string.Join(", ", dict.Keys)}.",
                nameof(keys));
        }

        var kept = new Dictionary<string, Space>(keys.Length, StringComparer.Ordinal);
        foreach (string key in keys)
        {
            if (!kept.TryAdd(key, dict[key]))
            {
                throw new ArgumentException($"FilterObservation: the key {key} is listed more than once.", nameof(keys));
            }
        }

        var space = new DictSpace(kept); // ordinal key order, as Gymnasium's Dict sorts a dict
        _sourceOffsets = new int[space.Count];
        _lengths = new int[space.Count];
        for (int i = 0; i < space.Count; i++)
        {
            _sourceOffsets[i] = dict.Offset(space.Keys[i]);
            _lengths[i] = space[i].FlatSize;
        }

        Keys = space.Keys;
        ObservationSpace = space;
        _innerSize = dict.FlatSize;
        _filtered = new float[space.FlatSize];
    }

    /// <summary>The kept keys, in the order of the exposed space (ordinal).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        return new(Filter(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(Filter(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private ReadOnlyMemory<float> Filter(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        WrapperSupport.CheckLength(span, _innerSize, "FilterObservation");
        int target = 0;
        for (int i = 0; i < _lengths.Length; i++)
        {
            span.Slice(_sourceOffsets[i], _lengths[i]).CopyTo(_filtered.AsSpan(target));
            target += _lengths[i];
        }

        return _filtered;
    }
}
