using System.Globalization;
using System.Text;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// Sub-spaces by position (Gymnasium's Tuple). Named <c>TupleSpace</c> because a class called <c>Tuple</c> would clash
/// with <see cref="System.Tuple"/> (error CS0104, ambiguous reference) in every file with <c>using System;</c>. A value
/// is the flat float vector described in <see cref="CompositeSpace"/>, the sub-spaces' slices in position order; the
/// position overloads of <see cref="CompositeSpace.Offset(int)"/>, <see cref="CompositeSpace.Slice(Span{float}, int)"/>,
/// <see cref="CompositeSpace.Write{T}(Span{float}, int, T)"/> and
/// <see cref="CompositeSpace.ReadDiscrete(ReadOnlySpan{float}, int)"/> find a position's slice.
/// </summary>
public sealed class TupleSpace : CompositeSpace
{
    /// <summary>The sub-spaces in order; at least one, none null.</summary>
    public TupleSpace(params Space[] spaces)
        : base(Checked(spaces))
    {
    }

    /// <inheritdoc/>
    internal override string PartName(int index) => string.Create(CultureInfo.InvariantCulture, $"[{index}]");

    /// <summary>Gymnasium's repr: <c>Tuple(Discrete(2), Box(-1, 1, (2,)))</c>.</summary>
    private protected override string Describe(Func<Space, string> describe)
    {
        var text = new StringBuilder("Tuple(");
        for (int i = 0; i < Count; i++)
        {
            text.Append(i > 0 ? ", " : "").Append(describe(this[i]));
        }

        return text.Append(')').ToString();
    }

    private static Space[] Checked(Space[] spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        if (spaces.Length == 0)
        {
            throw new ArgumentException("TupleSpace needs at least one sub-space.", nameof(spaces));
        }

        for (int i = 0; i < spaces.Length; i++)
        {
            if (spaces[i] is null)
            {
                throw new ArgumentException($"TupleSpace sub-space {i} is null.", nameof(spaces));
            }
        }

        return (Space[])spaces.Clone();
    }
}
