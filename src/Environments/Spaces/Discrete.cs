namespace RLFramework.Environments.Spaces;

/// <summary>The integers start, start+1, ..., start+n-1 (Gymnasium's Discrete).</summary>
public sealed class Discrete : Space
{
    private static readonly int[] s_scalarShape = [];
    private readonly int[] _cardinalities;
    private Random _random = new(0);

    /// <summary>A space of <paramref name="n"/> integers starting at <paramref name="start"/>.</summary>
    public Discrete(int n, int start = 0)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete needs n >= 1.");
        }

        N = n;
        Start = start;
        _cardinalities = [n];
    }

    /// <summary>Number of values.</summary>
    public int N { get; }

    /// <summary>The smallest value.</summary>
    public int Start { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => s_scalarShape;

    /// <summary>One float: the value's index (value - <see cref="Start"/>), categorical with cardinality <see cref="N"/>.</summary>
    public override int FlatSize => 1;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Cardinalities => _cardinalities;

    /// <inheritdoc/>
    public override void Seed(int seed) => _random = new Random(seed);

    /// <summary>Whether <paramref name="value"/> is one of the space's integers.</summary>
    public bool Contains(int value) => value >= Start && value - Start < N;

    /// <summary>A uniformly random value.</summary>
    public int Sample() => Start + _random.Next(N);

    /// <summary>A uniformly random value among those whose bit is set in <paramref name="mask"/> (bit i: value Start + i); throws when none is.</summary>
    public int Sample(ulong mask)
    {
        if (N < 64)
        {
            mask &= (1UL << N) - 1;
        }

        int count = System.Numerics.BitOperations.PopCount(mask);
        if (count == 0)
        {
            throw new ArgumentException("The action mask allows no value of the Discrete space.", nameof(mask));
        }

        int pick = _random.Next(count);
        for (int i = 0; ; i++)
        {
            if ((mask & (1UL << i)) != 0 && pick-- == 0)
            {
                return Start + i;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";
}
