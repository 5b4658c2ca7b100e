using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

public class VectorTests
{
    private static IEnvironment[] Walkers(int n) =>
        Enumerable.Range(0, n).Select(_ => (IEnvironment)new TimeLimit<ReadOnlyMemory<float>, int>(new WalkerEnvironment(bound: 2), 4)).ToArray();

    private static IEnvironment[] Cells(int n) =>
        Enumerable.Range(0, n).Select(_ => (IEnvironment)new TimeLimit<int, ReadOnlyMemory<float>>(new CellEnvironment(), 3)).ToArray();

    private static int Action(int step, int env) => ((step * 7) + (env * 3)) % 5 < 3 ? 1 : 0;

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Autoreset_matches_stepping_single_environments_by_hand(AutoresetMode mode)
    {
        const int n = 3;
        using var vector = new SyncVectorEnvironment(Walkers(n), mode);
        var reference = Enumerable.Range(0, n).Select(_ => new TimeLimit<ReadOnlyMemory<float>, int>(new WalkerEnvironment(bound: 2), 4)).ToArray();
        var observations = new float[n * 2];
        vector.Reset(100, observations);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(reference[i].Reset(100 + i).Observation.ToArray(), observations.AsSpan(i * 2, 2).ToArray());
        }

        var results = VectorStepBuffers.For(vector);
        var pendingReset = new bool[n];
        int episodesEnded = 0;
        for (int t = 0; t < 60; t++)
        {
            var actions = new int[n];
            for (int i = 0; i < n; i++)
            {
                actions[i] = Action(t, i);
            }

            vector.Step(actions, results);
            for (int i = 0; i < n; i++)
            {
                if (pendingReset[i])
                {
                    // NextStep: the action is ignored, the environment resets, reward 0, no flags.
                    pendingReset[i] = false;
                    Assert.Equal(reference[i].Reset().Observation.ToArray(), results.Observation(i).ToArray());
                    Assert.Equal(0.0, results.Rewards[i]);
                    Assert.False(results.Terminated[i] || results.Truncated[i] || results.HasFinalObservation[i]);
                    continue;
                }

                var step = reference[i].Step(actions[i]);
                Assert.Equal(step.Reward, results.Rewards[i]);
                Assert.Equal(step.Terminated, results.Terminated[i]);
                Assert.Equal(step.Truncated, results.Truncated[i]);
                Assert.Equal(step.Done, results.HasFinalObservation[i]);
                if (!step.Done)
                {
                    Assert.Equal(step.Observation.ToArray(), results.Observation(i).ToArray());
                    continue;
                }

                episodesEnded++;
                Assert.Equal(step.Observation.ToArray(), results.FinalObservation(i).ToArray());
                if (mode == AutoresetMode.SameStep)
                {
                    Assert.Equal(reference[i].Reset().Observation.ToArray(), results.Observation(i).ToArray());
                }
                else
                {
                    Assert.Equal(step.Observation.ToArray(), results.Observation(i).ToArray());
                    pendingReset[i] = true;
                }
            }
        }

        Assert.True(episodesEnded > 10);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep, 3)]
    [InlineData(AutoresetMode.SameStep, 2)]
    [InlineData(AutoresetMode.SameStep, 7)]
    public void Threaded_equals_sync_bit_for_bit_with_discrete_actions(AutoresetMode mode, int threads)
    {
        const int n = 7;
        using var sync = new SyncVectorEnvironment(Walkers(n), mode);
        using var threaded = new ThreadedVectorEnvironment(Walkers(n), mode, threads);
        Assert.Equal(threads, threaded.NumThreads);
        var a = new float[n * 2];
        var b = new float[n * 2];
        sync.Reset(5, a);
        threaded.Reset(5, b);
        Assert.Equal(a, b);
        var ra = VectorStepBuffers.For(sync);
        var rb = VectorStepBuffers.For(threaded);
        var actions = new int[n];
        for (int t = 0; t < 100; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[i] = Action(t, i);
            }

            sync.Step(actions, ra);
            threaded.Step(actions, rb);
            AssertSame(ra, rb);
        }
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Threaded_equals_sync_with_discrete_observations_and_continuous_actions(AutoresetMode mode)
    {
        const int n = 5;
        using var sync = new SyncVectorEnvironment(Cells(n), mode);
        using var threaded = new ThreadedVectorEnvironment(Cells(n), mode, 2);
        Assert.Equal(1, sync.ObservationSize);
        Assert.Equal(1, sync.ActionSize);
        Assert.False(sync.HasDiscreteActions);
        var a = new float[n];
        var b = new float[n];
        sync.Reset(1, a);
        threaded.Reset(1, b);
        Assert.Equal(a, b);
        var ra = VectorStepBuffers.For(sync);
        var rb = VectorStepBuffers.For(threaded);
        var actions = new float[n];
        for (int t = 0; t < 50; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[i] = ((t + i) % 4) - 1.5f;
            }

            sync.Step(actions, ra);
            threaded.Step(actions, rb);
            AssertSame(ra, rb);
        }
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void MultiDiscrete_actions_reach_each_environment_as_its_own_int_vector(AutoresetMode mode)
    {
        const int n = 3;
        using var sync = new SyncVectorEnvironment([new ChordEnvironment(), new ChordEnvironment(), new ChordEnvironment()], mode);
        using var threaded = new ThreadedVectorEnvironment([new ChordEnvironment(), new ChordEnvironment(), new ChordEnvironment()], mode, 2);
        Assert.True(sync.HasDiscreteActions);
        Assert.Equal(2, sync.ActionSize);
        var observations = new float[n * 3];
        sync.Reset(0, observations);
        threaded.Reset(0, new float[n * 3]);
        var rs = VectorStepBuffers.For(sync);
        var rt = VectorStepBuffers.For(threaded);
        var actions = new int[n * 2];
        for (int t = 0; t < 12; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[2 * i] = (t + i) % 3;
                actions[(2 * i) + 1] = (t * i) % 2;
            }

            sync.Step(actions, rs);
            threaded.Step(actions, rt);
            AssertSame(rs, rt);
            for (int i = 0; i < n; i++)
            {
                // Each environment sees its own pair; in NextStep mode the step after an episode's end only resets it.
                bool resetOnly = mode == AutoresetMode.NextStep && t % 5 == 4;
                var expected = resetOnly ? 0.0 : (10 * actions[2 * i]) + actions[(2 * i) + 1];
                Assert.Equal(expected, rs.Rewards[i]);
                if (!resetOnly && mode == AutoresetMode.NextStep)
                {
                    Assert.Equal(actions[2 * i], rs.Observation(i)[0]);
                    Assert.Equal(actions[(2 * i) + 1], rs.Observation(i)[1]);
                }
            }
        }

        Assert.Contains("actions has 3 values; expected 6", Assert.Throws<ArgumentException>(() => sync.Step(new int[3], rs)).Message, StringComparison.Ordinal);
        Assert.Contains("2 ints per environment", Assert.Throws<InvalidOperationException>(() => sync.Step(new float[6], rs)).Message, StringComparison.Ordinal);
        sync.Reset(0, observations);
        Assert.Contains("[0, 2] is not in MultiDiscrete([3, 2])", Assert.Throws<ArgumentOutOfRangeException>(() => sync.Step([0, 0, 0, 2, 1, 1], rs)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_allocate_nothing_on_the_calling_thread()
    {
        using var sync = new SyncVectorEnvironment(Walkers(4), AutoresetMode.SameStep);
        using var threaded = new ThreadedVectorEnvironment(Walkers(4), AutoresetMode.NextStep, 2);
        using var stats = new VectorNormalizeReward(new VectorNormalizeObservation(new VectorRecordEpisodeStatistics(
            new SyncVectorEnvironment(Walkers(4), AutoresetMode.NextStep))));
        var obs = new float[8];
        var actions = new int[] { 1, 0, 1, 1 };
        foreach (IVectorEnvironment env in new IVectorEnvironment[] { sync, threaded, stats })
        {
            env.Reset(0, obs);
            var results = VectorStepBuffers.For(env);
            Assert.Equal(0, Allocations.Least(() =>
            {
                for (int t = 0; t < 1000; t++)
                {
                    env.Step(actions, results);
                }
            }));
        }
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        using var env = new SyncVectorEnvironment(Walkers(2));
        var results = VectorStepBuffers.For(env);
        env.Reset(0, new float[4]);
        Assert.Contains("actions has 3 values; expected 2", Assert.Throws<ArgumentException>(() => env.Step(new int[3], results)).Message, StringComparison.Ordinal);
        Assert.Contains("discrete actions", Assert.Throws<InvalidOperationException>(() => env.Step(new float[2], results)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => env.Step(new int[2], new VectorStepBuffers(3, 2)));
        Assert.Throws<ArgumentException>(() => env.Reset(0, new float[3]));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnvironment([new WalkerEnvironment(), new CellEnvironment()]));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnvironment([]));
    }

    [Fact]
    public void Worker_exceptions_reach_the_caller()
    {
        using var env = new ThreadedVectorEnvironment(Walkers(4), AutoresetMode.NextStep, 4);
        var results = VectorStepBuffers.For(env);
        env.Reset(0, new float[8]);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([0, 1, 0, 9], results));
        env.Reset(0, new float[8]);
        env.Step([0, 1, 0, 1], results);
    }

    [Fact]
    public void Make_builds_sync_and_threaded_from_the_registry()
    {
        RegistryTests.EnsureTestIds();
        using var sync = VectorEnvironment.Make("TestWalker-v0", 3);
        using var threaded = VectorEnvironment.Make("TestWalker-v0", 3, new VectorOptions
        {
            Mode = VectorMode.Threaded,
            AutoresetMode = AutoresetMode.SameStep,
            EnvironmentOptions = EnvironmentOptions.Empty.With("bound", 50),
            MaxEpisodeSteps = 2,
        });
        Assert.IsType<SyncVectorEnvironment>(sync);
        Assert.Equal(AutoresetMode.SameStep, threaded.AutoresetMode);
        Assert.Equal(50, ((WalkerEnvironment)Assert.IsType<ThreadedVectorEnvironment>(threaded).GetEnvironment(0).Unwrapped()).Bound);
        var results = VectorStepBuffers.For(threaded);
        threaded.Reset(0, new float[6]);
        threaded.Step([1, 1, 1], results);
        threaded.Step([1, 1, 1], results);
        Assert.True(results.Truncated[0] && results.HasFinalObservation[2]);
        Assert.Throws<ArgumentException>(() => VectorEnvironment.Make("TestWalker-v0", 2, new VectorOptions { NumThreads = 0 }));
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void RecordEpisodeStatistics_reports_raw_returns_of_finished_episodes(AutoresetMode mode)
    {
        const int n = 3;
        using var env = new VectorRecordEpisodeStatistics(new SyncVectorEnvironment(Walkers(n), mode), bufferLength: 1000);
        env.Reset(9, new float[n * 2]);
        var results = VectorStepBuffers.For(env);
        var returns = new double[n];
        var lengths = new int[n];
        var skip = new bool[n];
        var finished = new List<double>();
        for (int t = 0; t < 80; t++)
        {
            var actions = new int[n];
            for (int i = 0; i < n; i++)
            {
                actions[i] = Action(t, i);
            }

            env.Step(actions, results);
            for (int i = 0; i < n; i++)
            {
                if (skip[i])
                {
                    skip[i] = false;
                    Assert.False(env.EpisodeEnded[i]);
                    continue;
                }

                returns[i] += results.Rewards[i];
                lengths[i]++;
                bool done = results.Terminated[i] || results.Truncated[i];
                Assert.Equal(done, env.EpisodeEnded[i]);
                if (done)
                {
                    Assert.Equal(returns[i], env.EpisodeReturns[i], 1e-12);
                    Assert.Equal(lengths[i], env.EpisodeLengths[i]);
                    finished.Add(returns[i]);
                    returns[i] = 0;
                    lengths[i] = 0;
                    skip[i] = mode == AutoresetMode.NextStep;
                }
            }
        }

        Assert.Equal(finished.Count, env.EpisodeCount);
        var recent = new double[finished.Count];
        Assert.Equal(finished.Count, env.CopyRecentReturns(recent));
        Assert.Equal(finished.ToArray(), recent);
        Assert.Equal(finished.Average(), env.RecentMeanReturn, 1e-9);
    }

    [Fact]
    public void VectorNormalizeReward_matches_the_pooled_closed_form()
    {
        const int n = 3;
        const double gamma = 0.95;
        using var raw = new SyncVectorEnvironment(Walkers(n), AutoresetMode.SameStep);
        using var env = new VectorNormalizeReward(new SyncVectorEnvironment(Walkers(n), AutoresetMode.SameStep), gamma);
        raw.Reset(3, new float[n * 2]);
        env.Reset(3, new float[n * 2]);
        var rr = VectorStepBuffers.For(raw);
        var re = VectorStepBuffers.For(env);
        var g = new double[n];
        var seen = new List<double>();
        for (int t = 0; t < 40; t++)
        {
            var actions = new int[n];
            for (int i = 0; i < n; i++)
            {
                actions[i] = Action(t, i);
            }

            raw.Step(actions, rr);
            env.Step(actions, re);
            for (int i = 0; i < n; i++)
            {
                g[i] = (g[i] * gamma * (rr.Terminated[i] ? 0 : 1)) + rr.Rewards[i];
                seen.Add(g[i]);
            }

            var (_, variance) = WrappersTests.PooledWithPrior(seen);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(rr.Rewards[i] / Math.Sqrt(variance + 1e-8), re.Rewards[i], 1e-10);
            }
        }

        var state = env.Statistics.GetState();
        env.UpdateRunningMean = false;
        env.Step(new int[n], re);
        Assert.Equal(state.Count, env.Statistics.Count);
        Assert.Same(env, env.Find<VectorNormalizeReward>());
        Assert.IsType<SyncVectorEnvironment>(env.Find<VectorEnvironmentBase>());
        Assert.Null(env.Find<VectorNormalizeObservation>());
    }

    [Fact]
    public void VectorNormalizeObservation_normalizes_observations_and_final_observations()
    {
        const int n = 2;
        using var raw = new SyncVectorEnvironment(Walkers(n), AutoresetMode.SameStep);
        using var env = new VectorNormalizeObservation(new SyncVectorEnvironment(Walkers(n), AutoresetMode.SameStep));
        var ro = new float[n * 2];
        var eo = new float[n * 2];
        raw.Reset(8, ro);
        env.Reset(8, eo);
        var rr = VectorStepBuffers.For(raw);
        var re = VectorStepBuffers.For(env);
        bool sawFinal = false;
        for (int t = 0; t < 30; t++)
        {
            int[] actions = [Action(t, 0), Action(t, 1)];
            raw.Step(actions, rr);
            env.Step(actions, re);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double scale = Math.Sqrt(env.Statistics.Variance[j] + 1e-8);
                    Assert.Equal((float)((rr.Observation(i)[j] - env.Statistics.Mean[j]) / scale), re.Observation(i)[j]);
                    if (rr.HasFinalObservation[i])
                    {
                        sawFinal = true;
                        Assert.Equal((float)((rr.FinalObservation(i)[j] - env.Statistics.Mean[j]) / scale), re.FinalObservation(i)[j]);
                    }
                }
            }
        }

        Assert.True(sawFinal);
        Assert.Equal(1e-4 + (31 * n), env.Statistics.Count, 1e-9);
    }

    private static void AssertSame(VectorStepBuffers a, VectorStepBuffers b)
    {
        Assert.Equal(a.Observations.ToArray(), b.Observations.ToArray());
        Assert.Equal(a.Rewards.ToArray(), b.Rewards.ToArray());
        Assert.Equal(a.Terminated.ToArray(), b.Terminated.ToArray());
        Assert.Equal(a.Truncated.ToArray(), b.Truncated.ToArray());
        Assert.Equal(a.HasFinalObservation.ToArray(), b.HasFinalObservation.ToArray());
        for (int i = 0; i < a.NumEnvs; i++)
        {
            if (a.HasFinalObservation[i])
            {
                Assert.Equal(a.FinalObservation(i).ToArray(), b.FinalObservation(i).ToArray());
            }
        }
    }
}
