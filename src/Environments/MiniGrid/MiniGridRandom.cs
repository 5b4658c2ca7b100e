namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The layout generator's random source: xoshiro256** seeded through SplitMix64, with Lemire's
/// unbiased bounded integers. Deterministic for a seed on every platform and runtime.
/// </summary>
internal sealed class MiniGridRandom
{
    private Xoshiro256 _bits;

    public MiniGridRandom(long seed) => Reseed(seed);

    public void Reseed(long seed) => _bits = new Xoshiro256(seed);

    /// <summary>A uniform integer in [<paramref name="low"/>, <paramref name="highExclusive"/>) (MiniGrid's _rand_int).</summary>
    public int Next(int low, int highExclusive)
    {
        if (highExclusive <= low)
        {
            throw new ArgumentOutOfRangeException(nameof(highExclusive), $"Empty range [{low}, {highExclusive}).");
        }

        return low + _bits.NextIntUnbiased(highExclusive - low);
    }

    /// <summary>A uniform colour (MiniGrid's _rand_color).</summary>
    public MiniGridColor NextColor() => (MiniGridColor)Next(0, 6);
}
