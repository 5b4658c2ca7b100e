using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Presets;
using RLFramework.Cli.Training;
using Spectre.Console;

namespace RLFramework.Cli.Commands;

/// <summary>What <c>rl train</c> was asked to do.</summary>
internal sealed record TrainArguments(string Environment, string Algorithm = "ppo", long Steps = 100_000, int Seed = 0,
    int? Envs = null, IReadOnlyList<string>? Set = null, string? Out = null);

/// <summary>
/// <c>rl train ENV [--algo ppo|a2c|awr] [--steps N] [--seed S] [--envs K] [--set key=value ...] [--out DIR]</c>:
/// trains an agent with the preset of (algorithm, environment) and the overrides, shows progress, and
/// writes a run folder (model, metrics, options, learning curve, summary). Exit code 2 on bad input,
/// before any training.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var env = new Argument<string>("env") { Description = "A registered environment id, e.g. CartPole-v1 (see `rl envs`)." };
        var algo = new Option<string>("--algo") { Description = "Algorithm: ppo, a2c or awr.", DefaultValueFactory = _ => "ppo" };
        var steps = new Option<long>("--steps") { Description = "Environment steps to train for.", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of every random draw of the run.", DefaultValueFactory = _ => 0 };
        var envs = new Option<int?>("--envs") { Description = "Number of parallel environments (overrides the preset's num_envs)." };
        var set = new Option<string[]>("--set") { Description = "Override an option: key=value (repeatable); e.g. --set policy_lr=0.05, or --set policy=mlp for the neural baseline (2x64 tanh MLPs, Adam; mlp_lr, mlp_hidden_size, mlp_hidden_layers, mlp_max_grad_norm).", AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "Run folder (default: a fresh dated folder under runs/)." };
        var command = new Command("train", "Train a GBRL actor-critic agent (or the neural MLP baseline with --set policy=mlp) and write a run folder.");
        command.Arguments.Add(env);
        command.Options.Add(algo);
        command.Options.Add(steps);
        command.Options.Add(seed);
        command.Options.Add(envs);
        command.Options.Add(set);
        command.Options.Add(outDir);
        command.SetAction(parseResult => Run(
            new TrainArguments(parseResult.GetValue(env)!, parseResult.GetValue(algo)!, parseResult.GetValue(steps), parseResult.GetValue(seed),
                parseResult.GetValue(envs), parseResult.GetValue(set), parseResult.GetValue(outDir)),
            Console.Out, Console.Error, interactive: !Console.IsOutputRedirected));
        return command;
    }

    /// <summary>Trains as <paramref name="arguments"/> say; returns the exit code (0 done, 2 bad input).</summary>
    internal static int Run(TrainArguments arguments, TextWriter output, TextWriter error, bool interactive)
    {
        AgentConfiguration configuration;
        List<KeyValuePair<string, string>> overrides;
        try
        {
            if (arguments.Steps < 1)
                throw new ArgumentException($"--steps must be at least 1, got {arguments.Steps}.");
            AgentFactory.CheckEnvironmentId(arguments.Environment);
            overrides = [.. AgentPresets.ParseOverrides(arguments.Set ?? [])];
            if (arguments.Envs is { } k)
                overrides.Add(new("num_envs", k.ToString(CultureInfo.InvariantCulture)));
            configuration = AgentPresets.Resolve(arguments.Algorithm, arguments.Environment, overrides);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"rl train: {e.Message}");
            return 2;
        }

        ActorCriticAgent agent;
        try
        {
            agent = AgentFactory.Create(configuration, arguments.Environment, arguments.Seed);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"rl train: {e.Message}");
            return 2;
        }

        using (agent)
        {
            var run = RunFolder.Create(arguments.Out, arguments.Environment, configuration.Algorithm, arguments.Seed);
            run.WriteOptions(configuration, arguments.Environment, arguments.Seed, arguments.Steps, overrides);
            output.WriteLine($"Training {configuration.Algorithm} on {arguments.Environment} for {arguments.Steps} steps (seed {arguments.Seed}); run folder {run.Path}");

            var clock = Stopwatch.StartNew();
            LearnResult result;
            using (var csv = new CsvMetricSink(run.MetricsCsv))
            using (var json = new JsonMetricSink(run.MetricsJson))
            {
                var progress = new ProgressReporter(output);
                IMetricSink[] sinks = [csv, json];
                if (interactive)
                {
                    result = default;
                    AnsiConsole.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            progress.Task = ctx.AddTask("starting", maxValue: arguments.Steps);
                            result = agent.Learn(arguments.Steps, [progress], sinks);
                            progress.Task.Value = progress.Task.MaxValue;
                        });
                }
                else
                {
                    result = agent.Learn(arguments.Steps, [progress], sinks);
                }
            }
            clock.Stop();

            agent.Save(run.Model);
            LearningCurvePlot.Write(agent.Episodes.Episodes, $"{configuration.Algorithm.ToUpperInvariant()} on {arguments.Environment} (seed {arguments.Seed})", run.Curve);
            var summary = new RunSummary(arguments.Environment, configuration.Algorithm, arguments.Seed, agent.NumTimesteps,
                Math.Round(clock.Elapsed.TotalSeconds, 3), agent.TreeCount, agent.Episodes.Episodes.Count,
                agent.Episodes.MeanReturn(100), agent.Episodes.StdReturn(100), result.StoppedByCallback, RunFolder.ModelFile);
            run.WriteSummary(summary);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Done: {summary.TotalSteps} steps in {summary.WallSeconds:F1} s, {summary.Trees} trees, {summary.Episodes} episodes; mean return of the last 100 episodes {summary.MeanReturnLast100:F2} +- {summary.StdReturnLast100:F2}."));
            output.WriteLine($"Model: {run.Model}");
            return 0;
        }
    }
}
