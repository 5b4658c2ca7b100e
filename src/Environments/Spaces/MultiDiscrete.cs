namespace RLFramework.Environments.Spaces;

/// <summary>A vector of independent discrete values, element i in 0..nvec[i]-1 (Gymnasium's MultiDiscrete).</summary>
public sealed class MultiDiscrete : Space
{
    private readonly int[] _nvec;
    private readonly int[] _shape;
    private Random _random = new(0);

    /// <summary>A space whose element i takes <paramref name="nvec"/>[i] values.</summary>
    public MultiDiscrete(params int[] nvec)
    {
        ArgumentNullException.ThrowIfNull(nvec);
        if (nvec.Length == 0)
        {
            throw new ArgumentException("MultiDiscrete needs at least one element.", nameof(nvec));
        }

        for (int i = 0; i < nvec.Length; i++)
        {
            if (nvec[i] < 1)
            {
                throw new ArgumentException($"MultiDiscrete element {i} has {nvec[i]} values; each needs at least 1.", nameof(nvec));
            }
        }

        _nvec = (int[])nvec.Clone();
        _shape = [nvec.Length];
    }

    /// <summary>Number of values of each element.</summary>
    public ReadOnlySpan<int> Nvec => _nvec;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public override int FlatSize => _nvec.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Cardinalities => _nvec;

    /// <inheritdoc/>
    public override void Seed(int seed) => _random = new Random(seed);

    /// <summary>Whether <paramref name="value"/> has the right length and every element in range.</summary>
    public bool Contains(ReadOnlySpan<int> value)
    {
        if (value.Length != _nvec.Length)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            if ((uint)value[i] >= (uint)_nvec[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes a uniformly random element into <paramref name="destination"/>.</summary>
    public void Sample(Span<int> destination)
    {
        if (destination.Length != _nvec.Length)
        {
            throw new ArgumentException($"MultiDiscrete element has {destination.Length} values but the space has {_nvec.Length}.", nameof(destination));
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _random.Next(_nvec[i]);
        }
    }

    /// <summary>
    /// Writes an element whose value i is uniformly random among those whose bit is set in <paramref name="mask"/>: the
    /// elements' bits one after another (element 0 has bits 0 to nvec[0] - 1, element 1 the next nvec[1], ...), as
    /// <see cref="StepInfo.ActionMask"/> holds them. Gymnasium's <c>sample(mask=(m0, m1, ...))</c>. Throws when an element has no bit set.
    /// </summary>
    public void Sample(Span<int> destination, ulong mask)
    {
        if (destination.Length != _nvec.Length)
        {
            throw new ArgumentException($"MultiDiscrete element has {destination.Length} values but the space has {_nvec.Length}.", nameof(destination));
        }

        int offset = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            int n = _nvec[i];
            ulong bits = offset >= 64 ? 0 : (mask >> offset) & (n >= 64 ? ulong.MaxValue : (1UL << n) - 1);
            int count = System.Numerics.BitOperations.PopCount(bits);
            if (count == 0)
            {
                throw new ArgumentException($"The action mask allows no value of element {i} of {this}.", nameof(mask));
            }

            int pick = _random.Next(count);
            for (int v = 0; ; v++)
            {
                if ((bits & (1UL << v)) != 0 && pick-- == 0)
                {
                    destination[i] = v;
                    break;
                }
            }

            offset += n;
        }
    }

    /// <summary>The same draws as <see cref="Sample(Span{int})"/>, written as floats (the flat encoding).</summary>
    internal void SampleFlat(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _random.Next(_nvec[i]);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"MultiDiscrete([{string.Join(", ", _nvec)}])";
}
