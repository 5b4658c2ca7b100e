using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl plot RUN|FOLDER ... [--out FILE.png] [--eval] [--threshold X] [--json FILE]</c> (the RL Zoo's plot_train): compares finished
/// <c>rl train</c> runs. Runs that differ only in their seed form one curve: the mean over the seeds with a min-max band, and a table row
/// with the score's mean and spread over the seeds, each seed's score, the first step at which each seed reached the threshold, and the
/// median wall time and trees. The score is the mean return of the last 100 training episodes, or with <c>--eval</c> the last evaluation
/// of <c>--eval-every</c>.
/// </summary>
internal static class PlotCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What <c>--json</c> writes per group.</summary>
    private sealed record GroupReport(string Label, string Algorithm, string Environment, string Variant, int Seeds, double MeanScore, double StdScore,
        IReadOnlyList<SeedReport> Runs);

    private sealed record SeedReport(int Seed, string Folder, long Steps, double Score, long? StepsToThreshold, double WallSeconds, long Trees);

    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders of rl train, or folders holding them (e.g. runs/).", Arity = ArgumentArity.OneOrMore };
        var outPath = new Option<string>("--out") { Description = "The PNG to write.", DefaultValueFactory = _ => "learning_curves.png" };
        var eval = new Option<bool>("--eval") { Description = "Plot and score the evaluations of --eval-every (evaluations.csv) instead of the training episodes." };
        var threshold = new Option<double?>("--threshold") { Description = "Also report the first step at which each run's curve reached this return." };
        var json = new Option<string?>("--json") { Description = "Also write the table to this JSON file." };
        var command = new Command("plot", "Compare finished runs: learning curves (mean over seeds, min-max band) and a table of scores over seeds.");
        command.Arguments.Add(runs);
        command.Options.Add(outPath);
        command.Options.Add(eval);
        command.Options.Add(threshold);
        command.Options.Add(json);
        command.SetAction(parseResult => Run(parseResult.GetValue(runs)!, parseResult.GetValue(outPath)!, parseResult.GetValue(eval),
            parseResult.GetValue(threshold), parseResult.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Plots and prints; returns the exit code (0 done, 2 bad input).</summary>
    internal static int Run(IReadOnlyList<string> paths, string pngPath, bool evaluations, double? threshold, string? jsonPath, TextWriter output, TextWriter error)
    {
        try
        {
            if (!pngPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--out writes a PNG: give a file name ending in .png, got '{pngPath}'.");
            if (threshold is { } t && !double.IsFinite(t))
                throw new ArgumentException($"--threshold must be a finite number, got {t}.");
            var groups = RunComparison.Group(RunComparison.Discover(paths).Select(f => RunComparison.Load(f, evaluations)));
            // Each environment's curves share its longest run's axis; several environments get a panel each.
            var maxSteps = groups.GroupBy(g => g.Runs[0].Environment).ToDictionary(e => e.Key, e => e.Max(g => g.Runs.Max(r => r.Steps)));
            ComparisonPlot.Write([.. groups.Select(g => (g.Label, RunComparison.Band(g, maxSteps[g.Runs[0].Environment])))], evaluations, pngPath,
                [.. groups.Select(g => g.Runs[0].Environment)]);

            List<string[]> rows = [["curve", "seeds", "steps", "score (mean +- std)", "per seed", .. threshold is null ? Array.Empty<string>() : ["steps to threshold"], "wall s", "trees"]];
            var reports = new List<GroupReport>();
            foreach (var group in groups)
            {
                var reached = threshold is { } x ? group.StepsTo(x) : new long?[group.Runs.Count];
                rows.Add([
                    group.Label,
                    Text(group.Runs.Count),
                    string.Join(" / ", group.Runs.Select(r => r.Steps).Distinct().Select(Text)),
                    ReturnFormat.MeanAndStd(group.MeanScore, group.StdScore),
                    string.Join(" / ", group.Runs.Select(r => $"{Text(r.Seed)}: {ReturnFormat.Format(r.Score)}")),
                    .. threshold is null ? Array.Empty<string>() : [string.Join(" / ", reached.Select(s => s is { } v ? Text(v) : "-"))],
                    Median(group.Runs.Select(r => r.WallSeconds)).ToString("F1", CultureInfo.InvariantCulture),
                    Median(group.Runs.Select(r => (double)r.Trees)).ToString("F0", CultureInfo.InvariantCulture),
                ]);
                var first = group.Runs[0];
                reports.Add(new GroupReport(group.Label, first.Algorithm, first.Environment, first.Variant, group.Runs.Count, group.MeanScore, group.StdScore,
                    [.. group.Runs.Select((r, i) => new SeedReport(r.Seed, r.Folder, r.Steps, r.Score, reached[i], r.WallSeconds, r.Trees))]));
            }
            output.WriteLine(evaluations ? "Score: the last evaluation's mean return (--eval-every)." : "Score: the mean return of the last 100 training episodes.");
            TextTable.Write(output, rows, "", 1);
            // A seed twice in one curve is a repeat of the same run (or a copy of its folder), which weighs twice in the mean.
            foreach (var group in groups)
            {
                foreach (var repeat in group.Runs.GroupBy(r => r.Seed).Where(s => s.Count() > 1))
                    output.WriteLine($"Note: '{group.Label}' has {repeat.Count()} runs of seed {Text(repeat.Key)}, each counted as a run: {string.Join(", ", repeat.Select(r => r.Folder))}");
            }
            output.WriteLine($"Plot: {Path.GetFullPath(pngPath)}");
            if (jsonPath is not null)
            {
                RunFolder.WriteAtomically(jsonPath, JsonSerializer.Serialize(reports, s_json));
                output.WriteLine($"Table: {Path.GetFullPath(jsonPath)}");
            }
            return 0;
        }
        catch (Exception e) when (ModelArgument.IsUserError(e))
        {
            error.WriteLine($"rl plot: {ErrorText.Of(e)}");
            return 2;
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
