using System.Text;

namespace RLFramework.Environments.Spaces;

/// <summary>
/// Named sub-spaces in a fixed key order (Gymnasium's Dict). Named <c>DictSpace</c>, not <c>Dict</c>, to match
/// <see cref="TupleSpace"/>, which cannot be called <c>Tuple</c>: that name would clash with <see cref="System.Tuple"/>
/// (error CS0104) in every file with <c>using System;</c>. A value is the flat float vector described in
/// <see cref="CompositeSpace"/>, the sub-spaces' slices in key order; the key overloads of <see cref="Offset(string)"/>,
/// <see cref="Slice(Span{float}, string)"/>, <see cref="Write{T}(Span{float}, string, T)"/> and
/// <see cref="ReadDiscrete(ReadOnlySpan{float}, string)"/> find a key's slice.
/// </summary>
/// <example>
/// <code>
/// var space = new DictSpace(("goal", new Discrete(4)), ("position", new Box(-1f, 1f, 2)));
/// var observation = new float[space.FlatSize];           // kept by the environment
/// space.Write(observation, "goal", 2);                   // observation[0] = 2
/// space.Slice(observation, "position")[1] = 0.5f;       // observation[2] = 0.5
/// </code>
/// </example>
public sealed class DictSpace : CompositeSpace
{
    private readonly string[] _keys;
    private readonly Dictionary<string, int> _indices;

    /// <summary>
    /// Sub-spaces in the order given (Gymnasium keeps the order of a sequence of pairs). Keys must be non-empty and
    /// distinct; at least one pair is needed.
    /// </summary>
    public DictSpace(params (string Key, Space Space)[] spaces)
        : this(Checked(spaces, out var keys), keys)
    {
    }

    /// <summary>
    /// Sub-spaces with keys sorted ordinally (Gymnasium sorts a plain dict's keys "for legacy reasons", so that
    /// flattening does not depend on insertion order). Keys must be non-empty; at least one entry is needed.
    /// </summary>
    public DictSpace(IReadOnlyDictionary<string, Space> spaces)
        : this(Sorted(spaces))
    {
    }

    private DictSpace(Space[] spaces, string[] keys)
        : base(spaces)
    {
        _keys = keys;
        _indices = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            _indices.Add(keys[i], i);
        }
    }

    /// <summary>The keys in layout order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The sub-space of <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the keys when there is none.</summary>
    public Space this[string key] => this[IndexOfExisting(key)];

    /// <summary>The position of <paramref name="key"/> in layout order, or -1.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _indices.TryGetValue(key, out int index) ? index : -1;
    }

    /// <summary>Where <paramref name="key"/>'s floats begin in the flat vector.</summary>
    public int Offset(string key) => Offset(IndexOfExisting(key));

    /// <summary><paramref name="key"/>'s floats in <paramref name="flat"/>.</summary>
    public ReadOnlySpan<float> Slice(ReadOnlySpan<float> flat, string key) => Slice(flat, IndexOfExisting(key));

    /// <summary><paramref name="key"/>'s floats in <paramref name="flat"/>, to write in place (a nested composite writes into this slice).</summary>
    public Span<float> Slice(Span<float> flat, string key) => Slice(flat, IndexOfExisting(key));

    /// <summary><paramref name="key"/>'s floats in the array <paramref name="flat"/>, to write in place.</summary>
    public Span<float> Slice(float[] flat, string key) => Slice(flat.AsSpan(), IndexOfExisting(key));

    /// <summary>Writes a value of <paramref name="key"/>'s sub-space into its slice (see <see cref="CompositeSpace.Write{T}(Span{float}, int, T)"/>).</summary>
    public void Write<T>(Span<float> flat, string key, T value) => Write(flat, IndexOfExisting(key), value);

    /// <summary>The value of <paramref name="key"/>'s Discrete sub-space: its code plus the space's start.</summary>
    public int ReadDiscrete(ReadOnlySpan<float> flat, string key) => ReadDiscrete(flat, IndexOfExisting(key));

    /// <inheritdoc/>
    internal override string PartName(int index) => PythonRepr(_keys[index]);

    /// <summary>Gymnasium's repr: <c>Dict('goal': Discrete(4), 'position': Box(-1, 1, (2,)))</c>.</summary>
    private protected override string Describe(Func<Space, string> describe)
    {
        var text = new StringBuilder("Dict(");
        for (int i = 0; i < _keys.Length; i++)
        {
            text.Append(i > 0 ? ", " : "").Append(PythonRepr(_keys[i])).Append(": ").Append(describe(this[i]));
        }

        return text.Append(')').ToString();
    }

    private int IndexOfExisting(string key)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            throw new KeyNotFoundException($"{this} has no key {PythonRepr(key)}; its keys are {string.Join(", ", Array.ConvertAll(_keys, PythonRepr))}.");
        }

        return index;
    }

    /// <summary>Python's repr of a string: single quotes unless the text has one and no double quote; backslashes, the quote and line breaks escaped.</summary>
    private static string PythonRepr(string text)
    {
        char quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var repr = new StringBuilder(text.Length + 2).Append(quote);
        foreach (char c in text)
        {
            _ = c switch
            {
                '\\' => repr.Append(@"\\"),
                '\n' => repr.Append(@"\n"),
                '\r' => repr.Append(@"\r"),
                '\t' => repr.Append(@"\t"),
                _ when c == quote => repr.Append('\\').Append(c),
                _ => repr.Append(c),
            };
        }

        return repr.Append(quote).ToString();
    }

    private static Space[] Checked((string Key, Space Space)[] pairs, out string[] keys)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Length == 0)
        {
            throw new ArgumentException("DictSpace needs at least one (key, space) pair.", nameof(pairs));
        }

        keys = new string[pairs.Length];
        var spaces = new Space[pairs.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < pairs.Length; i++)
        {
            var (key, space) = pairs[i];
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException($"DictSpace key {i} is {(key is null ? "null" : "empty")}; every sub-space needs a name.", nameof(pairs));
            }

            if (space is null)
            {
                throw new ArgumentException($"DictSpace key {PythonRepr(key)} has a null space.", nameof(pairs));
            }

            if (!seen.Add(key))
            {
                throw new ArgumentException($"DictSpace key {PythonRepr(key)} appears more than once; keys must be distinct.", nameof(pairs));
            }

            keys[i] = key;
            spaces[i] = space;
        }

        return spaces;
    }

    private static (string Key, Space Space)[] Sorted(IReadOnlyDictionary<string, Space> spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        var pairs = new (string Key, Space Space)[spaces.Count];
        int i = 0;
        foreach (var (key, space) in spaces)
        {
            pairs[i++] = (key, space);
        }

        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return pairs;
    }
}
