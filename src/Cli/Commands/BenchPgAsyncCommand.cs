using System.CommandLine;
using System.Globalization;
using RLFramework.Agents.Parametric;
using RLFramework.Agents.PolicyGradient;
using RLFramework.Environments;
using Spectre.Console;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl bench pg-async</c>: asynchronous N-PG-IGT on workers of different speeds (Rennala NIGT, duration-aware
/// quotas, Malenia NIGT and the synchronous minibatch; Tyurin et al. 2025), on the simulated clock so that every
/// run repeats from its seed: the same budget of (simulated) seconds for each rule, several seeds; a table of the
/// return at fixed times and the time to a return threshold, a JSON file and a PNG of return against time.
/// </summary>
internal static class BenchPgAsyncCommand
{
    private static readonly double[] s_budgetFractions = [0.25, 0.5, 1.0];

    /// <summary>Evaluation points per run, evenly spaced in simulated time.</summary>
    private const int GridPoints = 50;

    /// <summary>Episodes per evaluation of the stochastic policy.</summary>
    private const int EvaluationEpisodes = 10;

    public static Command Create()
    {
        var environment = new Option<string>("--env") { Description = "Environment id: CartPole-v1, Acrobot-v1, Pendulum-v1 or MountainCarContinuous-v0.", DefaultValueFactory = _ => "CartPole-v1" };
        var workers = new Option<int>("--workers") { Description = "Number of workers n.", DefaultValueFactory = _ => 8 };
        var stepSeconds = new Option<double[]>("--step-seconds")
        {
            Description = "Simulated seconds per environment step of each worker, one per worker (default: worker i takes (i+1) ms, so the slowest is n times slower than the fastest).",
            AllowMultipleArgumentsPerToken = true,
        };
        var gradients = new Option<int?>("--gradients") { Description = "Gradients per iteration: B of Rennala and of the quotas, S of Malenia (default: the number of workers; the synchronous rule always takes one per worker)." };
        var batch = new Option<int>("--batch") { Description = "Environment steps of one worker's gradient (whole trajectories until at least this many).", DefaultValueFactory = _ => 125 };
        var time = new Option<double>("--time") { Description = "Seconds per run (simulated; wall seconds with --wall-clock).", DefaultValueFactory = _ => 100 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per rule.", DefaultValueFactory = _ => 5 };
        var methods = new Option<GradientAggregation[]>("--methods")
        {
            Description = "Aggregation rules to compare, of Rennala, DurationAware, Malenia, Synchronous (default: all four).",
            AllowMultipleArgumentsPerToken = true,
        };
        var stepSize = new Option<double?>("--step-size") { Description = "gamma_0 (default: rl bench pg's N-PG-IGT value for the environment)." };
        var threads = new Option<int>("--threads") { Description = "Runs in parallel.", DefaultValueFactory = _ => 1 };
        var wallClock = new Option<bool>("--wall-clock")
        {
            Description = "Run the workers on threads against the wall clock instead, each environment step held to its worker's --step-seconds (a slow simulator); --time is then wall seconds (a run ends with the first iteration past it, then waits for the jobs still running), and runs are not repeatable.",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file." };
        var png = new Option<FileInfo?>("--png") { Description = "PNG of return against time; default pg-async-bench.png." };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the table as Markdown to this file." };

        var command = new Command("pg-async", "Asynchronous N-PG-IGT on workers of different speeds: Rennala NIGT, duration-aware quotas, Malenia NIGT and synchronous minibatch NIGT on the simulated clock (Tyurin et al. 2025).");
        foreach (var option in new Option[] { environment, workers, stepSeconds, gradients, batch, time, seeds, methods, stepSize, threads, wallClock, json, png, markdown })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var n = parseResult.GetValue(workers);
            var settings = new Settings(
                parseResult.GetValue(environment)!,
                n,
                parseResult.GetValue(stepSeconds) is { Length: > 0 } seconds ? seconds : DefaultStepSeconds(n),
                parseResult.GetValue(gradients) ?? n,
                parseResult.GetValue(batch),
                parseResult.GetValue(time),
                parseResult.GetValue(seeds),
                parseResult.GetValue(methods) is { Length: > 0 } rules ? rules : [GradientAggregation.Rennala, GradientAggregation.DurationAware, GradientAggregation.Malenia, GradientAggregation.Synchronous],
                parseResult.GetValue(stepSize),
                parseResult.GetValue(threads),
                parseResult.GetValue(wallClock));
            var pngPath = parseResult.GetValue(png)?.FullName ?? Path.GetFullPath("pg-async-bench.png");
            if (!BenchOutput.Prepare("rl bench pg-async", settings.Validate, ("--png", pngPath), ("--json", parseResult.GetValue(json)?.FullName), ("--markdown", parseResult.GetValue(markdown)?.FullName)))
                return 2;
            var report = Run(settings, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));
            AnsiConsole.Write(Table(report));
            return BenchOutput.Finish("rl bench pg-async", () =>
            {
                Plot(report, pngPath);
                AnsiConsole.MarkupLine($"curves: {Markup.Escape(pngPath)}");
                BenchOutput.WriteFiles(report, parseResult.GetValue(json), parseResult.GetValue(markdown), Markdown);
            });
        });
        return command;
    }

    /// <summary>Worker i takes (i + 1) ms per step.</summary>
    internal static double[] DefaultStepSeconds(int workers) => [.. Enumerable.Range(1, Math.Max(workers, 0)).Select(i => i * 1e-3)];

    /// <summary>What to run.</summary>
    internal sealed record Settings(
        string Environment, int Workers, double[] StepSeconds, int Gradients, int BatchSteps, double Time, int Seeds,
        GradientAggregation[] Methods, double? StepSize, int Threads, bool WallClock = false)
    {
        public void Validate()
        {
            BenchPgCommand.Setup(Environment);
            if (Time is not (> 0 and < double.PositiveInfinity)) throw new ArgumentException($"--time must be positive and finite (got {Time}).", nameof(Time));
            if (Seeds < 1) throw new ArgumentException($"--seeds must be at least 1 (got {Seeds}).", nameof(Seeds));
            if (Threads < 1) throw new ArgumentException($"--threads must be at least 1 (got {Threads}).", nameof(Threads));
            if (Workers < 1) throw new ArgumentException($"--workers must be at least 1 (got {Workers}).", nameof(Workers));
            if (StepSeconds.Length != Workers) throw new ArgumentException($"--step-seconds needs one value per worker ({Workers}; got {StepSeconds.Length}).", nameof(StepSeconds));
            if (StepSeconds.Any(x => !(x > 0 && double.IsFinite(x)))) throw new ArgumentException($"--step-seconds must be positive and finite (got {string.Join(", ", StepSeconds)}).", nameof(StepSeconds));
            if (Gradients < 1) throw new ArgumentException($"--gradients must be at least 1 (got {Gradients}).", nameof(Gradients));
            if (BatchSteps < 1) throw new ArgumentException($"--batch must be at least 1 (got {BatchSteps}).", nameof(BatchSteps));
            if (Methods.Distinct().Count() != Methods.Length) throw new ArgumentException("--methods names a rule twice.", nameof(Methods));
            foreach (var method in Methods) Options(method, seed: 0, gamma0: 0.1).Validate();
            if (StepSize is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"--step-size must be positive (got {s}).", nameof(StepSize));
        }

        /// <summary>The algorithm's options for one rule and seed (the synchronous rule takes one gradient per worker).</summary>
        public AsyncNigtOptions Options(GradientAggregation method, int seed, double gamma0)
        {
            var setup = BenchPgCommand.Setup(Environment);
            return new AsyncNigtOptions
            {
                PolicyGradient = new PolicyGradientOptions
                {
                    StepSize = gamma0,
                    Momentum = 1.0,
                    Discount = 0.99,
                    Horizon = setup.Horizon,
                    BatchSteps = BatchSteps,
                    Baseline = PolicyGradientBaseline.LinearFeature,
                    Seed = 1000 * seed + 17,
                },
                Workers = Workers,
                Aggregation = method,
                GradientsPerIteration = method == GradientAggregation.Synchronous ? Workers : Gradients,
                SimulatedStepSeconds = WallClock ? null : StepSeconds,
            };
        }
    }

    internal sealed record Report(Settings Settings, string Policy, double Threshold, double StepSize, double[] Budgets, IReadOnlyList<MethodReport> Methods);

    /// <summary>One rule: the seeds' curves on a common time grid and the summaries.</summary>
    internal sealed record MethodReport(
        string Method, double[] GridTimes, double[] MeanCurve, double[] StdCurve, double[] ReturnMeanAtBudgets, double[] ReturnStdAtBudgets,
        double MedianIterations, double MedianSecondsPerIteration, double MedianSteps, double DiscardedFraction, int SeedsReachingThreshold, double? MedianTimeToThreshold,
        IReadOnlyList<RunCurve> Runs);

    /// <summary>
    /// One seed: each iteration's end time, steps so far and the return of its accepted gradients' trajectories,
    /// and the evaluations on the time grid: the mean return of fresh episodes of the policy in force at that time.
    /// </summary>
    internal sealed record RunCurve(int Seed, double[] Times, long[] Steps, double[] Returns, double[] EvaluationTimes, double[] EvaluationReturns, long DiscardedSteps, string? Failure);

    internal static Report Run(Settings settings, Action<string>? log = null)
    {
        var setup = BenchPgCommand.Setup(settings.Environment);
        var gamma0 = settings.StepSize ?? BenchPgCommand.DefaultStepSize(PolicyGradientMethod.NPgIgt, setup);
        var jobs = settings.Methods.SelectMany(m => Enumerable.Range(0, settings.Seeds).Select(s => (Method: m, Seed: s))).ToList();
        var curves = new RunCurve[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, j =>
        {
            var (method, seed) = jobs[j];
            curves[j] = RunOne(setup, settings.Options(method, seed, gamma0), settings.StepSeconds, seed, settings.Time);
            log?.Invoke($"{AsyncNigt.MethodName(method)} seed {seed}: {curves[j].Times.Length} iterations, {curves[j].Steps.LastOrDefault():N0} steps, final return {curves[j].Returns.LastOrDefault(double.NaN):F1}{(curves[j].Failure is null ? "" : " (" + curves[j].Failure + ")")}");
        });

        var budgets = s_budgetFractions.Select(f => f * settings.Time).ToArray();
        var grid = Enumerable.Range(0, GridPoints).Select(k => GridTime(settings.Time, k)).ToArray();
        var methods = new List<MethodReport>();
        foreach (var method in settings.Methods)
        {
            var runs = Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Method == method).Select(j => curves[j]).ToList();
            var onGrid = runs.Select(r => grid.Select(t => ReturnAt(r, t)).ToArray()).ToList();
            var atBudgets = runs.Select(r => budgets.Select(t => ReturnAt(r, t)).ToArray()).ToList();
            var reached = runs.Select(r => TimeToThreshold(r, setup.Threshold)).OfType<double>().ToList();
            var steps = runs.Sum(r => (double)r.Steps.LastOrDefault());
            methods.Add(new MethodReport(
                AsyncNigt.MethodName(method), grid,
                BenchPgCommand.Column(onGrid, grid.Length, v => v.Average()), BenchPgCommand.Column(onGrid, grid.Length, BenchPgCommand.Std),
                BenchPgCommand.Column(atBudgets, budgets.Length, v => v.Average()), BenchPgCommand.Column(atBudgets, budgets.Length, BenchPgCommand.Std),
                BenchPgCommand.Median([.. runs.Select(r => (double)r.Times.Length)]),
                BenchPgCommand.Median([.. runs.Select(r => r.Times.Length == 0 ? double.NaN : r.Times[^1] / r.Times.Length)]),
                BenchPgCommand.Median([.. runs.Select(r => (double)r.Steps.LastOrDefault())]),
                steps == 0 ? 0 : runs.Sum(r => (double)r.DiscardedSteps) / steps,
                reached.Count,
                reached.Count == 0 ? null : BenchPgCommand.Median(reached),
                runs));
        }
        var policy = $"{(setup.Gaussian ? "Gaussian" : "softmax")} MLP {string.Join("x", setup.Hidden)} tanh";
        return new Report(settings, policy, setup.Threshold, gamma0, budgets, methods);
    }

    private static RunCurve RunOne(BenchPgCommand.EnvironmentSetup setup, AsyncNigtOptions options, double[] stepSeconds, int seed, double time)
    {
        using var probe = PolicyGradientEnvironment.Create(EnvironmentRegistry.Make(setup.Id));
        IParametricPolicy Policy() => setup.Gaussian
            ? GaussianPolicy.Neural(probe.ObservationSize, setup.Hidden, probe.ActionSize)
            : SoftmaxPolicy.Neural(probe.ObservationSize, setup.Hidden, probe.ActionCount);
        using var algorithm = new AsyncNigt(
            Policy,
            w => PolicyGradientEnvironment.Create(options.SimulatedStepSeconds is null ? Paced(EnvironmentRegistry.Make(setup.Id), stepSeconds[w]) : EnvironmentRegistry.Make(setup.Id)),
            options);
        using var evaluation = new Evaluation(setup, Policy(), 1_000_000 + seed);
        var times = new List<double>();
        var steps = new List<long>();
        var returns = new List<double>();
        var evaluationTimes = new List<double>();
        var evaluationReturns = new List<double>();
        var before = new double[algorithm.Parameters.Length];
        string? failure = null;
        try
        {
            // A grid time before the end of an iteration is evaluated with the parameters from before that iteration.
            while (evaluationTimes.Count < GridPoints)
            {
                algorithm.Parameters.CopyTo(before);
                var r = algorithm.Step();
                for (var next = GridTime(time, evaluationTimes.Count); evaluationTimes.Count < GridPoints && next < r.Time; next = GridTime(time, evaluationTimes.Count))
                {
                    evaluationTimes.Add(next);
                    evaluationReturns.Add(evaluation.MeanReturn(before));
                }
                if (r.Time > time) break;
                times.Add(r.Time);
                steps.Add(r.EnvironmentSteps);
                returns.Add(r.MeanReturn);
            }
        }
        catch (PolicyGradientDivergedException e)
        {
            failure = e.Message;
        }
        return new RunCurve(seed, [.. times], [.. steps], [.. returns], [.. evaluationTimes], [.. evaluationReturns], algorithm.DiscardedSteps, failure);
    }

    private static double GridTime(double time, int k) => (k + 1) * time / GridPoints;

    /// <summary>The environment with every step held to at least <paramref name="seconds"/> of wall time on average.</summary>
    private static IEnvironment Paced(IEnvironment environment, double seconds) => environment switch
    {
        IEnvironment<ReadOnlyMemory<float>, int> discrete => new PacedEnvironment<int>(discrete, seconds),
        IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> continuous => new PacedEnvironment<ReadOnlyMemory<float>>(continuous, seconds),
        _ => throw new ArgumentException($"{environment.GetType().Name} cannot be paced.", nameof(environment)),
    };

    /// <summary>
    /// A slow simulator: each step is due <c>seconds</c> after the one before, and the thread sleeps until it is
    /// (a step that overslept is made up by the next ones; after a pause of over 10 ms the schedule starts afresh).
    /// </summary>
    private sealed class PacedEnvironment<TAction>(IEnvironment<ReadOnlyMemory<float>, TAction> inner, double seconds)
        : Environments.Wrappers.EnvironmentWrapper<ReadOnlyMemory<float>, TAction>(inner)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private double _due;

        public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
        {
            var result = Inner.Step(action);
            var now = _clock.Elapsed.TotalSeconds;
            _due = Math.Max(_due, now - 0.01) + seconds;
            if (_due - now >= 0.001) Thread.Sleep(TimeSpan.FromSeconds(_due - now));
            return result;
        }
    }

    /// <summary>Fresh episodes of the stochastic policy on an environment and a random stream of their own.</summary>
    private sealed class Evaluation(BenchPgCommand.EnvironmentSetup setup, IParametricPolicy policy, int seed) : IDisposable
    {
        private readonly PolicyGradientEnvironment _environment = PolicyGradientEnvironment.Create(EnvironmentRegistry.Make(setup.Id));
        private readonly Random _random = new(seed);
        private readonly double[] _observation = new double[policy.ObservationSize];
        private readonly double[] _action = new double[policy.ActionSize];
        private int? _seed = seed;

        public double MeanReturn(ReadOnlySpan<double> parameters)
        {
            var total = 0.0;
            for (var episode = 0; episode < EvaluationEpisodes; episode++)
            {
                _environment.Reset(_seed, _observation);
                _seed = null;
                for (var t = 0; t < setup.Horizon; t++)
                {
                    policy.Sample(parameters, _observation, _random, _action);
                    var (reward, done) = _environment.Step(_action, _observation);
                    total += reward;
                    if (done) break;
                }
            }
            return total / EvaluationEpisodes;
        }

        public void Dispose() => _environment.Dispose();
    }

    /// <summary>The evaluation at the last grid time up to <paramref name="time"/> (NaN before the first; a diverged run keeps its last).</summary>
    private static double ReturnAt(RunCurve run, double time)
    {
        var value = double.NaN;
        for (var i = 0; i < run.EvaluationTimes.Length && run.EvaluationTimes[i] <= time + 1e-9; i++) value = run.EvaluationReturns[i];
        return value;
    }

    /// <summary>The first grid time whose evaluation reaches <paramref name="threshold"/>.</summary>
    private static double? TimeToThreshold(RunCurve run, double threshold)
    {
        for (var i = 0; i < run.EvaluationTimes.Length; i++)
            if (run.EvaluationReturns[i] >= threshold) return run.EvaluationTimes[i];
        return null;
    }

    private static string Title(Report report) => string.Create(CultureInfo.InvariantCulture,
        $"{report.Settings.Environment}, {report.Policy}, {report.Settings.Workers} workers ({(report.Settings.WallClock ? "threads, wall-clock" : "simulated")} s/step: {string.Join(", ", report.Settings.StepSeconds.Select(s => s.ToString("G3", CultureInfo.InvariantCulture)))}), B = S = {report.Settings.Gradients}, {report.Settings.BatchSteps} steps per gradient, gamma_0 {report.StepSize:G3}, {report.Settings.Time:G4} {Clock(report)} s, {report.Settings.Seeds} seed{(report.Settings.Seeds == 1 ? "" : "s")}; mean ± std over seeds of the evaluated return ({EvaluationEpisodes} episodes of the stochastic policy at each of {GridPoints} times)");

    private static string Clock(Report report) => report.Settings.WallClock ? "wall-clock" : "simulated";

    private static string[] Header(Report report) =>
    [
        "rule", "iterations (median)", $"{Clock(report)} s per iteration (median)", "env steps (median)", "discarded steps",
        .. report.Budgets.Select(b => string.Create(CultureInfo.InvariantCulture, $"return @ {b:G4} s")),
        string.Create(CultureInfo.InvariantCulture, $"time to return >= {report.Threshold} (median, seeds)"),
        "diverged",
    ];

    private static string[] Cells(MethodReport method) =>
    [
        method.Method,
        method.MedianIterations.ToString("N0", CultureInfo.InvariantCulture),
        double.IsNaN(method.MedianSecondsPerIteration) ? "- (no iteration finished)" : method.MedianSecondsPerIteration.ToString("G3", CultureInfo.InvariantCulture),
        method.MedianSteps.ToString("N0", CultureInfo.InvariantCulture),
        method.DiscardedFraction.ToString("P1", CultureInfo.InvariantCulture),
        .. method.ReturnMeanAtBudgets.Select((m, k) => double.IsNaN(m) ? "-"
            : method.Runs.Count == 1 ? m.ToString("F1", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{m:F1} ± {method.ReturnStdAtBudgets[k]:F1}")),
        method.MedianTimeToThreshold is { } median
            ? string.Create(CultureInfo.InvariantCulture, $"{median:G4} s ({method.SeedsReachingThreshold}/{method.Runs.Count})")
            : $"- (0/{method.Runs.Count})",
        $"{method.Runs.Count(r => r.Failure is not null)}/{method.Runs.Count}",
    ];

    private static Table Table(Report report)
    {
        var table = new Table().Title(Markup.Escape(Title(report)));
        foreach (var column in Header(report)) table.AddColumn(Markup.Escape(column));
        foreach (var method in report.Methods) table.AddRow(Cells(method).Select(Markup.Escape).ToArray());
        return table;
    }

    internal static string Markdown(Report report)
    {
        var text = new System.Text.StringBuilder();
        text.Append(Title(report)).Append("\n\n| ").Append(string.Join(" | ", Header(report))).Append(" |\n|");
        foreach (var _ in Header(report)) text.Append("---|");
        text.Append('\n');
        foreach (var method in report.Methods) text.Append("| ").Append(string.Join(" | ", Cells(method))).Append(" |\n");
        return text.ToString();
    }

    private static void Plot(Report report, string path)
    {
        BenchOutput.SavePlot(
            [.. report.Methods.Select(m => new BenchOutput.Curve(m.Method, m.GridTimes, m.MeanCurve, m.StdCurve))],
            $"{report.Settings.Environment}, {report.Settings.Workers} workers of different speeds: mean ± std over {report.Settings.Seeds} seeds",
            $"{Clock(report)} seconds",
            path);
    }
}
