using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>What several observation wrappers share: the Box check with its message, and Gymnasium's zero observation.</summary>
internal static class WrapperSupport
{
    /// <summary>The Box observation space of <paramref name="inner"/>, or an <see cref="ArgumentException"/> naming <paramref name="wrapper"/> and the space it got.</summary>
    public static Box BoxObservations(IEnvironment inner, string wrapper)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.ObservationSpace as Box
            ?? throw new ArgumentException($"{wrapper} needs a Box observation space, not {inner.ObservationSpace}.", nameof(inner));
    }

    /// <summary>
    /// Gymnasium's <c>create_zero_array</c> for a Box: zero where the bounds allow it, else the bound nearest to zero
    /// (low where low &gt; 0, high where high &lt; 0), so the padding is a value of the space.
    /// </summary>
    public static float[] ZeroObservation(Box box)
    {
        var zero = new float[box.FlatSize];
        for (int i = 0; i < zero.Length; i++)
        {
            zero[i] = box.Low[i] > 0 ? box.Low[i] : box.High[i] < 0 ? box.High[i] : 0f;
        }

        return zero;
    }

    /// <summary><paramref name="values"/> repeated <paramref name="count"/> times, one after the other.</summary>
    public static T[] Repeat<T>(ReadOnlySpan<T> values, int count)
    {
        var repeated = new T[checked(values.Length * count)];
        for (int k = 0; k < count; k++)
        {
            values.CopyTo(repeated.AsSpan(k * values.Length));
        }

        return repeated;
    }

    /// <summary>Throws when <paramref name="observation"/> does not have the <paramref name="expected"/> length of the inner space.</summary>
    public static void CheckLength(ReadOnlySpan<float> observation, int expected, string wrapper)
    {
        if (observation.Length != expected)
        {
            ThrowLength(observation.Length, expected, wrapper);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(int length, int expected, string wrapper) =>
        throw new InvalidOperationException($"{wrapper}: the wrapped environment returned an observation of {length} floats; its observation space has {expected}.");
}
