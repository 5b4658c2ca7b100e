using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Environment options given to <see cref="AgentFactory"/> (gym.make(id, **kwargs)): the agent trains on the environment
/// they make, keeps them in its model file, and a loaded agent makes the same environment again.
/// </summary>
public class EnvironmentKwargsTests
{
    private static readonly string[] s_eightByEight = ["map_name=8x8", "is_slippery=false"];

    [Fact]
    public void An_agent_trains_on_the_environment_its_kwargs_make_and_its_file_makes_it_again()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kwargs-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = AgentFactory.Create("ppo", "FrozenLake-v1", seed: 3, AgentPresets.ParseOverrides(["num_envs=2", "n_steps=16", "batch_size=32"]),
                environmentKwargs: s_eightByEight);
            Assert.Equal("Discrete(64)", agent.Environment.SingleObservationSpace.ToString());
            Assert.Equal(s_eightByEight, agent.EnvironmentKwargs);
            agent.Learn(64);
            agent.Save(path);

            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal(s_eightByEight, loaded.EnvironmentKwargs);
            Assert.Equal("Discrete(64)", loaded.Environment.SingleObservationSpace.ToString());
            using var a = AgentFactory.MakeTrainingEnvironment("FrozenLake-v1", 2, s_eightByEight);
            using var b = AgentFactory.MakeTrainingEnvironment("FrozenLake-v1", 2, loaded.EnvironmentKwargs);
            Assert.Equal(agent.Evaluate(a, 6, deterministic: false, seed: 4).Returns, loaded.Evaluate(b, 6, deterministic: false, seed: 4).Returns);

            // Without the kwargs the environment is the 4x4 map, which the agent cannot act in.
            using var plain = AgentFactory.MakeTrainingEnvironment("FrozenLake-v1", 1);
            Assert.Contains("differ from the agent's", Assert.Throws<ArgumentException>(() => loaded.Evaluate(plain, 1)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Max_episode_steps_replaces_the_time_limit_as_in_gym_make()
    {
        using var env = (IEnvironment<ReadOnlyMemory<float>, int>)AgentFactory.MakeEnvironment("CartPole-v1", ["max_episode_steps=5"]);
        env.Reset(0);
        for (var t = 1; t <= 5; t++)
        {
            var step = env.Step(t % 2); // alternating pushes keep the pole up for far more than 5 steps
            Assert.False(step.Terminated);
            Assert.Equal(t == 5, step.Truncated);
        }
        // The training vector: the limit and the other options reach every copy (Sutton and Barto's reward is 0 a step).
        using var vector = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2, ["max_episode_steps=5", "sutton_barto_reward=true"]);
        var results = Environments.Vector.VectorStepBuffers.For(vector);
        vector.Reset(0, new float[8]);
        for (var t = 1; t <= 5; t++)
        {
            vector.Step([t % 2, t % 2], results);
            Assert.Equal([t == 5, t == 5], results.Truncated.ToArray());
            Assert.Equal([0.0, 0.0], results.Rewards.ToArray());
        }
    }

    [Theory]
    [InlineData("map_nam=8x8", "FrozenLake-v1 does not accept the option map_nam; accepted options: desc, map_name, is_slippery")]
    [InlineData("8x8", "Environment option \"8x8\" is not of the form key=value.")]
    [InlineData("max_episode_steps=0", "max_episode_steps (the time limit) must be a whole number of at least 1, got '0'")]
    [InlineData("max_episode_steps=ten", "max_episode_steps (the time limit) must be a whole number of at least 1, got 'ten'")]
    public void A_bad_kwarg_is_an_error_that_names_it_before_training(string kwarg, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "FrozenLake-v1", environmentKwargs: [kwarg]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
