using RLFramework.Agents.Buffers;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Normalization;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Rollouts;
using RLFramework.Agents.Tests.Fakes;
using RLFramework.Boosting;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

public class CollectorTests
{
    [Fact]
    public void Truncated_episodes_are_bootstrapped_from_the_final_observation_and_terminated_ones_are_not()
    {
        const double gamma = 0.9;
        using var env = new FakeVectorEnvironment([3, 3], [true, false], new Discrete(2));
        var made = new List<FakeBooster>();
        using var policy = new GbrlActorCriticPolicy(new CategoricalDistribution(2), FeatureSchema.Numerical(3), new GbrlPolicyOptions(), FakeBooster.Factory(made).Create);
        var normalizer = new VecNormalizer(2, 3, normalizeObservations: false, normalizeRewards: false, gamma);
        var episodes = new EpisodeStatistics(2);
        var collector = new RolloutCollector(env, policy, normalizer, ActionSpaceInfo.Discrete(), episodes);
        var buffer = new RolloutBuffer(4, 2, 3, 1, 3);

        collector.Collect(buffer, new RandomSource(3), gamma, 0.95);

        // Step index 2 ends both episodes (length 3).
        for (var e = 0; e < 2; e++)
        {
            var row = 2 * 2 + e;
            var action = buffer.Actions[row];
            Assert.Equal(1f, buffer.Dones[row]);
            float[] finalObservation = [3, e, 0.5f * action];
            var finalValue = new float[1];
            policy.PredictValues(finalObservation, 1, finalValue);
            var expected = e == 0 ? 1 + action + gamma * finalValue[0] : 1 + action;
            Assert.Equal(expected, buffer.Rewards[row], 5);
            // The next step starts from the reset observation.
            Assert.Equal([0f, e, 0f], buffer.Observations.AsSpan((row + 2) * 3, 3).ToArray());
        }
        for (var t = 0; t < 4; t++)
        {
            if (t != 2)
                Assert.Equal(0f, buffer.Dones[t * 2]);
        }
        Assert.Equal(2, episodes.Episodes.Count);
        Assert.All(episodes.Episodes, ep => Assert.Equal(3, ep.Length));
        var returnEnv0 = 3 + buffer.Actions[0] + buffer.Actions[2] + buffer.Actions[4];
        Assert.Equal(returnEnv0, episodes.Episodes[0].Return, 5);
        Assert.Equal(8, collector.Timesteps);
        // Stored values and outputs are the policy's at collection time.
        var outputs = new float[8 * 3];
        policy.Forward(buffer.Observations, 8, outputs);
        Assert.Equal(outputs, buffer.Outputs);
    }

    [Fact]
    public void Continuous_actions_are_clipped_for_the_environment_but_stored_unclipped()
    {
        using var env = new FakeVectorEnvironment([50], [true], new Box(-0.1f, 0.1f, 1));
        var made = new List<FakeBooster>();
        using var policy = new GbrlActorCriticPolicy(new DiagGaussianDistribution(1), FeatureSchema.Numerical(3),
            new GbrlPolicyOptions { LogStdInit = 1 }, FakeBooster.Factory(made).Create);
        var normalizer = new VecNormalizer(1, 3, false, false, 0.99);
        var collector = new RolloutCollector(env, policy, normalizer, ActionSpaceInfo.Box([-0.1f], [0.1f]), new EpisodeStatistics(1));
        var buffer = new RolloutBuffer(20, 1, 3, 1, 2);
        collector.Collect(buffer, new RandomSource(5), 0.99, 0.95);
        var outside = 0;
        for (var t = 0; t < 20; t++)
        {
            var a = buffer.Actions[t];
            outside += Math.Abs(a) > 0.1f ? 1 : 0;
            Assert.Equal(-Math.Abs(Math.Clamp(a, -0.1f, 0.1f)), buffer.Rewards[t], 5);
        }
        Assert.True(outside > 5, "with std e^1 most actions fall outside [-0.1, 0.1]");
    }

    [Fact]
    public void Refreshing_outputs_incrementally_equals_a_full_prediction()
    {
        var made = new List<FakeBooster>();
        using var policy = new GbrlActorCriticPolicy(new CategoricalDistribution(3), FeatureSchema.Numerical(2),
            new GbrlPolicyOptions { SharedTrees = false }, FakeBooster.Factory(made).Create);
        float[] observations = [0.1f, 2f, -1f, 0.5f, 3f, 3f];
        var outputs = new float[3 * 4];
        policy.Forward(observations, 3, outputs);
        var version = policy.Version;
        float[] gradients = [.. Enumerable.Range(0, 12).Select(i => (float)Math.Sin(i))];
        policy.Update(observations, gradients, 3, [], 1.0);
        policy.Update(observations, gradients, 3, [], 1.0);
        policy.RefreshOutputs(observations, 3, outputs, version);
        var expected = new float[12];
        policy.Forward(observations, 3, expected);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], outputs[i], 5);
        Assert.Equal(2, made.Count);
        Assert.Equal(2, made[0].TreeCount);
        Assert.Equal(4, policy.TreeCount);
    }

    [Fact]
    public void Agents_run_on_a_policy_of_the_callers_and_refuse_to_save_it()
    {
        var made = new List<FakeBooster>();
        IActorCriticPolicy? built = null;
        using var agent = new Algorithms.A2c(new FakeVectorEnvironment([4, 6], [true, false], new Discrete(2)), new Algorithms.A2cOptions { NumEnvs = 2, NumSteps = 4 },
            policyFactory: (distribution, features) => built = new GbrlActorCriticPolicy(distribution, features, new GbrlPolicyOptions(), FakeBooster.Factory(made).Create));
        agent.Learn(24);
        Assert.Same(built, agent.Policy);
        Assert.Equal(3, agent.Policy.Version);
        Assert.Throws<NotSupportedException>(() => agent.Save(Path.Combine(Path.GetTempPath(), "never.rlm")));

        var e = Assert.Throws<ArgumentException>(() => new Algorithms.A2c(new FakeVectorEnvironment([4], [true], new Discrete(2)), new Algorithms.A2cOptions { NumEnvs = 1 },
            policyFactory: (_, features) => new GbrlActorCriticPolicy(new CategoricalDistribution(5), features, new GbrlPolicyOptions(), FakeBooster.Factory(made).Create)));
        Assert.Contains("outputs", e.Message, StringComparison.Ordinal);
    }
}
