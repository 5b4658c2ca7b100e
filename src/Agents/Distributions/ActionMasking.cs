namespace RLFramework.Agents.Distributions;

/// <summary>
/// Invalid-action masking for categorical policies, as sb3-contrib's MaskablePPO does it (Huang and Ontañón 2022,
/// "A Closer Look at Invalid Action Masking in Policy Gradient Algorithms", https://arxiv.org/abs/2006.14171): the
/// logit of every illegal action is replaced by <see cref="MaskedLogit"/> before the softmax, so an illegal action has
/// probability exactly 0, is never sampled nor taken as the mode, adds nothing to the entropy, and its logit gets a zero
/// gradient. The legal actions' probabilities are the softmax over the legal logits alone.
/// A mask holds bit a set when action a is legal (<see cref="Environments.StepInfo.ActionMask"/>); for several
/// categorical blocks (MultiDiscrete) bit a indexes the blocks' logits one after another, as sb3-contrib concatenates
/// the per-block masks. So at most 64 logits can be masked.
/// </summary>
public static class ActionMasking
{
    /// <summary>The logit an illegal action gets (sb3-contrib's <c>-1e8</c>): exp(MaskedLogit - max) is exactly 0 in double precision.</summary>
    public const float MaskedLogit = -1e8f;

    /// <summary>The most logits a mask covers (the bits of a <see cref="ulong"/>).</summary>
    public const int MaxLogits = 64;

    /// <summary>Why <paramref name="distribution"/> cannot be masked, or null when it can (a categorical distribution of at most 64 logits).</summary>
    public static string? Unsupported(ActionDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution is not CategoricalDistribution)
            return $"action masks apply to Discrete and MultiDiscrete action spaces (categorical policies), not to a {distribution.GetType().Name}";
        if (distribution.OutputCount > MaxLogits)
            return $"action masks hold at most {MaxLogits} actions (the bits of StepInfo.ActionMask); this action space has {distribution.OutputCount} logits";
        return null;
    }

    /// <summary>
    /// Replaces, in each of <paramref name="count"/> rows of <paramref name="stride"/> floats, the first <paramref name="logits"/>
    /// floats whose bit in that row's mask is clear by <see cref="MaskedLogit"/>.
    /// </summary>
    public static void Apply(Span<float> rows, int stride, int count, int logits, ReadOnlySpan<ulong> masks)
    {
        if (logits > MaxLogits || stride < logits)
            throw new ArgumentException($"Masks cover up to {MaxLogits} logits within a row; got {logits} logits in rows of {stride}.", nameof(logits));
        if (masks.Length < count || rows.Length < (long)count * stride)
            throw new ArgumentException($"{count} rows need {count} masks and {(long)count * stride} floats; got {masks.Length} masks and {rows.Length} floats.", nameof(masks));
        var all = logits == MaxLogits ? ulong.MaxValue : (1UL << logits) - 1;
        for (var i = 0; i < count; i++)
        {
            var illegal = ~masks[i] & all;
            var row = rows.Slice(i * stride, logits);
            while (illegal != 0)
            {
                row[System.Numerics.BitOperations.TrailingZeroCount(illegal)] = MaskedLogit;
                illegal &= illegal - 1;
            }
        }
    }

    /// <summary>The first block of <paramref name="blockSizes"/> in which <paramref name="mask"/> allows no action, or -1 when every block has a legal action.</summary>
    public static int FirstBlockWithoutLegalAction(ulong mask, ReadOnlySpan<int> blockSizes)
    {
        var offset = 0;
        for (var j = 0; j < blockSizes.Length; j++)
        {
            var size = blockSizes[j];
            var bits = size == MaxLogits ? ulong.MaxValue : (1UL << size) - 1;
            if (((mask >> offset) & bits) == 0)
                return j;
            offset += size;
        }
        return -1;
    }
}
