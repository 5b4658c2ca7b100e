using CustomEnvironment;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Agents.Tests;

/// <summary>
/// A user's own environment (examples/CustomEnvironment: a corridor whose categorical sign names the goal cell),
/// registered by its package and trained by each algorithm through <see cref="AgentFactory"/>. The oracle is the
/// environment's optimum: every greedy episode must reach the goal, which an untrained policy does in only half of
/// them. A greedy episode that reaches the goal went straight there: a deterministic policy that turns back revisits
/// a state and loops until the time limit, with return 0.
/// </summary>
public class OwnEnvironmentLearningTests
{
    [Theory]
    [InlineData("ppo", 15_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData("a2c", 20_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", 20_000, new[] { "train_freq=500", "gradient_steps=20", "batch_size=256" })]
    public void Each_algorithm_finds_the_goal_of_a_registered_user_environment(string algorithm, int steps, string[] overrides)
    {
        SpaceTestEnvironments.EnsureExamplePackage();
        using var agent = AgentFactory.Create(algorithm, CorridorPackage.CorridorId, seed: 3, AgentPresets.ParseOverrides(overrides));
        using var env = AgentFactory.MakeTrainingEnvironment(CorridorPackage.CorridorId, 4);

        // Untrained, every logit is equal and the greedy action is 0 (left): only goals left of the start are met.
        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.InRange(before.MeanReturn, 0.2, 0.8);

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.All(after.Returns, r => Assert.Equal(1.0, r));
    }

    [Theory]
    [InlineData(Fault.NaNObservation, "Environment 2 returned an observation whose element 0 is NaN from Step after 12 environment steps")]
    [InlineData(Fault.InfiniteReward, "Environment 2 returned the reward Infinity after 12 environment steps")]
    public void A_nan_observation_or_infinite_reward_stops_training_with_an_error_naming_it(Fault fault, string message)
    {
        string id = $"Test-FaultyCorridor{fault}-v0";
        int made = 0;
        SpaceTestEnvironments.EnsureRegistered(id, () => EnvironmentRegistry.Register(
            new EnvironmentSpec(id, 20, null, new Dictionary<string, object?>()),
            _ => new Faulty(new SignpostCorridor(), made++ == 2 ? fault : Fault.None)));
        using var agent = AgentFactory.Create("ppo", id, seed: 0, AgentPresets.ParseOverrides(["num_envs=4", "n_steps=8", "batch_size=32"]));
        var error = Assert.Throws<InvalidOperationException>(() => agent.Learn(32));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A bug to plant in the third environment of a vector.</summary>
    public enum Fault
    {
        None,
        NaNObservation,
        InfiniteReward,
    }

    /// <summary>Returns <paramref name="fault"/> from its third step.</summary>
    private sealed class Faulty(IEnvironment<ReadOnlyMemory<float>, int> inner, Fault fault) : EnvironmentWrapper<ReadOnlyMemory<float>, int>(inner)
    {
        private readonly float[] _observation = new float[2];
        private int _steps;

        public override StepResult<ReadOnlyMemory<float>> Step(int action)
        {
            var result = base.Step(action);
            if (++_steps != 3 || fault == Fault.None)
                return result;
            result.Observation.Span.CopyTo(_observation);
            if (fault == Fault.NaNObservation)
                _observation[0] = float.NaN;
            return result with
            {
                Observation = _observation,
                Reward = fault == Fault.InfiniteReward ? double.PositiveInfinity : result.Reward,
            };
        }
    }
}
