using RLFramework.Environments;

namespace RLFramework.Agents;

/// <summary>
/// A seeded random generator whose whole state can be saved and restored (xoshiro256**, seeded by
/// SplitMix64), so that a training run resumed from a checkpoint draws the same numbers it would
/// have drawn without the interruption.
/// </summary>
public sealed class RandomSource
{
    private Xoshiro256 _bits;

    /// <summary>Creates a generator from <paramref name="seed"/>.</summary>
    public RandomSource(long seed) => _bits = new Xoshiro256(seed);

    private RandomSource(Xoshiro256 bits) => _bits = bits;

    /// <summary>The four state words (for checkpoints).</summary>
    public ulong[] GetState() => _bits.GetState();

    /// <summary>A generator continuing from a state returned by <see cref="GetState"/>.</summary>
    public static RandomSource FromState(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("A RandomSource state is four words, not all zero.", nameof(state));
        return new RandomSource(new Xoshiro256(state[0], state[1], state[2], state[3]));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => _bits.NextUInt64();

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => _bits.NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive) => _bits.NextInt(maxExclusive);

    /// <summary>A standard normal draw (Box-Muller, one draw per call).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A seed for another component, drawn from this generator.</summary>
    public int NextSeed() => (int)(NextUInt64() >> 33);

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
