using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;

namespace RLFramework.Cli.Training;

/// <summary>
/// The folder of one training run: model.rlm, metrics.csv, metrics.jsonl, options.json (the exact
/// options used), learning_curve.png and summary.json; with <c>--eval-every</c> also evaluations.csv and best_model.rlm.
/// Files are written atomically (the metrics and evaluation logs are appended a row at a time).
/// </summary>
internal sealed class RunFolder
{
    public const string ModelFile = "model.rlm";
    public const string MetricsCsvFile = "metrics.csv";
    public const string MetricsJsonFile = "metrics.jsonl";
    public const string OptionsFile = "options.json";
    public const string CurveFile = "learning_curve.png";
    public const string SummaryFile = "summary.json";
    public const string CheckpointsFolder = "checkpoints";
    public const string EvaluationsFile = "evaluations.csv";
    public const string BestModelFile = "best_model.rlm";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private RunFolder(string path) => Path = path;

    public string Path { get; }

    public string Model => System.IO.Path.Combine(Path, ModelFile);

    public string MetricsCsv => System.IO.Path.Combine(Path, MetricsCsvFile);

    public string MetricsJson => System.IO.Path.Combine(Path, MetricsJsonFile);

    public string Curve => System.IO.Path.Combine(Path, CurveFile);

    public string Checkpoints => System.IO.Path.Combine(Path, CheckpointsFolder);

    public string Evaluations => System.IO.Path.Combine(Path, EvaluationsFile);

    public string BestModel => System.IO.Path.Combine(Path, BestModelFile);

    /// <summary>
    /// Uses <paramref name="outDir"/>, or a fresh dated folder under runs/. A folder that already holds a run is refused, so that
    /// no run's files are overwritten or mixed with another's, unless it is <paramref name="continuing"/> (the folder of the run
    /// being resumed).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="outDir"/> is a file, or holds another run.</exception>
    public static RunFolder Create(string? outDir, string environmentId, string algorithm, int seed, string? continuing = null)
    {
        string path;
        CheckOut(outDir, continuing);
        if (!string.IsNullOrWhiteSpace(outDir))
        {
            path = outDir;
        }
        else
        {
            var stamp = DateTime.Now.ToString("yyyy-MM-dd_HH-mm-ss", CultureInfo.InvariantCulture);
            var basePath = System.IO.Path.Combine("runs", $"{stamp}_{environmentId}_{algorithm}_seed{seed}");
            path = basePath;
            for (var i = 2; Directory.Exists(path); i++)
                path = $"{basePath}_{i}";
        }
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>Throws unless <paramref name="outDir"/> (null: a fresh dated folder) can take the run: not a file, and no other run than <paramref name="continuing"/>.</summary>
    /// <exception cref="ArgumentException">It is a file, or holds another run.</exception>
    public static void CheckOut(string? outDir, string? continuing = null)
    {
        if (string.IsNullOrWhiteSpace(outDir))
            return;
        if (File.Exists(outDir))
            throw new ArgumentException($"--out '{outDir}' is a file; name a folder for the run.");
        if (File.Exists(System.IO.Path.Combine(outDir, TuneFolder.SettingsFile)))
            throw new ArgumentException($"--out '{outDir}' holds a hyperparameter search ({TuneFolder.SettingsFile}); pass another --out (rl tune --resume {outDir} continues the search).");
        var continues = continuing is not null
            && string.Equals(System.IO.Path.GetFullPath(outDir).TrimEnd('/', '\\'), System.IO.Path.GetFullPath(continuing).TrimEnd('/', '\\'), StringComparison.Ordinal);
        if (!continues && HeldRunFile(outDir) is { } held)
            throw new ArgumentException($"--out '{outDir}' already holds a run (its {held}); pass another --out, or continue that run with rl train --resume {outDir}.");
    }

    /// <summary>The first file of a run that <paramref name="path"/> holds, or null.</summary>
    internal static string? HeldRunFile(string path)
    {
        foreach (var name in (string[])[OptionsFile, ModelFile, SummaryFile, MetricsCsvFile, CheckpointsFolder, EvaluationsFile, BestModelFile])
        {
            var file = System.IO.Path.Combine(path, name);
            if (File.Exists(file) || Directory.Exists(file))
                return name;
        }
        return null;
    }

    /// <summary>The key of options.json that names the run's TensorBoard folder (<c>--tensorboard-log</c>).</summary>
    public const string TensorBoardKey = "tensorboard_log";

    /// <summary>The TensorBoard folder the run in <paramref name="folder"/> logged to (options.json's <c>tensorboard_log</c>), or null.</summary>
    public static string? TensorBoardFolderOf(string? folder)
    {
        var path = folder is null ? null : System.IO.Path.Combine(folder, OptionsFile);
        if (path is null || !File.Exists(path))
            return null;
        try
        {
            using var options = JsonDocument.Parse(File.ReadAllText(path));
            return options.RootElement.TryGetProperty(TensorBoardKey, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes options.json: the run's identity and every option value after presets and overrides.</summary>
    public void WriteOptions(AgentConfiguration configuration, string environmentId, int seed, long steps, IReadOnlyList<KeyValuePair<string, string>> overrides,
        TrainingDevice device, (string Model, long Steps)? resumedFrom, IReadOnlyList<string>? envAssemblies = null, EnvironmentSetup? environment = null,
        string? tensorBoardFolder = null)
    {
        var root = new JsonObject
        {
            ["environment"] = environmentId,
            ["algorithm"] = configuration.Algorithm,
            ["seed"] = seed,
            ["steps"] = steps,
            ["preset"] = AgentPresets.PresetKey(configuration.Algorithm, environmentId) is { } presetKey ? $"{configuration.Algorithm}/{presetKey}" : "defaults",
            ["overrides"] = new JsonObject(overrides.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["device"] = device.Name,
            ["device_description"] = device.Description,
            ["options"] = JsonSerializer.SerializeToNode(configuration.Options, configuration.Options.GetType(), s_json),
            ["policy"] = JsonSerializer.SerializeToNode(configuration.Policy, s_json),
        };
        if (environment is { Kwargs.Count: > 0 })
            root["env_kwargs"] = new JsonArray([.. environment.Kwargs.Select(k => (JsonNode?)k)]);
        if (environment is { Wrappers.Count: > 0 })
            root["env_wrappers"] = new JsonArray([.. environment.Wrappers.Select(w => (JsonNode?)w)]);
        if (envAssemblies is { Count: > 0 })
            root["env_assemblies"] = new JsonArray([.. envAssemblies.Select(a => (JsonNode?)System.IO.Path.GetFullPath(a))]);
        if (tensorBoardFolder is not null)
            root[TensorBoardKey] = System.IO.Path.GetFullPath(tensorBoardFolder);
        if (resumedFrom is { } resumed)
        {
            root["resumed_from"] = resumed.Model;
            root["resumed_at_steps"] = resumed.Steps;
        }
        WriteAtomically(System.IO.Path.Combine(Path, OptionsFile), root.ToJsonString(s_json));
    }

    /// <summary>
    /// Brings the metrics of <paramref name="sourceFolder"/> up to <paramref name="steps"/> (the resumed checkpoint) into
    /// this folder: rows logged after it (a run that went on past its checkpoint) are dropped, so the resumed run appends
    /// without duplicates. The evaluation log is carried the same way (<see cref="Agents.Callbacks.EvaluationCallback.CarryLog(string, long, string?)"/>),
    /// with the best model, which is set aside when it came from the dropped steps.
    /// Returns the rows kept in the CSV.
    /// </summary>
    public int CarryMetrics(string sourceFolder, long steps)
    {
        var kept = CarryCsv(System.IO.Path.Combine(sourceFolder, MetricsCsvFile), MetricsCsv, Agents.Logging.MetricKeys.TotalTimesteps, steps);
        var jsonl = System.IO.Path.Combine(sourceFolder, MetricsJsonFile);
        if (File.Exists(jsonl))
        {
            var rows = new List<string>();
            foreach (var line in File.ReadAllLines(jsonl))
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty(Agents.Logging.MetricKeys.TotalTimesteps, out var t) && t.GetDouble() <= steps)
                    rows.Add(line);
            }
            WriteAtomically(MetricsJson, string.Join('\n', rows), newline: rows.Count > 0);
        }
        // The evaluation log and the best model come along to a new folder, then are cut back by the evaluation callback's own rule.
        var log = System.IO.Path.Combine(sourceFolder, EvaluationsFile);
        if (File.Exists(log))
        {
            CopyAtomically(log, Evaluations);
            CopyAtomically(System.IO.Path.Combine(sourceFolder, BestModelFile), BestModel);
            SetAsideBestModel = Agents.Callbacks.EvaluationCallback.CarryLog(Evaluations, steps, BestModel).SetAsideBestModel;
        }
        return kept;
    }

    /// <summary>Where <see cref="CarryMetrics"/> moved a best model of the steps being redone (null: none).</summary>
    public string? SetAsideBestModel { get; private set; }

    /// <summary>Copies <paramref name="source"/> (when it exists and is another file) over <paramref name="destination"/> through a temporary file.</summary>
    private static void CopyAtomically(string source, string destination)
    {
        if (!File.Exists(source) || System.IO.Path.GetFullPath(source) == System.IO.Path.GetFullPath(destination))
            return;
        var temp = $"{destination}.{Environment.ProcessId}.tmp";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, destination, overwrite: true);
    }

    /// <summary>Writes the rows of CSV <paramref name="source"/> whose <paramref name="column"/> is at most <paramref name="steps"/> to <paramref name="destination"/>; returns their count.</summary>
    private static int CarryCsv(string source, string destination, string column, long steps)
    {
        if (!File.Exists(source))
            return 0;
        var lines = File.ReadAllLines(source);
        var rows = new List<string>();
        if (lines.Length > 0)
        {
            rows.Add(lines[0]);
            var index = Array.IndexOf(lines[0].Split(','), column);
            if (index < 0)
                throw new InvalidDataException($"'{source}' has no {column} column.");
            for (var i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',');
                if (cells.Length > index && long.TryParse(cells[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t <= steps)
                    rows.Add(lines[i]);
            }
        }
        WriteAtomically(destination, string.Join('\n', rows), newline: rows.Count > 0);
        return Math.Max(rows.Count - 1, 0);
    }

    /// <summary>Writes summary.json.</summary>
    public void WriteSummary(RunSummary summary) =>
        WriteAtomically(System.IO.Path.Combine(Path, SummaryFile), JsonSerializer.Serialize(summary, s_json));

    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, then renames it; makes the folder when missing (as --video and --out do).</summary>
    public static void WriteAtomically(string path, string text, bool newline = true)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, newline ? text + "\n" : text, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>The contents of summary.json.</summary>
internal sealed record RunSummary(
    string Environment,
    string Algorithm,
    int Seed,
    long TotalSteps,
    double WallSeconds,
    int Trees,
    int Episodes,
    [property: System.Text.Json.Serialization.JsonPropertyName("mean_return_last_100")] double? MeanReturnLast100,
    [property: System.Text.Json.Serialization.JsonPropertyName("std_return_last_100")] double? StdReturnLast100,
    bool StoppedEarly,
    string Model,
    string Device,
    string DeviceDescription,
    long ResumedAtSteps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? BestEvalMeanReturn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? BestEvalTimesteps = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Interrupted = false)
{
    /// <summary>A return statistic as summary.json holds it: null (JSON's null, not the string "NaN") before any episode has ended.</summary>
    public static double? Statistic(double value) => double.IsFinite(value) ? value : null;
}
