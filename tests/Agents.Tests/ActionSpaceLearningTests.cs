using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Inspection;
using RLFramework.Agents.Presets;
using RLFramework.Environments;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Users' environments with MultiDiscrete actions, trained by each algorithm through <see cref="AgentFactory"/>.
/// Oracle: the optimum, which every greedy episode must reach after training, against an untrained policy's far
/// lower return.
/// </summary>
public class ActionSpaceLearningTests
{
    [Theory]
    [InlineData("ppo", 6_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData("a2c", 8_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", 8_000, new[] { "train_freq=400", "gradient_steps=20", "batch_size=256" })]
    [InlineData("ppo", 20_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "policy=mlp", "mlp_lr=0.003" })]
    public void Each_algorithm_opens_the_combination_lock_with_multidiscrete_actions(string algorithm, int steps, string[] overrides)
    {
        SpaceTestEnvironments.EnsureRegistered();
        using var agent = AgentFactory.Create(algorithm, SpaceTestEnvironments.LockId, seed: 1, AgentPresets.ParseOverrides(overrides));
        using var env = AgentFactory.MakeTrainingEnvironment(SpaceTestEnvironments.LockId, 4);
        Assert.Equal(5, agent.Policy.Distribution.OutputCount);
        Assert.Equal(2, agent.Policy.Distribution.ActionSize);

        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.InRange(before.MeanReturn, 1.0, 2.4); // greedy [0, 0]: (1/3 + 1/2) / 2 x 4 = 1.67 expected

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.All(after.Returns, r => Assert.Equal(CombinationLock.Length, r));
    }

    [Theory]
    [InlineData("ppo", 6_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData("a2c", 8_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", 16_000, new[] { "train_freq=400", "gradient_steps=40", "batch_size=256", "beta=0.5" })]
    [InlineData("ppo", 20_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "policy=mlp" })]
    public void Each_algorithm_sets_the_switchboard_with_multibinary_actions_from_a_dict_observation(string algorithm, int steps, string[] overrides)
    {
        SpaceTestEnvironments.EnsureRegistered();
        using var agent = AgentFactory.Create(algorithm, SpaceTestEnvironments.SwitchboardId, seed: 1, AgentPresets.ParseOverrides(overrides));
        using var env = AgentFactory.MakeTrainingEnvironment(SpaceTestEnvironments.SwitchboardId, 4);
        Assert.Equal(4, agent.Policy.Distribution.OutputCount);
        Assert.Equal(4, agent.Policy.Distribution.ActionSize);

        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.InRange(before.MeanReturn, 1.5, 2.5); // greedy: every switch off, half of the lamps matched

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.All(after.Returns, r => Assert.Equal(Switchboard.Length, r));
    }

    [Fact]
    public void Predict_and_the_inspection_name_every_dial()
    {
        SpaceTestEnvironments.EnsureRegistered();
        using var agent = AgentFactory.Create("ppo", SpaceTestEnvironments.LockId, seed: 1,
            AgentPresets.ParseOverrides(["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4"]));
        agent.Learn(6_000);
        var actions = new float[3 * 2];
        agent.Predict([2, 1, 0, 0, 1, 1], 3, deterministic: true, actions);
        Assert.Equal([2f, 1f, 0f, 0f, 1f, 1f], actions);

        using var env = EnvironmentRegistry.Make(SpaceTestEnvironments.LockId);
        var outputs = PolicyInspection.PolicyOutputNames(agent.Policy.Distribution, EnvironmentLabels.Of(env));
        Assert.Equal(["logit action 0=0", "logit action 0=1", "logit action 0=2", "logit action 1=0", "logit action 1=1"], outputs);
    }

    [Fact]
    public void Predict_sets_every_switch_and_the_inspection_names_the_dict_features()
    {
        SpaceTestEnvironments.EnsureRegistered();
        using var agent = AgentFactory.Create("ppo", SpaceTestEnvironments.SwitchboardId, seed: 1,
            AgentPresets.ParseOverrides(["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "shared_trees=false"]));
        agent.Learn(6_000);
        var actions = new float[2 * 4];
        agent.Predict([1, 0, 0, 1, 2, 0, 1, 1, 0, 0], 2, deterministic: true, actions);
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 1f, 1f, 0f], actions);

        using var env = EnvironmentRegistry.Make(SpaceTestEnvironments.SwitchboardId);
        var report = PolicyInspection.Inspect(agent, EnvironmentLabels.Of(env));
        var actor = Assert.Single(report.Ensembles, e => e.Name == "actor");
        Assert.Equal(["logit action 0", "logit action 1", "logit action 2", "logit action 3"], actor.Outputs);
        var features = actor.Features;
        Assert.Equal(["lamps[0]", "lamps[1]", "lamps[2]", "lamps[3]", "step"], features.Select(f => f.Name));
        Assert.Equal([true, true, true, true, false], features.Select(f => f.IsCategorical));
    }
}
