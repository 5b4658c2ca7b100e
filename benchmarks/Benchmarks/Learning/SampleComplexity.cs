using System.Diagnostics;
using System.Globalization;
using System.Text;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Cli.Training;

namespace RLFramework.Benchmarks.Learning;

/// <summary>
/// Sample-complexity grid: every (algorithm, environment, seed) trains for the given steps with the
/// presets (plus --set overrides); writes a Markdown table (score = mean return of the last 100
/// training episodes, mean and std over seeds, wall seconds, steps to reach a threshold) and a PNG
/// of the learning curves (mean over seeds with a min-max band).
/// Usage: learning --algo ppo[,a2c,...] --env CartPole-v1[,...] --seeds 5 [--first-seed 0] --steps 100000
///        [--set key=value ...] [--threshold X] [--out DIR]
/// </summary>
internal static class SampleComplexity
{
    public static int Run(string[] args)
    {
        var algorithms = new List<string> { "ppo" };
        var environments = new List<string> { "CartPole-v1" };
        var seeds = 5;
        var firstSeed = 0;
        long steps = 100_000;
        double? threshold = null;
        var overrides = new List<string>();
        var outDir = Path.Combine("benchmarks", "results", "learning");
        var csv = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--algo": algorithms = [.. Next().Split(',')]; break;
                case "--env": environments = [.. Next().Split(',')]; break;
                case "--seeds": seeds = OptionBinder.ParseInt("--seeds", Next()); break;
                case "--first-seed": firstSeed = OptionBinder.ParseInt("--first-seed", Next()); break;
                case "--steps": steps = OptionBinder.ParseInt("--steps", Next()); break;
                case "--threshold": threshold = OptionBinder.ParseDouble("--threshold", Next()); break;
                case "--set": overrides.Add(Next()); break;
                case "--out": outDir = Next(); break;
                case "--csv": csv = true; break;
                case "--help":
                    Console.WriteLine("learning --algo ppo,a2c,awr --env CartPole-v1,Acrobot-v1 --seeds 5 --steps 100000 [--set key=value] [--threshold X] [--out DIR]");
                    return 0;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        Directory.CreateDirectory(outDir);
        var parsed = AgentPresets.ParseOverrides(overrides);
        var table = new StringBuilder();
        table.AppendLine("| algorithm | environment | steps | seeds | score mean | score std | per seed | steps to threshold | wall s (median) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var curves = new List<(string Label, CurveBand Band)>();
        foreach (var algorithm in algorithms)
        {
            foreach (var env in environments)
            {
                // Resolve once up front: bad options fail before any training.
                var configuration = AgentPresets.Resolve(algorithm, env, parsed);
                var scores = new List<double>();
                var walls = new List<double>();
                var reach = new List<string>();
                var runs = new List<RunRecord>(seeds);
                for (var s = 0; s < seeds; s++)
                {
                    var seed = firstSeed + s;
                    using var agent = AgentFactory.Create(configuration, env, seed);
                    var curve = new List<(long, double)>();
                    var clock = Stopwatch.StartNew();
                    long? reached = null;
                    using var sink = csv ? new RLFramework.Agents.Logging.CsvMetricSink(Path.Combine(outDir, $"{algorithm}-{env}-seed{seed}.csv")) : null;
                    agent.Learn(steps, sinks: sink is null ? null : [sink], callbacks: [new RLFramework.Agents.Callbacks.LambdaCallback(c =>
                    {
                        var mean = c.MeanReturn;
                        if (!double.IsNaN(mean))
                            curve.Add((c.Timesteps, mean));
                        if (threshold is { } t && reached is null && mean >= t && c.Agent.Episodes.Episodes.Count >= 100)
                            reached = c.Timesteps;
                        return true;
                    })]);
                    clock.Stop();
                    var score = agent.Episodes.MeanReturn(100);
                    scores.Add(score);
                    walls.Add(clock.Elapsed.TotalSeconds);
                    reach.Add(reached?.ToString(CultureInfo.InvariantCulture) ?? "-");
                    runs.Add(new RunRecord("", algorithm, env, "", seed, agent.NumTimesteps, clock.Elapsed.TotalSeconds, agent.TreeCount, score, curve));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{algorithm} {env} seed {seed}: score {score:F2} in {clock.Elapsed.TotalSeconds:F1} s, {agent.TreeCount} trees, threshold reached at {reach[^1]}"));
                }
                var meanScore = scores.Average();
                var stdScore = Math.Sqrt(scores.Sum(x => (x - meanScore) * (x - meanScore)) / scores.Count);
                walls.Sort();
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {algorithm} | {env} | {steps} | {seeds} | {meanScore:F2} | {stdScore:F2} | {string.Join(" / ", scores.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))} | {string.Join(" / ", reach)} | {walls[walls.Count / 2]:F1} |"));
                curves.Add(($"{algorithm} {env}", RunComparison.Band(new RunGroup($"{algorithm} {env}", runs), steps)));
            }
        }
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var tablePath = Path.Combine(outDir, $"learning-{stamp}.md");
        File.WriteAllText(tablePath, table.ToString());
        var pngPath = Path.Combine(outDir, $"learning-{stamp}.png");
        ComparisonPlot.Write(curves, evaluations: false, pngPath);
        Console.WriteLine(table.ToString());
        Console.WriteLine($"table: {tablePath}");
        Console.WriteLine($"plot:  {pngPath}");
        return 0;
    }
}
