using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Presets;
using RLFramework.Agents.Tests.Fakes;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Resuming from a checkpoint continues the run bit for bit: train to N in one go, versus train toward N, stop at K,
/// save, load (a fresh process would do the same) and train to N. Oracle: the uninterrupted run itself.
/// </summary>
public class ResumeTests
{
    private static ActorCriticAgent Make(string algorithm, string env, int seed, string[] overrides) =>
        AgentFactory.Create(algorithm, env, seed, AgentPresets.ParseOverrides(overrides));

    private static float[] Outputs(ActorCriticAgent agent, float[] observations)
    {
        var n = observations.Length / agent.Policy.ObservationSize;
        var outputs = new float[n * agent.Policy.OutputCount];
        agent.Policy.Forward(observations, n, outputs);
        return outputs;
    }

    [Theory]
    // Continuous actions with observation and reward normalization and a decaying log-std rate.
    [InlineData("ppo", "Pendulum-v1", 1024, 2048, new[] { "n_steps=32", "num_envs=4", "batch_size=64", "n_epochs=2", "normalize_reward=true", "linear_learning_rate_decay=true" })]
    [InlineData("ppo", "CartPole-v1", 512, 1536, new[] { "n_steps=32", "num_envs=4", "n_epochs=2" })]
    [InlineData("a2c", "CartPole-v1", 256, 768, new[] { "num_envs=4" })]
    [InlineData("awr", "CartPole-v1", 400, 1000, new[] { "train_freq=100", "gradient_steps=3", "buffer_size=500", "batch_size=64" })]
    [InlineData("ppo", "CartPole-v1", 512, 1024, new[] { "policy=mlp", "n_steps=32", "num_envs=4", "n_epochs=2" })]
    // MultiDiscrete actions: the saved history holds two values per environment and step.
    [InlineData("ppo", SpaceTestEnvironments.LockId, 512, 1024, new[] { "n_steps=30", "num_envs=4", "batch_size=60", "n_epochs=2" })]
    // Masked actions (Taxi-v3 reports its action_mask): AWR's saved replay buffer carries the masks of its rows.
    [InlineData("awr", "Taxi-v3", 400, 1000, new[] { "train_freq=100", "gradient_steps=3", "buffer_size=500", "batch_size=64", "use_masking=true" })]
    [InlineData("ppo", "Taxi-v3", 512, 1024, new[] { "n_steps=32", "num_envs=4", "batch_size=64", "n_epochs=2", "use_masking=true" })]
    public void Train_to_n_equals_train_to_k_save_load_and_train_to_n_bit_for_bit(string algorithm, string env, long k, long n, string[] overrides)
    {
        SpaceTestEnvironments.EnsureRegistered();
        var path = Path.Combine(Path.GetTempPath(), $"resume-{Guid.NewGuid():N}.rlm");
        try
        {
            using var whole = Make(algorithm, env, 7, overrides);
            var wholeRecords = new List<MetricRecord>();
            using (var sink = new ListSink(wholeRecords))
                whole.Learn(n, sinks: [sink]);

            var parts = new List<MetricRecord>();
            using (var first = Make(algorithm, env, 7, overrides))
            {
                using var sink = new ListSink(parts);
                var result = first.Learn(n, [new LambdaCallback(context => context.Timesteps < k)], [sink]);
                Assert.True(result.StoppedByCallback);
                Assert.True(first.NumTimesteps < n);
                first.Save(path);
            }
            using var resumed = ActorCriticAgent.Load(path);
            Assert.Equal(n, resumed.TargetTimesteps);
            using (var sink = new ListSink(parts))
                resumed.Learn(resumed.TargetTimesteps, sinks: [sink]);

            Assert.Equal(whole.NumTimesteps, resumed.NumTimesteps);
            Assert.Equal(whole.Iterations, resumed.Iterations);
            Assert.Equal(whole.TreeCount, resumed.TreeCount);
            Assert.Equal(whole.Random.GetState(), resumed.Random.GetState());
            Assert.Equal(whole.Episodes.Episodes, resumed.Episodes.Episodes);
            Assert.Equal(whole.Episodes.RunningReturns.ToArray(), resumed.Episodes.RunningReturns.ToArray());
            Assert.Equal(whole.Policy.LogStd.ToArray(), resumed.Policy.LogStd.ToArray());
            Assert.Equal(whole.Normalizer.ObservationStatistics.GetState().Mean, resumed.Normalizer.ObservationStatistics.GetState().Mean);
            Assert.Equal(whole.Normalizer.ReturnStatistics.GetState().Variance, resumed.Normalizer.ReturnStatistics.GetState().Variance);
            Assert.Equal(whole.Collector.CurrentObservations.ToArray(), resumed.Collector.CurrentObservations.ToArray());
            var probe = new float[3 * whole.Policy.ObservationSize];
            for (var i = 0; i < probe.Length; i++)
                probe[i] = (i % 5 - 2) * 0.37f;
            Assert.Equal(Outputs(whole, probe), Outputs(resumed, probe));

            // The metrics of the two legs are the uninterrupted run's, row for row (wall-clock columns aside).
            Assert.Equal(wholeRecords.Count, parts.Count);
            for (var i = 0; i < parts.Count; i++)
            {
                Assert.Equal(wholeRecords[i].Iteration, parts[i].Iteration);
                foreach (var metric in wholeRecords[i].Values)
                {
                    if (metric.Key is MetricKeys.Fps or MetricKeys.ElapsedSeconds)
                        continue;
                    Assert.Equal(metric.Value, parts[i][metric.Key]);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_version_1_file_without_environment_history_still_loads_and_trains()
    {
        // Version 1 files end with the algorithm state right after the ensembles; rewrite a saved file in that layout.
        var path = Path.Combine(Path.GetTempPath(), $"resume-v1-{Guid.NewGuid():N}.rlm");
        try
        {
            using (var agent = Make("a2c", "CartPole-v1", 1, ["num_envs=2"]))
            {
                agent.Learn(64);
                agent.Save(path);
            }
            var (header, boosters, _, algorithmState) = Persistence.AgentFile.Read(path);
            Assert.Empty(algorithmState);
            using (var body = new MemoryStream())
            {
                using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(System.Text.Json.JsonSerializer.Serialize(header with { EnvironmentResetSeed = null }, Persistence.AgentFile.Json));
                    writer.Write(boosters.Length);
                    foreach (var b in boosters)
                    {
                        writer.Write((long)b.Length);
                        writer.Write(b);
                    }
                }
                var bytes = body.ToArray();
                using var file = new BinaryWriter(File.Create(path));
                file.Write("RLFWAGNT"u8);
                file.Write(1);
                file.Write((long)bytes.Length);
                file.Write(bytes);
                file.Write(System.Security.Cryptography.SHA256.HashData(bytes));
            }
            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal(64, loaded.NumTimesteps);
            loaded.Learn(128);
            Assert.Equal(128, loaded.NumTimesteps);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
