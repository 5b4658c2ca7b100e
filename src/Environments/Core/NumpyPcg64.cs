namespace RLFramework.Environments;

/// <summary>
/// NumPy's default generator as Gymnasium seeds it (<c>np.random.Generator(PCG64(SeedSequence(seed)))</c>):
/// SeedSequence's hash mixing of the seed into four 64-bit words, PCG64's 128-bit LCG with the XSL-RR
/// output, and NumPy's 53-bit doubles. Only the uniform doubles follow NumPy (what the classic-control
/// resets draw); <c>integers()</c> and the other distributions are not reproduced.
/// </summary>
internal sealed class NumpyPcg64
{
    private const uint InitA = 0x43b0d7e5;
    private const uint MultA = 0x931e8875;
    private const uint InitB = 0x8b51f9dd;
    private const uint MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd;
    private const uint MixMultR = 0x4973f715;
    private const int PoolSize = 4;
    private static readonly UInt128 s_multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    private UInt128 _state;
    private UInt128 _increment;

    /// <summary>A generator seeded as <c>PCG64(SeedSequence(seed))</c>.</summary>
    public NumpyPcg64(long seed) => Reseed(seed);

    /// <summary>Restarts the stream from <paramref name="seed"/> (non-negative, as Gymnasium requires).</summary>
    public void Reseed(long seed)
    {
        if (seed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "NumPy-compatible seeding takes non-negative seeds (Gymnasium rejects negative ones).");
        }

        Span<ulong> words = stackalloc ulong[4];
        SeedSequenceState(unchecked((ulong)seed), words);
        var initState = new UInt128(words[0], words[1]);
        var initSequence = new UInt128(words[2], words[3]);
        _increment = (initSequence << 1) | UInt128.One;
        _state = UInt128.Zero;
        Step();
        _state += initState;
        Step();
    }

    /// <summary>The next 64 random bits (pcg64_next64: advance, then the XSL-RR output of the new state).</summary>
    public ulong NextUInt64()
    {
        Step();
        ulong high = (ulong)(_state >> 64);
        ulong low = (ulong)_state;
        int rotation = (int)(high >> 58);
        return ulong.RotateRight(high ^ low, rotation);
    }

    /// <summary>NumPy's <c>random()</c>: 53 random bits scaled to [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>SeedSequence(seed).generate_state(4, uint64) for an integer seed without spawn key.</summary>
    internal static void SeedSequenceState(ulong seed, Span<ulong> words)
    {
        // The seed as little-endian 32-bit words ([0] for 0).
        Span<uint> entropy = stackalloc uint[2];
        int entropyLength = seed > uint.MaxValue ? 2 : 1;
        entropy[0] = (uint)seed;
        entropy[1] = (uint)(seed >> 32);

        Span<uint> pool = stackalloc uint[PoolSize];
        uint hashConst = InitA;
        for (int i = 0; i < PoolSize; i++)
        {
            pool[i] = HashMix(i < entropyLength ? entropy[i] : 0, ref hashConst);
        }

        for (int source = 0; source < PoolSize; source++)
        {
            for (int destination = 0; destination < PoolSize; destination++)
            {
                if (source != destination)
                {
                    pool[destination] = Mix(pool[destination], HashMix(pool[source], ref hashConst));
                }
            }
        }

        // An entropy longer than the pool (never for a seed of at most 64 bits) would be mixed in here.
        uint hashB = InitB;
        for (int i = 0; i < words.Length * 2; i++)
        {
            uint value = pool[i % PoolSize];
            value ^= hashB;
            hashB = unchecked(hashB * MultB);
            value = unchecked(value * hashB);
            value ^= value >> 16;
            if ((i & 1) == 0)
            {
                words[i / 2] = value;
            }
            else
            {
                words[i / 2] |= (ulong)value << 32;
            }
        }
    }

    private void Step() => _state = unchecked((_state * s_multiplier) + _increment);

    private static uint HashMix(uint value, ref uint hashConst)
    {
        value ^= hashConst;
        hashConst = unchecked(hashConst * MultA);
        value = unchecked(value * hashConst);
        value ^= value >> 16;
        return value;
    }

    private static uint Mix(uint x, uint y)
    {
        uint result = unchecked((MixMultL * x) - (MixMultR * y));
        result ^= result >> 16;
        return result;
    }
}
