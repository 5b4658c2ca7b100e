using System.CommandLine;
using System.Globalization;
using System.Text;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Agents.Tuning;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Commands;

/// <summary>What <c>rl tune</c> was asked for; null means "not given" (the default, or with <c>--resume</c> the saved value).</summary>
internal sealed record TuneArguments(string? Environment, string? Algorithm = null, int? Trials = null, long? Steps = null, int? Evaluations = null,
    int? EvalEpisodes = null, int? Seed = null, int? Jobs = null, int? TrialSeeds = null, string? Sampler = null, string? Pruner = null,
    string? Space = null, IReadOnlyList<string>? Set = null, string? Out = null, IReadOnlyList<string>? EnvAssemblies = null, string? Resume = null,
    IReadOnlyList<string>? EnvKwargs = null, IReadOnlyList<string>? EnvWrappers = null);

/// <summary>
/// <c>rl tune ENV [--algo A] [--trials N] [--steps N] [--evaluations K] [--eval-episodes E] [--seed S] [--trial-seeds K] [--jobs J]
/// [--sampler tpe|tpe-multivariate|random] [--pruner median|halving|none] [--space FILE] [--set key=value ...] [--env-kwargs key=value ...] [--env-wrapper SPEC ...] [--out DIR] [--env-assembly DLL]</c> and
/// <c>rl tune --resume DIR [--trials N] [--jobs J]</c>: searches hyperparameters as the RL Zoo's <c>--optimize</c> does (Optuna's TPE
/// sampler and median pruner) and writes the trials, the best parameters with the <c>rl train</c> command that uses them, and the best
/// trial's model (<see cref="TuneFolder"/>).
/// </summary>
internal static class TuneCommand
{
    private const long DefaultSteps = 100_000;

    public static Command Create()
    {
        var env = new Argument<string?>("env") { Description = "A registered environment id, e.g. CartPole-v1 (see `rl envs`); not with --resume.", Arity = ArgumentArity.ZeroOrOne };
        var algo = new Option<string?>("--algo") { Description = "Algorithm: ppo (default), a2c or awr." };
        var trials = new Option<int?>("--trials") { Description = "Trials to run in all (default 20; with --resume, the new total)." };
        var steps = CountOption.Create("--steps", "Environment steps of each trial (default: the preset's n_timesteps, else 100000).");
        var evaluations = new Option<int?>("--evaluations") { Description = "Evaluations per trial, evenly spaced; a trial is worth its last one's mean return, and the pruner judges each (default 5)." };
        var evalEpisodes = new Option<int?>("--eval-episodes") { Description = "Episodes per evaluation, greedy actions (default 10)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the sampler and of every trial (default 0)." };
        var trialSeeds = new Option<int?>("--trial-seeds") { Description = "Agents per trial, seeds S, S+1, ..., trained side by side; a trial is worth their mean, so the best values are less one seed's luck (default 1)." };
        var jobs = new Option<int?>("--jobs") { Description = "Trials trained at once, each on one thread (default 1); the search is the same for any timing." };
        var sampler = new Option<string?>("--sampler") { Description = "tpe (default: the tree-structured Parzen estimator, one per parameter, after 10 random trials), tpe-multivariate (one joint estimator, Optuna's multivariate TPE as the RL Zoo uses it) or random." };
        var pruner = new Option<string?>("--pruner") { Description = "median (default: stop a trial below the median of the complete trials at the same evaluation, after 5 complete trials and a third of the evaluations) , halving (successive halving, as the RL Zoo's: at evaluations 1, 4, 16, ... a trial goes on only among the best quarter of the trials that reached it) or none." };
        var space = new Option<string?>("--space") { Description = $"A JSON search space (the format of {TuneFolder.SpaceFile} in the output folder); default: the algorithm's own." };
        var set = new Option<string[]>("--set") { Description = "An option every trial uses: key=value (repeatable), e.g. --set num_envs=8.", AllowMultipleArgumentsPerToken = false };
        var envKwargs = EnvironmentSetupOptions.CreateOption(EnvironmentSetupOptions.TrainingDescription);
        var envWrapper = EnvironmentSetupOptions.CreateWrapperOption(EnvironmentSetupOptions.WrapperDescription);
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: a fresh dated folder under runs/)." };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var resume = new Option<string?>("--resume") { Description = "Continue a search from its output folder with its saved settings (--trials raises the total); trials cut short by Ctrl+C run again." };
        var command = new Command("tune", "Search hyperparameters (TPE sampler, median pruner, as the RL Zoo's --optimize) and write the trials, the best parameters and the best model.");
        command.Arguments.Add(env);
        foreach (var option in new Option[] { algo, trials, steps, evaluations, evalEpisodes, seed, trialSeeds, jobs, sampler, pruner, space, set, envKwargs, envWrapper, outDir, envAssembly, resume })
            command.Options.Add(option);
        command.SetAction(parseResult => ConsoleInterrupt.Run(interrupt => Run(
            new TuneArguments(parseResult.GetValue(env), parseResult.GetValue(algo), parseResult.GetValue(trials), parseResult.GetValue(steps),
                parseResult.GetValue(evaluations), parseResult.GetValue(evalEpisodes), parseResult.GetValue(seed), parseResult.GetValue(jobs),
                parseResult.GetValue(trialSeeds), parseResult.GetValue(sampler), parseResult.GetValue(pruner), parseResult.GetValue(space),
                parseResult.GetValue(set), parseResult.GetValue(outDir), parseResult.GetValue(envAssembly), parseResult.GetValue(resume),
                parseResult.GetValue(envKwargs), parseResult.GetValue(envWrapper)),
            Console.Out, Console.Error, interrupt)));
        return command;
    }

    /// <summary>Runs the search; returns the exit code (0 done, 2 bad input, before any trial).</summary>
    internal static int Run(TuneArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        TuneOptions options;
        TuneFolder folder;
        List<TrialResult> previous;
        try
        {
            if (arguments.Resume is null)
            {
                (options, folder) = Fresh(arguments);
                previous = [];
            }
            else
            {
                (options, folder, previous) = Resumed(arguments);
            }
        }
        catch (Exception e) when (ModelArgument.IsUserError(e))
        {
            error.WriteLine($"rl tune: {Message(e)}");
            return 2;
        }

        var space = options.SearchSpaceOrDefault;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tuning {options.Algorithm} on {options.EnvironmentId}: {options.Trials} trials of {options.StepsPerTrial} steps, {options.Evaluations} evaluations of {options.EvaluationEpisodes} episodes each ({options.Sampler} sampler, {(options.Pruner == "none" ? "no" : options.Pruner)} pruner, seed {options.Seed}{(options.TrialSeeds > 1 ? $" to {options.Seed + options.TrialSeeds - 1} in each trial" : "")}, {options.Jobs} at once); folder {folder.Path}"));
        if (previous.Count > 0)
            output.WriteLine($"Resuming after trial {previous.Count - 1} ({previous.Count} done).");
        output.WriteLine($"Searching: {string.Join(", ", space.Parameters.Select(p => p.Key))}");
        var results = Tuner.Run(options, new Report(options, folder, output, previous), cancellationToken, previous);
        var best = Tuner.Best(results);
        var counts = string.Join(", ", Enum.GetValues<TrialState>().Select(s => (s, n: results.Count(r => r.Record.State == s))).Where(c => c.n > 0)
            .Select(c => $"{c.n} {c.s.ToString().ToLowerInvariant()}"));
        output.WriteLine($"Done: {results.Count} of {options.Trials} trials ({counts}){(cancellationToken.IsCancellationRequested ? $", interrupted: rl tune --resume {folder.Path} continues" : "")}.");
        // Ctrl+C: the folder is written and resumable, and the exit code is rl train's (130), so that a script stops there.
        var exitCode = cancellationToken.IsCancellationRequested ? TrainCommand.InterruptedExitCode : 0;
        if (best is null)
        {
            output.WriteLine($"No trial completed, so there is no best parameter set; see {TuneFolder.TrialsFile} for what happened.");
            return exitCode;
        }
        var importance = ParameterImportance.Compute(space, [.. results.Select(r => r.Record)]);
        if (importance.Count > 0)
        {
            var complete = results.Count(r => r.Record.State == TrialState.Complete);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Importance (PED-ANOVA: how differently the best {Math.Max(2, (int)Math.Ceiling(0.1 * complete))} of the {complete} complete trials set each parameter): {string.Join(", ", importance.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.00}")))}"));
            folder.WriteImportance(importance);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Best: trial {best.Record.Number}, mean evaluation return {best.Record.Value:0.###}; {Path.Combine(folder.Path, TuneFolder.BestFile)}"));
        output.WriteLine($"Train with it: {TrainCommandLine(options, best, folder.EnvAssemblies)}");
        return exitCode;
    }

    /// <summary>The options of <see cref="TuneOptions"/> that this command sets, by property name.</summary>
    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        [nameof(TuneOptions.Trials)] = "--trials",
        [nameof(TuneOptions.StepsPerTrial)] = "--steps",
        [nameof(TuneOptions.Evaluations)] = "--evaluations",
        [nameof(TuneOptions.EvaluationEpisodes)] = "--eval-episodes",
        [nameof(TuneOptions.TrialSeeds)] = "--trial-seeds",
        [nameof(TuneOptions.Jobs)] = "--jobs",
        [nameof(TuneOptions.Sampler)] = "--sampler",
        [nameof(TuneOptions.Pruner)] = "--pruner",
        [nameof(TuneOptions.Space)] = "--space",
    };

    /// <summary>An error's line, with an invalid <see cref="TuneOptions"/> value named by its command-line option (--trials, not TuneOptions.Trials).</summary>
    private static string Message(Exception e)
    {
        var text = ErrorText.Of(e);
        return e is ArgumentException { ParamName: { } name } && s_flags.TryGetValue(name, out var flag)
            ? text.Replace($"TuneOptions.{name}", flag, StringComparison.Ordinal)
            : text;
    }

    private static (TuneOptions, TuneFolder) Fresh(TuneArguments arguments)
    {
        EnvironmentAssemblies.Load(arguments.EnvAssemblies);
        if (string.IsNullOrWhiteSpace(arguments.Environment))
            throw new ArgumentException("Name the environment to tune on (e.g. rl tune CartPole-v1), or pass --resume DIR.");
        var algorithm = (arguments.Algorithm ?? "ppo").Trim().ToLowerInvariant();
        AgentPresets.CheckDistinct(AgentPresets.ParseOverrides(arguments.Set ?? []));
        EnvironmentSetupOptions.CheckDistinct(arguments.EnvKwargs);
        var options = new TuneOptions
        {
            Algorithm = algorithm,
            EnvironmentId = arguments.Environment,
            Trials = arguments.Trials ?? 20,
            StepsPerTrial = arguments.Steps ?? AgentPresets.Timesteps(algorithm, arguments.Environment) ?? DefaultSteps,
            Evaluations = arguments.Evaluations ?? 5,
            EvaluationEpisodes = arguments.EvalEpisodes ?? 10,
            Seed = arguments.Seed ?? 0,
            TrialSeeds = arguments.TrialSeeds ?? 1,
            Jobs = arguments.Jobs ?? 1,
            Sampler = arguments.Sampler ?? "tpe",
            Pruner = arguments.Pruner ?? "median",
            Space = arguments.Space is null ? null : SearchSpace.Load(arguments.Space),
            Fixed = AgentPresets.ParseOverrides(arguments.Set ?? []),
            Environment = EnvironmentSetup.Of(arguments.EnvKwargs, arguments.EnvWrappers),
        };
        options.Validate();
        var folder = new TuneFolder(arguments.Out ?? DefaultFolder(options));
        if (File.Exists(Path.Combine(folder.Path, TuneFolder.SettingsFile)))
            throw new ArgumentException($"'{folder.Path}' already holds a search; continue it with --resume {folder.Path}, or choose another --out.");
        if (RunFolder.HeldRunFile(folder.Path) is { } held && held != TuneFolder.BestModelFile)
            throw new ArgumentException($"--out '{folder.Path}' holds a training run (its {held}); choose another --out for the search.");
        Directory.CreateDirectory(folder.Path);
        folder.WriteSettings(options, arguments.EnvAssemblies);
        return (options, folder);
    }

    /// <summary>
    /// The saved search, with a new total of trials and jobs if given. Trials cut short (failed, "interrupted") run again: the search
    /// is kept up to the first of them, rounded down to a whole wave, so that it goes on as it would have without the break.
    /// </summary>
    private static (TuneOptions, TuneFolder, List<TrialResult>) Resumed(TuneArguments arguments)
    {
        if (arguments.Environment is not null || arguments.Algorithm is not null || arguments.Steps is not null || arguments.Evaluations is not null
            || arguments.EvalEpisodes is not null || arguments.Seed is not null || arguments.TrialSeeds is not null || arguments.Sampler is not null
            || arguments.Pruner is not null || arguments.Space is not null || arguments.Set is { Count: > 0 } || !EnvironmentSetup.Of(arguments.EnvKwargs, arguments.EnvWrappers).IsDefault
            || arguments.Out is not null)
            throw new ArgumentException("A resumed search keeps its saved settings: with --resume only --trials (the new total), --jobs and --env-assembly may be given.");
        var folder = new TuneFolder(arguments.Resume!);
        if (!Directory.Exists(folder.Path))
            throw new DirectoryNotFoundException($"There is no rl tune folder '{folder.Path}'.");
        var (options, saved) = folder.ReadSettings();
        // The environment assemblies before validating: the settings may name an environment they register.
        IReadOnlyList<string> assemblies = [.. saved.Concat(arguments.EnvAssemblies ?? []).Select(Path.GetFullPath).Distinct()];
        EnvironmentAssemblies.Load(assemblies);
        options = options with { Trials = arguments.Trials ?? options.Trials, Jobs = arguments.Jobs ?? options.Jobs };
        options.Validate();
        var previous = folder.ReadTrials(options);
        var interrupted = previous.FindIndex(r => r.Record.State == TrialState.Failed && r.Error?.StartsWith("interrupted", StringComparison.Ordinal) == true);
        if (interrupted >= 0)
            previous.RemoveRange(interrupted / options.Jobs * options.Jobs, previous.Count - interrupted / options.Jobs * options.Jobs);
        if (previous.Count > options.Trials)
            throw new ArgumentException($"The search has {previous.Count} trials already; --trials must be at least that.");
        folder.WriteSettings(options, assemblies);
        return (options, folder, previous);
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
    internal static string TrainCommandLine(TuneOptions options, TrialResult trial, IReadOnlyList<string>? envAssemblies = null)
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"rl train {options.EnvironmentId} --algo {options.Algorithm} --seed {options.Seed} --steps {options.StepsPerTrial}"));
        foreach (var assembly in envAssemblies ?? [])
            line.Append(CultureInfo.InvariantCulture, $" --env-assembly {(assembly.Contains(' ', StringComparison.Ordinal) ? $"\"{assembly}\"" : assembly)}");
        foreach (var kwarg in options.Environment.Kwargs)
            line.Append(CultureInfo.InvariantCulture, $" --env-kwargs {kwarg}");
        foreach (var wrapper in options.Environment.Wrappers)
            line.Append(CultureInfo.InvariantCulture, $" --env-wrapper {wrapper}");
        foreach (var (key, value) in options.Fixed)
            line.Append(CultureInfo.InvariantCulture, $" --set {key}={value}");
        foreach (var (key, value) in trial.Record.Parameters)
            line.Append(CultureInfo.InvariantCulture, $" --set {key}={value}");
        return line.ToString();
    }

    /// <summary>Prints each trial, and keeps trials.csv, best.json, best_model.rlm and tuning.png up to date after every one.</summary>
    private sealed class Report(TuneOptions options, TuneFolder folder, TextWriter output, IReadOnlyList<TrialResult> previous) : ITuneObserver
    {
        private readonly List<TrialResult> _results = [.. previous];

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
            if (ReferenceEquals(Tuner.Best(_results), result))
            {
                agent!.Save(folder.BestModelPath);
                folder.WriteBest(options, result, TrainCommandLine(options, result, folder.EnvAssemblies));
            }
            folder.WriteTrials(options, _results);
            folder.WritePlot(options, _results);
        }
    }
}
