using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace RLFramework.Environments;

/// <summary>
/// An immutable bag of environment constructor options keyed by the reference (Python) keyword names,
/// e.g. "sutton_barto_reward", "g", "is_slippery", "map_name", "desc". Values are
/// <see cref="double"/>, <see cref="int"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="string"/>,
/// <see cref="string"/>[], <see cref="double"/>[], <see cref="JsonElement"/> or null (Python's None,
/// read as "not given" by the getters). Typed getters convert between the numeric types and JSON and
/// throw an <see cref="ArgumentException"/> naming the key and the expected type otherwise.
/// </summary>
public sealed class EnvironmentOptions : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly Dictionary<string, object?> _values;

    private EnvironmentOptions(Dictionary<string, object?> values) => _values = values;

    /// <summary>No options.</summary>
    public static EnvironmentOptions Empty { get; } = new(new Dictionary<string, object?>(StringComparer.Ordinal));

    /// <summary>Number of options.</summary>
    public int Count => _values.Count;

    /// <summary>The option names.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Options from name/value pairs (later pairs win).</summary>
    public static EnvironmentOptions FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            values[CheckName(name)] = Normalize(name, value);
        }

        return new EnvironmentOptions(values);
    }

    /// <summary>Options from name/value tuples (later pairs win).</summary>
    public static EnvironmentOptions FromPairs(params (string Name, object? Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            values[CheckName(name)] = Normalize(name, value);
        }

        return new EnvironmentOptions(values);
    }

    /// <summary>
    /// Parses "key=value" strings (e.g. from the command line): true/false are bools, none/null is null,
    /// integers are ints (longs when large), other numbers doubles (inf, -inf and nan allowed),
    /// comma lists are double[] when every item is a number else string[], anything else a string.
    /// </summary>
    public static EnvironmentOptions Parse(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (eq <= 0)
            {
                throw new ArgumentException($"Environment option \"{pair}\" is not of the form key=value.", nameof(pairs));
            }

            string name = pair![..eq].Trim();
            values[CheckName(name)] = ParseValue(pair[(eq + 1)..].Trim());
        }

        return new EnvironmentOptions(values);
    }

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public EnvironmentOptions With(string name, object? value)
    {
        var values = new Dictionary<string, object?>(_values, StringComparer.Ordinal)
        {
            [CheckName(name)] = Normalize(name, value),
        };
        return new EnvironmentOptions(values);
    }

    /// <summary>A copy with every option of <paramref name="overrides"/> set (they win over this bag's values).</summary>
    public EnvironmentOptions WithAll(EnvironmentOptions overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.Count == 0)
        {
            return this;
        }

        var values = new Dictionary<string, object?>(_values, StringComparer.Ordinal);
        foreach (var (name, value) in overrides._values)
        {
            values[name] = value;
        }

        return new EnvironmentOptions(values);
    }

    /// <summary>Whether <paramref name="name"/> is present with a non-null value.</summary>
    public bool Has(string name) => _values.TryGetValue(name, out object? v) && !IsNull(v);

    /// <summary>The raw value of <paramref name="name"/> (null when absent or None).</summary>
    public object? GetRaw(string name) => _values.TryGetValue(name, out object? v) && !IsNull(v) ? v : null;

    /// <summary>The option as a double, or <paramref name="defaultValue"/> when absent or None.</summary>
    public double GetDouble(string name, double defaultValue)
    {
        object? v = GetRaw(name);
        return v switch
        {
            null => defaultValue,
            double d => d,
            int i => i,
            long l => l,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            _ => throw WrongType(name, v, "a number"),
        };
    }

    /// <summary>The option as an int, or <paramref name="defaultValue"/> when absent or None (doubles must be integral).</summary>
    public int GetInt(string name, int defaultValue)
    {
        object? v = GetRaw(name);
        switch (v)
        {
            case null:
                return defaultValue;
            case int i:
                return i;
            case long l when l is >= int.MinValue and <= int.MaxValue:
                return (int)l;
            case double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue:
                return (int)d;
            case JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetDouble(out double jd)
                && jd == Math.Floor(jd) && jd is >= int.MinValue and <= int.MaxValue:
                return (int)jd;
            default:
                throw WrongType(name, v, "an integer");
        }
    }

    /// <summary>The option as a bool, or <paramref name="defaultValue"/> when absent or None.</summary>
    public bool GetBool(string name, bool defaultValue)
    {
        object? v = GetRaw(name);
        return v switch
        {
            null => defaultValue,
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            _ => throw WrongType(name, v, "a bool"),
        };
    }

    /// <summary>The option as a string, or <paramref name="defaultValue"/> when absent or None.</summary>
    public string? GetString(string name, string? defaultValue)
    {
        object? v = GetRaw(name);
        return v switch
        {
            null => defaultValue,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => throw WrongType(name, v, "a string"),
        };
    }

    /// <summary>
    /// The option as a string array, or <paramref name="defaultValue"/> when absent or None. A single
    /// string is split on commas; a JSON array may hold strings or arrays of one-character strings
    /// (Python's list-of-lists map description), each inner array joined into one string.
    /// </summary>
    public string[]? GetStringArray(string name, string[]? defaultValue)
    {
        object? v = GetRaw(name);
        switch (v)
        {
            case null:
                return defaultValue;
            case string[] a:
                return (string[])a.Clone();
            case string s:
                return s.Split(',');
            case JsonElement { ValueKind: JsonValueKind.Array } e:
                var result = new string[e.GetArrayLength()];
                int k = 0;
                foreach (var item in e.EnumerateArray())
                {
                    result[k++] = item.ValueKind switch
                    {
                        JsonValueKind.String => item.GetString()!,
                        JsonValueKind.Array => JoinChars(name, item),
                        _ => throw WrongType(name, v, "an array of strings"),
                    };
                }

                return result;
            default:
                throw WrongType(name, v, "an array of strings");
        }
    }

    /// <summary>The option as a double array, or <paramref name="defaultValue"/> when absent or None (a single number gives one element).</summary>
    public double[]? GetDoubleArray(string name, double[]? defaultValue)
    {
        object? v = GetRaw(name);
        switch (v)
        {
            case null:
                return defaultValue;
            case double[] a:
                return (double[])a.Clone();
            case double or int or long:
                return [GetDouble(name, 0)];
            case JsonElement { ValueKind: JsonValueKind.Array } e:
                var result = new double[e.GetArrayLength()];
                int k = 0;
                foreach (var item in e.EnumerateArray())
                {
                    result[k++] = item.ValueKind == JsonValueKind.Number ? item.GetDouble() : throw WrongType(name, v, "an array of numbers");
                }

                return result;
            case JsonElement { ValueKind: JsonValueKind.Number } e:
                return [e.GetDouble()];
            default:
                throw WrongType(name, v, "an array of numbers");
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming every option not in <paramref name="accepted"/>
    /// and listing the accepted ones, so that a misspelt option never passes silently.
    /// </summary>
    public void ThrowIfUnknown(string envId, params string[] accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        List<string>? unknown = null;
        foreach (string name in _values.Keys)
        {
            if (Array.IndexOf(accepted, name) < 0)
            {
                (unknown ??= []).Add(name);
            }
        }

        if (unknown is not null)
        {
            unknown.Sort(StringComparer.Ordinal);
            string list = accepted.Length == 0 ? "none" : string.Join(", ", accepted);
            throw new ArgumentException(
                $"{envId} does not accept the option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}; accepted options: {list}.");
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The options as "key=value" pairs sorted by name.</summary>
    public override string ToString()
    {
        var names = new List<string>(_values.Keys);
        names.Sort(StringComparer.Ordinal);
        return string.Join(" ", names.ConvertAll(n => $"{n}={Format(_values[n])}"));
    }

    /// <summary>Formats a value the way <see cref="Parse"/> reads it back.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string[] a => string.Join(",", a),
        double[] a => string.Join(",", Array.ConvertAll(a, x => x.ToString("R", CultureInfo.InvariantCulture))),
        JsonElement e => e.GetRawText(),
        _ => value.ToString() ?? "",
    };

    private static object? ParseValue(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            string[] items = text.Split(',');
            var numbers = new double[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                if (!TryParseDouble(items[i].Trim(), out numbers[i]))
                {
                    return Array.ConvertAll(items, s => s.Trim());
                }
            }

            return numbers;
        }

        if (bool.TryParse(text, out bool b))
        {
            return b;
        }

        if (text.Equals("none", StringComparison.OrdinalIgnoreCase) || text.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i32))
        {
            return i32;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i64))
        {
            return i64;
        }

        return TryParseDouble(text, out double d) ? d : text;
    }

    private static bool TryParseDouble(string text, out double value)
    {
        switch (text.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An environment option name is empty.", nameof(name));
        }

        return name;
    }

    private static object? Normalize(string name, object? value) => value switch
    {
        null or double or int or long or bool or string => value,
        float f => (double)f,
        string[] a => a.Clone(),
        double[] a => a.Clone(),
        JsonElement e => e.ValueKind == JsonValueKind.Null ? null : e.Clone(),
        _ => throw new ArgumentException(
            $"Environment option \"{name}\" has a value of type {value.GetType().Name}; accepted types: double, int, long, bool, string, string[], double[], JsonElement.",
            nameof(value)),
    };

    private static bool IsNull(object? value) => value is null or JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private static string JoinChars(string name, JsonElement row)
    {
        var chars = new System.Text.StringBuilder();
        foreach (var c in row.EnumerateArray())
        {
            chars.Append(c.ValueKind == JsonValueKind.String ? c.GetString() : throw WrongType(name, row, "an array of strings"));
        }

        return chars.ToString();
    }

    private static ArgumentException WrongType(string name, object? value, string expected) =>
        new($"Environment option \"{name}\" must be {expected} but is {Format(value)} ({value?.GetType().Name ?? "null"}).", name);
}
