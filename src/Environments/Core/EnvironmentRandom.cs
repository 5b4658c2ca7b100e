namespace RLFramework.Environments;

/// <summary>
/// The seeded generator of the built-in environments: xoshiro256** seeded through SplitMix64.
/// Seeded resets are reproducible run to run but do not reproduce NumPy's PCG64 streams, so a
/// seeded reset here gives a different initial state than <c>env.reset(seed=...)</c> in Python.
/// </summary>
internal sealed class EnvironmentRandom
{
    private static int s_unseededCounter;
    private Xoshiro256 _bits;

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    public EnvironmentRandom(int seed) => Reseed(seed);

    /// <summary>
    /// A generator for an environment that was never given a seed: seeded from a process-wide
    /// counter, so unseeded environments differ from each other but a program is still repeatable.
    /// </summary>
    public static EnvironmentRandom Unseeded() => new(unchecked(0x5EED + Interlocked.Increment(ref s_unseededCounter) * 7919));

    /// <summary>Restarts the stream from <paramref name="seed"/>.</summary>
    public void Reseed(int seed) => _bits = new Xoshiro256(seed);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _bits.NextDouble();

    /// <summary>A uniform double in [low, high), computed as NumPy does: low + (high - low) * u.</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>A uniform integer in [0, n).</summary>
    public int NextInt(int n) => _bits.NextInt(n);
}
