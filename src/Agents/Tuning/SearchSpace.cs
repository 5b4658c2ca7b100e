using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RLFramework.Agents.Presets;

namespace RLFramework.Agents.Tuning;

/// <summary>
/// The hyperparameters a tuning run searches, each with the distribution its values are drawn from, in a fixed
/// order. Keys are option keys as <c>rl train --set</c> takes them (the runner checks that the algorithm knows
/// them; this class does not).
/// </summary>
/// <remarks>
/// The JSON form (<see cref="Parse(string)"/>, <see cref="Load"/>, <see cref="ToJson"/>) is one object whose members are the
/// parameters, in order:
/// <code>
/// {
///   "policy_lr": {"type": "float", "low": 0.01, "high": 1.0, "log": true},
///   "max_depth": {"type": "int", "low": 3, "high": 6},
///   "n_steps": {"type": "categorical", "choices": [64, 128, 256]}
/// }
/// </code>
/// <c>float</c> and <c>int</c> take <c>low</c> and <c>high</c> (both included) and an optional <c>log</c> (default
/// false: uniform; true: log-uniform, which needs low &gt; 0); int bounds are whole numbers. <c>categorical</c> takes
/// <c>choices</c>: JSON numbers, strings or booleans, kept as option text (numbers as written, booleans
/// "true"/"false"). Any other member is an error.
/// </remarks>
public sealed class SearchSpace
{
    private static readonly Regex s_jsonNumber = new(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant);

    private readonly KeyValuePair<string, Distribution>[] _parameters;

    /// <summary>A search space of <paramref name="parameters"/>, in the order given; validated (see <see cref="Validate"/>).</summary>
    /// <exception cref="ArgumentException">No parameters, an empty or repeated key, or an invalid distribution (the message names the key).</exception>
    public SearchSpace(IEnumerable<KeyValuePair<string, Distribution>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        Validate();
    }

    /// <summary>The parameters with their distributions, in the order of the space (the order samplers draw them in).</summary>
    public IReadOnlyList<KeyValuePair<string, Distribution>> Parameters => _parameters;

    /// <summary>
    /// The default space of an algorithm ("ppo", "a2c" or "awr"), modelled on the RL Zoo's samplers for PPO and A2C
    /// and widened so that it holds the presets' values for CartPole-v1 and MiniGrid (presets.json and the GBRL paper's
    /// Table 2; <c>ent_coef</c> 0 is the log range's lower end, 1e-8).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>ppo: policy_lr log [0.01, 1]; value_lr log [0.001, 0.1]; n_steps {16, 32, 64, 128, 256, 512};
    /// batch_size {64, 128, 256, 512}; n_epochs {1, 4, 5, 10, 20} (4: the CartPole-v1 preset); gamma {0.9, 0.95, 0.98,
    /// 0.99, 0.995, 0.999}; gae_lambda {0.8, 0.9, 0.95, 0.98, 1.0}; clip_range {0.1, 0.2, 0.3}; ent_coef log [1e-8, 0.1];
    /// max_depth int [3, 6].</item>
    /// <item>a2c: policy_lr and value_lr as ppo; n_steps {5, 8, 10, 16, 32, 64, 128} (10: the MiniGrid row); gamma,
    /// gae_lambda, ent_coef and max_depth as ppo.</item>
    /// <item>awr: policy_lr log [0.001, 0.3] and value_lr log [0.001, 0.3] (the paper's rows run from 0.003 to 0.1);
    /// batch_size {64, 128, 256, 512, 1024}; gamma and gae_lambda as ppo; beta (the temperature of exp(A / beta)) log
    /// [0.01, 1]; gradient_steps (trees per training phase, AWR's counterpart of PPO's epochs) {50, 100, 150, 200};
    /// max_depth int [3, 6]. train_freq and buffer_size are left to the preset: they set how often and on what AWR
    /// trains more than how well.</item>
    /// </list>
    /// Presets outside these spaces: continuous-control A2C rates (MountainCarContinuous 0.0008 and 2.8e-6, Pendulum
    /// policy_lr 0.003), Pendulum's gamma 0.91 and gae_lambda 0.93, Acrobot's gae_lambda 0.94, MiniGrid-Unlock's
    /// batch_size 1024 (ppo); a space file of one's own covers them.
    /// </remarks>
    /// <exception cref="ArgumentException">An unknown algorithm (the message lists the known ones).</exception>
    public static SearchSpace For(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        string[] gammas = ["0.9", "0.95", "0.98", "0.99", "0.995", "0.999"];
        string[] gaeLambdas = ["0.8", "0.9", "0.95", "0.98", "1.0"];
        var policyLr = Pair("policy_lr", new FloatDistribution(0.01, 1, Log: true));
        var valueLr = Pair("value_lr", new FloatDistribution(0.001, 0.1, Log: true));
        var entCoef = Pair("ent_coef", new FloatDistribution(1e-8, 0.1, Log: true));
        var maxDepth = Pair("max_depth", new IntDistribution(3, 6));
        return algorithm.Trim().ToLowerInvariant() switch
        {
            "ppo" => new SearchSpace(
            [
                policyLr,
                valueLr,
                Choices("n_steps", "16", "32", "64", "128", "256", "512"),
                Choices("batch_size", "64", "128", "256", "512"),
                Choices("n_epochs", "1", "4", "5", "10", "20"),
                Choices("gamma", gammas),
                Choices("gae_lambda", gaeLambdas),
                Choices("clip_range", "0.1", "0.2", "0.3"),
                entCoef,
                maxDepth,
            ]),
            "a2c" => new SearchSpace(
            [
                policyLr,
                valueLr,
                Choices("n_steps", "5", "8", "10", "16", "32", "64", "128"),
                Choices("gamma", gammas),
                Choices("gae_lambda", gaeLambdas),
                entCoef,
                maxDepth,
            ]),
            "awr" => new SearchSpace(
            [
                Pair("policy_lr", new FloatDistribution(0.001, 0.3, Log: true)),
                Pair("value_lr", new FloatDistribution(0.001, 0.3, Log: true)),
                Choices("batch_size", "64", "128", "256", "512", "1024"),
                Choices("gamma", gammas),
                Choices("gae_lambda", gaeLambdas),
                Pair("beta", new FloatDistribution(0.01, 1, Log: true)),
                Choices("gradient_steps", "50", "100", "150", "200"),
                maxDepth,
            ]),
            _ => throw new ArgumentException($"Unknown algorithm '{algorithm}' for a default search space. Known algorithms: {string.Join(", ", AgentPresets.Algorithms)}.", nameof(algorithm)),
        };

        static KeyValuePair<string, Distribution> Pair(string key, Distribution distribution) => new(key, distribution);
        static KeyValuePair<string, Distribution> Choices(string key, params string[] choices) => new(key, new CategoricalDistribution(choices));
    }

    /// <summary>Reads a space from its JSON form (see the remarks of <see cref="SearchSpace"/>).</summary>
    /// <exception cref="InvalidDataException"><paramref name="json"/> is not JSON (the message has the reader's error).</exception>
    /// <exception cref="ArgumentException">It is JSON but not a valid space (the message names the parameter and the problem).</exception>
    public static SearchSpace Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(json, "The search space");
    }

    /// <summary>Reads a space from a JSON file (see the remarks of <see cref="SearchSpace"/>).</summary>
    /// <exception cref="InvalidDataException">The file is not JSON (the message names the file and has the reader's error).</exception>
    /// <exception cref="ArgumentException">It is not a valid space (the message names the file, the parameter and the problem).</exception>
    public static SearchSpace Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var json = File.ReadAllText(path);
        try
        {
            return Parse(json, $"The search space file '{path}'");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Search space file '{path}': {e.Message}", e);
        }
    }

    /// <summary>The JSON form of this space, one parameter a line, which <see cref="Parse(string)"/> reads back to an equal space.</summary>
    public string ToJson()
    {
        var builder = new StringBuilder("{\n");
        for (var i = 0; i < _parameters.Length; i++)
        {
            var (key, distribution) = _parameters[i];
            builder.Append("  ").Append(JsonSerializer.Serialize(key)).Append(": {\"type\": ");
            _ = distribution switch
            {
                FloatDistribution f => builder.Append($"\"float\", \"low\": {Format(f.Low)}, \"high\": {Format(f.High)}, \"log\": {(f.Log ? "true" : "false")}"),
                IntDistribution n => builder.Append($"\"int\", \"low\": {Format(n.Low)}, \"high\": {Format(n.High)}, \"log\": {(n.Log ? "true" : "false")}"),
                CategoricalDistribution c => builder.Append("\"categorical\", \"choices\": [").AppendJoin(", ", c.Choices.Select(ChoiceJson)).Append(']'),
                _ => throw new InvalidOperationException($"Unknown distribution type {distribution.GetType().Name}."),
            };
            builder.Append(i + 1 < _parameters.Length ? "},\n" : "}\n");
        }
        return builder.Append("}\n").ToString();

        // Booleans and numbers go back as JSON booleans and numbers (as written), anything else as a string.
        static string ChoiceJson(string choice) =>
            choice is "true" or "false" || s_jsonNumber.IsMatch(choice) ? choice : JsonSerializer.Serialize(choice);
    }

    /// <summary>
    /// Checks the space: at least one parameter; keys non-empty and distinct; float bounds finite with low &lt; high;
    /// int bounds with low &lt; high; log scales with low &gt; 0; choices non-empty, each non-empty and distinct (by text, and
    /// by value where two choices are numbers).
    /// </summary>
    /// <exception cref="ArgumentException">The first problem found, naming the parameter.</exception>
    private void Validate()
    {
        if (_parameters.Length == 0)
            throw new ArgumentException("The search space has no parameters; it needs at least one.");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, distribution) in _parameters)
        {
            if (string.IsNullOrWhiteSpace(key))
                throw new ArgumentException("A search space parameter has an empty key.");
            if (!keys.Add(key))
                throw new ArgumentException($"Search space parameter '{key}' appears twice.");
            switch (distribution)
            {
                case FloatDistribution f:
                    if (!double.IsFinite(f.Low) || !double.IsFinite(f.High))
                        throw new ArgumentException($"Search space parameter '{key}': low ({Format(f.Low)}) and high ({Format(f.High)}) must be finite numbers.");
                    CheckBounds(key, f.Low, f.High, f.Log);
                    break;
                case IntDistribution n:
                    CheckBounds(key, n.Low, n.High, n.Log);
                    break;
                case CategoricalDistribution c:
                    CheckChoices(key, c.Choices);
                    break;
                case null:
                    throw new ArgumentException($"Search space parameter '{key}' has no distribution.");
                default:
                    throw new ArgumentException($"Search space parameter '{key}' has a distribution of unknown type {distribution.GetType().Name}; use FloatDistribution, IntDistribution or CategoricalDistribution.");
            }
        }
    }

    private static void CheckBounds(string key, double low, double high, bool log)
    {
        if (low >= high)
            throw new ArgumentException($"Search space parameter '{key}': low ({Format(low)}) must be below high ({Format(high)}).");
        if (log && low <= 0)
            throw new ArgumentException($"Search space parameter '{key}': a log scale needs low > 0, got low {Format(low)}.");
    }

    private static void CheckChoices(string key, IReadOnlyList<string> choices)
    {
        if (choices is null || choices.Count == 0)
            throw new ArgumentException($"Search space parameter '{key}' has no choices; it needs at least one.");
        for (var i = 0; i < choices.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(choices[i]))
                throw new ArgumentException($"Search space parameter '{key}': choice {i} is empty.");
            for (var j = 0; j < i; j++)
            {
                if (choices[i] == choices[j] || (TryParseNumber(choices[i], out var a) && TryParseNumber(choices[j], out var b) && a == b))
                    throw new ArgumentException($"Search space parameter '{key}': choice '{choices[i]}' repeats choice '{choices[j]}'.");
            }
        }
    }

    private static SearchSpace Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"A search space is a JSON object of parameters; got a JSON {Kind(root)}.");
            var parameters = new List<KeyValuePair<string, Distribution>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!keys.Add(property.Name))
                    throw new ArgumentException($"Search space parameter '{property.Name}' appears twice.");
                parameters.Add(new(property.Name, ParseDistribution(property.Name, property.Value)));
            }
            return new SearchSpace(parameters);
        }
    }

    private static Distribution ParseDistribution(string key, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"Search space parameter '{key}' must be an object such as {{\"type\": \"float\", \"low\": 0.01, \"high\": 1}}; got a JSON {Kind(element)}.");
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in element.EnumerateObject())
        {
            if (!fields.TryAdd(field.Name, field.Value))
                throw new ArgumentException($"Search space parameter '{key}' has the field '{field.Name}' twice.");
        }
        if (!fields.TryGetValue("type", out var typeElement))
            throw new ArgumentException($"Search space parameter '{key}' has no \"type\"; it must be \"float\", \"int\" or \"categorical\".");
        var type = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString()! : typeElement.GetRawText();
        string[] known = type switch
        {
            "float" or "int" => ["type", "low", "high", "log"],
            "categorical" => ["type", "choices"],
            _ => throw new ArgumentException($"Search space parameter '{key}' has the unknown type '{type}'; it must be \"float\", \"int\" or \"categorical\"."),
        };
        foreach (var name in fields.Keys)
        {
            if (Array.IndexOf(known, name) < 0)
                throw new ArgumentException($"Search space parameter '{key}' has the unknown field '{name}'; a {type} parameter has the fields {string.Join(", ", known)}.");
        }
        if (type == "categorical")
            return new CategoricalDistribution(ParseChoices(key, fields));

        var log = false;
        if (fields.TryGetValue("log", out var logElement))
        {
            log = logElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ArgumentException($"Search space parameter '{key}': \"log\" must be true or false, got {logElement.GetRawText()}."),
            };
        }
        var low = Bound(key, fields, "low");
        var high = Bound(key, fields, "high");
        if (type == "float")
            return new FloatDistribution(low, high, log);
        return new IntDistribution(WholeBound(key, "low", low), WholeBound(key, "high", high), log);
    }

    private static double Bound(string key, Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var element))
            throw new ArgumentException($"Search space parameter '{key}' has no \"{name}\"; float and int parameters need \"low\" and \"high\".");
        if (element.ValueKind != JsonValueKind.Number)
            throw new ArgumentException($"Search space parameter '{key}': \"{name}\" must be a number, got {element.GetRawText()}.");
        if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
            throw new ArgumentException($"Search space parameter '{key}': \"{name}\" ({element.GetRawText()}) is not a finite number.");
        return value;
    }

    private static int WholeBound(string key, string name, double value) =>
        value == Math.Floor(value) && value >= int.MinValue && value <= int.MaxValue
            ? (int)value
            : throw new ArgumentException($"Search space parameter '{key}': \"{name}\" of an int parameter must be a whole number, got {Format(value)}.");

    private static List<string> ParseChoices(string key, Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue("choices", out var element))
            throw new ArgumentException($"Search space parameter '{key}' has no \"choices\"; a categorical parameter needs a list of them.");
        if (element.ValueKind != JsonValueKind.Array)
            throw new ArgumentException($"Search space parameter '{key}': \"choices\" must be a list, got {element.GetRawText()}.");
        var choices = new List<string>();
        foreach (var choice in element.EnumerateArray())
        {
            choices.Add(choice.ValueKind switch
            {
                JsonValueKind.Number => choice.GetRawText(),
                JsonValueKind.String => choice.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new ArgumentException($"Search space parameter '{key}': a choice must be a number, a string or a boolean, got {choice.GetRawText()}."),
            });
        }
        return choices;
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    /// <summary>A number as option text: shortest round-trip form, invariant culture.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An integer as option text.</summary>
    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads option text as a finite number (invariant culture).</summary>
    internal static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
