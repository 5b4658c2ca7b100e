using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-train-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_tiny_run_writes_the_run_folder_and_eval_reads_it()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = TrainCommand.Run(new TrainArguments("CartPole-v1", "ppo", Steps: 400, Seed: 3, Envs: 2, Set: ["n_steps=50", "batch_size=25", "n_epochs=1"], Out: _directory),
            output, error, interactive: false);
        Assert.True(code == 0, error.ToString());
        foreach (var file in new[] { "model.rlm", "metrics.csv", "metrics.jsonl", "options.json", "learning_curve.png", "summary.json" })
            Assert.True(File.Exists(Path.Combine(_directory, file)), $"missing {file}");
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp*"));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("CartPole-v1", root.GetProperty("environment").GetString());
        Assert.Equal("ppo", root.GetProperty("algorithm").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        Assert.Equal(400, root.GetProperty("total_steps").GetInt64());
        Assert.True(root.GetProperty("wall_seconds").GetDouble() > 0);
        Assert.Equal(4 * 4, root.GetProperty("trees").GetInt32());
        var mean = root.GetProperty("mean_return_last_100").GetDouble();
        Assert.InRange(mean, 8, 500);
        Assert.True(root.GetProperty("std_return_last_100").GetDouble() >= 0);

        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "options.json")));
        Assert.Equal(2, options.RootElement.GetProperty("options").GetProperty("num_envs").GetInt32());
        Assert.Equal(50, options.RootElement.GetProperty("options").GetProperty("num_steps").GetInt32());
        Assert.Equal(25, options.RootElement.GetProperty("options").GetProperty("batch_size").GetInt32());
        Assert.Equal("ppo/CartPole-v1", options.RootElement.GetProperty("preset").GetString());

        var csv = File.ReadAllLines(Path.Combine(_directory, "metrics.csv"));
        Assert.Equal(1 + 4, csv.Length);
        Assert.StartsWith("time/total_timesteps,rollout/ep_rew_mean", csv[0], StringComparison.Ordinal);
        Assert.Contains("steps", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("mean return", output.ToString(), StringComparison.Ordinal);

        var evalOutput = new StringWriter();
        var evalError = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(Path.Combine(_directory, "model.rlm"), 3, deterministic: true, seed: 0, evalOutput, evalError));
        var line = Regex.Match(evalOutput.ToString(), @"3 episodes \(deterministic\): mean return (\d+\.\d\d\d?) \+- \d+\.\d\d\d? \(std\), mean length (\d+\.\d) steps");
        Assert.True(line.Success, evalOutput.ToString());
        // CartPole pays 1 per step, so the mean return is the mean length.
        Assert.Equal(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), 1);

        // --json: the same evaluation, every episode, for scripts.
        var jsonPath = Path.Combine(_directory, "eval.json");
        Assert.Equal(0, EvalCommand.Run(_directory, 3, deterministic: true, seed: 0, new StringWriter(), evalError, jsonPath: jsonPath));
        using var report = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var returns = report.RootElement.GetProperty("returns").EnumerateArray().Select(r => r.GetDouble()).ToArray();
        Assert.Equal(3, returns.Length);
        Assert.Equal(returns.Average(), report.RootElement.GetProperty("mean_return").GetDouble(), 10);
        Assert.Equal(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), report.RootElement.GetProperty("mean_return").GetDouble(), 2);
        Assert.Equal(400, report.RootElement.GetProperty("model_steps").GetInt64());
        Assert.Equal("CartPole-v1", report.RootElement.GetProperty("environment").GetString());
        // A missing folder is made, as for --video and the other --json files.
        Assert.Equal(0, EvalCommand.Run(_directory, 3, deterministic: true, seed: 0, new StringWriter(), evalError, jsonPath: Path.Combine(_directory, "missing", "eval.json")));
        Assert.Equal(File.ReadAllText(jsonPath), File.ReadAllText(Path.Combine(_directory, "missing", "eval.json")));
        // The run folder itself is accepted too.
        Assert.Equal(0, EvalCommand.Run(_directory, 2, deterministic: false, seed: 1, new StringWriter(), evalError));
    }

    [Fact]
    public void The_mlp_baseline_trains_saves_and_evaluates()
    {
        var error = new StringWriter();
        var code = TrainCommand.Run(new TrainArguments("CartPole-v1", "ppo", Steps: 400, Seed: 3, Envs: 2, Set: ["policy=mlp", "n_steps=50", "batch_size=25", "n_epochs=1"], Out: _directory),
            new StringWriter(), error, interactive: false);
        Assert.True(code == 0, error.ToString());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "summary.json")));
        Assert.Equal(0, summary.RootElement.GetProperty("trees").GetInt32());
        var evalOutput = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(Path.Combine(_directory, "model.rlm"), 2, deterministic: true, seed: 0, evalOutput, error));
        Assert.Matches(@"2 episodes \(deterministic\): mean return \d+\.\d\d", evalOutput.ToString());
    }

    [Theory]
    [InlineData("CartPole-v1", "sac", new string[0], "Unknown algorithm 'sac'")]
    [InlineData("CartPole-v1", "ppo", new[] { "learning_rate=1" }, "Unknown option 'learning_rate'")]
    [InlineData("CartPole-v1", "ppo", new[] { "n_epochs=two" }, "Option 'n_epochs' expects an integer")]
    [InlineData("CartPole-v1", "a2c", new[] { "gamma=2" }, "Option 'gamma'")]
    [InlineData("CartPol-v1", "ppo", new string[0], "Unknown environment 'CartPol-v1'. Did you mean 'CartPole-v1'?")]
    [InlineData("CartPole-v1", "ppo", new[] { "use_masking=true" }, "use_masking: the environment reports no action mask")]
    [InlineData("Pendulum-v1", "a2c", new[] { "use_masking=true" }, "use_masking: action masks apply to Discrete and MultiDiscrete action spaces")]
    [InlineData("CartPole-v1", "ppo", new[] { "policy_lr=0.1", "policy_learning_rate=0.2" }, "--set gives policy_learning_rate twice (policy_lr=0.1 and policy_learning_rate=0.2)")]
    public void Bad_input_is_a_clear_error_before_any_training(string env, string algo, string[] set, string expected)
    {
        var error = new StringWriter();
        var code = TrainCommand.Run(new TrainArguments(env, algo, Steps: 1000, Set: set, Out: _directory), new StringWriter(), error, interactive: false);
        Assert.Equal(2, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", error.ToString(), StringComparison.Ordinal); // a programmer's detail
        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    public void Out_never_overwrites_another_run_nor_a_file()
    {
        var error = new StringWriter();
        string[] set = ["n_steps=32", "batch_size=32", "n_epochs=1"];
        Assert.True(TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 128, Envs: 2, Set: set, Out: _directory), new StringWriter(), error, interactive: false) == 0, error.ToString());
        var files = Directory.GetFiles(_directory).ToDictionary(f => f, File.ReadAllBytes);

        error = new StringWriter();
        var tensorBoard = Path.Combine(Path.GetTempPath(), $"rl-tb-{Guid.NewGuid():N}");
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 128, Envs: 2, Seed: 5, Set: set, Out: _directory, TensorBoardLog: tensorBoard),
            new StringWriter(), error, interactive: false));
        Assert.False(Directory.Exists(tensorBoard)); // refused before anything is written
        Assert.Contains($"--out '{_directory}' already holds a run (its options.json); pass another --out, or continue that run with rl train --resume {_directory}.", error.ToString(), StringComparison.Ordinal);
        Assert.All(files, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));

        var file = Path.Combine(_directory, "summary.json");
        error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 128, Envs: 2, Set: set, Out: file), new StringWriter(), error, interactive: false));
        Assert.Contains($"--out '{file}' is a file; name a folder for the run.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100000", 100_000L)]
    [InlineData("1e5", 100_000L)]
    [InlineData("2.5e6", 2_500_000L)]
    [InlineData("1_000_000", 1_000_000L)]
    [InlineData("1e5x", null)]
    [InlineData("1.5", null)]
    [InlineData("abc", null)]
    [InlineData("_1000", null)]
    [InlineData("1__000", null)]
    public void Step_counts_take_the_forms_of_the_zoos_files(string text, long? expected)
    {
        var result = TrainCommand.Create().Parse(["CartPole-v1", "--steps", text]);
        if (expected is { } steps)
        {
            Assert.Empty(result.Errors);
            Assert.Equal(steps, result.GetValue<long?>("--steps"));
        }
        else
        {
            var problem = Assert.Single(result.Errors);
            Assert.Equal($"--steps expects a whole number, such as 100000, 1e5 or 1_000_000; got '{text}'.", problem.Message);
        }
    }

    [Fact]
    public void The_command_line_parses_repeated_set_options()
    {
        var command = TrainCommand.Create();
        var result = command.Parse(["CartPole-v1", "--algo", "a2c", "--steps", "500", "--seed", "2", "--envs", "4", "--set", "policy_lr=0.1", "--set", "value_lr=0.01", "--out", "x"]);
        Assert.Empty(result.Errors);
        var set = result.GetValue<string[]>("--set");
        Assert.Equal(["policy_lr=0.1", "value_lr=0.01"], set!);
        Assert.Equal(500, result.GetValue<long>("--steps"));
    }
}
