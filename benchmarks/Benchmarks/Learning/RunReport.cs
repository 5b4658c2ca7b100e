using System.Globalization;
using System.Text;
using System.Text.Json;
using RLFramework.Agents.Presets;

namespace RLFramework.Benchmarks.Learning;

/// <summary>
/// Table and learning-curve PNG from finished <c>rl train</c> run folders (each with <c>summary.json</c> and
/// <c>metrics.csv</c>), grouped by (algorithm, environment) with one row per group: mean and std of the score
/// (mean return of the last 100 training episodes) over the seeds, each seed's score, first step at which the
/// mean of the last 100 episodes reached the threshold, median wall seconds and trees. Runs launched as separate
/// processes (one per seed, on several cores, or over several sessions) are reported like one grid.
/// Usage: learning-report RUN_DIR [RUN_DIR ...] [--threshold X] [--out DIR]
/// </summary>
internal static class RunReport
{
    private sealed record RunRecord(string Algorithm, string Environment, int Seed, long Steps, double Wall, long Trees, double Score,
        List<(long Step, double Mean)> Curve);

    public static int Run(string[] args)
    {
        var folders = new List<string>();
        double? threshold = null;
        var outDir = Path.Combine("benchmarks", "results", "learning");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--threshold": threshold = OptionBinder.ParseDouble("--threshold", Next()); break;
                case "--out": outDir = Next(); break;
                case "--help":
                    Console.WriteLine("learning-report RUN_DIR [RUN_DIR ...] [--threshold X] [--out DIR]");
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                        throw new ArgumentException($"Unknown argument '{args[i]}'.");
                    folders.Add(args[i]);
                    break;
            }
        }
        if (folders.Count == 0)
            throw new ArgumentException("learning-report needs at least one run folder (with summary.json and metrics.csv).");

        var runs = folders.Select(Load).ToList();
        var groups = runs.GroupBy(r => (r.Algorithm, r.Environment)).ToList();
        var table = new StringBuilder();
        table.AppendLine("| algorithm | environment | steps | seeds | score mean | score std | per seed (seed: score) | steps to threshold | wall s (median) | trees (median) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        var curves = new List<(string Label, List<(long Step, double Mean)>[] Seeds)>();
        long maxSteps = 0;
        foreach (var group in groups)
        {
            var members = group.OrderBy(r => r.Seed).ToList();
            var scores = members.Select(r => r.Score).ToList();
            var mean = scores.Average();
            var std = Math.Sqrt(scores.Sum(x => (x - mean) * (x - mean)) / scores.Count);
            var reach = members.Select(r => threshold is { } t
                ? r.Curve.FirstOrDefault(p => p.Mean >= t) is { Step: > 0 } hit ? hit.Step.ToString(CultureInfo.InvariantCulture) : "-"
                : "");
            var steps = members.Select(r => r.Steps).Distinct().ToList();
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Algorithm} | {group.Key.Environment} | {string.Join(" / ", steps)} | {members.Count} | {mean:F3} | {std:F3} | " +
                $"{string.Join(" / ", members.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Seed}: {r.Score:F3}")))} | " +
                $"{(threshold is null ? "-" : string.Join(" / ", reach))} | {Median(members.Select(r => r.Wall)):F0} | {Median(members.Select(r => (double)r.Trees)):F0} |"));
            curves.Add(($"{group.Key.Algorithm} {group.Key.Environment}", members.Select(r => r.Curve).ToArray()));
            maxSteps = Math.Max(maxSteps, steps.Max());
        }
        Directory.CreateDirectory(outDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var tablePath = Path.Combine(outDir, $"report-{stamp}.md");
        File.WriteAllText(tablePath, table.ToString());
        var pngPath = Path.Combine(outDir, $"report-{stamp}.png");
        LearningPlot.Write(curves, maxSteps, pngPath);
        Console.WriteLine(table.ToString());
        Console.WriteLine($"table: {tablePath}");
        Console.WriteLine($"plot:  {pngPath}");
        return 0;
    }

    private static RunRecord Load(string folder)
    {
        var summaryPath = Path.Combine(folder, "summary.json");
        var metricsPath = Path.Combine(folder, "metrics.csv");
        if (!File.Exists(summaryPath) || !File.Exists(metricsPath))
            throw new FileNotFoundException($"'{folder}' is not a finished run folder: it needs summary.json and metrics.csv.");
        using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
        var root = summary.RootElement;
        var curve = new List<(long, double)>();
        using (var reader = new StreamReader(metricsPath))
        {
            var header = (reader.ReadLine() ?? "").Split(',');
            var stepColumn = Array.IndexOf(header, "time/total_timesteps");
            var meanColumn = Array.IndexOf(header, "rollout/ep_rew_mean");
            if (stepColumn < 0 || meanColumn < 0)
                throw new InvalidDataException($"{metricsPath} has no time/total_timesteps or rollout/ep_rew_mean column.");
            while (reader.ReadLine() is { } line)
            {
                var cells = line.Split(',');
                if (cells.Length > meanColumn && cells[meanColumn].Length > 0)
                    curve.Add((long.Parse(cells[stepColumn], CultureInfo.InvariantCulture), double.Parse(cells[meanColumn], CultureInfo.InvariantCulture)));
            }
        }
        return new RunRecord(root.GetProperty("algorithm").GetString()!, root.GetProperty("environment").GetString()!,
            root.GetProperty("seed").GetInt32(), root.GetProperty("total_steps").GetInt64(), root.GetProperty("wall_seconds").GetDouble(),
            root.GetProperty("trees").GetInt64(), root.GetProperty("mean_return_last_100").GetDouble(), curve);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
