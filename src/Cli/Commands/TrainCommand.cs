using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Presets;
using RLFramework.Cli.Training;
using RLFramework.Cuda;
using Spectre.Console;

namespace RLFramework.Cli.Commands;

/// <summary>What <c>rl train</c> was asked to do (null: not given on the command line).</summary>
/// <param name="Environment">Registered environment id (optional when resuming: the saved one).</param>
/// <param name="Algorithm">ppo, a2c or awr (default ppo; when resuming, the saved one).</param>
/// <param name="Steps">Total environment steps of the run (default 100,000; when resuming, the saved run's target).</param>
/// <param name="Seed">Seed (default 0; when resuming, the saved one).</param>
/// <param name="Envs">Number of parallel environments (the preset's when null).</param>
/// <param name="Set">key=value overrides.</param>
/// <param name="Out">Run folder.</param>
/// <param name="Device">auto, cpu or cuda.</param>
/// <param name="Resume">A run folder, model file or checkpoint to continue from.</param>
/// <param name="CheckpointEvery">Save a checkpoint every this many steps (null: none).</param>
/// <param name="EvalEvery">Evaluate every this many steps (null: never).</param>
/// <param name="EvalEpisodes">Episodes per evaluation (default 10).</param>
/// <param name="EnvAssemblies">Assemblies of the user's own environments, loaded first.</param>
/// <param name="EnvKwargs">key=value options of the environment (<c>--env-kwargs</c>).</param>
/// <param name="EnvWrappers">Wrapper specs around the environment, in order (<c>--env-wrapper</c>).</param>
/// <param name="TensorBoardLog">Folder of TensorBoard logs (<c>--tensorboard-log</c>; null: none).</param>
internal sealed record TrainArguments(string? Environment, string? Algorithm = null, long? Steps = null, int? Seed = null,
    int? Envs = null, IReadOnlyList<string>? Set = null, string? Out = null, string Device = "cpu", string? Resume = null,
    long? CheckpointEvery = null, long? EvalEvery = null, int? EvalEpisodes = null, IReadOnlyList<string>? EnvAssemblies = null,
    IReadOnlyList<string>? EnvKwargs = null, IReadOnlyList<string>? EnvWrappers = null, string? TensorBoardLog = null)
{
    /// <summary>How the environment is to be made.</summary>
    public EnvironmentSetup EnvironmentSetup => EnvironmentSetup.Of(EnvKwargs, EnvWrappers);
}

/// <summary>
/// <c>rl train ENV [--algo ppo|a2c|awr] [--steps N] [--seed S] [--envs K] [--set key=value ...] [--env-kwargs key=value ...] [--env-wrapper SPEC ...] [--out DIR]
/// [--device auto|cpu|cuda] [--checkpoint-every N] [--eval-every N [--eval-episodes K]] [--tensorboard-log DIR] [--env-assembly DLL] [--resume PATH]</c>: trains an
/// agent with the preset of (algorithm, environment) and the overrides, shows progress, and writes a run folder (model, metrics, options,
/// learning curve, summary), and with <c>--tensorboard-log</c> TensorBoard logs in <c>DIR/ENV/ALGO_n</c>. <c>--resume</c> continues
/// a saved run with nothing lost; <c>--steps</c> is always the total of the run, so a resumed run given the original <c>--steps</c>
/// ends exactly where the uninterrupted run would. Exit code 2 on bad input, before any training.
/// </summary>
internal static class TrainCommand
{
    private const long DefaultSteps = 100_000;
    private const int DefaultEvalEpisodes = 10;
    private const int MaxEvalEnvs = 8;

    public static Command Create()
    {
        var env = new Argument<string?>("env") { Description = "A registered environment id, e.g. CartPole-v1 (see `rl envs`); optional with --resume.", Arity = ArgumentArity.ZeroOrOne };
        var algo = new Option<string?>("--algo") { Description = "Algorithm: ppo (default), a2c or awr." };
        var steps = CountOption.Create("--steps", "Total environment steps of the run (default: the preset's n_timesteps, else 100000). With --resume: the total to reach, counting the steps already done (default: the saved run's target).");
        var seed = new Option<int?>("--seed") { Description = "Seed of every random draw of the run (default 0)." };
        var envs = new Option<int?>("--envs") { Description = "Number of parallel environments (overrides the preset's num_envs)." };
        var set = new Option<string[]>("--set") { Description = "Override an option: key=value (repeatable); e.g. --set policy_lr=0.05, or --set policy=mlp for the neural baseline (2x64 tanh MLPs, Adam; mlp_lr, mlp_hidden_size, mlp_hidden_layers, mlp_max_grad_norm).", AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "Run folder (default: a fresh dated folder under runs/; with --resume, the resumed run's folder)." };
        var device = new Option<string>("--device") { Description = "Where the trees are fitted: cpu (default), cuda (an NVIDIA GPU; an error when there is none), or auto (cuda when usable, else cpu; says which).", DefaultValueFactory = _ => "cpu" };
        var checkpointEvery = CountOption.Create("--checkpoint-every", "Save the whole agent every N steps to checkpoints/ in the run folder (resumable with --resume).");
        var evalEvery = CountOption.Create("--eval-every", $"Evaluate every N steps on fresh episodes (greedy actions, seeds from --seed): rows in {RunFolder.EvaluationsFile}, the best model in {RunFolder.BestModelFile}, eval/mean_reward in the metrics.");
        var evalEpisodes = new Option<int?>("--eval-episodes") { Description = $"Episodes per evaluation (default {DefaultEvalEpisodes}; needs --eval-every)." };
        var tensorBoardLog = new Option<string?>("--tensorboard-log", "-tb")
        {
            HelpName = "DIR",
            Description = "Log the metrics for TensorBoard (tensorboard --logdir DIR) to DIR/ENV/ALGO_n, e.g. DIR/CartPole-v1/PPO_1: n is one more than the " +
                "largest existing (with --resume, the run's own folder, recorded in options.json, else the largest), as the RL Zoo's --tensorboard-log.",
        };
        var envKwargs = EnvironmentSetupOptions.CreateOption(EnvironmentSetupOptions.TrainingDescription);
        var envWrapper = EnvironmentSetupOptions.CreateWrapperOption(EnvironmentSetupOptions.WrapperDescription);
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var resume = new Option<string?>("--resume") { Description = "Continue a run: its run folder, its model.rlm, or a checkpoint. Options, counters, random state, normalization statistics, episodes and metrics carry over." };
        var command = new Command("train", "Train a GBRL actor-critic agent (or the neural MLP baseline with --set policy=mlp) and write a run folder.");
        command.Arguments.Add(env);
        command.Options.Add(algo);
        command.Options.Add(steps);
        command.Options.Add(seed);
        command.Options.Add(envs);
        command.Options.Add(set);
        command.Options.Add(envKwargs);
        command.Options.Add(envWrapper);
        command.Options.Add(outDir);
        command.Options.Add(device);
        command.Options.Add(checkpointEvery);
        command.Options.Add(evalEvery);
        command.Options.Add(evalEpisodes);
        command.Options.Add(tensorBoardLog);
        command.Options.Add(envAssembly);
        command.Options.Add(resume);
        command.SetAction(parseResult => ConsoleInterrupt.Run(interrupt => Run(
            new TrainArguments(parseResult.GetValue(env), parseResult.GetValue(algo), parseResult.GetValue(steps), parseResult.GetValue(seed),
                parseResult.GetValue(envs), parseResult.GetValue(set), parseResult.GetValue(outDir), parseResult.GetValue(device)!,
                parseResult.GetValue(resume), parseResult.GetValue(checkpointEvery), parseResult.GetValue(evalEvery), parseResult.GetValue(evalEpisodes),
                parseResult.GetValue(envAssembly), parseResult.GetValue(envKwargs), parseResult.GetValue(envWrapper), parseResult.GetValue(tensorBoardLog)),
            Console.Out, Console.Error, interactive: !Console.IsOutputRedirected, cancellationToken: interrupt)));
        return command;
    }

    /// <summary>The exit code of a run stopped by Ctrl+C (128 + SIGINT, as a shell reports it), so that <c>rl train ... &amp;&amp; rl eval ...</c> stops too.</summary>
    internal const int InterruptedExitCode = 130;

    /// <summary>
    /// Trains as <paramref name="arguments"/> say; returns the exit code: 0 done, 2 bad input (before any training), 1 the environment broke its
    /// contract during training (a NaN observation, a missing action mask: the message names it), 130 interrupted (the run folder is written).
    /// </summary>
    /// <param name="arguments">The command line.</param>
    /// <param name="output">Progress and results.</param>
    /// <param name="error">Errors.</param>
    /// <param name="interactive">Show a progress bar (else plain lines).</param>
    /// <param name="device">An already opened device (tests: ILGPU's CPU accelerator); null: <see cref="TrainArguments.Device"/>.</param>
    /// <param name="cancellationToken">Ends training after the current iteration (Ctrl+C); the run folder is still written.</param>
    internal static int Run(TrainArguments arguments, TextWriter output, TextWriter error, bool interactive, TrainingDevice? device = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var session = new Session(output, interactive, cancellationToken);
            EnvironmentAssemblies.Load(arguments.EnvAssemblies);
            return arguments.Resume is null
                ? RunFresh(arguments, session, device)
                : RunResumed(arguments, session, device);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or EndOfStreamException or GpuUnavailableException
            or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"rl train: {ErrorText.Of(e)}");
            return 2;
        }
        catch (TrainingFailedException e)
        {
            error.WriteLine($"rl train: {e.Message}");
            return 1;
        }
    }

    /// <summary>Where progress goes, and what interrupts training.</summary>
    private sealed record Session(TextWriter Output, bool Interactive, CancellationToken Interrupt);

    private static int RunFresh(TrainArguments arguments, Session session, TrainingDevice? device)
    {
        var steps = arguments.Steps ?? (arguments.Environment is { } id ? AgentPresets.Timesteps(arguments.Algorithm ?? "ppo", id) : null) ?? DefaultSteps;
        if (steps < 1)
            throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        CheckCallbackOptions(arguments);
        if (string.IsNullOrWhiteSpace(arguments.Environment))
            throw new ArgumentException("Name the environment to train on (e.g. rl train CartPole-v1), or pass --resume PATH.");
        var environment = arguments.Environment;
        var seed = arguments.Seed ?? 0;
        AgentFactory.CheckEnvironmentId(environment);
        List<KeyValuePair<string, string>> overrides = [.. AgentPresets.ParseOverrides(arguments.Set ?? [])];
        AgentPresets.CheckDistinct(overrides);
        EnvironmentSetupOptions.CheckDistinct(arguments.EnvKwargs);
        if (arguments.Envs is { } k)
            overrides.Add(new("num_envs", k.ToString(CultureInfo.InvariantCulture)));
        var configuration = AgentPresets.Resolve(arguments.Algorithm ?? "ppo", environment, overrides);

        using var opened = device ?? OpenDevice(arguments.Device, configuration.Policy);
        using var agent = AgentFactory.Create(configuration, environment, seed, opened.Boosters, arguments.EnvironmentSetup);
        RunFolder.CheckOut(arguments.Out);
        using var tensorBoard = OpenTensorBoard(arguments, environment, configuration.Algorithm, resume: false);
        var run = RunFolder.Create(arguments.Out, environment, configuration.Algorithm, seed);
        run.WriteOptions(configuration, environment, seed, steps, overrides, opened, resumedFrom: null, arguments.EnvAssemblies, agent.EnvironmentSetup,
            TensorBoardFolderOf(tensorBoard));
        session.Output.WriteLine($"Training {configuration.Algorithm} on {environment} for {steps} steps (seed {seed}); run folder {run.Path}");
        session.Output.WriteLine($"Device: {opened.Description}{ThreadCount(configuration.Policy)}");
        return Train(agent, run, steps, arguments, opened, appendMetrics: false, session, tensorBoard);
    }

    private static int RunResumed(TrainArguments arguments, Session session, TrainingDevice? device)
    {
        if (!arguments.EnvironmentSetup.IsDefault)
            throw new ArgumentException("--env-kwargs and --env-wrapper cannot change a resumed run: it continues with its saved environment (start a new run to change it).");
        CheckCallbackOptions(arguments);
        var overrides = AgentPresets.ParseOverrides(arguments.Set ?? []);
        AgentPresets.CheckDistinct(overrides);
        // threads changes no result (the trees are the same bit for bit), so a resumed run may take another count; every other
        // --set value must be the saved one.
        int? threads = null;
        foreach (var (key, value) in overrides)
        {
            if (AgentPresets.OptionKey(key) != "threads")
                continue;
            threads = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 0
                ? count
                : throw new ArgumentException($"--set threads expects 0 (one per core) or a positive count, got '{value}'.");
        }
        var source = ResumeSource.Resolve(arguments.Resume!);

        using var opened = device ?? TrainingDevice.Open(arguments.Device);
        var agent = ActorCriticAgent.Load(source.Model, env: null, opened.Boosters, threads);
        using (agent)
        {
            CheckUnchanged(new AgentConfiguration(agent.Algorithm, agent.Options, agent.PolicyOptions), overrides, arguments.Envs, source.Model);
            Check(arguments.Environment, agent.EnvironmentId, "environment", source.Model);
            Check(arguments.Algorithm, agent.Algorithm, "algorithm (--algo)", source.Model);
            Check(arguments.Seed?.ToString(CultureInfo.InvariantCulture), agent.Seed.ToString(CultureInfo.InvariantCulture), "seed (--seed)", source.Model);
            var steps = arguments.Steps ?? agent.TargetTimesteps;
            if (steps <= agent.NumTimesteps)
            {
                throw new ArgumentException($"'{source.Model}' is already at {agent.NumTimesteps} steps{(arguments.Steps is null ? $", its run's target" : "")}; " +
                    $"--steps is the total to reach, so pass more than {agent.NumTimesteps} to train further.");
            }

            RunFolder.CheckOut(arguments.Out ?? source.RunFolder, continuing: source.RunFolder);
            var previousTensorBoard = RunFolder.TensorBoardFolderOf(source.RunFolder);
            using var tensorBoard = OpenTensorBoard(arguments, agent.EnvironmentId, agent.Algorithm, resume: true, previousTensorBoard);
            var run = RunFolder.Create(arguments.Out ?? source.RunFolder, agent.EnvironmentId, agent.Algorithm, agent.Seed, continuing: source.RunFolder);
            var carried = source.RunFolder is null ? 0 : run.CarryMetrics(source.RunFolder, agent.NumTimesteps);
            var configuration = new AgentConfiguration(agent.Algorithm, agent.Options, agent.PolicyOptions);
            run.WriteOptions(configuration, agent.EnvironmentId, agent.Seed, steps, [], opened, resumedFrom: (source.Model, agent.NumTimesteps), arguments.EnvAssemblies,
                agent.EnvironmentSetup, TensorBoardFolderOf(tensorBoard) ?? previousTensorBoard);
            session.Output.WriteLine($"Resuming {agent.Algorithm} on {agent.EnvironmentId} (seed {agent.Seed}) from {source.Model} at {agent.NumTimesteps} steps, {agent.TreeCount} trees, " +
                $"{agent.Episodes.Episodes.Count} episodes, {carried} metric rows; training to {steps} steps; run folder {run.Path}");
            session.Output.WriteLine($"Device: {opened.Description}{ThreadCount(agent.PolicyOptions)}");
            return Train(agent, run, steps, arguments, opened, appendMetrics: true, session, tensorBoard);
        }
    }

    /// <summary>
    /// Learns to <paramref name="steps"/> in total, the metrics also to <paramref name="tensorBoard"/> (owned by the caller) when
    /// there is one, then writes the model, the curve and the summary.
    /// </summary>
    private static int Train(ActorCriticAgent agent, RunFolder run, long steps, TrainArguments arguments, TrainingDevice device, bool appendMetrics,
        Session session, TensorBoardMetricSink? tensorBoard)
    {
        var output = session.Output;
        if (tensorBoard is not null)
            output.WriteLine($"TensorBoard: {Path.GetDirectoryName(tensorBoard.FilePath)}");
        var startSteps = agent.NumTimesteps;
        var clock = Stopwatch.StartNew();
        LearnResult result;
        EvaluationCallback? evaluation = null;
        if (arguments.EvalEvery is { } evalEvery)
        {
            var episodes = arguments.EvalEpisodes ?? DefaultEvalEpisodes;
            var (environmentId, setup) = (agent.EnvironmentId, agent.EnvironmentSetup);
            evaluation = new EvaluationCallback(() => AgentFactory.MakeTrainingEnvironment(environmentId, Math.Min(episodes, MaxEvalEnvs), setup), evalEvery,
                episodes, deterministic: true, seed: agent.Seed, logPath: run.Evaluations, bestModelPath: run.BestModel);
        }
        try
        {
            using (var csv = new CsvMetricSink(run.MetricsCsv, appendMetrics))
            using (var json = new JsonMetricSink(run.MetricsJson, appendMetrics))
            {
                var progress = new ProgressReporter(output);
                List<TrainingCallback> callbacks = [progress];
                if (arguments.CheckpointEvery is { } every)
                    callbacks.Add(new CheckpointCallback(run.Checkpoints, every));
                if (evaluation is not null)
                    callbacks.Add(evaluation);
                IMetricSink[] sinks = tensorBoard is null ? [csv, json] : [csv, json, tensorBoard];
                if (session.Interactive)
                {
                    result = default;
                    AnsiConsole.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            progress.Task = ctx.AddTask("starting", maxValue: steps);
                            progress.Task.Value = startSteps;
                            result = agent.Learn(steps, callbacks, sinks, session.Interrupt);
                            progress.Task.Value = agent.NumTimesteps;
                        });
                }
                else
                {
                    result = agent.Learn(steps, callbacks, sinks, session.Interrupt);
                }
            }
        }
        catch (InvalidOperationException e) when (e is not ObjectDisposedException)
        {
            throw new TrainingFailedException($"training stopped after {agent.NumTimesteps:N0} steps: {e.Message} The run folder {run.Path} holds the metrics so far; no model was saved.", e);
        }
        clock.Stop();

        agent.Save(run.Model);
        LearningCurvePlot.Write(agent.Episodes.Episodes, $"{agent.Algorithm.ToUpperInvariant()} on {agent.EnvironmentId} (seed {agent.Seed})", run.Curve);
        var (meanReturn, stdReturn) = (agent.Episodes.MeanReturn(100), agent.Episodes.StdReturn(100));
        var interrupted = agent.NumTimesteps < steps && session.Interrupt.IsCancellationRequested;
        var summary = new RunSummary(agent.EnvironmentId, agent.Algorithm, agent.Seed, agent.NumTimesteps,
            Math.Round(clock.Elapsed.TotalSeconds, 3), agent.TreeCount, agent.Episodes.Episodes.Count,
            RunSummary.Statistic(meanReturn), RunSummary.Statistic(stdReturn), result.StoppedByCallback, RunFolder.ModelFile,
            device.Name, device.Description, startSteps, evaluation?.BestTimesteps is null ? null : evaluation.BestMeanReturn, evaluation?.BestTimesteps,
            interrupted);
        run.WriteSummary(summary);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {summary.TotalSteps} steps ({summary.TotalSteps - startSteps} in this session) in {summary.WallSeconds:F1} s, {summary.Trees} trees, {summary.Episodes} episodes; {(summary.Episodes == 0 ? "no episode has ended yet" : $"mean return of the last 100 episodes {ReturnFormat.MeanAndStd(meanReturn, stdReturn)}")}."));
        output.WriteLine($"Model: {run.Model}");
        if (evaluation?.BestTimesteps is { } best)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Best evaluation: mean return {ReturnFormat.Format(evaluation.BestMeanReturn)} at {best} steps ({RunFolder.BestModelFile}; every evaluation in {RunFolder.EvaluationsFile})."));
        }
        if ((run.SetAsideBestModel ?? evaluation?.SetAsideBestModel) is { } aside)
            output.WriteLine($"The best model of the redone steps was set aside as {aside}.");
        if (!interrupted)
            return 0;
        output.WriteLine($"Interrupted at {agent.NumTimesteps} of {steps} steps; continue with: rl train --resume {run.Path}");
        return InterruptedExitCode;
    }

    /// <summary>Throws unless every <c>--set</c> value (but threads) and <c>--envs</c> is what the resumed run already has.</summary>
    private static void CheckUnchanged(AgentConfiguration saved, IReadOnlyList<KeyValuePair<string, string>> overrides, int? envs, string model)
    {
        static string Values(AgentConfiguration c) => JsonSerializer.Serialize(c.Options, c.Options.GetType()) + JsonSerializer.Serialize(c.Policy);
        var before = Values(saved);
        foreach (var pair in overrides.Append(KeyValuePair.Create("num_envs", envs?.ToString(CultureInfo.InvariantCulture) ?? "")))
        {
            if (pair.Value.Length == 0 || AgentPresets.OptionKey(pair.Key) == "threads")
                continue;
            if (Values(AgentPresets.Override(saved, [pair])) != before)
                throw new ArgumentException($"{(pair.Key == "num_envs" && envs is not null ? $"--envs {envs}" : $"--set {pair.Key}={pair.Value}")} would change the run saved in '{model}': " +
                    "a resumed run continues with its saved options (only threads may change; start a new run to change the others).");
        }
    }

    /// <summary>The TensorBoard sink of <c>--tensorboard-log</c> (null without it), opened before the run folder is written so that an unwritable folder stops nothing half done.</summary>
    private static TensorBoardMetricSink? OpenTensorBoard(TrainArguments arguments, string environmentId, string algorithm, bool resume, string? previous = null) =>
        arguments.TensorBoardLog is { } directory ? TensorBoardFolder.Open(directory, environmentId, algorithm, resume, previous) : null;

    /// <summary>The thread count of the tree fits when <c>--set threads</c> set one (the device line names the cores).</summary>
    private static string ThreadCount(GbrlPolicyOptions policy) =>
        policy.Threads == 0 || policy.Policy == PolicyKind.Mlp ? "" : $"; tree fits on {policy.Threads} thread{(policy.Threads == 1 ? "" : "s")} (--set threads)";

    /// <summary>The folder <paramref name="sink"/> writes in, or null.</summary>
    private static string? TensorBoardFolderOf(TensorBoardMetricSink? sink) => sink is null ? null : Path.GetDirectoryName(sink.FilePath);

    /// <summary>The device for a fresh run: the MLP baseline runs on the CPU, so only an explicit cuda is an error for it.</summary>
    private static TrainingDevice OpenDevice(string device, GbrlPolicyOptions policy)
    {
        if (policy.Policy != PolicyKind.Mlp)
            return TrainingDevice.Open(device);
        var kind = BoosterFactory.ParseDevice(device);
        if (kind == DeviceKind.Cuda)
            throw new ArgumentException("--device cuda: the MLP baseline (policy=mlp) runs on the CPU only; use --device cpu or auto.");
        return TrainingDevice.Cpu("CPU (the MLP baseline runs on the CPU)");
    }

    private static void CheckCallbackOptions(TrainArguments arguments)
    {
        if (arguments.CheckpointEvery is < 1)
            throw new ArgumentException($"--checkpoint-every must be at least 1, got {arguments.CheckpointEvery}.");
        if (arguments.EvalEvery is < 1)
            throw new ArgumentException($"--eval-every must be at least 1, got {arguments.EvalEvery}.");
        if (arguments.EvalEpisodes is < 1)
            throw new ArgumentException($"--eval-episodes must be at least 1, got {arguments.EvalEpisodes}.");
        if (arguments.EvalEpisodes is not null && arguments.EvalEvery is null)
            throw new ArgumentException("--eval-episodes needs --eval-every N (how often to evaluate).");
    }

    /// <summary>A value given on the command line must equal the resumed run's.</summary>
    private static void Check(string? given, string saved, string what, string model)
    {
        if (given is not null && given != saved)
            throw new ArgumentException($"Cannot resume: '{model}' was trained with {what} '{saved}', not '{given}'.");
    }
}

/// <summary>Training stopped because the environment broke its contract (the message names what and where); exit code 1.</summary>
internal sealed class TrainingFailedException(string message, Exception inner) : Exception(message, inner);
