using System.Globalization;
using System.Text.Json;

namespace RLFramework.Environments.Replay;

/// <summary>One recorded step of a reference trace (parsed and checked).</summary>
internal sealed record TraceStep(
    double[] Action, bool ActionIsArray, double[] Observation, double[]? State, double Reward,
    bool Terminated, bool Truncated, double? Probability, int[]? ActionMask);

/// <summary>One reference trace (parsed and checked).</summary>
internal sealed record Trace(
    string Name, string Path, int? ResetSeed, EnvironmentOptions Options, double[] InitialState,
    double[]? InitialObservation, bool OpenLoopStable, TraceStep[] Steps);

/// <summary>
/// Reads the Gymnasium reference-trace format (see the golden README): every problem becomes a
/// <see cref="TraceFormatException"/> naming the JSON path, e.g. "traces[2].steps[5].obs".
/// </summary>
internal static class TraceFile
{
    /// <summary>Open-loop replays are compared only when a 1-ulp perturbation moved the state less than this.</summary>
    public const double OpenLoopTolerance = 1e-9;

    public static string EnvironmentId(JsonElement root) => RequireString(root, "env", "env");

    /// <summary>
    /// The file's env_kwargs and env_attribute_overrides, plus numpy_promotion=weak when the file was
    /// recorded under NumPy 2 promotion (generator.numpy_promotion_state).
    /// </summary>
    public static EnvironmentOptions FileOptions(JsonElement root)
    {
        EnvironmentOptions options = OptionsOf(root, EnvironmentOptions.Empty, "");
        if (root.TryGetProperty("generator", out JsonElement generator) && generator.ValueKind == JsonValueKind.Object
            && generator.TryGetProperty("numpy_promotion_state", out JsonElement promotion)
            && promotion.ValueKind == JsonValueKind.String && promotion.GetString() != "legacy")
        {
            options = options.With("numpy_promotion", promotion.GetString());
        }

        return options;
    }

    public static Trace[] Traces(JsonElement root, EnvironmentOptions fileOptions)
    {
        JsonElement traces = Require(root, "traces", "traces", JsonValueKind.Array);
        var result = new Trace[traces.GetArrayLength()];
        int i = 0;
        foreach (JsonElement trace in traces.EnumerateArray())
        {
            result[i] = ReadTrace(trace, fileOptions, $"traces[{i}]");
            i++;
        }

        return result;
    }

    private static Trace ReadTrace(JsonElement trace, EnvironmentOptions fileOptions, string path)
    {
        if (trace.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "expected an object");
        }

        string name = trace.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : path;
        int? seed = null;
        if (trace.TryGetProperty("reset_seed", out JsonElement s) && s.ValueKind != JsonValueKind.Null)
        {
            seed = s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out int v) ? v : throw Malformed(path + ".reset_seed", "expected an integer");
        }

        EnvironmentOptions options = OptionsOf(trace, fileOptions, path + ".");
        double[] initialState = Numbers(Require(trace, "initial_state", path + ".initial_state", JsonValueKind.Array), path + ".initial_state");
        double[]? initialObs = trace.TryGetProperty("initial_obs", out JsonElement io)
            ? Numbers(io, path + ".initial_obs")
            : null;

        bool stable = false;
        if (trace.TryGetProperty("open_loop_sensitivity", out JsonElement sens) && sens.ValueKind == JsonValueKind.Object)
        {
            double deviation = Number(Require(sens, "max_abs_state_deviation", path + ".open_loop_sensitivity.max_abs_state_deviation", JsonValueKind.Number), "");
            bool changed = Bool(Require(sens, "termination_or_length_changed", path + ".open_loop_sensitivity.termination_or_length_changed"), path + ".open_loop_sensitivity.termination_or_length_changed");
            stable = deviation < OpenLoopTolerance && !changed;
        }

        JsonElement steps = Require(trace, "steps", path + ".steps", JsonValueKind.Array);
        var parsed = new TraceStep[steps.GetArrayLength()];
        int k = 0;
        foreach (JsonElement step in steps.EnumerateArray())
        {
            parsed[k] = ReadStep(step, $"{path}.steps[{k}]");
            k++;
        }

        return new Trace(name, path, seed, options, initialState, initialObs, stable, parsed);
    }

    private static TraceStep ReadStep(JsonElement step, string path)
    {
        if (step.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "expected an object");
        }

        JsonElement action = Require(step, "action", path + ".action");
        bool isArray = action.ValueKind == JsonValueKind.Array;
        double[] actionValues = isArray
            ? Numbers(action, path + ".action")
            : [Number(action, path + ".action")];
        double[] obs = Numbers(Require(step, "obs", path + ".obs", JsonValueKind.Array), path + ".obs");
        double[]? state = step.TryGetProperty("state", out JsonElement st) ? Numbers(st, path + ".state") : null;
        double reward = Number(Require(step, "reward", path + ".reward"), path + ".reward");
        bool terminated = Bool(Require(step, "terminated", path + ".terminated"), path + ".terminated");
        bool truncated = Bool(Require(step, "truncated", path + ".truncated"), path + ".truncated");
        double? prob = null;
        int[]? mask = null;
        if (step.TryGetProperty("info", out JsonElement info) && info.ValueKind == JsonValueKind.Object)
        {
            if (info.TryGetProperty("prob", out JsonElement p))
            {
                prob = Number(p, path + ".info.prob");
            }

            if (info.TryGetProperty("action_mask", out JsonElement m))
            {
                double[] values = Numbers(m, path + ".info.action_mask");
                mask = Array.ConvertAll(values, v => (int)v);
            }
        }

        return new TraceStep(actionValues, isArray, obs, state, reward, terminated, truncated, prob, mask);
    }

    private static EnvironmentOptions OptionsOf(JsonElement element, EnvironmentOptions inherited, string path)
    {
        var pairs = new List<KeyValuePair<string, object?>>();
        foreach (string key in (ReadOnlySpan<string>)["env_kwargs", "env_attribute_overrides"])
        {
            if (!element.TryGetProperty(key, out JsonElement values) || values.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (values.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(path + key, "expected an object of option names and values");
            }

            foreach (JsonProperty property in values.EnumerateObject())
            {
                pairs.Add(new(property.Name, property.Value.Clone()));
            }
        }

        return pairs.Count == 0 ? inherited : inherited.WithAll(EnvironmentOptions.FromPairs(pairs));
    }

    public static JsonElement Require(JsonElement element, string name, string path, JsonValueKind? kind = null)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out JsonElement value))
        {
            throw Malformed(path, "is missing");
        }

        if (kind is JsonValueKind k && value.ValueKind != k)
        {
            throw Malformed(path, $"expected {Describe(k)}, found {Describe(value.ValueKind)}");
        }

        return value;
    }

    public static string RequireString(JsonElement element, string name, string path) =>
        Require(element, name, path, JsonValueKind.String).GetString()!;

    public static double Number(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String when element.GetString() == "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when element.GetString() == "-Infinity" => double.NegativeInfinity,
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => throw Malformed(path, $"expected a number, found {Describe(element.ValueKind)}"),
    };

    public static double[] Numbers(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(path, $"expected an array of numbers, found {Describe(element.ValueKind)}");
        }

        var result = new double[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            result[i] = Number(item, $"{path}[{i}]");
            i++;
        }

        return result;
    }

    public static bool Bool(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Malformed(path, $"expected true or false, found {Describe(element.ValueKind)}"),
    };

    public static TraceFormatException Malformed(string path, string problem) =>
        new($"Malformed trace file: {path} {problem}.");

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
