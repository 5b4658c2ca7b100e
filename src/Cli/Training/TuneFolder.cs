using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Tuning;

namespace RLFramework.Cli.Training;

/// <summary>
/// The output folder of <c>rl tune</c>: the search's settings (<c>tune.json</c>, <c>space.json</c>), every trial
/// (<c>trials.csv</c>), the best one (<c>best.json</c>, <c>best_model.rlm</c>) and the plot (<c>tuning.png</c>); every file is written
/// atomically, and the settings and trials read back to resume the search.
/// </summary>
internal sealed class TuneFolder(string path)
{
    /// <summary>The search's settings: every option but the space, and the environment assemblies.</summary>
    public const string SettingsFile = "tune.json";

    /// <summary>Every trial: number, state, value, steps, seconds, the parameters, the evaluations (';'-separated), each seed's last evaluation, and the error of a failed one.</summary>
    public const string TrialsFile = "trials.csv";

    /// <summary>The best complete trial and the command that trains with its parameters.</summary>
    public const string BestFile = "best.json";

    /// <summary>The best complete trial's trained agent (of its first seed, the one <c>best.json</c>'s command retrains).</summary>
    public const string BestModelFile = "best_model.rlm";

    /// <summary>The search space used (the format <c>--space</c> reads).</summary>
    public const string SpaceFile = "space.json";

    /// <summary>Each trial's value and the best so far (Optuna's optimization history).</summary>
    public const string PlotFile = "tuning.png";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>The folder.</summary>
    public string Path { get; } = path;

    private string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes tune.json and space.json.</summary>
    public void WriteSettings(TuneOptions options, IReadOnlyList<string>? envAssemblies)
    {
        var root = new JsonObject
        {
            ["environment"] = options.EnvironmentId,
            ["algorithm"] = options.Algorithm,
            ["trials"] = options.Trials,
            ["steps_per_trial"] = options.StepsPerTrial,
            ["evaluations"] = options.Evaluations,
            ["eval_episodes"] = options.EvaluationEpisodes,
            ["seed"] = options.Seed,
            ["trial_seeds"] = options.TrialSeeds,
            ["jobs"] = options.Jobs,
            ["sampler"] = options.Sampler,
            ["pruner"] = options.Pruner,
            ["set"] = new JsonArray([.. options.Fixed.Select(p => (JsonNode?)JsonValue.Create($"{p.Key}={p.Value}"))]),
            ["env_kwargs"] = new JsonArray([.. options.Environment.Kwargs.Select(k => (JsonNode?)JsonValue.Create(k))]),
            ["env_wrappers"] = new JsonArray([.. options.Environment.Wrappers.Select(w => (JsonNode?)JsonValue.Create(w))]),
            ["env_assemblies"] = new JsonArray([.. (envAssemblies ?? []).Select(a => (JsonNode?)JsonValue.Create(System.IO.Path.GetFullPath(a)))]),
        };
        RunFolder.WriteAtomically(File(SettingsFile), root.ToJsonString(s_json));
        RunFolder.WriteAtomically(File(SpaceFile), options.SearchSpaceOrDefault.ToJson());
        EnvAssemblies = [.. (envAssemblies ?? []).Select(System.IO.Path.GetFullPath)];
    }

    /// <summary>The environment assemblies of the search (full paths, as <c>tune.json</c> holds them), once its settings are written.</summary>
    public IReadOnlyList<string> EnvAssemblies { get; private set; } = [];

    /// <summary>
    /// Reads tune.json and space.json back, and the environment assemblies to load (the settings are not validated: their
    /// environment may be one that the assemblies register); a missing or damaged file is an error naming it.
    /// </summary>
    public (TuneOptions Options, IReadOnlyList<string> EnvAssemblies) ReadSettings()
    {
        var settings = File(SettingsFile);
        if (!System.IO.File.Exists(settings))
            throw new FileNotFoundException($"'{Path}' is not an rl tune folder: it has no {SettingsFile}.", settings);
        try
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllText(settings));
            var root = document.RootElement;
            var options = new TuneOptions
            {
                EnvironmentId = root.GetProperty("environment").GetString()!,
                Algorithm = root.GetProperty("algorithm").GetString()!,
                Trials = root.GetProperty("trials").GetInt32(),
                StepsPerTrial = root.GetProperty("steps_per_trial").GetInt64(),
                Evaluations = root.GetProperty("evaluations").GetInt32(),
                EvaluationEpisodes = root.GetProperty("eval_episodes").GetInt32(),
                Seed = root.GetProperty("seed").GetInt32(),
                TrialSeeds = root.GetProperty("trial_seeds").GetInt32(),
                Jobs = root.GetProperty("jobs").GetInt32(),
                Sampler = root.GetProperty("sampler").GetString()!,
                Pruner = root.GetProperty("pruner").GetString()!,
                Fixed = Agents.Presets.AgentPresets.ParseOverrides(root.GetProperty("set").EnumerateArray().Select(e => e.GetString()!)),
                Space = SearchSpace.Load(File(SpaceFile)),
                // Searches saved before --env-kwargs and --env-wrapper existed have neither.
                Environment = EnvironmentSetup.Of(Strings(root, "env_kwargs"), Strings(root, "env_wrappers")),
            };
            return (options, [.. root.GetProperty("env_assemblies").EnumerateArray().Select(e => e.GetString()!)]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{settings}' is damaged: {e.Message}", e);
        }
    }

    /// <summary>Writes trials.csv (all rows, rewritten).</summary>
    public void WriteTrials(TuneOptions options, IReadOnlyList<TrialResult> results)
    {
        var keys = Keys(options);
        var rows = new List<string> { Header(keys) };
        foreach (var result in results)
        {
            var record = result.Record;
            rows.Add(string.Join(',', [
                record.Number.ToString(CultureInfo.InvariantCulture),
                record.State.ToString().ToLowerInvariant(),
                record.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                result.Timesteps.ToString(CultureInfo.InvariantCulture),
                result.Seconds.ToString("F1", CultureInfo.InvariantCulture),
                .. keys.Select(k => Quote(record.Parameters[k])),
                Numbers(record.Intermediate),
                Numbers(result.SeedValues),
                Quote((result.Error ?? "").ReplaceLineEndings(" ")),
            ]));
        }
        RunFolder.WriteAtomically(File(TrialsFile), string.Join('\n', rows));
    }

    /// <summary>
    /// Reads trials.csv back as trial results (the steps and seconds as written); a row that does not read is an error naming its line.
    /// A missing file is no trials.
    /// </summary>
    public List<TrialResult> ReadTrials(TuneOptions options)
    {
        var path = File(TrialsFile);
        var results = new List<TrialResult>();
        if (!System.IO.File.Exists(path))
            return results;
        var keys = Keys(options);
        var lines = System.IO.File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header(keys))
            throw new InvalidDataException($"'{path}' does not start with the header of this search's trials ({Header(keys)}).");
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = Split(lines[i]);
            try
            {
                if (cells.Count != keys.Count + 8)
                    throw new FormatException($"it has {cells.Count} fields, not {keys.Count + 8}");
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var k = 0; k < keys.Count; k++)
                    parameters[keys[k]] = cells[5 + k];
                var state = Enum.Parse<TrialState>(cells[1], ignoreCase: true);
                double? value = cells[2].Length == 0 ? null : double.Parse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture);
                var record = new TrialRecord(int.Parse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture), parameters, state, value,
                    ParseNumbers(cells[5 + keys.Count]));
                var error = cells[7 + keys.Count];
                results.Add(new TrialResult(record, long.Parse(cells[3], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    double.Parse(cells[4], NumberStyles.Float, CultureInfo.InvariantCulture), error.Length == 0 ? null : error)
                {
                    SeedValues = ParseNumbers(cells[6 + keys.Count]),
                });
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                throw new InvalidDataException($"'{path}' line {i + 1} is not a trial row: {e.Message}.", e);
            }
        }
        return results;
    }

    /// <summary>Writes best.json.</summary>
    public void WriteBest(TuneOptions options, TrialResult best, string trainCommand)
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in best.Record.Parameters)
            parameters[key] = value;
        var fixedOptions = new JsonObject();
        foreach (var (key, value) in options.Fixed)
            fixedOptions[key] = value;
        var root = new JsonObject
        {
            ["environment"] = options.EnvironmentId,
            ["algorithm"] = options.Algorithm,
            ["seed"] = options.Seed,
            ["trial_seeds"] = options.TrialSeeds,
            ["steps_per_trial"] = options.StepsPerTrial,
            ["trial"] = best.Record.Number,
            ["value"] = best.Record.Value,
            ["evaluations"] = new JsonArray([.. best.Record.Intermediate.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["seed_values"] = new JsonArray([.. best.SeedValues.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["parameters"] = parameters,
            ["fixed"] = fixedOptions,
            ["model"] = System.IO.Path.GetFullPath(File(BestModelFile)),
            ["command"] = trainCommand,
        };
        RunFolder.WriteAtomically(File(BestFile), root.ToJsonString(s_json));
    }

    /// <summary>Adds the parameters' importance shares to best.json (<c>"importance"</c>, largest first).</summary>
    public void WriteImportance(IReadOnlyList<KeyValuePair<string, double>> importance)
    {
        var path = File(BestFile);
        if (!System.IO.File.Exists(path))
            return;
        var root = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
        var shares = new JsonObject();
        foreach (var (key, share) in importance)
            shares[key] = share;
        root["importance"] = shares;
        RunFolder.WriteAtomically(path, root.ToJsonString(s_json));
    }

    /// <summary>The best model's path.</summary>
    public string BestModelPath => File(BestModelFile);

    /// <summary>Writes tuning.png.</summary>
    public void WritePlot(TuneOptions options, IReadOnlyList<TrialResult> results) =>
        TuningPlot.Write(results, $"{options.Algorithm} on {options.EnvironmentId}: {options.Sampler} search, {options.StepsPerTrial} steps a trial", File(PlotFile));

    /// <summary>The strings of an optional array member (none when absent).</summary>
    private static string[] Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) ? [.. array.EnumerateArray().Select(e => e.GetString()!)] : [];

    private static List<string> Keys(TuneOptions options) => [.. options.SearchSpaceOrDefault.Parameters.Select(p => p.Key)];

    private static string Header(List<string> keys) =>
        string.Join(',', ["number", "state", "value", "timesteps", "seconds", .. keys, "evaluations", "seed_values", "error"]);

    private static string Numbers(IEnumerable<double> values) => string.Join(';', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static List<double> ParseNumbers(string text) =>
        text.Length == 0 ? [] : [.. text.Split(';').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))];

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break.</summary>
    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>The fields of a CSV line written by <see cref="Quote"/>.</summary>
    private static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
