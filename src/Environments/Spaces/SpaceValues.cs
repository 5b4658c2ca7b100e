using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// Generic bridges between typed values (<see cref="int"/> for <see cref="Discrete"/>,
/// <see cref="ReadOnlyMemory{T}"/> of float for <see cref="Box"/> and the composite <see cref="DictSpace"/> and
/// <see cref="TupleSpace"/>, whose values are their flat encoding, of int for <see cref="MultiDiscrete"/> and
/// <see cref="MultiBinary"/>) and spaces: the flat float encoding, membership and sampling. The type tests compile away for each
/// instantiation, so the calls neither box nor allocate (except <see cref="Sample{T}"/> of arrays).
/// </summary>
public static class SpaceValues
{
    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="destination"/> (<see cref="Space.FlatSize"/> floats):
    /// a Box element as is, a Discrete value as its index (value - start, one categorical float),
    /// a MultiDiscrete or MultiBinary element as its codes, a DictSpace or TupleSpace value (already flat) as is,
    /// which must then have exactly <see cref="Space.FlatSize"/> floats.
    /// </summary>
    public static void WriteFlat<T>(Space space, T value, Span<float> destination)
    {
        if (typeof(T) == typeof(int))
        {
            int v = Unsafe.As<T, int>(ref value);
            int start = space is Discrete d ? d.Start : 0;
            if (destination.Length < 1)
            {
                ThrowDestination(destination.Length, 1);
            }

            destination[0] = v - start;
        }
        else if (typeof(T) == typeof(ReadOnlyMemory<float>))
        {
            ReadOnlySpan<float> source = Unsafe.As<T, ReadOnlyMemory<float>>(ref value).Span;
            if (destination.Length < source.Length)
            {
                ThrowDestination(destination.Length, source.Length);
            }

            if (space is CompositeSpace && source.Length != space.FlatSize)
            {
                ThrowComposite(space, source.Length);
            }

            source.CopyTo(destination);
        }
        else if (typeof(T) == typeof(ReadOnlyMemory<int>))
        {
            ReadOnlySpan<int> source = Unsafe.As<T, ReadOnlyMemory<int>>(ref value).Span;
            if (destination.Length < source.Length)
            {
                ThrowDestination(destination.Length, source.Length);
            }

            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = source[i];
            }
        }
        else
        {
            ThrowUnsupported(typeof(T));
        }
    }

    /// <summary>Whether <paramref name="value"/> belongs to <paramref name="space"/> (false when the type does not fit the space).</summary>
    public static bool Contains<T>(Space space, T value)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (typeof(T) == typeof(int))
        {
            return space is Discrete d && d.Contains(Unsafe.As<T, int>(ref value));
        }

        if (typeof(T) == typeof(ReadOnlyMemory<float>))
        {
            ReadOnlySpan<float> flat = Unsafe.As<T, ReadOnlyMemory<float>>(ref value).Span;
            return space switch
            {
                Box b => b.Contains(flat),
                CompositeSpace c => c.Contains(flat),
                _ => false,
            };
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>))
        {
            ReadOnlySpan<int> codes = Unsafe.As<T, ReadOnlyMemory<int>>(ref value).Span;
            return space switch
            {
                MultiDiscrete m => m.Contains(codes),
                MultiBinary mb => mb.Contains(codes),
                _ => false,
            };
        }

        return false;
    }

    /// <summary>A random element of <paramref name="space"/> as a <typeparamref name="T"/> (arrays are freshly allocated).</summary>
    public static T Sample<T>(Space space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (typeof(T) == typeof(int) && space is Discrete d)
        {
            int v = d.Sample();
            return Unsafe.As<int, T>(ref v);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<float>) && space is Box b)
        {
            ReadOnlyMemory<float> v = b.Sample();
            return Unsafe.As<ReadOnlyMemory<float>, T>(ref v);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<float>) && space is CompositeSpace c)
        {
            var array = new float[c.FlatSize];
            c.Sample(array);
            ReadOnlyMemory<float> v = array;
            return Unsafe.As<ReadOnlyMemory<float>, T>(ref v);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>) && space is MultiDiscrete m)
        {
            var array = new int[m.FlatSize];
            m.Sample(array);
            ReadOnlyMemory<int> v = array;
            return Unsafe.As<ReadOnlyMemory<int>, T>(ref v);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>) && space is MultiBinary mb)
        {
            var array = new int[mb.FlatSize];
            mb.Sample(array);
            ReadOnlyMemory<int> v = array;
            return Unsafe.As<ReadOnlyMemory<int>, T>(ref v);
        }

        throw new ArgumentException($"Cannot sample a {typeof(T).Name} from {space}.", nameof(space));
    }

    /// <summary>Whether <typeparamref name="T"/> is a value type that <paramref name="space"/> can hold.</summary>
    public static bool Fits<T>(Space space) =>
        (typeof(T) == typeof(int) && space is Discrete)
        || (typeof(T) == typeof(ReadOnlyMemory<float>) && space is Box or CompositeSpace)
        || (typeof(T) == typeof(ReadOnlyMemory<int>) && space is MultiDiscrete or MultiBinary);

    /// <summary>A copy of <paramref name="value"/> that does not alias environment buffers.</summary>
    public static T Copy<T>(T value)
    {
        if (typeof(T) == typeof(ReadOnlyMemory<float>))
        {
            ReadOnlyMemory<float> v = Unsafe.As<T, ReadOnlyMemory<float>>(ref value).ToArray();
            return Unsafe.As<ReadOnlyMemory<float>, T>(ref v);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>))
        {
            ReadOnlyMemory<int> v = Unsafe.As<T, ReadOnlyMemory<int>>(ref value).ToArray();
            return Unsafe.As<ReadOnlyMemory<int>, T>(ref v);
        }

        return value;
    }

    /// <summary>The element type names this API supports, for error messages.</summary>
    internal const string SupportedTypes =
        "int (Discrete), ReadOnlyMemory<float> (Box, DictSpace, TupleSpace), ReadOnlyMemory<int> (MultiDiscrete, MultiBinary)";

    /// <summary>
    /// Whether <paramref name="flat"/> is the flat encoding of an element of <paramref name="space"/>: a Box element as
    /// <see cref="Box.Contains"/> decides, integral codes in range for Discrete, MultiDiscrete and MultiBinary, a
    /// composite as <see cref="CompositeSpace.Contains"/> decides.
    /// </summary>
    internal static bool ContainsFlat(Space space, ReadOnlySpan<float> flat)
    {
        switch (space)
        {
            case Box box:
                return box.Contains(flat);
            case CompositeSpace composite:
                return composite.Contains(flat);
            case Discrete discrete:
                return flat.Length == 1 && IsCode(flat[0], discrete.N);
            case MultiDiscrete or MultiBinary:
                var cardinalities = space.Cardinalities;
                if (flat.Length != cardinalities.Count)
                {
                    return false;
                }

                for (int i = 0; i < flat.Length; i++)
                {
                    if (!IsCode(flat[i], cardinalities[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes a random element of <paramref name="space"/> in its flat encoding (<see cref="Space.FlatSize"/> floats) with the space's own generator.</summary>
    internal static void SampleFlat(Space space, Span<float> flat)
    {
        switch (space)
        {
            case Box box:
                box.Sample(flat);
                break;
            case CompositeSpace composite:
                composite.Sample(flat);
                break;
            case Discrete discrete:
                flat[0] = discrete.Sample() - discrete.Start;
                break;
            case MultiDiscrete multi:
                multi.SampleFlat(flat);
                break;
            case MultiBinary bits:
                bits.SampleFlat(flat);
                break;
            default:
                throw new NotSupportedException($"Cannot sample {space}; supported: {SupportedTypes}.");
        }
    }

    /// <summary>Whether <paramref name="value"/> is an integer code 0..<paramref name="n"/>-1 (false for NaN and infinities).</summary>
    private static bool IsCode(float value, int n) => value >= 0 && value < n && value == MathF.Floor(value);

    [DoesNotReturn]
    private static void ThrowDestination(int got, int needed) =>
        throw new ArgumentException($"The destination has {got} floats but the value needs {needed}.", "destination");

    [DoesNotReturn]
    private static void ThrowComposite(Space space, int got) =>
        throw new ArgumentException($"The value has {got} floats but {space} has {space.FlatSize}; a composite value is its whole flat vector.", "value");

    [DoesNotReturn]
    private static void ThrowUnsupported(Type type) =>
        throw new NotSupportedException($"Values of type {type.Name} have no flat encoding; supported: {SupportedTypes}.");
}
