using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Environment options and wrappers given to <see cref="AgentFactory"/> (gym.make(id, **kwargs) and additional wrappers): the
/// agent trains on the environment they make, keeps them in its model file, and a loaded agent makes the same environment again.
/// </summary>
public class EnvironmentSetupTests
{
    private static readonly EnvironmentSetup s_eightByEightSetup = EnvironmentSetup.Of(["map_name=8x8", "is_slippery=false"], null);

    private static readonly string[] s_eightByEight = ["map_name=8x8", "is_slippery=false"];

    [Fact]
    public void An_agent_trains_on_the_environment_its_kwargs_make_and_its_file_makes_it_again()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kwargs-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = AgentFactory.Create("ppo", "FrozenLake-v1", seed: 3, AgentPresets.ParseOverrides(["num_envs=2", "n_steps=16", "batch_size=32"]),
                environment: s_eightByEightSetup);
            Assert.Equal("Discrete(64)", agent.Environment.SingleObservationSpace.ToString());
            Assert.Equal(s_eightByEight, agent.EnvironmentSetup.Kwargs);
            agent.Learn(64);
            agent.Save(path);

            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal(s_eightByEight, loaded.EnvironmentSetup.Kwargs);
            Assert.Empty(loaded.EnvironmentSetup.Wrappers);
            Assert.Equal("Discrete(64)", loaded.Environment.SingleObservationSpace.ToString());
            using var a = AgentFactory.MakeTrainingEnvironment("FrozenLake-v1", 2, s_eightByEightSetup);
            using var b = AgentFactory.MakeTrainingEnvironment("FrozenLake-v1", 2, loaded.EnvironmentSetup);
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
        using var env = (IEnvironment<ReadOnlyMemory<float>, int>)EnvironmentSetup.Of(["max_episode_steps=5"], null).Make("CartPole-v1");
        env.Reset(0);
        for (var t = 1; t <= 5; t++)
        {
            var step = env.Step(t % 2); // alternating pushes keep the pole up for far more than 5 steps
            Assert.False(step.Terminated);
            Assert.Equal(t == 5, step.Truncated);
        }
        // The training vector: the limit and the other options reach every copy (Sutton and Barto's reward is 0 a step).
        using var vector = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2, EnvironmentSetup.Of(["max_episode_steps=5", "sutton_barto_reward=true"], null));
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
        var e = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "FrozenLake-v1", environment: EnvironmentSetup.Of([kwarg], null)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrappers_go_around_the_environment_in_order_and_a_loaded_agent_wraps_it_the_same_way()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wrappers-{Guid.NewGuid():N}.rlm");
        var setup = EnvironmentSetup.Of(["max_episode_steps=50"], ["time_aware_observation", "frame_stack_observation:stack_size=2"]);
        try
        {
            // CartPole's 4 floats, the elapsed steps appended (5), two frames stacked (10).
            using var agent = AgentFactory.Create("ppo", "CartPole-v1", seed: 2, AgentPresets.ParseOverrides(["num_envs=2", "n_steps=16", "batch_size=32"]),
                environment: setup);
            Assert.Equal(10, agent.Environment.SingleObservationSpace.FlatSize);
            agent.Learn(64);
            agent.Save(path);
            using var loaded = ActorCriticAgent.Load(path);
            Assert.Equal(setup.Kwargs, loaded.EnvironmentSetup.Kwargs);
            Assert.Equal(setup.Wrappers, loaded.EnvironmentSetup.Wrappers);
            using var a = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2, setup);
            using var b = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2, loaded.EnvironmentSetup);
            var before = agent.Evaluate(a, 4, deterministic: true, seed: 9);
            Assert.Equal(before.Returns, loaded.Evaluate(b, 4, deterministic: true, seed: 9).Returns);
            Assert.All(before.Lengths, length => Assert.True(length <= 50, $"an episode of {length} steps under a limit of 50"));

            // The last observation element is the elapsed step count of the newest frame: the oracle of the order of the wrappers.
            using var single = (IEnvironment<ReadOnlyMemory<float>, int>)setup.Make("CartPole-v1");
            single.Reset(0);
            single.Step(0);
            var observation = single.Step(1).Observation.Span;
            Assert.Equal((1f, 2f), (observation[4], observation[9]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Later_setups_add_options_that_win_and_wrappers_outside()
    {
        var saved = EnvironmentSetup.Of(["map_name=8x8"], ["time_aware_observation"]);
        var more = saved.Then(EnvironmentSetup.Of(["map_name=4x4", "is_slippery=true"], ["sticky_action:repeat_action_probability=0.5"]));
        Assert.Equal(["map_name=8x8", "map_name=4x4", "is_slippery=true"], more.Kwargs);
        Assert.Equal(["time_aware_observation", "sticky_action:repeat_action_probability=0.5"], more.Wrappers);
        Assert.Same(saved, saved.Then(EnvironmentSetup.Default));
        Assert.True(EnvironmentSetup.Of(null, []).IsDefault);
    }

    [Fact]
    public void A_bad_wrapper_is_an_error_that_names_it_before_training()
    {
        var e = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "CartPole-v1", environment: EnvironmentSetup.Of(null, ["frame_stack"])));
        Assert.Contains("frame_stack_observation", e.Message, StringComparison.Ordinal); // the known names are listed
        e = Assert.Throws<ArgumentException>(() => AgentFactory.Create("ppo", "CartPole-v1", environment: EnvironmentSetup.Of(null, ["filter_observation:keys=a"])));
        Assert.Contains("filter_observation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_environment_options_are_no_longer_accepted_is_an_error_naming_the_file_and_the_options()
    {
        // A package of one's own that dropped an option after the model was trained with it.
        const string id = "Test-DroppedOption-v0";
        SpaceTestEnvironments.EnsureRegistered(id, () => EnvironmentRegistry.Register(new EnvironmentSpec(id, 20, null, new Dictionary<string, object?>()),
            options =>
            {
                options.ThrowIfUnknown(id, s_acceptsLevel ? ["level"] : []);
                return new CustomEnvironment.SignpostCorridor();
            }));
        var path = Path.Combine(Path.GetTempPath(), $"dropped-{Guid.NewGuid():N}.rlm");
        try
        {
            s_acceptsLevel = true;
            using (var agent = AgentFactory.Create("ppo", id, seed: 0, AgentPresets.ParseOverrides(["num_envs=1", "n_steps=16", "batch_size=16"]),
                environment: EnvironmentSetup.Of(["level=2"], null)))
            {
                agent.Save(path);
            }
            s_acceptsLevel = false;
            var e = Assert.Throws<ArgumentException>(() => ActorCriticAgent.Load(path));
            Assert.Contains($"'{path}' was trained on '{id}' made with --env-kwargs [level=2] and --env-wrapper [], which cannot be made now", e.Message, StringComparison.Ordinal);
            Assert.Contains("does not accept the option level", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            s_acceptsLevel = true;
            File.Delete(path);
        }
    }

    private static volatile bool s_acceptsLevel = true;
}
