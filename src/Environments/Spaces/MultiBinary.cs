using System.Globalization;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// Arrays of bits of a fixed shape (Gymnasium's MultiBinary): each element is 0 or 1. Values are
/// <see cref="ReadOnlyMemory{T}"/> of int in row-major order; the flat encoding is one float per bit, each a
/// categorical feature of cardinality 2 (tree learners split on it by equality).
/// </summary>
public sealed class MultiBinary : Space
{
    private readonly int[] _shape;
    private readonly int[] _cardinalities;
    private Random _random = new(0);

    /// <summary>
    /// A space of bit arrays of <paramref name="shape"/>: <c>new MultiBinary(5)</c> holds 5 bits,
    /// <c>new MultiBinary(2, 3)</c> a 2x3 array of bits (6 flat features).
    /// </summary>
    public MultiBinary(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("MultiBinary needs a shape of at least one dimension, e.g. new MultiBinary(5).", nameof(shape));
        }

        int size = 1;
        foreach (int d in shape)
        {
            if (d < 1)
            {
                throw new ArgumentException($"MultiBinary shape [{string.Join(", ", shape)}] has a dimension below 1.", nameof(shape));
            }

            size = checked(size * d);
        }

        _shape = (int[])shape.Clone();
        _cardinalities = new int[size];
        Array.Fill(_cardinalities, 2);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of bits (the product of the shape): one float each, 0 or 1.</summary>
    public override int FlatSize => _cardinalities.Length;

    /// <summary>2 for every bit.</summary>
    public override IReadOnlyList<int> Cardinalities => _cardinalities;

    /// <inheritdoc/>
    public override void Seed(int seed) => _random = new Random(seed);

    /// <summary>Whether <paramref name="value"/> has <see cref="FlatSize"/> elements, each 0 or 1.</summary>
    public bool Contains(ReadOnlySpan<int> value)
    {
        if (value.Length != _cardinalities.Length)
        {
            return false;
        }

        foreach (int bit in value)
        {
            if ((uint)bit > 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes independent fair bits into <paramref name="destination"/> (<see cref="FlatSize"/> elements).</summary>
    public void Sample(Span<int> destination)
    {
        if (destination.Length != _cardinalities.Length)
        {
            throw new ArgumentException($"MultiBinary element has {destination.Length} values but the space has {_cardinalities.Length}.", nameof(destination));
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _random.Next(2);
        }
    }

    /// <summary>The same draws as <see cref="Sample(Span{int})"/>, written as floats (the flat encoding).</summary>
    internal void SampleFlat(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _random.Next(2);
        }
    }

    /// <summary>
    /// Gymnasium's repr: <c>MultiBinary(5)</c> for one dimension, <c>MultiBinary((2, 3))</c> for more (Gymnasium 1.x
    /// keeps a sequence n as a Python tuple).
    /// </summary>
    public override string ToString() => _shape.Length == 1
        ? string.Create(CultureInfo.InvariantCulture, $"MultiBinary({_shape[0]})")
        : $"MultiBinary(({string.Join(", ", _shape)}))";
}
