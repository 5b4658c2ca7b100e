using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// What <see cref="DictSpace"/> and <see cref="TupleSpace"/> share: sub-spaces in a fixed order whose values lie side
/// by side in one flat float vector. A value of a composite space is that vector, a <see cref="ReadOnlyMemory{T}"/> of
/// <see cref="Space.FlatSize"/> floats: sub-space i occupies the <see cref="Space.FlatSize"/> floats from
/// <see cref="Offset(int)"/> on, encoded as <see cref="SpaceValues.WriteFlat{T}"/> encodes a value of that sub-space on
/// its own (a Box element as is, a Discrete value as value - start, MultiDiscrete and MultiBinary codes as floats, a
/// nested composite as its own flat vector). An environment keeps one float array, fills it with
/// <see cref="Write{T}(Span{float}, int, T)"/> (or writes the slices directly) and returns it without allocating; the
/// vector environments and learners read it as it is.
/// </summary>
public abstract class CompositeSpace : Space
{
    private readonly Space[] _spaces;
    private readonly int[] _offsets;
    private readonly int[] _shape;
    private readonly int[] _cardinalities;

    /// <summary>
    /// Takes the sub-spaces (already checked non-null, at least one) and seeds them as <see cref="Seed"/>(0) does, so
    /// that equal sub-spaces, which start with the same generator, do not sample in lockstep.
    /// </summary>
    private protected CompositeSpace(Space[] spaces)
    {
        _spaces = spaces;
        _offsets = new int[spaces.Length + 1];
        for (int i = 0; i < spaces.Length; i++)
        {
            _offsets[i + 1] = checked(_offsets[i] + spaces[i].FlatSize);
        }

        _cardinalities = new int[_offsets[^1]];
        for (int i = 0; i < spaces.Length; i++)
        {
            var cards = spaces[i].Cardinalities;
            for (int j = 0; j < cards.Count; j++)
            {
                _cardinalities[_offsets[i] + j] = cards[j];
            }
        }

        _shape = [_offsets[^1]];
        Seed(0);
    }

    /// <summary>The number of sub-spaces.</summary>
    public int Count => _spaces.Length;

    /// <summary>Sub-space <paramref name="index"/> in layout order.</summary>
    public Space this[int index] => _spaces[CheckIndex(index)];

    /// <summary>
    /// <c>[FlatSize]</c>: a value is its flat float vector. (Gymnasium's composite spaces have no shape, None; a
    /// one-dimensional shape keeps the rule every other space follows here, the product of the shape is
    /// <see cref="FlatSize"/>.)
    /// </summary>
    public override IReadOnlyList<int> Shape => _shape;

    /// <summary>The sum of the sub-spaces' flat sizes.</summary>
    public override int FlatSize => _offsets[^1];

    /// <summary>The sub-spaces' cardinalities, concatenated in layout order.</summary>
    public override IReadOnlyList<int> Cardinalities => _cardinalities;

    /// <summary>
    /// Seeds every sub-space (nested composites recursively) from one generator seeded with <paramref name="seed"/>,
    /// as Gymnasium seeds a Dict's or Tuple's sub-spaces: sampling is reproducible under the seed.
    /// </summary>
    public override void Seed(int seed)
    {
        var seeds = new Random(seed);
        foreach (var space in _spaces)
        {
            space.Seed(seeds.Next());
        }
    }

    /// <summary>Where sub-space <paramref name="index"/>'s floats begin in the flat vector.</summary>
    public int Offset(int index) => _offsets[CheckIndex(index)];

    /// <summary>Sub-space <paramref name="index"/>'s floats in <paramref name="flat"/> (a whole value of this space).</summary>
    public ReadOnlySpan<float> Slice(ReadOnlySpan<float> flat, int index)
    {
        CheckFlat(flat.Length);
        int start = _offsets[CheckIndex(index)];
        return flat.Slice(start, _offsets[index + 1] - start);
    }

    /// <summary>Sub-space <paramref name="index"/>'s floats in <paramref name="flat"/>, to write in place.</summary>
    public Span<float> Slice(Span<float> flat, int index)
    {
        CheckFlat(flat.Length);
        int start = _offsets[CheckIndex(index)];
        return flat.Slice(start, _offsets[index + 1] - start);
    }

    /// <summary>
    /// Sub-space <paramref name="index"/>'s floats in the array <paramref name="flat"/>, to write in place (without this
    /// overload C# would pick the read-only one for an array).
    /// </summary>
    public Span<float> Slice(float[] flat, int index) => Slice(flat.AsSpan(), index);

    /// <summary>
    /// Writes <paramref name="value"/>, a value of sub-space <paramref name="index"/> (int for a Discrete,
    /// ReadOnlyMemory of float for a Box or a nested composite, of int for a MultiDiscrete or MultiBinary), into its
    /// slice of <paramref name="flat"/> with <see cref="SpaceValues.WriteFlat{T}"/>. Throws when the type does not fit
    /// the sub-space or the value's length differs from the sub-space's; membership is not checked (the
    /// environment checker does that).
    /// </summary>
    public void Write<T>(Span<float> flat, int index, T value)
    {
        var slice = Slice(flat, index);
        var space = _spaces[index];
        if (!SpaceValues.Fits<T>(space))
        {
            ThrowType(typeof(T), index);
        }

        int length = FlatLength(value);
        if (length != space.FlatSize)
        {
            ThrowValueLength(length, index);
        }

        SpaceValues.WriteFlat(space, value, slice);
    }

    /// <summary>
    /// The value of Discrete sub-space <paramref name="index"/> in <paramref name="flat"/>: its code plus the space's
    /// start (the inverse of <see cref="Write{T}(Span{float}, int, T)"/> with an int).
    /// </summary>
    public int ReadDiscrete(ReadOnlySpan<float> flat, int index)
    {
        var slice = Slice(flat, index);
        if (_spaces[index] is not Discrete discrete)
        {
            throw new ArgumentException($"{PartName(index)} is {_spaces[index]}, not a Discrete space.", nameof(index));
        }

        return (int)slice[0] + discrete.Start;
    }

    /// <summary>
    /// Whether <paramref name="flat"/> is a value of this space: <see cref="FlatSize"/> floats and every slice a value of
    /// its sub-space (a Box slice as <see cref="Box.Contains"/> decides; Discrete, MultiDiscrete and MultiBinary slices
    /// integral codes in range; nested composites recursively).
    /// </summary>
    public bool Contains(ReadOnlySpan<float> flat) => flat.Length == FlatSize && FirstInvalid(flat) < 0;

    /// <summary>Writes a random value into <paramref name="flat"/> (<see cref="FlatSize"/> floats), each sub-space sampled by its own generator.</summary>
    public void Sample(Span<float> flat)
    {
        CheckFlat(flat.Length);
        for (int i = 0; i < _spaces.Length; i++)
        {
            SpaceValues.SampleFlat(_spaces[i], flat[_offsets[i].._offsets[i + 1]]);
        }
    }

    /// <summary>
    /// Gymnasium's repr with every Box written in full (<see cref="Box.ToFullString"/>) and nested composites likewise:
    /// the form a model file records the space in (<see cref="ToString"/> shortens long runs of box bounds).
    /// </summary>
    public string ToFullString() => Describe(FullString);

    /// <summary>Gymnasium's repr, each sub-space written with its own <see cref="object.ToString"/>.</summary>
    public override string ToString() => Describe(s => s.ToString() ?? s.GetType().Name);

    /// <summary>The first sub-space whose slice of <paramref name="flat"/> (of length <see cref="FlatSize"/>) is not one of its values, or -1.</summary>
    internal int FirstInvalid(ReadOnlySpan<float> flat)
    {
        for (int i = 0; i < _spaces.Length; i++)
        {
            if (!SpaceValues.ContainsFlat(_spaces[i], flat[_offsets[i].._offsets[i + 1]]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>How messages name sub-space <paramref name="index"/>: <c>'goal'</c> in a Dict, <c>[1]</c> in a Tuple.</summary>
    internal abstract string PartName(int index);

    /// <summary>The repr with each sub-space written by <paramref name="describe"/>.</summary>
    private protected abstract string Describe(Func<Space, string> describe);

    private static string FullString(Space space) => space switch
    {
        Box box => box.ToFullString(),
        CompositeSpace composite => composite.ToFullString(),
        _ => space.ToString() ?? space.GetType().Name,
    };

    private static int FlatLength<T>(T value)
    {
        if (typeof(T) == typeof(ReadOnlyMemory<float>))
        {
            return Unsafe.As<T, ReadOnlyMemory<float>>(ref value).Length;
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>))
        {
            return Unsafe.As<T, ReadOnlyMemory<int>>(ref value).Length;
        }

        return 1;
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)_spaces.Length)
        {
            ThrowIndex(index);
        }

        return index;
    }

    private void CheckFlat(int length)
    {
        if (length != FlatSize)
        {
            ThrowFlat(length);
        }
    }

    [DoesNotReturn]
    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"{this} has {_spaces.Length} sub-spaces.");

    [DoesNotReturn]
    private void ThrowFlat(int length) =>
        throw new ArgumentException($"The flat value has {length} floats but {this} has {FlatSize}.", "flat");

    [DoesNotReturn]
    private void ThrowType(Type type, int index) =>
        throw new ArgumentException($"A {type.Name} is not a value of {PartName(index)}, {_spaces[index]}; supported: {SpaceValues.SupportedTypes}.", "value");

    [DoesNotReturn]
    private void ThrowValueLength(int length, int index) =>
        throw new ArgumentException($"The value has {length} elements but {PartName(index)}, {_spaces[index]}, has {_spaces[index].FlatSize}.", "value");
}
