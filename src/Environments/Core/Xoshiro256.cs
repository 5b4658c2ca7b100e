namespace RLFramework.Environments;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: the one generator behind every seeded random
/// source of the framework (environment resets, MiniGrid layouts, agents). A mutable struct: keep it in a field
/// and call it through that field, never through a copy.
/// </summary>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose four state words are SplitMix64 draws from <paramref name="seed"/>.</summary>
    public Xoshiro256(long seed)
    {
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator continuing from four state words (see <see cref="GetState"/>); not all zero.</summary>
    public Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
            throw new ArgumentException("A xoshiro256** state is four words, not all zero.");
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>The four state words (for checkpoints).</summary>
    public readonly ulong[] GetState() => [_s0, _s1, _s2, _s3];

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>The high 32 bits of the next draw.</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// An integer in [0, <paramref name="n"/>) by one multiply-shift of 32 random bits (bias below 2^-32 * n;
    /// <see cref="NextIntUnbiased"/> removes it).
    /// </summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>) without bias (Lemire's rejection).</summary>
    public int NextIntUnbiased(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var range = (uint)n;
        var m = (ulong)NextUInt32() * range;
        var low = (uint)m;
        if (low < range)
        {
            var threshold = (0u - range) % range;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * range;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
