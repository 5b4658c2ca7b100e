using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>Replays a fixed script of rewards and termination flags; observations are the step index.</summary>
internal sealed class ScriptedEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly float[] _observation = new float[1];
    private int _t;

    public ScriptedEnvironment(double[] rewards, bool[] terminated, bool[]? truncated = null)
    {
        _rewards = rewards;
        _terminated = terminated;
        _truncated = truncated ?? new bool[rewards.Length];
    }

    public Space ObservationSpace { get; } = new Box(0f, 1000f, 1);

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _observation[0] = _t;
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        int t = _t++;
        _observation[0] = _t;
        return new(_observation, _rewards[t], _terminated[t], _truncated[t], StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}

/// <summary>Records the last continuous action it received.</summary>
internal sealed class ActionSpyEnvironment : IEnvironment<int, ReadOnlyMemory<float>>
{
    public float[] LastAction { get; private set; } = [];

    public Space ObservationSpace { get; } = new Discrete(3, start: 1);

    public Space ActionSpace { get; } = new Box([-2f, 3f], [0f, 5f]);

    public EnvironmentSpec? Spec => null;

    public ResetResult<int> Reset(int? seed = null) => new(2, StepInfo.Empty);

    public StepResult<int> Step(ReadOnlyMemory<float> action)
    {
        LastAction = action.ToArray();
        return new(3, 0, false, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }
}

public class WrappersTests
{
    /// <summary>Closed form of the running statistics after the values, with the prior (mean 0, var 1, pseudo-count eps).</summary>
    internal static (double Mean, double Variance) PooledWithPrior(IReadOnlyList<double> values, double eps = 1e-4)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        double mean = sum / (values.Count + eps);
        double m2 = eps * (1 + (mean * mean));
        foreach (double v in values)
        {
            m2 += (v - mean) * (v - mean);
        }

        return (mean, m2 / (values.Count + eps));
    }

    [Fact]
    public void RunningMeanStd_over_batches_equals_two_pass_statistics_of_all_data()
    {
        var random = new Random(3);
        var rms = new RunningMeanStd(3, epsilon: 0);
        var all = new List<float[]>();
        foreach (int rows in new[] { 1, 5, 2, 17, 1, 40 })
        {
            var batch = new float[rows * 3];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = (float)((random.NextDouble() * 10) - 2 + (i % 3 * 100));
            }

            rms.Update(batch);
            for (int r = 0; r < rows; r++)
            {
                all.Add(batch.AsSpan(r * 3, 3).ToArray());
            }
        }

        for (int j = 0; j < 3; j++)
        {
            double mean = 0;
            foreach (var row in all)
            {
                mean += row[j];
            }

            mean /= all.Count;
            double variance = 0;
            foreach (var row in all)
            {
                variance += (row[j] - mean) * (row[j] - mean);
            }

            variance /= all.Count;
            Assert.Equal(mean, rms.Mean[j], 1e-10);
            Assert.Equal(variance, rms.Variance[j], 1e-9);
        }

        Assert.Equal(all.Count, rms.Count);
    }

    [Fact]
    public void RunningMeanStd_with_default_prior_matches_the_closed_form()
    {
        var values = new List<double> { 3, -1, 4, 1, -5, 9, 2, 6 };
        var rms = new RunningMeanStd(1);
        foreach (double v in values)
        {
            rms.Update([v]);
        }

        var (mean, variance) = PooledWithPrior(values);
        Assert.Equal(mean, rms.Mean[0], 1e-12);
        Assert.Equal(variance, rms.Variance[0], 1e-12);
        Assert.Equal(8.0001, rms.Count, 1e-12);
    }

    [Fact]
    public void RunningMeanStd_state_round_trips_and_rejects_mismatches()
    {
        var rms = new RunningMeanStd(2);
        rms.Update([1f, 2f, 3f, 5f]);
        var state = rms.GetState();
        var copy = new RunningMeanStd(2);
        copy.SetState(state);
        Assert.Equal(rms.Mean.ToArray(), copy.Mean.ToArray());
        Assert.Equal(rms.Variance.ToArray(), copy.Variance.ToArray());
        Assert.Equal(rms.Count, copy.Count);
        Assert.Throws<ArgumentException>(() => new RunningMeanStd(3).SetState(state));
        Assert.Throws<ArgumentException>(() => rms.Update([1f, 2f, 3f]));
    }

    [Fact]
    public void NormalizeReward_matches_a_hand_computation_with_termination_reset()
    {
        double[] rewards = [1, 2, -1, 0.5, 3, 1, 1, -2];
        bool[] terminated = [false, false, true, false, false, false, true, false];
        bool[] truncated = [false, false, false, false, true, false, false, false];
        const double gamma = 0.9;
        var env = new NormalizeReward<ReadOnlyMemory<float>, int>(new ScriptedEnvironment(rewards, terminated, truncated), gamma);
        env.Reset();
        double g = 0;
        var seen = new List<double>();
        for (int t = 0; t < rewards.Length; t++)
        {
            // Gymnasium: G = G * gamma * (1 - terminated_t) + r_t with the flag of the same step;
            // truncation does not zero it.
            g = (terminated[t] ? 0 : g * gamma) + rewards[t];
            seen.Add(g);
            var (_, variance) = PooledWithPrior(seen);
            double expected = rewards[t] / Math.Sqrt(variance + 1e-8);
            var step = env.Step(0);
            Assert.Equal(expected, step.Reward, 1e-12);
        }
    }

    [Fact]
    public void NormalizeReward_freeze_keeps_statistics_and_clip_bounds_rewards()
    {
        var env = new NormalizeReward<ReadOnlyMemory<float>, int>(
            new ScriptedEnvironment([100, 100, 100], [false, false, false]), clip: 2);
        env.Reset();
        env.UpdateRunningMean = false;
        var step = env.Step(0);
        Assert.Equal(2.0, step.Reward);
        Assert.Equal(1e-4, env.Statistics.Count);
        Assert.Equal(1.0, env.Statistics.Variance[0]);
        env.UpdateRunningMean = true;
        env.Step(0);
        Assert.Equal(1.0001, env.Statistics.Count, 1e-12);
    }

    [Fact]
    public void NormalizeObservation_matches_the_closed_form_on_raw_observations()
    {
        var raw = new WalkerEnvironment(bound: 100);
        var env = new NormalizeObservation<int>(new WalkerEnvironment(bound: 100));
        var seenX = new List<double>();
        var seenNoise = new List<double>();
        void Check(ReadOnlyMemory<float> rawObs, ReadOnlyMemory<float> normalized)
        {
            seenX.Add(rawObs.Span[0]);
            seenNoise.Add(rawObs.Span[1]);
            var (mx, vx) = PooledWithPrior(seenX);
            var (mn, vn) = PooledWithPrior(seenNoise);
            Assert.Equal((float)((rawObs.Span[0] - mx) / Math.Sqrt(vx + 1e-8)), normalized.Span[0], 1e-5f);
            Assert.Equal((float)((rawObs.Span[1] - mn) / Math.Sqrt(vn + 1e-8)), normalized.Span[1], 1e-5f);
        }

        Check(raw.Reset(11).Observation, env.Reset(11).Observation);
        for (int t = 0; t < 30; t++)
        {
            Check(raw.Step(t % 3 == 0 ? 0 : 1).Observation, env.Step(t % 3 == 0 ? 0 : 1).Observation);
        }

        Assert.True(((Box)env.ObservationSpace).Contains([1e30f, -1e30f]));
        var state = env.Statistics.GetState();
        env.UpdateRunningMean = false;
        env.Step(1);
        Assert.Equal(state.Mean, env.Statistics.Mean.ToArray());
    }

    [Fact]
    public void TimeLimit_truncates_at_the_limit_and_restarts_on_reset()
    {
        var env = new TimeLimit<ReadOnlyMemory<float>, int>(new WalkerEnvironment(bound: 100), 3);
        for (int episode = 0; episode < 2; episode++)
        {
            env.Reset(episode);
            Assert.False(env.Step(1).Truncated);
            Assert.False(env.Step(1).Truncated);
            var last = env.Step(1);
            Assert.True(last.Truncated);
            Assert.False(last.Terminated);
            Assert.Equal(3, env.ElapsedSteps);
        }
    }

    [Fact]
    public void OrderEnforcing_throws_before_reset_and_after_the_episode_ends()
    {
        var env = new OrderEnforcing<ReadOnlyMemory<float>, int>(new WalkerEnvironment(bound: 1));
        Assert.Contains("before Reset", Assert.Throws<InvalidOperationException>(() => env.Step(1)).Message, StringComparison.Ordinal);
        env.Reset(0);
        StepResult<ReadOnlyMemory<float>> step;
        do
        {
            step = env.Step(1);
        }
        while (!step.Done);

        Assert.Contains("after the episode ended", Assert.Throws<InvalidOperationException>(() => env.Step(1)).Message, StringComparison.Ordinal);
        env.Reset();
        env.Step(0);
    }

    [Fact]
    public void RecordEpisodeStatistics_sums_rewards_and_counts_steps()
    {
        double[] rewards = [1, 2, 3, 10, 20];
        var env = new RecordEpisodeStatistics<ReadOnlyMemory<float>, int>(
            new ScriptedEnvironment(rewards, [false, false, true, false, true]), bufferLength: 1);
        env.Reset();
        env.Step(0);
        env.Step(0);
        Assert.Null(env.LastEpisode);
        env.Step(0);
        Assert.True(env.LastStepEndedEpisode);
        Assert.Equal(6.0, env.LastEpisode!.Value.Return);
        Assert.Equal(3, env.LastEpisode.Value.Length);
        env.Reset();
        env.Step(0);
        env.Step(0);
        Assert.Equal(30.0, env.LastEpisode.Value.Return);
        Assert.Equal(2, env.LastEpisode.Value.Length);
        Assert.Equal(2, env.EpisodeCount);
        Assert.Single(env.RecentEpisodes);
    }

    [Fact]
    public void ClipAction_clips_into_the_inner_bounds()
    {
        var spy = new ActionSpyEnvironment();
        var env = new ClipAction<int>(spy);
        Assert.True(((Box)env.ActionSpace).Contains([-100f, 100f]));
        env.Reset();
        env.Step(new[] { -7f, 4f });
        Assert.Equal(new[] { -2f, 4f }, spy.LastAction);
        env.Step(new[] { 0.5f, 9f });
        Assert.Equal(new[] { 0f, 5f }, spy.LastAction);
        Assert.Throws<ArgumentException>(() => env.Step(new[] { 0f }));
    }

    [Fact]
    public void RescaleAction_maps_the_interval_affinely()
    {
        var spy = new ActionSpyEnvironment();
        var env = new RescaleAction<int>(spy, -1f, 1f);
        env.Reset();
        env.Step(new[] { -1f, 1f });
        Assert.Equal(new[] { -2f, 5f }, spy.LastAction);
        env.Step(new[] { 0f, 0f });
        Assert.Equal(new[] { -1f, 4f }, spy.LastAction);
        env.Step(new[] { 0.5f, -0.5f });
        Assert.Equal(-0.5f, spy.LastAction[0], 1e-6f);
        Assert.Equal(3.5f, spy.LastAction[1], 1e-6f);
        Assert.Throws<ArgumentException>(() => env.Step(new[] { float.NaN, 0f }));
        Assert.Throws<ArgumentException>(() => new RescaleAction<int>(new ClipAction<int>(spy)));
    }

    [Fact]
    public void FlattenObservation_one_hot_encodes_discrete_and_copies_box()
    {
        var env = new FlattenObservation<int, ReadOnlyMemory<float>>(new ActionSpyEnvironment());
        Assert.Equal(3, env.ObservationSpace.FlatSize);
        Assert.Equal(new[] { 0f, 1f, 0f }, env.Reset().Observation.ToArray());
        Assert.Equal(new[] { 0f, 0f, 1f }, env.Step(new[] { 0f, 4f }).Observation.ToArray());

        var box = new FlattenObservation<ReadOnlyMemory<float>, int>(new WalkerEnvironment());
        var raw = new WalkerEnvironment();
        Assert.Equal(raw.Reset(4).Observation.ToArray(), box.Reset(4).Observation.ToArray());
        Assert.Same(box.Inner, box.InnerEnvironment);
    }

    [Fact]
    public void Unwrapped_and_find_walk_the_chain()
    {
        var inner = new WalkerEnvironment();
        IEnvironment env = new RecordEpisodeStatistics<ReadOnlyMemory<float>, int>(new TimeLimit<ReadOnlyMemory<float>, int>(inner, 5));
        Assert.Same(inner, env.Unwrapped());
        Assert.Equal(5, env.Find<TimeLimit<ReadOnlyMemory<float>, int>>()!.MaxEpisodeSteps);
        Assert.Null(env.Find<OrderEnforcing<ReadOnlyMemory<float>, int>>());
    }

    [Fact]
    public void Wrapper_chain_steps_without_allocating()
    {
        IEnvironment<ReadOnlyMemory<float>, int> env = new OrderEnforcing<ReadOnlyMemory<float>, int>(
            new TimeLimit<ReadOnlyMemory<float>, int>(new WalkerEnvironment(bound: 3), 50));
        env = new RecordEpisodeStatistics<ReadOnlyMemory<float>, int>(env);
        env = new NormalizeReward<ReadOnlyMemory<float>, int>(new NormalizeObservation<int>(env));
        var cell = new FlattenObservation<int, ReadOnlyMemory<float>>(new ClipAction<int>(new RescaleAction<int>(
            new OrderEnforcing<int, ReadOnlyMemory<float>>(new CellEnvironment()))));
        ReadOnlyMemory<float> action = new[] { 0.25f };
        // Round 0 warms up; rounds 1-3 are measured. One step allocating even one small object would show in every
        // round as 2000 x 24 bytes or more; the runtime itself may allocate a few KB once (tiered JIT, PGO), so at
        // least one measured round must be exactly 0 and none may reach the size of a per-step allocation.
        var allocated = new long[4];
        for (int round = 0; round < allocated.Length; round++)
        {
            // Seeded resets create a Random in the test environments; measure the steps after them.
            env.Reset(1);
            cell.Reset(1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 2000; t++)
            {
                if (env.Step(t % 5 == 0 ? 0 : 1).Done)
                {
                    env.Reset();
                }

                if (cell.Step(action).Done)
                {
                    cell.Reset();
                }
            }

            allocated[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long[] measured = allocated[1..];
        Assert.Equal(0, measured.Min());
        Assert.All(measured, bytes => Assert.True(bytes < 2000 * 24, $"{bytes} bytes allocated in 2000 steps"));
    }
}
