using System.CommandLine;
using System.Globalization;
using RLFramework.Agents.Parametric;
using RLFramework.Agents.PolicyGradient;
using RLFramework.Environments;
using Spectre.Console;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl bench pg</c>: the sample-complexity comparison of Fatkhullin et al. (ICML 2023): vanilla PG,
/// normalized PG, N-PG-IGT, HARPG and N-HARPG on the same budget of environment steps, several
/// seeds each; a table (return at fixed budgets, steps to a return threshold, mean and spread),
/// a JSON file and a PNG of the learning curves per environment.
/// </summary>
internal static class BenchPgCommand
{
    private static readonly string[] s_defaultEnvironments = ["CartPole-v1", "Acrobot-v1", "Pendulum-v1"];

    private static readonly PolicyGradientMethod[] s_methods =
        [PolicyGradientMethod.Vanilla, PolicyGradientMethod.Normalized, PolicyGradientMethod.NPgIgt, PolicyGradientMethod.Harpg, PolicyGradientMethod.NHarpg];

    private static readonly double[] s_budgetFractions = [0.25, 0.5, 1.0];

    public static Command Create()
    {
        var environments = new Option<string[]>("--env")
        {
            Description = "Environment id (repeat for several); default CartPole-v1, Acrobot-v1, Pendulum-v1.",
            AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per method and environment.", DefaultValueFactory = _ => 10 };
        var steps = new Option<long>("--steps") { Description = "Environment steps per run (all samples counted).", DefaultValueFactory = _ => 100_000 };
        var batch = new Option<int>("--batch") { Description = "Environment steps per iteration (whole trajectories until at least this many).", DefaultValueFactory = _ => 1000 };
        var hessianBatch = new Option<int>("--hessian-batch") { Description = "Environment steps of the (N)-HARPG second sample (the paper: 32).", DefaultValueFactory = _ => 32 };
        var stepSize = new Option<double?>("--step-size") { Description = "gamma_0 for every method (default: per method, see benchmarks/README.md)." };
        var threads = new Option<int>("--threads") { Description = "Runs in parallel.", DefaultValueFactory = _ => 1 };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file." };
        var png = new Option<FileInfo?>("--png") { Description = "PNG of the curves (one per environment: the id is added to the name); default pg-bench.png." };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the tables as Markdown to this file." };

        var command = new Command("pg", "Sample complexity of vanilla PG, normalized PG, N-PG-IGT, HARPG and N-HARPG (Fatkhullin et al. 2023).");
        foreach (var option in new Option[] { environments, seeds, steps, batch, hessianBatch, stepSize, threads, json, png, markdown })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var settings = new Settings(
                parseResult.GetValue(environments) is { Length: > 0 } ids ? ids : s_defaultEnvironments,
                parseResult.GetValue(seeds),
                parseResult.GetValue(steps),
                parseResult.GetValue(batch),
                parseResult.GetValue(hessianBatch),
                parseResult.GetValue(stepSize),
                parseResult.GetValue(threads));
            var pngPath = parseResult.GetValue(png)?.FullName ?? Path.GetFullPath("pg-bench.png");
            if (!BenchOutput.Prepare("rl bench pg", settings.Validate, ("--png", pngPath), ("--json", parseResult.GetValue(json)?.FullName), ("--markdown", parseResult.GetValue(markdown)?.FullName)))
                return 2;
            var report = Run(settings, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));
            WriteTables(report);
            return BenchOutput.Finish("rl bench pg", () =>
            {
                foreach (var environment in report.Environments)
                {
                    var path = PlotPath(pngPath, environment.Id, report.Environments.Count);
                    Plot(environment, path);
                    AnsiConsole.MarkupLine($"curves: {Markup.Escape(path)}");
                }
                BenchOutput.WriteFiles(report, parseResult.GetValue(json), parseResult.GetValue(markdown), Markdown);
            });
        });
        return command;
    }

    /// <summary>What to run.</summary>
    internal sealed record Settings(IReadOnlyList<string> Environments, int Seeds, long Steps, int BatchSteps, int HessianBatchSteps, double? StepSize, int Threads)
    {
        public void Validate()
        {
            if (Seeds < 1) throw new ArgumentException($"--seeds must be at least 1 (got {Seeds}).", nameof(Seeds));
            if (Steps < 1) throw new ArgumentException($"--steps must be at least 1 (got {Steps}).", nameof(Steps));
            if (BatchSteps < 1) throw new ArgumentException($"--batch must be at least 1 (got {BatchSteps}).", nameof(BatchSteps));
            if (HessianBatchSteps < 1) throw new ArgumentException($"--hessian-batch must be at least 1 (got {HessianBatchSteps}).", nameof(HessianBatchSteps));
            if (StepSize is { } s && !(s > 0)) throw new ArgumentException($"--step-size must be positive (got {s}).", nameof(StepSize));
            if (Threads < 1) throw new ArgumentException($"--threads must be at least 1 (got {Threads}).", nameof(Threads));
            foreach (var id in Environments) Setup(id);
        }
    }

    /// <summary>
    /// Per-environment choices: horizon H, policy, the return threshold for "steps to threshold", and
    /// gamma_0 of the unnormalized methods (PG, HARPG) and of the normalized ones (N-PG, N-PG-IGT,
    /// N-HARPG), picked by short sweeps (2 seeds, 30k steps; the grids are in benchmarks/README.md).
    /// </summary>
    internal sealed record EnvironmentSetup(string Id, int Horizon, double Threshold, int[] Hidden, bool Gaussian, double PgStepSize, double HarpgStepSize, double NormalizedStepSize);

    /// <summary>The paper's settings where it gives them (CartPole H = 200, softmax MLP 32x32; Gaussian MLP 64x64 for control).</summary>
    internal static EnvironmentSetup Setup(string id) => id switch
    {
        "CartPole-v1" => new(id, 200, 150, [32, 32], false, 0.01, 0.003, 0.3),
        "Acrobot-v1" => new(id, 500, -200, [32, 32], false, 1e-3, 3e-4, 0.3),
        "Pendulum-v1" => new(id, 200, -1000, [64, 64], true, 3e-3, 1e-4, 0.1),
        "MountainCarContinuous-v0" => new(id, 999, 0, [64, 64], true, 1e-3, 1e-4, 0.1),
        _ => throw new ArgumentException($"rl bench pg knows CartPole-v1, Acrobot-v1, Pendulum-v1 and MountainCarContinuous-v0; got '{id}'.", nameof(id)),
    };

    /// <summary>gamma_0 per method (eta_0 = 1 for all, as in the paper).</summary>
    internal static double DefaultStepSize(PolicyGradientMethod method, EnvironmentSetup setup) => method switch
    {
        PolicyGradientMethod.Vanilla => setup.PgStepSize,
        PolicyGradientMethod.Harpg => setup.HarpgStepSize,
        _ => setup.NormalizedStepSize,
    };

    internal sealed record Report(Settings Settings, IReadOnlyList<EnvironmentReport> Environments);

    internal sealed record EnvironmentReport(string Id, int Horizon, double Threshold, string Policy, double[] Budgets, IReadOnlyList<MethodReport> Methods);

    /// <summary>One method on one environment: the per-seed curves on the common grid and the summaries.</summary>
    internal sealed record MethodReport(
        string Method, double StepSize, double[] GridSteps, double[] MeanCurve, double[] StdCurve,
        double[] ReturnMeanAtBudgets, double[] ReturnStdAtBudgets, int SeedsReachingThreshold, double? MedianStepsToThreshold,
        IReadOnlyList<RunCurve> Runs, string? Failure);

    /// <summary>One seed: the return of each iteration's sample against the environment steps so far.</summary>
    internal sealed record RunCurve(int Seed, long[] Steps, double[] Returns, string? Failure);

    internal static Report Run(Settings settings, Action<string>? log = null)
    {
        var reports = new List<EnvironmentReport>();
        foreach (var id in settings.Environments)
        {
            var setup = Setup(id);
            var jobs = new List<(PolicyGradientMethod Method, int Seed)>();
            foreach (var method in s_methods)
                for (var seed = 0; seed < settings.Seeds; seed++) jobs.Add((method, seed));
            var curves = new RunCurve[jobs.Count];
            var stepSizes = new double[jobs.Count];
            Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, j =>
            {
                var (method, seed) = jobs[j];
                stepSizes[j] = settings.StepSize ?? DefaultStepSize(method, setup);
                curves[j] = RunOne(setup, method, seed, stepSizes[j], settings);
                log?.Invoke($"{id} {method} seed {seed}: final return {curves[j].Returns.LastOrDefault(double.NaN):F1}{(curves[j].Failure is null ? "" : " (" + curves[j].Failure + ")")}");
            });

            var budgets = s_budgetFractions.Select(f => Math.Round(f * settings.Steps)).ToArray();
            var grid = Enumerable.Range(1, 50).Select(k => k * (double)settings.Steps / 50).ToArray();
            var methods = new List<MethodReport>();
            foreach (var method in s_methods)
            {
                var runs = Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Method == method).Select(j => curves[j]).ToList();
                var onGrid = runs.Select(r => grid.Select(b => ReturnAt(r, b)).ToArray()).ToList();
                var atBudgets = runs.Select(r => budgets.Select(b => ReturnAt(r, b)).ToArray()).ToList();
                var reached = runs.Select(r => StepsToThreshold(r, setup.Threshold)).Where(s => s is not null).Select(s => (double)s!.Value).ToList();
                var failures = runs.Where(r => r.Failure is not null).Select(r => $"seed {r.Seed}: {r.Failure}").ToList();
                methods.Add(new MethodReport(
                    Name(method),
                    stepSizes[jobs.FindIndex(j => j.Method == method)],
                    grid,
                    Column(onGrid, grid.Length, Mean),
                    Column(onGrid, grid.Length, Std),
                    Column(atBudgets, budgets.Length, Mean),
                    Column(atBudgets, budgets.Length, Std),
                    reached.Count,
                    reached.Count == 0 ? null : Median(reached),
                    runs,
                    failures.Count == 0 ? null : string.Join("; ", failures)));
            }
            var policy = $"{(setup.Gaussian ? "Gaussian" : "softmax")} MLP {string.Join("x", setup.Hidden)} tanh";
            reports.Add(new EnvironmentReport(id, setup.Horizon, setup.Threshold, policy, budgets, methods));
        }
        return new Report(settings, reports);
    }

    private static RunCurve RunOne(EnvironmentSetup setup, PolicyGradientMethod method, int seed, double stepSize, Settings settings)
    {
        using var environment = PolicyGradientEnvironment.Create(EnvironmentRegistry.Make(setup.Id));
        IParametricPolicy policy = setup.Gaussian
            ? GaussianPolicy.Neural(environment.ObservationSize, setup.Hidden, environment.ActionSize)
            : SoftmaxPolicy.Neural(environment.ObservationSize, setup.Hidden, environment.ActionCount);
        var options = new PolicyGradientOptions
        {
            StepSize = stepSize,
            Momentum = 1.0,
            Discount = 0.99,
            Horizon = setup.Horizon,
            BatchSteps = settings.BatchSteps,
            CorrectionBatchSteps = settings.HessianBatchSteps,
            Baseline = PolicyGradientBaseline.LinearFeature,
            Seed = 1000 * seed + 17,
        };
        var algorithm = PolicyGradientAlgorithm.Create(method, policy, environment, options);
        var steps = new List<long>();
        var returns = new List<double>();
        try
        {
            algorithm.Train(settings.Steps, r =>
            {
                steps.Add(r.EnvironmentSteps);
                returns.Add(r.MeanReturn);
            });
            return new RunCurve(seed, [.. steps], [.. returns], null);
        }
        catch (PolicyGradientDivergedException e)
        {
            return new RunCurve(seed, [.. steps], [.. returns], e.Message);
        }
    }

    private static string Name(PolicyGradientMethod method) => method switch
    {
        PolicyGradientMethod.Vanilla => "PG",
        PolicyGradientMethod.Normalized => "N-PG",
        PolicyGradientMethod.NPgIgt => "N-PG-IGT",
        PolicyGradientMethod.Harpg => "HARPG",
        _ => "N-HARPG",
    };

    /// <summary>The return of the last iteration finished within <paramref name="budget"/> steps (NaN before the first; a diverged run keeps its last value).</summary>
    private static double ReturnAt(RunCurve run, double budget)
    {
        var value = double.NaN;
        for (var i = 0; i < run.Steps.Length && run.Steps[i] <= budget; i++) value = run.Returns[i];
        if (double.IsNaN(value) && run.Steps.Length > 0 && budget >= run.Steps[^1]) value = run.Returns[^1];
        return value;
    }

    private static long? StepsToThreshold(RunCurve run, double threshold)
    {
        for (var i = 0; i < run.Steps.Length; i++)
            if (run.Returns[i] >= threshold) return run.Steps[i];
        return null;
    }

    internal static double[] Column(List<double[]> rows, int length, Func<List<double>, double> statistic)
    {
        var result = new double[length];
        for (var k = 0; k < length; k++)
        {
            var values = rows.Select(r => r[k]).Where(double.IsFinite).ToList();
            result[k] = values.Count == 0 ? double.NaN : statistic(values);
        }
        return result;
    }

    private static double Mean(List<double> values) => values.Average();

    internal static double Std(List<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    private static void WriteTables(Report report)
    {
        foreach (var environment in report.Environments)
        {
            var table = new Table().Title($"{environment.Id}: H = {environment.Horizon}, {environment.Policy}, {report.Settings.Seeds} seeds, mean ± std of the iteration return");
            table.AddColumn("method");
            table.AddColumn("gamma_0");
            foreach (var budget in environment.Budgets) table.AddColumn($"return @ {budget:N0} steps");
            table.AddColumn($"steps to return >= {environment.Threshold} (median, seeds)");
            table.AddColumn("diverged");
            foreach (var method in environment.Methods)
            {
                table.AddRow(Cells(method, environment.Budgets.Length).Select(Markup.Escape).ToArray());
            }
            AnsiConsole.Write(table);
        }
    }

    private static List<string> Cells(MethodReport method, int budgets)
    {
        var cells = new List<string> { method.Method, method.StepSize.ToString("G3", CultureInfo.InvariantCulture) };
        for (var k = 0; k < budgets; k++)
            cells.Add(double.IsNaN(method.ReturnMeanAtBudgets[k])
                ? "- (no iteration finished yet)"
                : string.Create(CultureInfo.InvariantCulture, $"{method.ReturnMeanAtBudgets[k]:F1} ± {method.ReturnStdAtBudgets[k]:F1}"));
        cells.Add(method.MedianStepsToThreshold is { } median
            ? string.Create(CultureInfo.InvariantCulture, $"{median:N0} ({method.SeedsReachingThreshold}/{method.Runs.Count})")
            : $"- (0/{method.Runs.Count})");
        cells.Add($"{method.Runs.Count(r => r.Failure is not null)}/{method.Runs.Count}");
        return cells;
    }

    internal static string Markdown(Report report)
    {
        var text = new System.Text.StringBuilder();
        foreach (var environment in report.Environments)
        {
            text.Append(CultureInfo.InvariantCulture, $"{environment.Id}, H = {environment.Horizon}, {environment.Policy}, {report.Settings.Seeds} seeds, {report.Settings.Steps:N0} steps; mean ± std over seeds of the iteration return\n\n");
            text.Append("| method | gamma_0 |");
            foreach (var budget in environment.Budgets) text.Append(CultureInfo.InvariantCulture, $" return @ {budget:N0} |");
            text.Append(CultureInfo.InvariantCulture, $" steps to return >= {environment.Threshold} (median, seeds reaching) | diverged |\n|");
            for (var k = 0; k < environment.Budgets.Length + 4; k++) text.Append("---|");
            text.Append('\n');
            foreach (var method in environment.Methods)
                text.Append("| ").Append(string.Join(" | ", Cells(method, environment.Budgets.Length))).Append(" |\n");
            text.Append('\n');
        }
        return text.ToString();
    }

    internal static string PlotPath(string path, string id, int environments)
    {
        if (environments == 1) return path;
        var directory = Path.GetDirectoryName(path) ?? ".";
        return Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(path)}-{id}{Path.GetExtension(path)}");
    }

    private static void Plot(EnvironmentReport environment, string path)
    {
        BenchOutput.SavePlot(
            [.. environment.Methods.Select(m => new BenchOutput.Curve(m.Method, m.GridSteps, m.MeanCurve, m.StdCurve))],
            $"{environment.Id}: mean ± std over seeds",
            "environment steps",
            path);
    }
}
