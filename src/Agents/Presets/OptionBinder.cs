using System.Globalization;
using System.Reflection;
using System.Text;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Policies;

namespace RLFramework.Agents.Presets;

/// <summary>
/// Sets options-record properties from <c>key=value</c> strings. A key is the snake_case name of a
/// property of the algorithm's options or of <see cref="GbrlPolicyOptions"/> (plus Stable-Baselines3's
/// spellings n_steps, n_epochs, policy_lr, value_lr, log_std_lr). Errors name the key.
/// </summary>
internal static class OptionBinder
{
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["n_steps"] = "num_steps",
        ["n_epochs"] = "epochs",
        ["policy_lr"] = "policy_learning_rate",
        ["value_lr"] = "value_learning_rate",
        ["log_std_lr"] = "log_std_learning_rate",
        ["mlp_lr"] = "mlp_learning_rate",
        ["n_bins"] = "max_bins",
        ["max_depth"] = "max_depth",
    };

    /// <summary>The option a key names: snake_case, dashes as underscores, aliases (<c>policy_lr</c>) resolved to the option's name.</summary>
    public static string CanonicalKey(string rawKey)
    {
        var key = rawKey.Trim().Replace('-', '_').ToLowerInvariant();
        return s_aliases.GetValueOrDefault(key, key);
    }

    /// <summary>The keys accepted for an algorithm's options type, sorted.</summary>
    public static IReadOnlyList<string> Keys(Type algorithmOptions)
    {
        var keys = Settable(algorithmOptions).Keys.Concat(Settable(typeof(GbrlPolicyOptions)).Keys).ToList();
        keys.AddRange(s_aliases.Keys.Where(a => !keys.Contains(a)));
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>
    /// Applies <paramref name="values"/> in order to copies of the two records; returns the copies.
    /// </summary>
    public static (IAlgorithmOptions Algorithm, GbrlPolicyOptions Policy) Apply(IAlgorithmOptions algorithm, GbrlPolicyOptions policy,
        IEnumerable<KeyValuePair<string, string>> values, string algorithmName)
    {
        var algorithmProperties = Settable(algorithm.GetType());
        var policyProperties = Settable(typeof(GbrlPolicyOptions));
        var algorithmCopy = Clone(algorithm);
        var policyCopy = Clone(policy);
        foreach (var (rawKey, text) in values)
        {
            var key = CanonicalKey(rawKey);
            if (algorithmProperties.TryGetValue(key, out var property))
                property.SetValue(algorithmCopy, Parse(rawKey, text, property.PropertyType));
            else if (policyProperties.TryGetValue(key, out property))
                property.SetValue(policyCopy, Parse(rawKey, text, property.PropertyType));
            else
                throw new ArgumentException($"Unknown option '{rawKey}' for {algorithmName}. Known options: {string.Join(", ", Keys(algorithm.GetType()))}.", nameof(values));
        }
        return (algorithmCopy, policyCopy);
    }

    /// <summary>Validates both records, turning the property name of an error into its option key.</summary>
    public static void Validate(IAlgorithmOptions algorithm, GbrlPolicyOptions policy)
    {
        try
        {
            algorithm.Validate();
            policy.Validate();
        }
        catch (ArgumentException e) when (e.ParamName is { } name && !name.Contains('_', StringComparison.Ordinal))
        {
            // The inner message without the " (Parameter 'Gamma')" that ArgumentException appends: the key says it.
            var message = e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal) ? e.Message[..^($" (Parameter '{name}')".Length)] : e.Message;
            throw new ArgumentException($"Option '{SnakeCase(name)}': {message}", SnakeCase(name), e);
        }
    }

    /// <summary>Splits "key=value".</summary>
    public static KeyValuePair<string, string> ParsePair(string pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new ArgumentException($"Expected key=value, got '{pair}'.", nameof(pair));
        return new(pair[..eq].Trim(), pair[(eq + 1)..].Trim());
    }

    public static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    private static Dictionary<string, PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && IsSupported(p.PropertyType))
            .ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);

    private static bool IsSupported(Type type) => type == typeof(int) || type == typeof(double) || type == typeof(bool) || type.IsEnum;

    /// <summary>
    /// Parses an integer option value: digits with optional '_' separators (100_000) or a whole number in float
    /// notation (1e5). Anything else is an <see cref="ArgumentException"/> naming <paramref name="key"/>.
    /// </summary>
    internal static int ParseInt(string key, string text)
    {
        var culture = CultureInfo.InvariantCulture;
        if (int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, culture, out var i))
            return i;
        if (double.TryParse(text, NumberStyles.Float, culture, out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw new ArgumentException($"Option '{key}' expects an integer, got '{text}'.", key);
    }

    /// <summary>Parses a finite number; anything else is an <see cref="ArgumentException"/> naming <paramref name="key"/>.</summary>
    internal static double ParseDouble(string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new ArgumentException($"Option '{key}' expects a number, got '{text}'.", key);

    private static object Parse(string key, string text, Type type)
    {
        if (type == typeof(int))
            return ParseInt(key, text);
        if (type == typeof(double))
            return ParseDouble(key, text);
        if (type == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new ArgumentException($"Option '{key}' expects true or false, got '{text}'.", key),
            };
        }
        var name = text.Replace("_", "", StringComparison.Ordinal);
        if (!int.TryParse(name, out _) && Enum.TryParse(type, name, ignoreCase: true, out var value))
            return value!;
        throw new ArgumentException($"Option '{key}' expects one of {string.Join(", ", Enum.GetNames(type).Select(n => SnakeCase(n)))}, got '{text}'.", key);
    }

    private static T Clone<T>(T record) where T : notnull
    {
        var clone = record.GetType().GetMethod("<Clone>$")
            ?? throw new InvalidOperationException($"{record.GetType().Name} is not a record.");
        return (T)clone.Invoke(record, null)!;
    }
}
