namespace RLFramework.Environments;

/// <summary>
/// The seeded generator of the built-in environments: xoshiro256** seeded through SplitMix64.
/// Seeded resets are reproducible run to run but do not reproduce NumPy's PCG64 streams, so a
/// seeded reset here gives a different initial state than <c>env.reset(seed=...)</c> in Python,
/// unless the generator is NumPy-compatible (<see cref="NumpyPcg64"/>: uniform doubles as NumPy draws them).
/// </summary>
internal sealed class EnvironmentRandom
{
    private static int s_unseededCounter;
    private readonly NumpyPcg64? _numpy;
    private Xoshiro256 _bits;

    /// <summary>A generator seeded with <paramref name="seed"/>; NumPy's PCG64 when <paramref name="numpyCompatible"/>.</summary>
    public EnvironmentRandom(int seed, bool numpyCompatible = false)
    {
        _numpy = numpyCompatible ? new NumpyPcg64(seed) : null;
        if (_numpy is null)
        {
            Reseed(seed);
        }
    }

    /// <summary>Whether seeds and uniform doubles follow NumPy's <c>Generator(PCG64(SeedSequence(seed)))</c>.</summary>
    public bool IsNumpyCompatible => _numpy is not null;

    /// <summary>
    /// A generator for an environment that was never given a seed: seeded from a process-wide
    /// counter, so unseeded environments differ from each other but a program is still repeatable.
    /// </summary>
    public static EnvironmentRandom Unseeded(bool numpyCompatible = false)
    {
        int seed = unchecked(0x5EED + (Interlocked.Increment(ref s_unseededCounter) * 7919));
        return new(numpyCompatible ? seed & int.MaxValue : seed, numpyCompatible);
    }

    /// <summary>Restarts the stream from <paramref name="seed"/> (NumPy-compatible: a non-negative seed).</summary>
    public void Reseed(int seed)
    {
        if (_numpy is { } numpy)
        {
            numpy.Reseed(seed);
            return;
        }

        _bits = new Xoshiro256(seed);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits (NumPy's <c>random()</c> when NumPy-compatible).</summary>
    public double NextDouble() => _numpy is { } numpy ? (numpy.NextUInt64() >> 11) * (1.0 / 9007199254740992.0) : _bits.NextDouble();

    /// <summary>A uniform double in [low, high), computed as NumPy does: low + (high - low) * u.</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>A uniform integer in [0, n) (not NumPy's <c>integers()</c>, even when NumPy-compatible).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return _numpy is { } numpy ? (int)(((numpy.NextUInt64() >> 32) * (ulong)n) >> 32) : _bits.NextInt(n);
    }
}
