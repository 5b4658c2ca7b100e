using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl eval MODEL [--episodes N] [--deterministic] [--seed S] [--env-assembly DLL] [--json FILE]</c>: loads a saved agent, runs N episodes on
/// a fresh copy of its environment and prints the mean and std of the return and the mean episode length (exit 2 on a bad or corrupt file).
/// </summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What <c>--json</c> writes.</summary>
    private sealed record EvalReport(string Environment, string Algorithm, string Model, long ModelSteps, int Episodes, bool Deterministic, int Seed,
        double MeanReturn, double StdReturn, double MeanLength, IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths);

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model file written by `rl train` (model.rlm), or its run folder." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => 10 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Take the most likely action instead of sampling." };
        var seed = new Option<int>("--seed") { Description = "Seed of the evaluation episodes.", DefaultValueFactory = _ => 0 };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file (environment, algorithm, episodes, mean/std return, mean length, and every episode's return and length)." };
        var command = new Command("eval", "Evaluate a saved agent: mean and std of the return, and the mean episode length, over N episodes.");
        command.Aliases.Add("evaluate");
        command.Arguments.Add(model);
        command.Options.Add(episodes);
        command.Options.Add(deterministic);
        command.Options.Add(seed);
        command.Options.Add(envAssembly);
        command.Options.Add(json);
        command.SetAction(parseResult => Run(parseResult.GetValue(model)!, parseResult.GetValue(episodes), parseResult.GetValue(deterministic),
            parseResult.GetValue(seed), Console.Out, Console.Error, parseResult.GetValue(envAssembly), parseResult.GetValue(json)));
        return command;
    }

    /// <summary>Evaluates and prints; returns the exit code.</summary>
    internal static int Run(string model, int episodes, bool deterministic, int seed, TextWriter output, TextWriter error,
        IReadOnlyList<string>? envAssemblies = null, string? jsonPath = null)
    {
        model = ModelArgument.Resolve(model);
        if (episodes < 1)
        {
            error.WriteLine($"rl eval: --episodes must be at least 1, got {episodes}.");
            return 2;
        }
        try
        {
            EnvironmentAssemblies.Load(envAssemblies);
            using var agent = ActorCriticAgent.Load(model);
            using var env = AgentFactory.MakeTrainingEnvironment(agent.EnvironmentId, 1);
            var result = agent.Evaluate(env, episodes, deterministic, seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{agent.Algorithm} on {agent.EnvironmentId}, {episodes} episodes ({(deterministic ? "deterministic" : "stochastic")}): mean return {Training.ReturnFormat.MeanAndStd(result.MeanReturn, result.StdReturn)} (std), mean length {result.MeanLength:F1} steps"));
            if (jsonPath is not null)
            {
                var report = new EvalReport(agent.EnvironmentId, agent.Algorithm, Path.GetFullPath(model), agent.NumTimesteps, episodes, deterministic, seed,
                    result.MeanReturn, result.StdReturn, result.MeanLength, result.Returns, result.Lengths);
                Training.RunFolder.WriteAtomically(jsonPath, JsonSerializer.Serialize(report, s_json));
            }
            return 0;
        }
        catch (Exception e) when (ModelArgument.IsUserError(e))
        {
            error.WriteLine($"rl eval: {ErrorText.Of(e)}");
            return 2;
        }
    }
}
