namespace RLFramework.Environments.Spaces;

/// <summary>
/// A set of valid observations or actions, as in Gymnasium. Every space samples with its own
/// seeded generator (<see cref="Seed"/>) and checks membership.
/// </summary>
public abstract class Space
{
    /// <summary>The shape of one element (empty for a scalar such as a <see cref="Discrete"/> value).</summary>
    public abstract IReadOnlyList<int> Shape { get; }

    /// <summary>
    /// How many floats one element takes in the flat float encoding that vector environments and
    /// learners use (Box: product of the shape; Discrete: 1, the index; MultiDiscrete: its length; MultiBinary: its
    /// number of bits; DictSpace and TupleSpace: the sum over their sub-spaces).
    /// </summary>
    public abstract int FlatSize { get; }

    /// <summary>
    /// Per flat feature: 0 for a numerical feature, else the number of categories of a categorical
    /// feature whose values are integer codes 0..n-1 (tree learners split on these by equality).
    /// </summary>
    public abstract IReadOnlyList<int> Cardinalities { get; }

    /// <summary>Re-seeds this space's own random generator.</summary>
    public abstract void Seed(int seed);
}
