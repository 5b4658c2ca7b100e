using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Flattens observations into a float vector (Gymnasium's FlattenObservation, <c>spaces.flatten</c>): a Box element as
/// is (row-major), a Discrete value as a one-hot vector of length n, a MultiDiscrete element as the concatenation of
/// one-hot vectors, a MultiBinary element as its bits, and a DictSpace or TupleSpace value as the concatenation of its
/// parts flattened likewise, in key or position order. The exposed observation space is the matching one-dimensional
/// Box (one-hot and bit parts bounded by 0 and 1). A composite's own flat encoding, which vector environments and
/// learners read without this wrapper, keeps Discrete parts as single categorical codes instead; use this wrapper
/// where a learner needs one-hot features (as Gymnasium's does).
/// </summary>
public sealed class FlattenObservation<TObservation, TAction> : IEnvironment<ReadOnlyMemory<float>, TAction>, IEnvironmentWrapper
{
    private readonly float[] _flat;
    private readonly float[] _codes;
    private readonly int[] _oneHot;  // per element of the inner flat encoding: 0 = copied, n = one-hot over n floats
    private readonly int[] _target;  // per element of the inner flat encoding: where it lands in the output
    private readonly bool _copiesAll;

    /// <summary>
    /// Wraps <paramref name="inner"/>, whose observations must be Discrete (int), Box, DictSpace or TupleSpace
    /// (ReadOnlyMemory of float), MultiDiscrete or MultiBinary (ReadOnlyMemory of int).
    /// </summary>
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
        var oneHot = new List<int>();
        var low = new List<float>();
        var high = new List<float>();
        Plan(inner.ObservationSpace, oneHot, low, high);
        _oneHot = [.. oneHot];
        _target = new int[_oneHot.Length];
        int total = 0;
        for (int i = 0; i < _oneHot.Length; i++)
        {
            _target[i] = total;
            total += _oneHot[i] == 0 ? 1 : _oneHot[i];
        }

        _copiesAll = total == _oneHot.Length;
        _flat = new float[total];
        _codes = new float[_oneHot.Length];
        ObservationSpace = new Box([.. low], [.. high]);
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

    /// <summary>Appends, per element of <paramref name="space"/>'s flat encoding, how it is flattened and the bounds of what it becomes.</summary>
    private static void Plan(Space space, List<int> oneHot, List<float> low, List<float> high)
    {
        switch (space)
        {
            case Box box:
                for (int j = 0; j < box.FlatSize; j++)
                {
                    oneHot.Add(0);
                    low.Add(box.Low[j]);
                    high.Add(box.High[j]);
                }

                break;
            case CompositeSpace composite:
                for (int i = 0; i < composite.Count; i++)
                {
                    Plan(composite[i], oneHot, low, high);
                }

                break;
            default:
                // Discrete and MultiDiscrete: one-hot over each element's values; MultiBinary: the bits as they are.
                bool bits = space is MultiBinary;
                foreach (int n in space.Cardinalities)
                {
                    oneHot.Add(bits ? 0 : n);
                    for (int k = 0; k < (bits ? 1 : n); k++)
                    {
                        low.Add(0f);
                        high.Add(1f);
                    }
                }

                break;
        }
    }

    private ReadOnlyMemory<float> Flatten(TObservation observation)
    {
        var space = Inner.ObservationSpace;
        if (_copiesAll)
        {
            SpaceValues.WriteFlat(space, observation, _flat);
            return _flat;
        }

        // Codes first, then each copied or one-hot encoded.
        var code = _codes;
        SpaceValues.WriteFlat(space, observation, code);
        for (int i = 0; i < code.Length; i++)
        {
            int n = _oneHot[i];
            int target = _target[i];
            if (n == 0)
            {
                _flat[target] = code[i];
                continue;
            }

            int c = (int)code[i];
            _flat.AsSpan(target, n).Clear();
            if ((uint)c >= (uint)n)
            {
                throw new InvalidOperationException($"Observation code {c} of element {i} is outside {space}.");
            }

            _flat[target + c] = 1f;
        }

        return _flat;
    }
}
