using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// Generic bridges between typed values (<see cref="int"/> for <see cref="Discrete"/>,
/// <see cref="ReadOnlyMemory{T}"/> of float for <see cref="Box"/>, of int for <see cref="MultiDiscrete"/>)
/// and spaces: the flat float encoding, membership and sampling. The type tests compile away for each
/// instantiation, so the calls neither box nor allocate (except <see cref="Sample{T}"/> of arrays).
/// </summary>
public static class SpaceValues
{
    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="destination"/> (<see cref="Space.FlatSize"/> floats):
    /// a Box element as is, a Discrete value as its index (value - start, one categorical float),
    /// a MultiDiscrete element as its codes.
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
            return space is Box b && b.Contains(Unsafe.As<T, ReadOnlyMemory<float>>(ref value).Span);
        }

        if (typeof(T) == typeof(ReadOnlyMemory<int>))
        {
            return space is MultiDiscrete m && m.Contains(Unsafe.As<T, ReadOnlyMemory<int>>(ref value).Span);
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

        if (typeof(T) == typeof(ReadOnlyMemory<int>) && space is MultiDiscrete m)
        {
            var array = new int[m.FlatSize];
            m.Sample(array);
            ReadOnlyMemory<int> v = array;
            return Unsafe.As<ReadOnlyMemory<int>, T>(ref v);
        }

        throw new ArgumentException($"Cannot sample a {typeof(T).Name} from {space}.", nameof(space));
    }

    /// <summary>Whether <typeparamref name="T"/> is a value type that <paramref name="space"/> can hold.</summary>
    public static bool Fits<T>(Space space) =>
        (typeof(T) == typeof(int) && space is Discrete)
        || (typeof(T) == typeof(ReadOnlyMemory<float>) && space is Box)
        || (typeof(T) == typeof(ReadOnlyMemory<int>) && space is MultiDiscrete);

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
    internal const string SupportedTypes = "int (Discrete), ReadOnlyMemory<float> (Box), ReadOnlyMemory<int> (MultiDiscrete)";

    [DoesNotReturn]
    private static void ThrowDestination(int got, int needed) =>
        throw new ArgumentException($"The destination has {got} floats but the value needs {needed}.", "destination");

    [DoesNotReturn]
    private static void ThrowUnsupported(Type type) =>
        throw new NotSupportedException($"Values of type {type.Name} have no flat encoding; supported: {SupportedTypes}.");
}
