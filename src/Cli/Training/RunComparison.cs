using System.Globalization;
using System.Text.Json;

namespace RLFramework.Cli.Training;

/// <summary>One finished run folder as <c>rl plot</c> reads it: who it is, its score and its curve.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Algorithm">ppo, a2c or awr.</param>
/// <param name="Environment">The environment id.</param>
/// <param name="Variant">What else sets the run apart besides its seed: its --set overrides, --env-kwargs and --env-wrapper, e.g. "policy_lr=0.1; env: map_name=8x8" ("" for none).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Steps">Environment steps at the end.</param>
/// <param name="WallSeconds">Wall time of its last session.</param>
/// <param name="Trees">Trees at the end.</param>
/// <param name="Score">The mean return of the last 100 training episodes, or with evaluations the last evaluation's mean return.</param>
/// <param name="Curve">(steps, mean return) points in step order: the training log's rollout/ep_rew_mean, or the evaluations.</param>
/// <param name="TargetSteps">The steps the run was to reach (options.json's <c>steps</c>; 0 when unknown).</param>
public sealed record RunRecord(string Folder, string Algorithm, string Environment, string Variant, int Seed, long Steps, double WallSeconds,
    long Trees, double Score, IReadOnlyList<(long Step, double Mean)> Curve, long TargetSteps = 0)
{
    /// <summary>The curve's name: runs that differ only in their seed share it.</summary>
    public string Label => Variant.Length == 0 ? $"{Algorithm} {Environment}" : $"{Algorithm} {Environment} ({Variant})";
}

/// <summary>Runs that differ only in their seed, with the statistics over the seeds.</summary>
/// <param name="Label">The curve's name.</param>
/// <param name="Runs">Its runs in seed order.</param>
public sealed record RunGroup(string Label, IReadOnlyList<RunRecord> Runs)
{
    /// <summary>The mean of the seeds' scores.</summary>
    public double MeanScore => Runs.Average(r => r.Score);

    /// <summary>The population standard deviation of the seeds' scores.</summary>
    public double StdScore => Math.Sqrt(Runs.Average(r => (r.Score - MeanScore) * (r.Score - MeanScore)));

    /// <summary>Per run, the first logged step whose mean return reached <paramref name="threshold"/> (null: never).</summary>
    public long?[] StepsTo(double threshold) => [.. Runs.Select(r => r.Curve.FirstOrDefault(p => p.Mean >= threshold) is { Step: > 0 } hit ? hit.Step : (long?)null)];
}

/// <summary>A group's curve on a common step grid: the mean over its seeds with the lowest and highest seed at each point.</summary>
public sealed record CurveBand(double[] Steps, double[] Mean, double[] Low, double[] High);

/// <summary>
/// Reads finished <c>rl train</c> run folders and compares them (<c>rl plot</c>, the RL Zoo's plot_train): runs that differ only in their
/// seed form one group, whose score is the mean and spread over the seeds and whose curve is the mean over the seeds with a min-max band.
/// Public for the benchmarks' sample-complexity grid, which plots its in-memory runs the same way.
/// </summary>
public static class RunComparison
{
    /// <summary>Points of a curve band on the common step grid.</summary>
    public const int GridPoints = 100;

    /// <summary>Options that do not change a run's results (the trees are the same bit for bit whatever the thread count), so they make no variant.</summary>
    private static readonly HashSet<string> s_resultNeutral = new(StringComparer.Ordinal) { "threads" };

    /// <summary>
    /// The run folders named by <paramref name="paths"/>: each path is a run folder (it has summary.json) or a folder of them (its
    /// sub-folders that are run folders, in name order). A path that is neither is an error naming it.
    /// </summary>
    public static List<string> Discover(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
            throw new ArgumentException("Name at least one run folder of rl train (or a folder of them).");
        var folders = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(Path.Combine(path, RunFolder.SummaryFile)))
            {
                folders.Add(path);
                continue;
            }
            if (!Directory.Exists(path))
                throw new DirectoryNotFoundException($"There is no folder '{path}'.");
            var runs = Directory.GetDirectories(path).Where(d => File.Exists(Path.Combine(d, RunFolder.SummaryFile))).Order(StringComparer.Ordinal).ToList();
            if (runs.Count == 0)
                throw new ArgumentException($"'{path}' is not a finished run folder ({RunFolder.SummaryFile} is missing) and holds none.");
            folders.AddRange(runs);
        }
        return [.. folders.Select(Path.GetFullPath).Distinct()];
    }

    /// <summary>Reads one run folder: its summary, its options (for the variant) and its curve (the training log, or with <paramref name="evaluations"/> the evaluation log).</summary>
    public static RunRecord Load(string folder, bool evaluations)
    {
        var summaryPath = Path.Combine(folder, RunFolder.SummaryFile);
        try
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = summary.RootElement;
            var curve = evaluations
                ? ReadCurve(Path.Combine(folder, RunFolder.EvaluationsFile), "timesteps", "mean_return",
                    $"'{folder}' has no {RunFolder.EvaluationsFile}: train with --eval-every N to log evaluations, or plot without --eval.")
                : ReadCurve(Path.Combine(folder, RunFolder.MetricsCsvFile), Agents.Logging.MetricKeys.TotalTimesteps, Agents.Logging.MetricKeys.EpisodeRewardMean,
                    $"'{folder}' has no {RunFolder.MetricsCsvFile}.");
            var score = evaluations
                ? curve.Count > 0 ? curve[^1].Mean : throw new InvalidDataException($"'{folder}/{RunFolder.EvaluationsFile}' holds no evaluation.")
                : Statistic(root.GetProperty("mean_return_last_100"));
            var (variant, targetSteps) = ReadOptions(folder);
            return new RunRecord(folder, root.GetProperty("algorithm").GetString()!, root.GetProperty("environment").GetString()!, variant,
                root.GetProperty("seed").GetInt32(), root.GetProperty("total_steps").GetInt64(), root.GetProperty("wall_seconds").GetDouble(),
                root.GetProperty("trees").GetInt64(), score, curve, targetSteps);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{summaryPath}' is damaged: {e.Message}", e);
        }
    }

    /// <summary>A return statistic of summary.json: a number, or NaN for null (no episode ended) and for the string "NaN" of earlier builds.</summary>
    private static double Statistic(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => double.NaN,
        JsonValueKind.String when value.GetString() == "NaN" => double.NaN,
        _ => value.GetDouble(),
    };

    /// <summary>
    /// Groups runs by algorithm, environment, variant and target steps, in the order of their first run; each group in seed order.
    /// Runs of one variant with different targets (budgets) are different experiments: their curves are named by their steps.
    /// </summary>
    public static List<RunGroup> Group(IEnumerable<RunRecord> runs)
    {
        var list = runs.ToList();
        var budgets = list.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Select(r => r.TargetSteps).Distinct().Count());
        string Name(RunRecord r) => budgets[r.Label] > 1
            ? (r.Variant.Length == 0 ? $"{r.Algorithm} {r.Environment} (steps={r.TargetSteps})" : $"{r.Label[..^1]}; steps={r.TargetSteps})")
            : r.Label;
        return [.. list.GroupBy(Name).Select(g => new RunGroup(g.Key, [.. g.OrderBy(r => r.Seed)]))];
    }

    /// <summary>
    /// The group's curve on <see cref="GridPoints"/> steps up to <paramref name="maxSteps"/>: at each grid step, every seed's last logged
    /// mean at or before it. A grid step is kept only where every seed has data (a run ends where its log ends, with no flat extension).
    /// </summary>
    public static CurveBand Band(RunGroup group, long maxSteps)
    {
        var steps = new List<double>();
        var mean = new List<double>();
        var low = new List<double>();
        var high = new List<double>();
        var values = new double[group.Runs.Count];
        for (var p = 1; p <= GridPoints; p++)
        {
            var step = maxSteps * p / GridPoints;
            var complete = true;
            for (var r = 0; r < group.Runs.Count && complete; r++)
            {
                var curve = group.Runs[r].Curve;
                var last = LastAtOrBefore(curve, step);
                complete = last >= 0 && step <= curve[^1].Step + maxSteps / GridPoints;
                if (complete)
                    values[r] = curve[last].Mean;
            }
            if (!complete)
                continue;
            steps.Add(step);
            mean.Add(values.Average());
            low.Add(values.Min());
            high.Add(values.Max());
        }
        return new CurveBand([.. steps], [.. mean], [.. low], [.. high]);
    }

    private static int LastAtOrBefore(IReadOnlyList<(long Step, double Mean)> curve, long step)
    {
        var last = -1;
        for (var i = 0; i < curve.Count && curve[i].Step <= step; i++)
            last = i;
        return last;
    }

    /// <summary>
    /// What options.json says of the run, read once: its variant, the --set overrides, --env-kwargs and --env-wrapper
    /// ("n_steps=64, policy_lr=0.1; env: map_name=8x8; wrappers: time_aware_observation": overrides by key, the others in their
    /// order), and its target steps (0 when unknown). A folder without options.json has neither.
    /// </summary>
    private static (string Variant, long TargetSteps) ReadOptions(string folder)
    {
        var path = Path.Combine(folder, RunFolder.OptionsFile);
        if (!File.Exists(path))
            return ("", 0);
        using var options = ParseOptions(path);
        var targetSteps = options.RootElement.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Number ? steps.GetInt64() : 0;
        var parts = new List<string>();
        var changed = options.RootElement.TryGetProperty("overrides", out var overrides)
            ? overrides.EnumerateObject().Where(p => !s_resultNeutral.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList()
            : [];
        if (changed.Count > 0)
            parts.Add(string.Join(", ", changed.Select(p => $"{p.Name}={p.Value.GetString()}")));
        if (options.RootElement.TryGetProperty("env_kwargs", out var kwargs) && kwargs.GetArrayLength() > 0)
            parts.Add($"env: {string.Join(", ", kwargs.EnumerateArray().Select(k => k.GetString()))}");
        if (options.RootElement.TryGetProperty("env_wrappers", out var wrappers) && wrappers.GetArrayLength() > 0)
            parts.Add($"wrappers: {string.Join(", ", wrappers.EnumerateArray().Select(w => w.GetString()))}");
        return (string.Join("; ", parts), targetSteps);
    }

    private static JsonDocument ParseOptions(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is damaged: {e.Message}", e);
        }
    }

    private static List<(long Step, double Mean)> ReadCurve(string path, string stepColumn, string meanColumn, string missing)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(missing, path);
        var curve = new List<(long, double)>();
        using var reader = new StreamReader(path);
        // A run stopped before its first iteration ended has an empty log: no curve.
        if (reader.ReadLine() is not { } headerLine)
            return curve;
        var header = headerLine.Split(',');
        var s = Array.IndexOf(header, stepColumn);
        var m = Array.IndexOf(header, meanColumn);
        if (s < 0 || m < 0)
            throw new InvalidDataException($"'{path}' has no {stepColumn} or {meanColumn} column.");
        var row = 1;
        while (reader.ReadLine() is { } line)
        {
            row++;
            var cells = line.Split(',');
            // Rows before the first finished episode leave the mean empty.
            if (cells.Length <= Math.Max(s, m) || cells[m].Length == 0)
                continue;
            if (!long.TryParse(cells[s], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step)
                || !double.TryParse(cells[m], NumberStyles.Float, CultureInfo.InvariantCulture, out var mean))
                throw new InvalidDataException($"'{path}' line {row} is not a number in {stepColumn} or {meanColumn}: '{line}'.");
            curve.Add((step, mean));
        }
        return curve;
    }
}
