using System.Text.Json;
using System.Text.RegularExpressions;
using RLFramework.Agents.Algorithms;
using RLFramework.Cli.Commands;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>--env-kwargs</c> and <c>--env-wrapper</c>: rl train makes the environment with them and records them; rl eval, inspect and
/// resume make the same environment from the model; rl tune trains every trial on it and prints a train command that does too.
/// Oracle: FrozenLake's 8x8 map, whose shortest path (14 steps) a solved 4x4 map (6 steps) cannot give.
/// </summary>
public sealed class EnvironmentSetupCommandTests : IDisposable
{
    private static readonly string[] s_eightByEight = ["map_name=8x8", "is_slippery=false"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-env-kwargs-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Train_records_the_kwargs_and_eval_inspect_and_resume_make_the_same_environment()
    {
        var run = Path.Combine(_directory, "run");
        var error = new StringWriter();
        var train = new TrainArguments("FrozenLake-v1", Steps: 40_000, Seed: 1, Out: run, EnvKwargs: s_eightByEight);
        Assert.True(TrainCommand.Run(train, new StringWriter(), error, interactive: false) == 0, error.ToString());
        using (var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "options.json"))))
            Assert.Equal(s_eightByEight, options.RootElement.GetProperty("env_kwargs").EnumerateArray().Select(e => e.GetString()));

        // The greedy policy walks the 8x8 map's shortest path to the goal.
        var output = new StringWriter();
        Assert.True(EvalCommand.Run(run, 5, deterministic: true, seed: 0, output, error) == 0, error.ToString());
        Assert.Contains("mean return 1.000 +- 0.000 (std), mean length 14.0 steps", output.ToString(), StringComparison.Ordinal);

        // --env-kwargs on eval go on top of the model's: the same map made slippery is evaluated (and rarely solved).
        output = new StringWriter();
        var json = Path.Combine(_directory, "eval.json");
        Assert.True(EvalCommand.Run(run, 20, deterministic: true, seed: 0, output, error, jsonPath: json, environment: EnvironmentSetup.Of(["is_slippery=true"], null)) == 0,
            error.ToString());
        Assert.DoesNotContain("mean length 14.0 steps", output.ToString(), StringComparison.Ordinal);
        // --json says which environment was evaluated: the model's options, then the ones given (later keys win).
        using (var report = JsonDocument.Parse(File.ReadAllText(json)))
        {
            Assert.Equal(["map_name=8x8", "is_slippery=false", "is_slippery=true"], report.RootElement.GetProperty("env_kwargs").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(0, report.RootElement.GetProperty("env_wrappers").GetArrayLength());
        }
        // A map of other spaces is an error naming them.
        error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(run, 1, deterministic: true, seed: 0, new StringWriter(), error, environment: EnvironmentSetup.Of(["map_name=4x4"], null)));
        Assert.Contains("observations Discrete(16)", error.ToString(), StringComparison.Ordinal);

        // rl inspect names the states by the 8x8 map's rows and columns (code = 8 x row + column).
        output = new StringWriter();
        Assert.True(InspectCommand.Run(run, 10, [], output, error) == 0, error.ToString());
        var tests = Regex.Matches(output.ToString(), @"state == row (\d), column (\d) \((\d+)\)").Select(m => (Row: int.Parse(m.Groups[1].Value),
            Column: int.Parse(m.Groups[2].Value), Code: int.Parse(m.Groups[3].Value))).ToList();
        Assert.Equal(10, tests.Count);
        Assert.All(tests, t => Assert.Equal(8 * t.Row + t.Column, t.Code));
        Assert.Contains(tests, t => t.Code >= 16);

        // A resumed run continues on the saved environment; new kwargs cannot change it.
        error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments(null, Steps: 50_000, Resume: run, EnvKwargs: ["is_slippery=true"]), new StringWriter(), error, interactive: false));
        Assert.Contains("--env-kwargs and --env-wrapper cannot change a resumed run", error.ToString(), StringComparison.Ordinal);
        Assert.True(TrainCommand.Run(new TrainArguments(null, Steps: 41_000, Resume: run), new StringWriter(), error, interactive: false) == 0, error.ToString());
        using var resumed = ActorCriticAgent.Load(Path.Combine(run, "model.rlm"));
        Assert.Equal(s_eightByEight, resumed.EnvironmentSetup.Kwargs);

        // A bad kwarg is an error before training, naming it.
        error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("FrozenLake-v1", EnvKwargs: ["map_nam=8x8"], Out: Path.Combine(_directory, "bad")), new StringWriter(), error, interactive: false));
        Assert.Contains("does not accept the option map_nam", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "bad")));
    }

    [Fact]
    public void Tune_trains_every_trial_on_the_kwargs_environment_and_its_command_passes_them_on()
    {
        var folder = Path.Combine(_directory, "tune");
        Directory.CreateDirectory(_directory);
        var space = Path.Combine(_directory, "space.json");
        File.WriteAllText(space, """{"policy_lr": {"type": "float", "low": 0.05, "high": 0.5, "log": true}}""");
        var error = new StringWriter();
        var arguments = new TuneArguments("FrozenLake-v1", Trials: 1, Steps: 2048, Evaluations: 1, EvalEpisodes: 2, Space: space,
            Set: ["num_envs=4", "n_steps=64", "batch_size=128"], Out: folder, EnvKwargs: s_eightByEight);
        Assert.True(TuneCommand.Run(arguments, new StringWriter(), error) == 0, error.ToString());
        using (var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, TuneFolder.BestFile))))
            Assert.Contains("--env-kwargs map_name=8x8 --env-kwargs is_slippery=false", best.RootElement.GetProperty("command").GetString(), StringComparison.Ordinal);
        using (var model = ActorCriticAgent.Load(Path.Combine(folder, TuneFolder.BestModelFile)))
            Assert.Equal("Discrete(64)", model.Environment.SingleObservationSpace.ToString());

        // Resumed with the saved settings: the new trial trains on the same map.
        Assert.True(TuneCommand.Run(new TuneArguments(null, Trials: 2, Resume: folder), new StringWriter(), error) == 0, error.ToString());
        Assert.Equal(s_eightByEight, new TuneFolder(folder).ReadSettings().Options.Environment.Kwargs);
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments(null, Trials: 3, Resume: folder, EnvKwargs: ["is_slippery=true"]), new StringWriter(), error));
    }

    [Fact]
    public void Train_wraps_the_environment_and_eval_can_add_a_wrapper_outside()
    {
        var run = Path.Combine(_directory, "wrapped");
        var error = new StringWriter();
        var train = new TrainArguments("CartPole-v1", Steps: 20_000, Seed: 0, Out: run,
            EnvWrappers: ["time_aware_observation", "frame_stack_observation:stack_size=2"]);
        Assert.True(TrainCommand.Run(train, new StringWriter(), error, interactive: false) == 0, error.ToString());
        using (var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "options.json"))))
        {
            Assert.Equal(["time_aware_observation", "frame_stack_observation:stack_size=2"],
                options.RootElement.GetProperty("env_wrappers").EnumerateArray().Select(e => e.GetString()));
        }
        using (var agent = ActorCriticAgent.Load(Path.Combine(run, "model.rlm")))
            Assert.Equal(10, agent.Environment.SingleObservationSpace.FlatSize);

        // Sticky actions outside the saved wrappers keep the spaces: the same episodes with p = 0, others with p = 1.
        var plain = new StringWriter();
        Assert.True(EvalCommand.Run(run, 5, deterministic: true, seed: 3, plain, error) == 0, error.ToString());
        var never = new StringWriter();
        Assert.True(EvalCommand.Run(run, 5, deterministic: true, seed: 3, never, error,
            environment: EnvironmentSetup.Of(null, ["sticky_action:repeat_action_probability=0"])) == 0, error.ToString());
        Assert.Equal(plain.ToString(), never.ToString());
        var always = new StringWriter();
        Assert.True(EvalCommand.Run(run, 5, deterministic: true, seed: 3, always, error,
            environment: EnvironmentSetup.Of(null, ["sticky_action:repeat_action_probability=1"])) == 0, error.ToString());
        Assert.NotEqual(plain.ToString(), always.ToString()); // one action for the whole episode: the pole falls at once

        // A wrapper that changes the observation is an error naming the spaces.
        error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(run, 1, deterministic: true, seed: 3, new StringWriter(), error,
            environment: EnvironmentSetup.Of(null, ["delay_observation:delay=1", "frame_stack_observation:stack_size=2"])));
        Assert.Contains("differ from the agent's", error.ToString(), StringComparison.Ordinal);
    }
}
