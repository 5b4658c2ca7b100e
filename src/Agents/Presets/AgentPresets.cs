using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Policies;

namespace RLFramework.Agents.Presets;

/// <summary>An algorithm with its options and its policy's options, ready to build an agent.</summary>
/// <param name="Algorithm">"ppo", "a2c" or "awr".</param>
/// <param name="Options">The algorithm's options.</param>
/// <param name="Policy">The policy's options.</param>
public sealed record AgentConfiguration(string Algorithm, IAlgorithmOptions Options, GbrlPolicyOptions Policy);

/// <summary>
/// Hyperparameter presets per algorithm and environment (the GBRL paper's Table 2), read from the
/// embedded <c>Presets/presets.json</c>; values are overridden by <c>key=value</c> pairs.
/// An entry's key is an environment id, or a prefix ending in <c>*</c> (e.g. <c>MiniGrid-*</c>) that
/// covers every id starting with it; an exact id wins over a prefix, and a longer prefix over a shorter one.
/// </summary>
public static class AgentPresets
{
    private static readonly Lazy<JsonDocument> s_presets = new(() =>
    {
        using var stream = typeof(AgentPresets).Assembly.GetManifestResourceStream("RLFramework.Agents.Presets.presets.json")
            ?? throw new InvalidOperationException("The presets resource is missing from the assembly.");
        return JsonDocument.Parse(stream);
    });

    /// <summary>The algorithms the presets and the factory know.</summary>
    public static IReadOnlyList<string> Algorithms { get; } = ["ppo", "a2c", "awr"];

    /// <summary>Whether the presets file has an entry for this algorithm and environment.</summary>
    public static bool HasPreset(string algorithm, string environmentId) => TryGetEntry(algorithm, environmentId, out _);

    /// <summary>The key of the entry that applies to this environment (its id or a prefix rule such as <c>MiniGrid-*</c>), or null.</summary>
    public static string? PresetKey(string algorithm, string environmentId)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(environmentId);
        if (!s_presets.Value.RootElement.TryGetProperty(algorithm, out var table))
            return null;
        if (table.TryGetProperty(environmentId, out _))
            return environmentId;
        string? best = null;
        foreach (var property in table.EnumerateObject())
        {
            var name = property.Name;
            if (name.Length < 2 || name[^1] != '*')
                continue;
            if (environmentId.StartsWith(name.AsSpan(0, name.Length - 1), StringComparison.Ordinal) && (best is null || name.Length > best.Length))
                best = name;
        }
        return best;
    }

    private static bool TryGetEntry(string algorithm, string environmentId, out JsonElement entry)
    {
        entry = default;
        var key = PresetKey(algorithm, environmentId);
        return key is not null && s_presets.Value.RootElement.GetProperty(algorithm).TryGetProperty(key, out entry);
    }

    /// <summary>The key of an entry's training budget (the RL Zoo's <c>n_timesteps</c>): not an option of the agent.</summary>
    public const string TimestepsKey = "n_timesteps";

    /// <summary>
    /// The environment steps the preset's measurements used (its <c>n_timesteps</c>, what <c>rl train</c> runs when
    /// <c>--steps</c> is not given), or null when the entry names none.
    /// </summary>
    public static long? Timesteps(string algorithm, string environmentId)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!TryGetEntry(algorithm.Trim().ToLowerInvariant(), environmentId, out var entry) || !entry.TryGetProperty(TimestepsKey, out var value))
            return null;
        return value.TryGetInt64(out var steps) && steps > 0
            ? steps
            : throw new InvalidOperationException($"The preset {algorithm}/{PresetKey(algorithm, environmentId)} has {TimestepsKey} {value}; it must be a whole number above 0.");
    }

    /// <summary>The preset's option key/value pairs (empty when the file has none for this pair; without <c>n_timesteps</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Values(string algorithm, string environmentId)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!TryGetEntry(algorithm, environmentId, out var entry))
            return result;
        foreach (var property in entry.EnumerateObject())
        {
            if (property.Name.StartsWith('_') || property.Name == TimestepsKey)
                continue;
            var text = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => property.Value.ToString(),
            };
            result.Add(new(property.Name, text));
        }
        return result;
    }

    /// <summary>
    /// Defaults, then the preset for (<paramref name="algorithm"/>, <paramref name="environmentId"/>), then
    /// <paramref name="overrides"/>; validated. Unknown algorithm, unknown key, wrong type or out of range:
    /// an <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static AgentConfiguration Resolve(string algorithm, string environmentId, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var configuration = Apply(algorithm, environmentId, overrides);
        OptionBinder.Validate(configuration.Options, configuration.Policy);
        return configuration;
    }

    /// <summary><see cref="Resolve"/> without the validation of the values (unknown keys and unparsable values still throw).</summary>
    internal static AgentConfiguration Apply(string algorithm, string environmentId, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var name = algorithm.Trim().ToLowerInvariant();
        IAlgorithmOptions defaults = name switch
        {
            "ppo" => new PpoOptions(),
            "a2c" => new A2cOptions(),
            "awr" => new AwrOptions(),
            _ => throw new ArgumentException($"Unknown algorithm '{algorithm}'. Known algorithms: {string.Join(", ", Algorithms)}.", nameof(algorithm)),
        };
        var pairs = Values(name, environmentId).Concat(overrides ?? []);
        var (options, policy) = OptionBinder.Apply(defaults, new GbrlPolicyOptions(), pairs, name);
        return new AgentConfiguration(name, options, policy);
    }

    /// <summary>Every option key an algorithm accepts.</summary>
    public static IReadOnlyList<string> Keys(string algorithm) => algorithm.Trim().ToLowerInvariant() switch
    {
        "ppo" => OptionBinder.Keys(typeof(PpoOptions)),
        "a2c" => OptionBinder.Keys(typeof(A2cOptions)),
        "awr" => OptionBinder.Keys(typeof(AwrOptions)),
        _ => throw new ArgumentException($"Unknown algorithm '{algorithm}'. Known algorithms: {string.Join(", ", Algorithms)}.", nameof(algorithm)),
    };

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> when two of <paramref name="pairs"/> set the same option, also under two names
    /// (<c>policy_lr</c> and <c>policy_learning_rate</c>): on one command line that is a mistake, not an override.
    /// </summary>
    public static void CheckDistinct(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            var option = OptionBinder.CanonicalKey(key);
            if (seen.TryGetValue(option, out var first))
                throw new ArgumentException($"--set gives {option} twice ({first} and {key}={value}); give each option once.");
            seen[option] = $"{key}={value}";
        }
    }

    /// <summary>The option a <c>--set</c> key names: snake_case, dashes as underscores, an alias (<c>policy_lr</c>) as the option's own name (<c>policy_learning_rate</c>).</summary>
    public static string OptionKey(string key) => OptionBinder.CanonicalKey(key);

    /// <summary><paramref name="configuration"/> with <paramref name="overrides"/> applied (not validated); an unknown key or an unparsable value throws.</summary>
    public static AgentConfiguration Override(AgentConfiguration configuration, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (options, policy) = OptionBinder.Apply(configuration.Options, configuration.Policy, overrides, configuration.Algorithm);
        return configuration with { Options = options, Policy = policy };
    }

    /// <summary>Parses "key=value" strings (as given to <c>--set</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseOverrides(IEnumerable<string> pairs) =>
        [.. pairs.Select(OptionBinder.ParsePair)];
}
