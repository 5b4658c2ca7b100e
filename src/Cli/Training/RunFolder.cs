using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RLFramework.Agents.Presets;

namespace RLFramework.Cli.Training;

/// <summary>
/// The folder of one training run: model.rlm, metrics.csv, metrics.jsonl, options.json (the exact
/// options used), learning_curve.png and summary.json. Files are written atomically.
/// </summary>
internal sealed class RunFolder
{
    public const string ModelFile = "model.rlm";
    public const string MetricsCsvFile = "metrics.csv";
    public const string MetricsJsonFile = "metrics.jsonl";
    public const string OptionsFile = "options.json";
    public const string CurveFile = "learning_curve.png";
    public const string SummaryFile = "summary.json";

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

    /// <summary>Uses <paramref name="outDir"/>, or a fresh dated folder under runs/.</summary>
    public static RunFolder Create(string? outDir, string environmentId, string algorithm, int seed)
    {
        string path;
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

    /// <summary>Writes options.json: the run's identity and every option value after presets and overrides.</summary>
    public void WriteOptions(AgentConfiguration configuration, string environmentId, int seed, long steps, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        var root = new JsonObject
        {
            ["environment"] = environmentId,
            ["algorithm"] = configuration.Algorithm,
            ["seed"] = seed,
            ["steps"] = steps,
            ["preset"] = AgentPresets.PresetKey(configuration.Algorithm, environmentId) is { } presetKey ? $"{configuration.Algorithm}/{presetKey}" : "defaults",
            ["overrides"] = new JsonObject(overrides.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["options"] = JsonSerializer.SerializeToNode(configuration.Options, configuration.Options.GetType(), s_json),
            ["policy"] = JsonSerializer.SerializeToNode(configuration.Policy, s_json),
        };
        WriteAtomically(System.IO.Path.Combine(Path, OptionsFile), root.ToJsonString(s_json));
    }

    /// <summary>Writes summary.json.</summary>
    public void WriteSummary(RunSummary summary) =>
        WriteAtomically(System.IO.Path.Combine(Path, SummaryFile), JsonSerializer.Serialize(summary, s_json));

    public static void WriteAtomically(string path, string text)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text + "\n", new UTF8Encoding(false));
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
    [property: System.Text.Json.Serialization.JsonPropertyName("mean_return_last_100")] double MeanReturnLast100,
    [property: System.Text.Json.Serialization.JsonPropertyName("std_return_last_100")] double StdReturnLast100,
    bool StoppedEarly,
    string Model);
