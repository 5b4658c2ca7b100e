using System.Text.Json;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl train --resume</c> through the command's own code path: the resumed run ends bit for bit where the
/// uninterrupted one does (same model file, same metrics rows, one CSV header), and bad input is a clear error
/// before any training.
/// </summary>
public sealed class TrainResumeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-resume-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_directory, name);

    private static int Train(TrainArguments arguments, StringWriter? output = null, StringWriter? error = null)
    {
        error ??= new StringWriter();
        var code = TrainCommand.Run(arguments, output ?? new StringWriter(), error, interactive: false);
        return code;
    }

    /// <summary>The CSV without the wall-clock columns (time/fps, time/time_elapsed).</summary>
    private static string[] DeterministicCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] is not "time/fps" and not "time/time_elapsed").ToArray();
        return [.. lines.Select(line => string.Join(',', keep.Select(i => line.Split(',')[i])))];
    }

    [Theory]
    [InlineData("ppo", new[] { "n_steps=32", "batch_size=32", "n_epochs=2" })]
    [InlineData("a2c", new string[0])]
    public void Resuming_a_checkpoint_ends_bit_for_bit_like_the_uninterrupted_run(string algorithm, string[] set)
    {
        // The whole run, with a checkpoint on the way (the CartPole PPO and A2C presets decay their learning rates over the run).
        var whole = Folder("whole");
        var error = new StringWriter();
        Assert.True(Train(new TrainArguments("CartPole-v1", algorithm, Steps: 1024, Seed: 4, Envs: 4, Set: set, Out: whole, CheckpointEvery: 512), error: error) == 0, error.ToString());
        var checkpoint = Path.Combine(whole, "checkpoints", "checkpoint_512_steps.rlm");
        Assert.True(File.Exists(checkpoint));

        // Resume the checkpoint into another folder: --steps defaults to the run's target (1024).
        var resumed = Folder("resumed");
        var output = new StringWriter();
        Assert.True(Train(new TrainArguments(null, Out: resumed, Resume: checkpoint), output, error) == 0, error.ToString());
        Assert.Contains("at 512 steps", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.rlm")), File.ReadAllBytes(Path.Combine(resumed, "model.rlm")));
        var wholeCsv = DeterministicCsv(Path.Combine(whole, "metrics.csv"));
        var resumedCsv = DeterministicCsv(Path.Combine(resumed, "metrics.csv"));
        Assert.Equal(wholeCsv, resumedCsv);
        Assert.Single(File.ReadAllLines(Path.Combine(resumed, "metrics.csv")), line => line.StartsWith("time/total_timesteps", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "metrics.jsonl")).Length, File.ReadAllLines(Path.Combine(resumed, "metrics.jsonl")).Length);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(resumed, "summary.json")));
        using var wholeSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(whole, "summary.json")));
        foreach (var key in new[] { "total_steps", "trees", "episodes" })
            Assert.Equal(wholeSummary.RootElement.GetProperty(key).GetInt64(), summary.RootElement.GetProperty(key).GetInt64());
        Assert.Equal(wholeSummary.RootElement.GetProperty("mean_return_last_100").GetDouble(), summary.RootElement.GetProperty("mean_return_last_100").GetDouble());
        Assert.Equal(512, summary.RootElement.GetProperty("resumed_at_steps").GetInt64());
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(resumed, "options.json")));
        Assert.Equal(checkpoint, options.RootElement.GetProperty("resumed_from").GetString());
    }

    [Theory]
    [InlineData("ppo", new[] { "n_steps=32", "batch_size=32", "n_epochs=2", "linear_learning_rate_decay=false" })]
    [InlineData("a2c", new[] { "linear_learning_rate_decay=false" })]
    public void Train_k_then_resume_the_run_folder_to_n_equals_training_n(string algorithm, string[] set)
    {
        // With constant learning rates the schedule does not depend on the target, so a run trained to K and
        // resumed in place to N is the run trained to N.
        var whole = Folder("whole");
        var error = new StringWriter();
        Assert.True(Train(new TrainArguments("CartPole-v1", algorithm, Steps: 1024, Seed: 2, Envs: 4, Set: set, Out: whole), error: error) == 0, error.ToString());
        var run = Folder("run");
        Assert.True(Train(new TrainArguments("CartPole-v1", algorithm, Steps: 512, Seed: 2, Envs: 4, Set: set, Out: run), error: error) == 0, error.ToString());
        Assert.True(Train(new TrainArguments("CartPole-v1", algorithm, Steps: 1024, Resume: run), error: error) == 0, error.ToString());

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.rlm")), File.ReadAllBytes(Path.Combine(run, "model.rlm")));
        Assert.Equal(DeterministicCsv(Path.Combine(whole, "metrics.csv")), DeterministicCsv(Path.Combine(run, "metrics.csv")));
    }

    [Fact]
    public void An_interrupted_run_writes_its_folder_and_resumes_to_the_uninterrupted_run()
    {
        string[] set = ["n_steps=32", "batch_size=32", "n_epochs=1"];
        var whole = Folder("whole");
        var error = new StringWriter();
        Assert.True(Train(new TrainArguments("CartPole-v1", Steps: 512, Seed: 6, Envs: 4, Set: set, Out: whole), error: error) == 0, error.ToString());

        // Ctrl+C before the first iteration ends: the run folder is written at the steps reached, with the run's target.
        var run = Folder("run");
        var output = new StringWriter();
        using (var interrupt = new CancellationTokenSource())
        {
            interrupt.Cancel();
            Assert.Equal(TrainCommand.InterruptedExitCode, TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 512, Seed: 6, Envs: 4, Set: set, Out: run), output, error,
                interactive: false, cancellationToken: interrupt.Token));
        }
        Assert.Contains($"Interrupted at 0 of 512 steps; continue with: rl train --resume {run}", output.ToString(), StringComparison.Ordinal);
        // No episode has ended: the return statistics are JSON nulls, and the summary says the run was interrupted; rl plot reads it.
        using (var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.RootElement.GetProperty("mean_return_last_100").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.RootElement.GetProperty("std_return_last_100").ValueKind);
            Assert.True(summary.RootElement.GetProperty("interrupted").GetBoolean());
        }
        Assert.True(double.IsNaN(RLFramework.Cli.Training.RunComparison.Load(run, evaluations: false).Score));

        // Without --steps the run's target is the preset's n_timesteps (PPO CliffWalking-v0: 300,000), else 100,000.
        foreach (var (algorithm, id, target, options) in new[]
        {
            ("ppo", "CliffWalking-v0", 300_000, new[] { "n_steps=16", "batch_size=32" }),
            ("a2c", "Pendulum-v1", 100_000, new[] { "n_steps=16" }),
        })
        {
            var budget = Folder($"budget-{id}");
            output = new StringWriter();
            using var stop = new CancellationTokenSource();
            stop.Cancel();
            Assert.Equal(TrainCommand.InterruptedExitCode, TrainCommand.Run(new TrainArguments(id, algorithm, Envs: 2, Set: options, Out: budget), output, error,
                interactive: false, cancellationToken: stop.Token));
            Assert.Contains($"Training {algorithm} on {id} for {target} steps", output.ToString(), StringComparison.Ordinal);
        }
        Assert.True(Train(new TrainArguments(null, Resume: run), error: error) == 0, error.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.rlm")), File.ReadAllBytes(Path.Combine(run, "model.rlm")));
        Assert.Equal(DeterministicCsv(Path.Combine(whole, "metrics.csv")), DeterministicCsv(Path.Combine(run, "metrics.csv")));
    }

    [Fact]
    public void Bad_resume_input_is_a_clear_error_before_any_training()
    {
        var run = Folder("run");
        var error = new StringWriter();
        Assert.True(Train(new TrainArguments("CartPole-v1", "a2c", Steps: 256, Seed: 1, Envs: 4, Out: run), error: error) == 0, error.ToString());
        var model = Path.Combine(run, "model.rlm");
        var before = File.ReadAllBytes(model);
        var csvBefore = File.ReadAllText(Path.Combine(run, "metrics.csv"));

        void Fails(TrainArguments arguments, string expected)
        {
            var e = new StringWriter();
            Assert.Equal(2, TrainCommand.Run(arguments, new StringWriter(), e, interactive: false));
            Assert.Contains(expected, e.ToString(), StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(model));
            Assert.Equal(csvBefore, File.ReadAllText(Path.Combine(run, "metrics.csv")));
        }

        Fails(new TrainArguments("Acrobot-v1", Steps: 512, Resume: run), "was trained with environment 'CartPole-v1', not 'Acrobot-v1'");
        Fails(new TrainArguments(null, "ppo", Steps: 512, Resume: run), "was trained with algorithm (--algo) 'a2c', not 'ppo'");
        Fails(new TrainArguments(null, Steps: 512, Seed: 3, Resume: run), "seed (--seed) '1', not '3'");
        Fails(new TrainArguments(null, Steps: 256, Resume: run), "already at 256 steps");
        Fails(new TrainArguments(null, Resume: run), "already at 256 steps, its run's target");
        Fails(new TrainArguments(null, Steps: 512, Set: ["policy_lr=0.2"], Resume: run), $"--set policy_lr=0.2 would change the run saved in '{model}'");
        Fails(new TrainArguments(null, Steps: 512, Envs: 8, Resume: run), "--envs 8 would change the run");
        Fails(new TrainArguments(null, Steps: 512, Set: ["threads=two"], Resume: run), "--set threads expects 0 (one per core) or a positive count, got 'two'");
        Fails(new TrainArguments(null, Steps: 512, Resume: Path.Combine(run, "nothing.rlm")), "no run folder, model or checkpoint at");
        Fails(new TrainArguments(null, Steps: 512, Resume: _directory), "holds no model.rlm");

        var corrupt = Path.Combine(_directory, "corrupt.rlm");
        var flipped = (byte[])before.Clone();
        flipped[before.Length / 2] ^= 0x40;
        File.WriteAllBytes(corrupt, flipped);
        Fails(new TrainArguments(null, Steps: 512, Resume: corrupt), "checksum");
        File.WriteAllText(corrupt, "not a model");
        Fails(new TrainArguments(null, Steps: 512, Resume: corrupt), "not an RLFramework agent file");

        // The saved values themselves (the A2C CartPole-v1 preset's gamma, --envs 4) and another thread count are no change.
        Assert.True(Train(new TrainArguments(null, Steps: 512, Envs: 4, Set: ["gamma=0.99", "threads=1"], Resume: run), error: error) == 0, error.ToString());
        using var resumed = RLFramework.Agents.Algorithms.ActorCriticAgent.Load(model);
        Assert.Equal((512L, 1), (resumed.NumTimesteps, resumed.PolicyOptions.Threads));
    }
}
