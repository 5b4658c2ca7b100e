namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The layout generator's random source: xoshiro256** seeded through SplitMix64, with Lemire's
/// unbiased bounded integers. Deterministic for a seed on every platform and runtime.
/// </summary>
internal sealed class MiniGridRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public MiniGridRandom(long seed) => Reseed(seed);

    public void Reseed(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A uniform integer in [<paramref name="low"/>, <paramref name="highExclusive"/>) (MiniGrid's _rand_int).</summary>
    public int Next(int low, int highExclusive)
    {
        if (highExclusive <= low)
        {
            throw new ArgumentOutOfRangeException(nameof(highExclusive), $"Empty range [{low}, {highExclusive}).");
        }

        uint range = (uint)(highExclusive - low);
        ulong m = (ulong)NextUInt32() * range;
        uint l = (uint)m;
        if (l < range)
        {
            uint threshold = (0u - range) % range;
            while (l < threshold)
            {
                m = (ulong)NextUInt32() * range;
                l = (uint)m;
            }
        }

        return low + (int)(m >> 32);
    }

    /// <summary>A uniform colour (MiniGrid's _rand_color).</summary>
    public MiniGridColor NextColor() => (MiniGridColor)Next(0, 6);

    private uint NextUInt32() => (uint)(NextUInt64() >> 32);

    private ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
