using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Tuning;
using RLFramework.Cli.Commands;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl tune</c>: the files it writes agree with each other and with an independent retraining of the best trial, a
/// search is the same when repeated, and bad input is a clear error before any trial.
/// </summary>
public sealed class TuneCommandTests : IDisposable
{
    private const string Space = """
        {
          "policy_lr": {"type": "float", "low": 0.01, "high": 0.5, "log": true},
          "gamma": {"type": "categorical", "choices": [0.95, 0.99]}
        }
        """;

    private static readonly string[] s_fixed = ["num_envs=4", "n_steps=64", "batch_size=128", "n_epochs=1"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-tune-{Guid.NewGuid():N}");

    public TuneCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SpaceFile(string json = Space)
    {
        var path = Path.Combine(_directory, $"space-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private TuneArguments Arguments(string outName, int jobs = 1, string sampler = "random") =>
        new("CartPole-v1", Trials: 3, Steps: 2048, Evaluations: 2, EvalEpisodes: 3, Seed: 5, Jobs: jobs, Sampler: sampler, Pruner: "none",
            Space: SpaceFile(), Set: s_fixed, Out: Path.Combine(_directory, outName));

    [Fact]
    public void A_search_and_a_training_run_never_share_a_folder()
    {
        // A training run's folder is refused as a search's --out, and a search's folder as a run's, each before writing anything.
        var run = Path.Combine(_directory, "run");
        var error = new StringWriter();
        Assert.True(TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 256, Envs: 2, Set: ["n_steps=64", "batch_size=64", "n_epochs=1"], Out: run),
            new StringWriter(), error, interactive: false) == 0, error.ToString());
        Assert.Equal(2, TuneCommand.Run(Arguments("unused") with { Out = run }, new StringWriter(), error));
        Assert.Contains($"--out '{run}' holds a training run (its options.json); choose another --out for the search.", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run, TuneFolder.SettingsFile)));

        var search = Arguments("search");
        Assert.True(TuneCommand.Run(search, new StringWriter(), error) == 0, error.ToString());
        error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 256, Out: search.Out), new StringWriter(), error, interactive: false));
        Assert.Contains($"--out '{search.Out}' holds a hyperparameter search (tune.json); pass another --out (rl tune --resume {search.Out} continues the search).",
            error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(search.Out!, "options.json")));
    }

    [Fact]
    public void Ctrl_c_keeps_the_folder_and_exits_130_as_rl_train_does()
    {
        var arguments = Arguments("interrupted");
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        var output = new StringWriter();
        Assert.Equal(TrainCommand.InterruptedExitCode, TuneCommand.Run(arguments, output, new StringWriter(), interrupt.Token));
        Assert.Contains($"interrupted: rl tune --resume {arguments.Out} continues", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(arguments.Out!, TuneFolder.SettingsFile)));
    }

    [Fact]
    public void The_best_trial_is_the_best_row_and_retraining_its_command_gives_its_value()
    {
        var arguments = Arguments("search");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(TuneCommand.Run(arguments, output, error) == 0, error.ToString());

        var rows = File.ReadAllLines(Path.Combine(arguments.Out!, TuneFolder.TrialsFile));
        Assert.Equal("number,state,value,timesteps,seconds,policy_lr,gamma,evaluations,seed_values,error", rows[0]);
        Assert.Equal(4, rows.Length);
        var values = rows[1..].Select(r => r.Split(',')).Select(c => (Number: int.Parse(c[0], CultureInfo.InvariantCulture), State: c[1],
            Value: double.Parse(c[2], CultureInfo.InvariantCulture), Evaluations: c[7].Split(';'))).ToList();
        Assert.All(values, v => Assert.Equal("complete", v.State));
        Assert.All(values, v => Assert.Equal(2, v.Evaluations.Length));
        Assert.All(values, v => Assert.Equal(v.Value, double.Parse(v.Evaluations[^1], CultureInfo.InvariantCulture)));
        using var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(arguments.Out!, TuneFolder.BestFile)));
        var top = values.OrderByDescending(v => v.Value).ThenBy(v => v.Number).First();
        Assert.Equal(top.Number, best.RootElement.GetProperty("trial").GetInt32());
        Assert.Equal(top.Value, best.RootElement.GetProperty("value").GetDouble());
        var command = best.RootElement.GetProperty("command").GetString()!;
        Assert.Contains($"Train with it: {command}", output.ToString(), StringComparison.Ordinal);

        // Retrain from the printed command alone: the model evaluates, at the trial's last evaluation (k = 2, seed 5 + 2), to the trial's value.
        var words = command.Split(' ');
        var set = words.Select((w, i) => (w, i)).Where(x => x.w == "--set").Select(x => words[x.i + 1]).ToList();
        var run = Path.Combine(_directory, "retrained");
        var train = new TrainArguments(words[2], Algorithm: words[4], Steps: long.Parse(words[8], CultureInfo.InvariantCulture),
            Seed: int.Parse(words[6], CultureInfo.InvariantCulture), Set: set, Out: run);
        Assert.True(TrainCommand.Run(train, new StringWriter(), error, interactive: false) == 0, error.ToString());
        using var retrained = ActorCriticAgent.Load(Path.Combine(run, "model.rlm"));
        using var env = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 3);
        Assert.Equal(top.Value, retrained.Evaluate(env, 3, deterministic: true, seed: 7).MeanReturn);
        // And the saved best model is that agent.
        using var saved = ActorCriticAgent.Load(Path.Combine(arguments.Out!, TuneFolder.BestModelFile));
        using var env2 = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 3);
        Assert.Equal(top.Value, saved.Evaluate(env2, 3, deterministic: true, seed: 7).MeanReturn);
        // rl eval of the search folder evaluates that model.
        var (folderOutput, fileOutput) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, EvalCommand.Run(arguments.Out!, 3, deterministic: true, seed: 7, folderOutput, error));
        Assert.Equal(0, EvalCommand.Run(Path.Combine(arguments.Out!, TuneFolder.BestModelFile), 3, deterministic: true, seed: 7, fileOutput, error));
        Assert.Equal(fileOutput.ToString(), folderOutput.ToString());
        var resumeError = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments(null, Resume: arguments.Out), new StringWriter(), resumeError, interactive: false));
        Assert.Contains("is a hyperparameter search", resumeError.ToString(), StringComparison.Ordinal);
        Assert.Equal(["policy_lr", "gamma"], SearchSpace.Load(Path.Combine(arguments.Out!, TuneFolder.SpaceFile)).Parameters.Select(p => p.Key));
    }

    [Fact]
    public void A_search_repeats_exactly_and_runs_the_same_with_two_jobs_at_once()
    {
        var first = Arguments("a", jobs: 2);
        var second = Arguments("b", jobs: 2);
        var error = new StringWriter();

        Assert.True(TuneCommand.Run(first, new StringWriter(), error) == 0, error.ToString());
        Assert.True(TuneCommand.Run(second, new StringWriter(), error) == 0, error.ToString());

        Assert.Equal(WithoutSeconds(first.Out!), WithoutSeconds(second.Out!));
    }

    private static IEnumerable<string> WithoutSeconds(string folder) =>
        File.ReadAllLines(Path.Combine(folder, TuneFolder.TrialsFile)).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 4)));

    [Fact]
    public void A_resumed_search_goes_on_as_the_uninterrupted_one_and_reruns_trials_cut_short()
    {
        var whole = Arguments("whole", jobs: 2, sampler: "tpe") with { Trials = 4 };
        var half = Arguments("half", jobs: 2, sampler: "tpe") with { Trials = 2 };
        var error = new StringWriter();
        var wholeOutput = new StringWriter();
        Assert.True(TuneCommand.Run(whole, wholeOutput, error) == 0, error.ToString());
        Assert.True(TuneCommand.Run(half, new StringWriter(), error) == 0, error.ToString());
        // Four complete trials are enough for the importance of the two parameters (the best 2 against all 4): shares adding up to 1.
        Assert.Contains("Importance (PED-ANOVA: how differently the best 2 of the 4 complete trials set each parameter): ", wholeOutput.ToString(), StringComparison.Ordinal);
        using (var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(whole.Out!, TuneFolder.BestFile))))
        {
            var shares = best.RootElement.GetProperty("importance").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(["gamma", "policy_lr"], shares.Keys.Order());
            Assert.Equal(1.0, shares.Values.Sum(), 9);
        }
        // A trial cut short by Ctrl+C is a failed row; the resumed search runs it again.
        var rows = File.ReadAllLines(Path.Combine(half.Out!, TuneFolder.TrialsFile));
        File.AppendAllText(Path.Combine(half.Out!, TuneFolder.TrialsFile), "2,failed,,256,0.1,0.1,0.95,,,interrupted at 256 steps\n");
        var output = new StringWriter();

        Assert.True(TuneCommand.Run(new TuneArguments(null, Trials: 4, Resume: half.Out), output, error) == 0, error.ToString());

        Assert.Contains("Resuming after trial 1 (2 done).", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("trial 0:", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(WithoutSeconds(whole.Out!), WithoutSeconds(half.Out!));
        Assert.Equal(rows[1], File.ReadAllLines(Path.Combine(half.Out!, TuneFolder.TrialsFile))[1]);
        using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(whole.Out!, TuneFolder.BestFile)));
        using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(half.Out!, TuneFolder.BestFile)));
        Assert.Equal(a.RootElement.GetProperty("command").GetString(), b.RootElement.GetProperty("command").GetString());
        Assert.Equal(a.RootElement.GetProperty("value").GetDouble(), b.RootElement.GetProperty("value").GetDouble());
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(half.Out!, TuneFolder.SettingsFile)));
        Assert.Equal(4, settings.RootElement.GetProperty("trials").GetInt32());
    }

    [Fact]
    public void Resuming_keeps_the_saved_settings_and_refuses_what_would_change_them()
    {
        var arguments = Arguments("saved") with { Trials = 2 };
        var error = new StringWriter();
        Assert.True(TuneCommand.Run(arguments, new StringWriter(), error) == 0, error.ToString());

        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments(null, Seed: 1, Resume: arguments.Out), new StringWriter(), error));
        Assert.Contains("only --trials (the new total), --jobs and --env-assembly", error.ToString(), StringComparison.Ordinal);
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments(null, Trials: 1, Resume: arguments.Out), new StringWriter(), error));
        Assert.Contains("The search has 2 trials already; --trials must be at least that.", error.ToString(), StringComparison.Ordinal);
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(arguments, new StringWriter(), error));
        Assert.Contains("already holds a search; continue it with --resume", error.ToString(), StringComparison.Ordinal);
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments(null, Resume: _directory), new StringWriter(), error));
        Assert.Contains($"'{_directory}' is not an rl tune folder: it has no tune.json.", error.ToString(), StringComparison.Ordinal);
        File.AppendAllText(Path.Combine(arguments.Out!, TuneFolder.TrialsFile), "2,complete,oops\n");
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments(null, Trials: 4, Resume: arguments.Out), new StringWriter(), error));
        Assert.Contains("trials.csv' line 4 is not a trial row", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Trials_that_cannot_run_are_failed_rows_and_no_best_is_claimed()
    {
        var arguments = Arguments("failed") with { Space = SpaceFile("""{"gamma": {"type": "float", "low": 1.5, "high": 2}}"""), Trials = 2 };
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(TuneCommand.Run(arguments, output, error) == 0, error.ToString());

        var rows = File.ReadAllLines(Path.Combine(arguments.Out!, TuneFolder.TrialsFile));
        Assert.Equal(3, rows.Length);
        Assert.All(rows[1..], r => Assert.StartsWith("failed", r.Split(',')[1], StringComparison.Ordinal));
        Assert.Contains("Option 'gamma'", rows[1], StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", rows[1], StringComparison.Ordinal);
        Assert.Contains("No trial completed", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(arguments.Out!, TuneFolder.BestFile)));
    }

    [Fact]
    public void A_batch_larger_than_the_rollout_is_lowered_to_it_and_recorded()
    {
        var arguments = Arguments("batch") with { Space = SpaceFile("""{"batch_size": {"type": "categorical", "choices": [100000]}}"""), Trials = 1 };
        var error = new StringWriter();

        Assert.True(TuneCommand.Run(arguments, new StringWriter(), error) == 0, error.ToString());

        // 4 environments x 64 steps: the rollout holds 256 samples.
        var row = File.ReadAllLines(Path.Combine(arguments.Out!, TuneFolder.TrialsFile))[1].Split(',');
        Assert.Equal(("complete", "256"), (row[1], row[5]));
        using var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(arguments.Out!, TuneFolder.BestFile)));
        Assert.EndsWith("--set batch_size=256", best.RootElement.GetProperty("command").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NoSuchEnv-v0", 3, "tpe", null, "Unknown environment 'NoSuchEnv-v0'")]
    [InlineData("CartPole-v1", 0, "tpe", null, "--trials must be at least 1, got 0.")]
    [InlineData("CartPole-v1", 3, "grid", null, "--sampler must be tpe, tpe-multivariate or random, got 'grid'.")]
    [InlineData("CartPole-v1", 3, "tpe", """{"no_such_option": {"type": "float", "low": 0, "high": 1}}""", "The search space has the unknown option 'no_such_option' for ppo.")]
    [InlineData("CartPole-v1", 3, "tpe", "not json", "is not valid JSON")]
    public void Bad_input_is_a_clear_error_before_any_trial(string environment, int trials, string sampler, string? space, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var arguments = new TuneArguments(environment, Trials: trials, Steps: 1024, Sampler: sampler, Space: space is null ? null : SpaceFile(space),
            Out: Path.Combine(_directory, "out"));

        Assert.Equal(2, TuneCommand.Run(arguments, output, error));

        Assert.StartsWith("rl tune: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void A_bad_fixed_option_or_a_missing_space_file_is_a_clear_error()
    {
        var error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments("CartPole-v1", Set: ["gamma=2"], Out: Path.Combine(_directory, "x")), new StringWriter(), error));
        Assert.Contains("gamma", error.ToString(), StringComparison.Ordinal);
        error = new StringWriter();
        Assert.Equal(2, TuneCommand.Run(new TuneArguments("CartPole-v1", Space: Path.Combine(_directory, "missing.json"), Out: Path.Combine(_directory, "x")), new StringWriter(), error));
        Assert.Contains("missing.json", error.ToString(), StringComparison.Ordinal);
    }
}
