using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl train --eval-every N</c> (Stable-Baselines3's EvalCallback): evaluations.csv, best_model.rlm and summary.json
/// agree with an independent evaluation of the saved model, and a resumed run logs the same rows as the uninterrupted one.
/// </summary>
public sealed class TrainEvaluationTests : IDisposable
{
    private const int Seed = 5;
    private const int Episodes = 3;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-evaluation-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_directory, name);

    private static TrainArguments Run(string folder, long steps = 1024) => new("CartPole-v1", "ppo", Steps: steps, Seed: Seed, Envs: 4,
        Set: ["n_steps=32", "batch_size=64", "n_epochs=2"], Out: folder, CheckpointEvery: 512, EvalEvery: 256, EvalEpisodes: Episodes);

    private static void Train(TrainArguments arguments, StringWriter? output = null)
    {
        var error = new StringWriter();
        Assert.True(TrainCommand.Run(arguments, output ?? new StringWriter(), error, interactive: false) == 0, error.ToString());
    }

    private static (long Timesteps, double Mean)[] Rows(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "evaluations.csv"));
        Assert.Equal("timesteps,mean_return,std_return,mean_length,episodes", lines[0]);
        return [.. lines.Skip(1).Select(line => line.Split(',')).Select(cells =>
            (long.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[1], CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public void Evaluations_are_logged_and_the_best_model_is_the_one_that_scored_best()
    {
        var folder = Folder("run");
        var output = new StringWriter();
        Train(Run(folder), output);

        // One iteration is 4 x 32 = 128 steps: evaluations at 256, 512, 768 and 1024.
        var rows = Rows(folder);
        Assert.Equal([256L, 512L, 768L, 1024L], rows.Select(r => r.Timesteps));
        var best = rows.First(r => r.Mean == rows.Max(x => x.Mean));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal(best.Mean, summary.RootElement.GetProperty("best_eval_mean_return").GetDouble());
        Assert.Equal(best.Timesteps, summary.RootElement.GetProperty("best_eval_timesteps").GetInt64());
        Assert.Contains($"at {best.Timesteps} steps", output.ToString(), StringComparison.Ordinal);

        // The oracle: evaluation k (at k x 256 steps) resets with seed + k; the best model replays it exactly.
        using var model = ActorCriticAgent.Load(Path.Combine(folder, "best_model.rlm"));
        Assert.Equal(best.Timesteps, model.NumTimesteps);
        using var env = AgentFactory.MakeTrainingEnvironment("CartPole-v1", Episodes);
        Assert.Equal(best.Mean, model.Evaluate(env, Episodes, deterministic: true, seed: Seed + (int)(best.Timesteps / 256)).MeanReturn);

        // The same number reaches metrics.csv as eval/mean_reward on the evaluation's row.
        var metrics = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        var header = metrics[0].Split(',');
        var row = metrics.Single(line => line.StartsWith($"{best.Timesteps},", StringComparison.Ordinal)).Split(',');
        Assert.Equal(best.Mean, double.Parse(row[Array.IndexOf(header, "eval/mean_reward")], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_resumed_run_logs_the_same_evaluations_and_best_model_as_the_uninterrupted_run()
    {
        var whole = Folder("whole");
        Train(Run(whole));

        // Resume the 512-step checkpoint in place: the log is cut back to 512 and the run appends the rest.
        var resumed = Folder("resumed");
        Directory.CreateDirectory(resumed);
        foreach (var file in Directory.GetFiles(whole))
            File.Copy(file, Path.Combine(resumed, Path.GetFileName(file)));
        Directory.CreateDirectory(Path.Combine(resumed, "checkpoints"));
        var checkpoint = Path.Combine(resumed, "checkpoints", "checkpoint_512_steps.rlm");
        File.Copy(Path.Combine(whole, "checkpoints", "checkpoint_512_steps.rlm"), checkpoint);
        File.Delete(Path.Combine(resumed, "best_model.rlm"));
        Train(new TrainArguments(null, Resume: checkpoint, Out: resumed, EvalEvery: 256, EvalEpisodes: Episodes));

        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "evaluations.csv")), File.ReadAllLines(Path.Combine(resumed, "evaluations.csv")));
        var rows = Rows(whole);
        var best = rows.First(r => r.Mean == rows.Max(x => x.Mean));
        if (best.Timesteps > 512)
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "best_model.rlm")), File.ReadAllBytes(Path.Combine(resumed, "best_model.rlm")));
        else // The best came before the checkpoint: the resumed run has nothing better to save.
            Assert.False(File.Exists(Path.Combine(resumed, "best_model.rlm")));
    }

    [Fact]
    public void A_best_model_from_the_steps_being_redone_is_set_aside_and_the_resumed_run_ends_with_the_same_best_model()
    {
        var whole = Folder("whole");
        Train(Run(whole));
        var rows = Rows(whole);
        // Resume from the 512-step checkpoint with the whole run's files: if a later row was the best, the best model on disk is from the redone steps.
        var best = rows.First(r => r.Mean == rows.Max(x => x.Mean));
        var resumed = Folder("resumed");
        Directory.CreateDirectory(Path.Combine(resumed, "checkpoints"));
        foreach (var file in Directory.GetFiles(whole))
            File.Copy(file, Path.Combine(resumed, Path.GetFileName(file)));
        var checkpoint = Path.Combine(resumed, "checkpoints", "checkpoint_512_steps.rlm");
        File.Copy(Path.Combine(whole, "checkpoints", "checkpoint_512_steps.rlm"), checkpoint);
        var output = new StringWriter();

        Train(new TrainArguments(null, Resume: checkpoint, Out: resumed, EvalEvery: 256, EvalEpisodes: Episodes), output);

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "best_model.rlm")), File.ReadAllBytes(Path.Combine(resumed, "best_model.rlm")));
        var aside = Path.Combine(resumed, $"best_model_discarded_{best.Timesteps}_steps.rlm");
        Assert.Equal(best.Timesteps > 512, File.Exists(aside));
        if (best.Timesteps > 512)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "best_model.rlm")), File.ReadAllBytes(aside));
            Assert.Contains($"set aside as {aside}", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0L, null, "--eval-every must be at least 1")]
    [InlineData(100L, 0, "--eval-episodes must be at least 1")]
    [InlineData(null, 5, "--eval-episodes needs --eval-every")]
    public void Bad_evaluation_options_are_clear_errors_before_training(long? every, int? episodes, string expected)
    {
        var error = new StringWriter();
        var folder = Folder("bad");
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Out: folder, EvalEvery: every, EvalEpisodes: episodes), new StringWriter(), error, interactive: false));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }
}
