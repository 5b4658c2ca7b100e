using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The fused fast paths (OrderEnforcing &gt; TimeLimit &gt; CartPole stepped without the layers' interface
/// calls, and the vector environments' flat CartPole step) against the bare environment's public Step
/// with the time limit and the order contract applied by hand: same bits, same flags, same errors.
/// </summary>
public class FusedStepTests
{
    private const int Limit = 12;

    private static int Action(int t) => (t + (t / 3)) % 2;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Registry_chain_matches_the_bare_environment_bit_for_bit(bool suttonBarto)
    {
        var options = new CartPoleOptions { SuttonBartoReward = suttonBarto };
        var made = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1", EnvironmentOptions.FromPairs(("sutton_barto_reward", suttonBarto)), Limit);
        var timeLimitOnly = new TimeLimit<ReadOnlyMemory<float>, int>(new CartPoleEnvironment(options), Limit);
        var bare = new CartPoleEnvironment(options);
        int truncations = 0;
        int terminations = 0;
        for (int episode = 0; episode < 40; episode++)
        {
            var start = made.Reset(episode).Observation.ToArray();
            timeLimitOnly.Reset(episode);
            bare.Reset(episode);
            double[] state = ((CartPoleEnvironment)made.Unwrapped()).GetState();
            ((CartPoleEnvironment)timeLimitOnly.Unwrapped()).SetState(state);
            bare.SetState(state);
            Assert.Equal(bare.CurrentObservation(), start);
            for (int t = 0; ; t++)
            {
                var expected = bare.Step(Action(t + episode));
                bool truncated = t + 1 >= Limit;
                foreach (var env in new[] { made, timeLimitOnly })
                {
                    var got = env.Step(Action(t + episode));
                    Assert.Equal(expected.Observation.ToArray(), got.Observation.ToArray());
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Reward), BitConverter.DoubleToInt64Bits(got.Reward));
                    Assert.Equal(expected.Terminated, got.Terminated);
                    Assert.Equal(truncated, got.Truncated);
                    Assert.Equal(expected.Info, got.Info);
                }

                Assert.Equal(t + 1, made.Find<TimeLimit<ReadOnlyMemory<float>, int>>()!.ElapsedSteps);
                Assert.Equal(bare.GetState(), ((CartPoleEnvironment)made.Unwrapped()).GetState());
                if (expected.Terminated || truncated)
                {
                    terminations += expected.Terminated ? 1 : 0;
                    truncations += truncated ? 1 : 0;
                    break;
                }
            }

            // The order contract still holds on the fused path.
            var error = Assert.Throws<InvalidOperationException>(() => made.Step(0));
            Assert.Contains("after the episode ended", error.Message);
        }

        Assert.True(truncations > 0 && terminations > 0, $"{truncations} truncations, {terminations} terminations");
        var fresh = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1");
        Assert.Contains("before Reset", Assert.Throws<InvalidOperationException>(() => fresh.Step(0)).Message);
        fresh.Reset(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => fresh.Step(2));
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Vector_flat_step_matches_single_registry_environments(AutoresetMode mode)
    {
        const int n = 5;
        using var vector = VectorEnvironment.Make("CartPole-v1", n, new VectorOptions { AutoresetMode = mode, MaxEpisodeSteps = Limit });
        var reference = new IEnvironment<ReadOnlyMemory<float>, int>[n];
        var observations = new float[n * 4];
        vector.Reset(7, observations);
        for (int i = 0; i < n; i++)
        {
            reference[i] = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1", null, Limit);
            Assert.Equal(reference[i].Reset(7 + i).Observation.ToArray(), observations.AsSpan(i * 4, 4).ToArray());
        }

        var results = VectorStepBuffers.For(vector);
        var pending = new bool[n];
        var actions = new int[n];
        int ended = 0;
        for (int t = 0; t < 200; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[i] = Action(t + (3 * i));
            }

            vector.Step(actions, results);
            for (int i = 0; i < n; i++)
            {
                if (pending[i])
                {
                    pending[i] = false;
                    Assert.Equal(reference[i].Reset().Observation.ToArray(), results.Observation(i).ToArray());
                    Assert.False(results.Terminated[i] || results.Truncated[i] || results.HasFinalObservation[i]);
                    continue;
                }

                var step = reference[i].Step(actions[i]);
                Assert.Equal(BitConverter.DoubleToInt64Bits(step.Reward), BitConverter.DoubleToInt64Bits(results.Rewards[i]));
                Assert.Equal(step.Terminated, results.Terminated[i]);
                Assert.Equal(step.Truncated, results.Truncated[i]);
                if (!step.Done)
                {
                    Assert.Equal(step.Observation.ToArray(), results.Observation(i).ToArray());
                    continue;
                }

                ended++;
                Assert.Equal(step.Observation.ToArray(), results.FinalObservation(i).ToArray());
                if (mode == AutoresetMode.SameStep)
                {
                    Assert.Equal(reference[i].Reset().Observation.ToArray(), results.Observation(i).ToArray());
                }
                else
                {
                    pending[i] = true;
                }
            }
        }

        Assert.True(ended > 20, $"{ended} episodes ended");
    }
}
