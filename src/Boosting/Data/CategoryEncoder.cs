namespace RLFramework.Boosting.Data;

/// <summary>
/// Maps the string categories of one categorical feature to the integer codes the booster takes
/// (0, 1, ... in order of first appearance). At training time <see cref="GetOrAdd"/> assigns codes; at
/// prediction time <see cref="Encode"/> returns NaN for an unseen category, and NaN goes to the "not equal"
/// (left) branch of every equality split, the same branch as any category other than the one tested.
/// </summary>
public sealed class CategoryEncoder
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    /// <summary>An encoder for at most <paramref name="cardinality"/> categories (1..<see cref="FeatureSchema.MaxCardinality"/>).</summary>
    public CategoryEncoder(int cardinality)
    {
        if (cardinality is < 1 or > FeatureSchema.MaxCardinality)
            throw new ArgumentException($"cardinality must be between 1 and {FeatureSchema.MaxCardinality}, got {cardinality}.", nameof(cardinality));
        Cardinality = cardinality;
    }

    /// <summary>Maximum number of categories (the feature's cardinality in the <see cref="FeatureSchema"/>).</summary>
    public int Cardinality { get; }

    /// <summary>Categories seen so far, by code.</summary>
    public IReadOnlyList<string> Categories => _names;

    /// <summary>The code of <paramref name="category"/>, assigning the next free code to a new one.</summary>
    public int GetOrAdd(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        if (_codes.TryGetValue(category, out var code))
            return code;
        if (_names.Count == Cardinality)
            throw new ArgumentException($"Category '{category}' is new but all {Cardinality} codes are taken.", nameof(category));
        code = _names.Count;
        _codes.Add(category, code);
        _names.Add(category);
        return code;
    }

    /// <summary>The code of a known category as a feature value, or NaN (goes to the not-equal branch) for an unseen one.</summary>
    public float Encode(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return _codes.TryGetValue(category, out var code) ? code : float.NaN;
    }
}
