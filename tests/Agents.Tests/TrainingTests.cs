using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Presets;
using RLFramework.Agents.Tests.Fakes;
using RLFramework.Boosting;
using RLFramework.Environments;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Tests;

/// <summary>Short runs on the real booster and the built-in environments: smoke, determinism, save/load, callbacks, sinks.</summary>
public class TrainingTests
{
    private static ActorCriticAgent Make(string algorithm, string env, int seed, params string[] overrides) =>
        AgentFactory.Create(algorithm, env, seed, AgentPresets.ParseOverrides(overrides));

    private static float[] Outputs(ActorCriticAgent agent, float[] observations)
    {
        var n = observations.Length / agent.Policy.ObservationSize;
        var outputs = new float[n * agent.Policy.OutputCount];
        agent.Policy.Forward(observations, n, outputs);
        return outputs;
    }

    private static readonly float[] s_cartPoleProbe = [0.01f, 0.2f, -0.03f, -0.1f, -0.1f, -0.5f, 0.1f, 0.8f, 0.0f, 0.0f, 0.0f, 0.0f];

    [Theory]
    [InlineData("ppo", "CartPole-v1", "n_steps=32")]
    [InlineData("a2c", "CartPole-v1", "n_steps=8")]
    [InlineData("awr", "CartPole-v1", "train_freq=100", "gradient_steps=5")]
    [InlineData("awr", "Pendulum-v1", "train_freq=100", "gradient_steps=5")]
    [InlineData("ppo", "Pendulum-v1", "n_steps=16", "batch_size=64")]
    [InlineData("a2c", "MountainCarContinuous-v0", "n_steps=16")]
    [InlineData("ppo", "Acrobot-v1", "shared_trees=false")]
    [InlineData("ppo", "FrozenLake-v1", "num_envs=2", "n_steps=64")]
    [InlineData("ppo", "Taxi-v3", "num_envs=2", "n_steps=256", "batch_size=512")] // one categorical feature of 500 codes (more than a byte holds)
    [InlineData("a2c", "MiniGrid-DoorKey-5x5-v0", "num_envs=4")]
    [InlineData("awr", "MiniGrid-DoorKey-5x5-v0", "train_freq=100", "gradient_steps=5", "batch_size=64")]
    public void Every_algorithm_runs_a_few_hundred_steps_and_grows_trees(string algorithm, string env, params string[] options)
    {
        using var agent = Make(algorithm, env, 0, options);
        var records = new List<MetricRecord>();
        using var sink = new ListSink(records);
        var result = agent.Learn(300, sinks: [sink]);
        Assert.True(agent.NumTimesteps >= 300);
        Assert.True(agent.TreeCount > 0);
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.False(double.IsNaN(r[MetricKeys.ValueLoss])));
        Assert.Equal(agent.TreeCount, records[^1][MetricKeys.Trees]);
        Assert.Equal(result.Timesteps, agent.NumTimesteps);
        if (agent.Policy.LogStd.Length > 0)
            Assert.True(agent.Policy.LogStd.ToArray().All(float.IsFinite));
    }

    [Fact]
    public void The_same_seed_gives_the_same_run_bit_for_bit_and_another_seed_does_not()
    {
        static (List<MetricRecord> Records, float[] Outputs) Run(int seed)
        {
            using var agent = Make("ppo", "CartPole-v1", seed, "n_steps=64", "n_epochs=2");
            var records = new List<MetricRecord>();
            using var sink = new ListSink(records);
            agent.Learn(2048, sinks: [sink]);
            return (records, Outputs(agent, s_cartPoleProbe));
        }
        var a = Run(3);
        var b = Run(3);
        var c = Run(4);
        Assert.Equal(a.Outputs, b.Outputs);
        Assert.Equal(a.Records.Count, b.Records.Count);
        for (var i = 0; i < a.Records.Count; i++)
        {
            foreach (var metric in a.Records[i].Values)
            {
                if (metric.Key.StartsWith("time/", StringComparison.Ordinal) && metric.Key != MetricKeys.TotalTimesteps)
                    continue;
                Assert.Equal(metric.Value, b.Records[i][metric.Key]);
            }
        }
        Assert.NotEqual(a.Outputs, c.Outputs);
    }

    /// <summary>Batches of 512 x 52 categorical features are fitted on several threads: the run must not change.</summary>
    [Fact]
    public void Fitting_on_one_thread_or_several_gives_the_same_run()
    {
        static float[] Run(string threads)
        {
            using var agent = Make("ppo", "MiniGrid-DoorKey-5x5-v0", 2, "num_envs=4", "n_steps=128", "batch_size=512", "n_epochs=2", threads);
            agent.Learn(1024);
            var observations = new float[3 * agent.Policy.ObservationSize];
            for (var i = 0; i < observations.Length; i++)
                observations[i] = i % 5;
            return Outputs(agent, observations);
        }
        Assert.Equal(Run("threads=1"), Run("threads=2"));
    }

    /// <summary>A resumed run fits on the thread count it was started with (the booster files do not hold it).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_loaded_agent_fits_on_its_saved_thread_count(int threads)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using (var agent = Make("ppo", "CartPole-v1", 1, "n_steps=16", $"threads={threads}"))
            {
                agent.Learn(64);
                agent.Save(path);
            }
            using var loaded = ActorCriticAgent.Load(path);
            var booster = Assert.IsType<GbrlBooster>(loaded.GbrlPolicy.SharedBooster);
            Assert.Equal(threads, booster.FitThreads);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Save_and_load_restore_the_whole_agent_and_training_resumes_where_it_stopped()
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = Make("ppo", "Pendulum-v1", 5, "n_steps=32", "normalize_observation=true", "n_epochs=2");
            agent.Learn(1024);
            agent.Save(path);
            float[] probe = [0.5f, -0.5f, 1f, -1f, 0.2f, 3f];
            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal("ppo", loaded.Algorithm);
            Assert.Equal("Pendulum-v1", loaded.EnvironmentId);
            Assert.Equal(agent.Options, loaded.Options);
            Assert.Equal(agent.PolicyOptions with { }, loaded.PolicyOptions);
            Assert.Equal(agent.NumTimesteps, loaded.NumTimesteps);
            Assert.Equal(agent.Iterations, loaded.Iterations);
            Assert.Equal(agent.TreeCount, loaded.TreeCount);
            Assert.Equal(agent.Policy.LogStd.ToArray(), loaded.Policy.LogStd.ToArray());
            Assert.Equal(Outputs(agent, probe), Outputs(loaded, probe));
            Assert.Equal(agent.Normalizer.ObservationStatistics.Mean.ToArray(), loaded.Normalizer.ObservationStatistics.Mean.ToArray());
            Assert.Equal(agent.Normalizer.ReturnStatistics.Variance.ToArray(), loaded.Normalizer.ReturnStatistics.Variance.ToArray());
            Assert.Equal(agent.Episodes.Episodes, loaded.Episodes.Episodes);
            Assert.Equal(agent.Random.GetState(), loaded.Random.GetState());
            var actions = new float[2];
            var actionsLoaded = new float[2];
            agent.Predict(probe, 2, deterministic: true, actions);
            loaded.Predict(probe, 2, deterministic: true, actionsLoaded);
            Assert.Equal(actions, actionsLoaded);

            // Resuming: training continues from the saved counters.
            loaded.Learn(2048);
            Assert.True(loaded.NumTimesteps >= 2048);
            Assert.True(loaded.TreeCount > agent.TreeCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_awr_checkpoint_keeps_its_replay_buffer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = (Awr)Make("awr", "CartPole-v1", 2, "train_freq=200", "gradient_steps=3", "buffer_size=500");
            agent.Learn(600);
            agent.Save(path);
            using var loaded = (Awr)ActorCriticAgent.Load(path);
            Assert.Equal(agent.Replay.Rows, loaded.Replay.Rows);
            Assert.Equal(agent.Replay.Observations, loaded.Replay.Observations);
            Assert.Equal(agent.Replay.Outputs, loaded.Replay.Outputs);
            Assert.Equal(agent.Replay.Rewards, loaded.Replay.Rewards);
            loaded.Learn(800);
            Assert.Equal(500, loaded.Replay.Rows);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Separate_actor_and_critic_ensembles_save_and_load()
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = Make("a2c", "CartPole-v1", 1, "shared_trees=false");
            agent.Learn(512);
            agent.Save(path);
            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal(Outputs(agent, s_cartPoleProbe), Outputs(loaded, s_cartPoleProbe));
            Assert.Equal(2 * agent.Policy.Version, loaded.TreeCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Corrupt_truncated_or_foreign_files_and_other_environments_are_clear_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.rlm");
        try
        {
            using (var agent = Make("ppo", "CartPole-v1", 0, "n_steps=16"))
            {
                agent.Learn(128);
                agent.Save(path);
            }
            var bytes = File.ReadAllBytes(path);

            var flipped = (byte[])bytes.Clone();
            flipped[bytes.Length / 2] ^= 0x55;
            File.WriteAllBytes(path, flipped);
            var e = Assert.Throws<InvalidDataException>(() => ActorCriticAgent.Load(path));
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
            e = Assert.Throws<InvalidDataException>(() => ActorCriticAgent.Load(path));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);

            File.WriteAllText(path, "{ \"not\": \"a model\" }");
            e = Assert.Throws<InvalidDataException>(() => ActorCriticAgent.Load(path));
            Assert.Contains("not an RLFramework agent file", e.Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, bytes);
            using var acrobot = AgentFactory.MakeTrainingEnvironment("Acrobot-v1", 8);
            var mismatch = Assert.Throws<ArgumentException>(() => ActorCriticAgent.Load(path, acrobot));
            Assert.Contains("CartPole-v1", mismatch.Message, StringComparison.Ordinal);
            Assert.Contains("differ", mismatch.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Callbacks_stop_at_a_reward_threshold_checkpoint_and_evaluate()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ckpt-{Guid.NewGuid():N}");
        try
        {
            using var agent = Make("ppo", "CartPole-v1", 0, "n_steps=32", "num_envs=8");
            var checkpoint = new CheckpointCallback(directory, 512);
            var evaluation = new EvaluationCallback(() => AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2), 512, episodes: 4);
            var seen = new List<int>();
            var custom = new LambdaCallback(c =>
            {
                seen.Add(c.Iteration);
                return true;
            });
            var records = new List<MetricRecord>();
            using var sink = new ListSink(records);
            agent.Learn(1024, [checkpoint, evaluation, custom], [sink]);
            Assert.Equal(4, seen.Count);
            Assert.Equal(2, checkpoint.Saved.Count);
            Assert.All(checkpoint.Saved, p => Assert.True(File.Exists(p)));
            Assert.Equal(2, evaluation.Results.Count);
            Assert.Equal(4, evaluation.Results[0].Result.Returns.Count);
            Assert.Equal(evaluation.Results[^1].Result.MeanReturn, records[^1][MetricKeys.EvalMeanReward]);

            using var stopping = Make("ppo", "CartPole-v1", 0, "n_steps=32", "num_envs=8");
            var result = stopping.Learn(100_000, [new StopOnRewardThresholdCallback(1.0, window: 1)]);
            Assert.True(result.StoppedByCallback);
            Assert.Equal(1, result.Iterations);
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void An_evaluation_log_is_cut_back_to_the_agent_and_its_best_row_is_the_bar_and_a_foreign_file_is_an_error()
    {
        var log = Path.Combine(Path.GetTempPath(), $"evaluations-{Guid.NewGuid():N}.csv");
        try
        {
            using var agent = Make("ppo", "CartPole-v1", 0, "n_steps=32", "num_envs=4");
            agent.Learn(256);
            File.WriteAllLines(log, [EvaluationCallback.LogHeader, "128,40,1,40,3", "256,70.5,2,70.5,3", "384,99,0,99,3"]);
            var evaluation = new EvaluationCallback(() => AgentFactory.MakeTrainingEnvironment("CartPole-v1", 1), 128, episodes: 1, logPath: log);
            evaluation.OnTrainingStart(new TrainingStartContext(agent, 256));
            // The row at 384 belongs to a run that went past this agent's 256 steps.
            Assert.Equal([EvaluationCallback.LogHeader, "128,40,1,40,3", "256,70.5,2,70.5,3"], File.ReadAllLines(log));
            Assert.Equal(70.5, evaluation.BestMeanReturn);
            Assert.Equal(256, evaluation.BestTimesteps);

            File.WriteAllLines(log, ["step,reward", "1,2"]);
            var foreign = Assert.Throws<InvalidDataException>(() => evaluation.OnTrainingStart(new TrainingStartContext(agent, 256)));
            Assert.Contains("is not an evaluation log", foreign.Message, StringComparison.Ordinal);
            File.WriteAllLines(log, [EvaluationCallback.LogHeader, "128,forty,1,40,3"]);
            var corrupt = Assert.Throws<InvalidDataException>(() => evaluation.OnTrainingStart(new TrainingStartContext(agent, 256)));
            Assert.Contains("line 2 is not an evaluation row", corrupt.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void Csv_and_json_sinks_write_the_sb3_keys()
    {
        var csvPath = Path.GetTempFileName();
        var jsonPath = Path.GetTempFileName();
        try
        {
            using (var agent = Make("ppo", "CartPole-v1", 0, "n_steps=32", "num_envs=8"))
            using (var csv = new CsvMetricSink(csvPath))
            using (var json = new JsonMetricSink(jsonPath))
            {
                agent.Learn(512, sinks: [csv, json]);
            }
            var lines = File.ReadAllLines(csvPath);
            var header = lines[0].Split(',');
            foreach (var key in new[] { "rollout/ep_rew_mean", "rollout/ep_len_mean", "train/approx_kl", "train/clip_fraction", "train/value_loss",
                "train/policy_loss", "train/entropy_loss", "train/explained_variance", "time/fps", "time/total_timesteps", "trees" })
                Assert.Contains(key, header);
            Assert.Equal(3, lines.Length);
            Assert.Equal("512", lines[2].Split(',')[Array.IndexOf(header, "time/total_timesteps")]);
            var jsonLines = File.ReadAllLines(jsonPath);
            Assert.Equal(2, jsonLines.Length);
            using var document = JsonDocument.Parse(jsonLines[1]);
            Assert.Equal(512, document.RootElement.GetProperty("time/total_timesteps").GetDouble());
            Assert.Equal(2, document.RootElement.GetProperty("iteration").GetInt32());
        }
        finally
        {
            File.Delete(csvPath);
            File.Delete(jsonPath);
        }
    }

    [Fact]
    public void Evaluation_spreads_episodes_over_environments_and_reports_mean_and_std()
    {
        using var agent = Make("ppo", "CartPole-v1", 0, "n_steps=16");
        using var env = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 3);
        var result = agent.Evaluate(env, 7, deterministic: true, seed: 1);
        Assert.Equal(7, result.Returns.Count);
        // CartPole pays 1 per step: return = length.
        for (var i = 0; i < 7; i++)
            Assert.Equal(result.Lengths[i], result.Returns[i]);
        var mean = result.Returns.Average();
        Assert.Equal(mean, result.MeanReturn, 10);
        Assert.Equal(Math.Sqrt(result.Returns.Sum(r => (r - mean) * (r - mean)) / 7), result.StdReturn, 10);
    }

    [Theory]
    [InlineData("CartPole-v1", "n_steps=16", "batch_size=16")]
    [InlineData("Pendulum-v1", "n_steps=16", "batch_size=16")]
    public void An_evaluation_observer_sees_every_episode_whole_and_changes_nothing(string id, string nSteps, string batch)
    {
        using var agent = Make("ppo", id, 0, nSteps, batch);
        // The plain evaluation: same-step autoreset (CartPole's native vector).
        using var plainEnv = AgentFactory.MakeTrainingEnvironment(id, 1);
        var plain = agent.Evaluate(plainEnv, 3, deterministic: false, seed: 5);
        // Next-step autoreset of one generic copy, watched.
        var single = EnvironmentRegistry.Make(id);
        using var watchedEnv = new SyncVectorEnvironment([single], AutoresetMode.NextStep);
        var observer = new RecordingObserver();

        var watched = agent.Evaluate(watchedEnv, 3, deterministic: false, seed: 5, observer);

        Assert.Equal(plain.Returns, watched.Returns);
        Assert.Equal(plain.Lengths, watched.Lengths);
        // One start per episode, then its steps: the rewards add up to the episode's return, the last one ends it.
        Assert.Equal(3, observer.Episodes.Count);
        for (var k = 0; k < 3; k++)
        {
            var steps = observer.Episodes[k];
            Assert.Equal(watched.Lengths[k], steps.Count);
            Assert.Equal(watched.Returns[k], steps.Sum(s => s.Reward), 9);
            Assert.All(steps.Take(steps.Count - 1), s => Assert.False(s.Done));
            Assert.True(steps[^1].Done);
            Assert.All(steps, s => Assert.True(agent.ActionSpace.IsDiscrete ? s.Action.Length == 1 && s.Action[0] is 0 or 1 : s.Action.Length == 1 && Math.Abs(s.Action[0]) <= 2));
        }
    }

    private sealed class RecordingObserver : IEvaluationObserver
    {
        public List<List<(float[] Action, double Reward, bool Done)>> Episodes { get; } = [];

        public void OnEpisodeStart(int env)
        {
            Assert.Equal(0, env);
            Episodes.Add([]);
        }

        public void OnStep(int env, ReadOnlySpan<float> action, double reward, bool terminated, bool truncated) =>
            Episodes[^1].Add((action.ToArray(), reward, terminated || truncated));
    }
}
