using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Agents.Tuning;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Commands;

/// <summary>What <c>rl tune</c> was asked for.</summary>
internal sealed record TuneArguments(string Environment, string? Algorithm = null, int Trials = 20, long? Steps = null, int Evaluations = 5,
    int EvalEpisodes = 10, int Seed = 0, int Jobs = 1, int TrialSeeds = 1, string Sampler = "tpe", string Pruner = "median", string? Space = null,
    IReadOnlyList<string>? Set = null, string? Out = null, IReadOnlyList<string>? EnvAssemblies = null);

/// <summary>
/// <c>rl tune ENV [--algo A] [--trials N] [--steps N] [--evaluations K] [--eval-episodes E] [--seed S] [--trial-seeds K] [--jobs J] [--sampler tpe|random]
/// [--pruner median|none] [--space FILE] [--set key=value ...] [--out DIR] [--env-assembly DLL]</c>: searches hyperparameters as the RL Zoo's
/// <c>--optimize</c> does (Optuna's TPE sampler and median pruner) and writes the trials, the best parameters with the <c>rl train</c>
/// command that uses them, and the best trial's model.
/// </summary>
internal static class TuneCommand
{
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

    private const long DefaultSteps = 100_000;

    public static Command Create()
    {
        var env = new Argument<string>("env") { Description = "A registered environment id, e.g. CartPole-v1 (see `rl envs`)." };
        var algo = new Option<string?>("--algo") { Description = "Algorithm: ppo (default), a2c or awr." };
        var trials = new Option<int>("--trials") { Description = "Trials to run (default 20).", DefaultValueFactory = _ => 20 };
        var steps = new Option<long?>("--steps") { Description = "Environment steps of each trial (default: the preset's n_timesteps, else 100000)." };
        var evaluations = new Option<int>("--evaluations") { Description = "Evaluations per trial, evenly spaced; a trial is worth its last one's mean return, and the pruner judges each (default 5).", DefaultValueFactory = _ => 5 };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "Episodes per evaluation, greedy actions (default 10).", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sampler and of every trial (default 0).", DefaultValueFactory = _ => 0 };
        var trialSeeds = new Option<int>("--trial-seeds") { Description = "Agents per trial, seeds S, S+1, ..., trained side by side; a trial is worth their mean, so the best values are less one seed's luck (default 1).", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs") { Description = "Trials trained at once, each on one thread (default 1); the search is the same for any timing.", DefaultValueFactory = _ => 1 };
        var sampler = new Option<string>("--sampler") { Description = "tpe (default: the tree-structured Parzen estimator, after 10 random trials) or random.", DefaultValueFactory = _ => "tpe" };
        var pruner = new Option<string>("--pruner") { Description = "median (default: stop a trial below the median of the complete trials at the same evaluation, after 5 complete trials and a third of the evaluations) or none.", DefaultValueFactory = _ => "median" };
        var space = new Option<string?>("--space") { Description = $"A JSON search space (the format of {SpaceFile} in the output folder); default: the algorithm's own." };
        var set = new Option<string[]>("--set") { Description = "An option every trial uses: key=value (repeatable), e.g. --set num_envs=8.", AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: a fresh dated folder under runs/)." };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var command = new Command("tune", "Search hyperparameters (TPE sampler, median pruner, as the RL Zoo's --optimize) and write the trials, the best parameters and the best model.");
        command.Arguments.Add(env);
        foreach (var option in new Option[] { algo, trials, steps, evaluations, evalEpisodes, seed, trialSeeds, jobs, sampler, pruner, space, set, outDir, envAssembly })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            using var interrupt = new CancellationTokenSource();
            void OnCancel(object? sender, ConsoleCancelEventArgs e)
            {
                e.Cancel = !interrupt.IsCancellationRequested;
                interrupt.Cancel();
            }
            Console.CancelKeyPress += OnCancel;
            try
            {
                return Run(new TuneArguments(parseResult.GetValue(env)!, parseResult.GetValue(algo), parseResult.GetValue(trials), parseResult.GetValue(steps),
                        parseResult.GetValue(evaluations), parseResult.GetValue(evalEpisodes), parseResult.GetValue(seed), parseResult.GetValue(jobs), parseResult.GetValue(trialSeeds),
                        parseResult.GetValue(sampler)!, parseResult.GetValue(pruner)!, parseResult.GetValue(space), parseResult.GetValue(set),
                        parseResult.GetValue(outDir), parseResult.GetValue(envAssembly)),
                    Console.Out, Console.Error, interrupt.Token);
            }
            finally
            {
                Console.CancelKeyPress -= OnCancel;
            }
        });
        return command;
    }

    /// <summary>Runs the search; returns the exit code (0 done, 2 bad input, before any trial).</summary>
    internal static int Run(TuneArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        TuneOptions options;
        string folder;
        try
        {
            EnvironmentAssemblies.Load(arguments.EnvAssemblies);
            var algorithm = (arguments.Algorithm ?? "ppo").Trim().ToLowerInvariant();
            options = new TuneOptions
            {
                Algorithm = algorithm,
                EnvironmentId = arguments.Environment,
                Trials = arguments.Trials,
                StepsPerTrial = arguments.Steps ?? AgentPresets.Timesteps(algorithm, arguments.Environment) ?? DefaultSteps,
                Evaluations = arguments.Evaluations,
                EvaluationEpisodes = arguments.EvalEpisodes,
                Seed = arguments.Seed,
                TrialSeeds = arguments.TrialSeeds,
                Jobs = arguments.Jobs,
                Sampler = arguments.Sampler,
                Pruner = arguments.Pruner,
                Space = arguments.Space is null ? null : SearchSpace.Load(arguments.Space),
                Fixed = AgentPresets.ParseOverrides(arguments.Set ?? []),
            };
            options.Validate();
            folder = arguments.Out ?? DefaultFolder(options);
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"rl tune: {ErrorText.Of(e).Replace("TuneOptions.", "", StringComparison.Ordinal)}");
            return 2;
        }

        var space = options.SearchSpaceOrDefault;
        RunFolder.WriteAtomically(Path.Combine(folder, SpaceFile), space.ToJson());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tuning {options.Algorithm} on {options.EnvironmentId}: {options.Trials} trials of {options.StepsPerTrial} steps, {options.Evaluations} evaluations of {options.EvaluationEpisodes} episodes each ({options.Sampler} sampler, {(options.Pruner == "none" ? "no" : options.Pruner)} pruner, seed {options.Seed}{(options.TrialSeeds > 1 ? $" to {options.Seed + options.TrialSeeds - 1} in each trial" : "")}, {options.Jobs} at once); folder {folder}"));
        output.WriteLine($"Searching: {string.Join(", ", space.Parameters.Select(p => p.Key))}");
        var observer = new Report(options, folder, output);
        var results = Tuner.Run(options, observer, cancellationToken);
        var best = Tuner.Best(results);
        var counts = string.Join(", ", Enum.GetValues<TrialState>().Select(s => (s, n: results.Count(r => r.Record.State == s))).Where(c => c.n > 0)
            .Select(c => $"{c.n} {c.s.ToString().ToLowerInvariant()}"));
        output.WriteLine($"Done: {results.Count} of {options.Trials} trials ({counts}){(cancellationToken.IsCancellationRequested ? ", interrupted" : "")}.");
        if (best is null)
        {
            output.WriteLine("No trial completed, so there is no best parameter set; see trials.csv for what happened.");
            return 0;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Best: trial {best.Record.Number}, mean evaluation return {best.Record.Value:0.###}; {Path.Combine(folder, BestFile)}"));
        output.WriteLine($"Train with it: {TrainCommandLine(options, best)}");
        return 0;
    }

    private static string DefaultFolder(TuneOptions options)
    {
        var stamp = DateTime.Now.ToString("yyyy-MM-dd_HH-mm-ss", CultureInfo.InvariantCulture);
        var basePath = Path.Combine("runs", $"{stamp}_{options.EnvironmentId}_{options.Algorithm}_tune");
        var path = basePath;
        for (var i = 2; Directory.Exists(path); i++)
            path = $"{basePath}_{i}";
        return path;
    }

    /// <summary>The <c>rl train</c> command with the fixed options and the trial's parameters, at the trials' seed and budget.</summary>
    internal static string TrainCommandLine(TuneOptions options, TrialResult trial)
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"rl train {options.EnvironmentId} --algo {options.Algorithm} --seed {options.Seed} --steps {options.StepsPerTrial}"));
        foreach (var (key, value) in options.Fixed)
            line.Append(CultureInfo.InvariantCulture, $" --set {key}={value}");
        foreach (var (key, value) in trial.Record.Parameters)
            line.Append(CultureInfo.InvariantCulture, $" --set {key}={value}");
        return line.ToString();
    }

    /// <summary>Prints each trial, and keeps trials.csv, best.json and best_model.rlm up to date after every one.</summary>
    private sealed class Report(TuneOptions options, string folder, TextWriter output) : ITuneObserver
    {
        private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
        private readonly List<TrialResult> _results = [];
        private TrialResult? _best;

        public void OnTrialStart(int number, IReadOnlyDictionary<string, string> parameters) =>
            output.WriteLine($"trial {number}: {string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}"))}");

        public void OnTrialEnd(TrialResult result, ActorCriticAgent? agent)
        {
            _results.Add(result);
            var record = result.Record;
            var evaluations = string.Join(", ", record.Intermediate.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)));
            output.WriteLine(record.State == TrialState.Failed
                ? $"trial {record.Number}: failed: {result.Error}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"trial {record.Number}: {record.State.ToString().ToLowerInvariant()} at {result.Timesteps} steps, value {record.Value:0.###} (evaluations {evaluations}), {result.Seconds:F1} s"));
            if (record.State == TrialState.Complete && (_best is null || record.Value > _best.Record.Value))
            {
                _best = result;
                agent!.Save(Path.Combine(folder, BestModelFile));
                WriteBest(result);
            }
            WriteTrials();
            TuningPlot.Write(_results, $"{options.Algorithm} on {options.EnvironmentId}: {options.Sampler} search, {options.StepsPerTrial} steps a trial", Path.Combine(folder, PlotFile));
        }

        private void WriteTrials()
        {
            var keys = options.SearchSpaceOrDefault.Parameters.Select(p => p.Key).ToList();
            var rows = new List<string> { string.Join(',', ["number", "state", "value", "timesteps", "seconds", .. keys, "evaluations", "seed_values", "error"]) };
            foreach (var result in _results)
            {
                var record = result.Record;
                rows.Add(string.Join(',', [
                    record.Number.ToString(CultureInfo.InvariantCulture),
                    record.State.ToString().ToLowerInvariant(),
                    record.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                    result.Timesteps.ToString(CultureInfo.InvariantCulture),
                    result.Seconds.ToString("F1", CultureInfo.InvariantCulture),
                    .. keys.Select(k => record.Parameters[k]),
                    string.Join(';', record.Intermediate.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                    string.Join(';', result.SeedValues.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                    Csv(result.Error ?? ""),
                ]));
            }
            RunFolder.WriteAtomically(Path.Combine(folder, TrialsFile), string.Join('\n', rows));
        }

        private void WriteBest(TrialResult best)
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
                ["model"] = Path.GetFullPath(Path.Combine(folder, BestModelFile)),
                ["command"] = TrainCommandLine(options, best),
            };
            RunFolder.WriteAtomically(Path.Combine(folder, BestFile), root.ToJsonString(s_json));
        }

        private static string Csv(string text) =>
            text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
