using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Inspection;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Checking;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Users' environments with MultiDiscrete and MultiBinary actions, trained by each algorithm through <see cref="AgentFactory"/>.
/// Oracle: the optimum, which every greedy episode must reach after training, against an untrained policy's far
/// lower return.
/// </summary>
public class ActionSpaceLearningTests
{
    // Lock: MultiDiscrete([3, 2]) actions, 5 logits; an untrained greedy policy sets [0, 0]: (1/3 + 1/2) / 2 x 4 = 1.67 expected.
    // Switchboard: MultiBinary(4) actions from a DictSpace observation, 4 logits; untrained, every switch stays off and half of
    // the lamps match: 2 expected. Both have 4 steps an episode, each worth at most 1.
    [Theory]
    [InlineData(SpaceTestEnvironments.LockId, 5, 2, 1.0, 2.4, "ppo", 6_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData(SpaceTestEnvironments.LockId, 5, 2, 1.0, 2.4, "a2c", 8_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData(SpaceTestEnvironments.LockId, 5, 2, 1.0, 2.4, "awr", 8_000, new[] { "train_freq=400", "gradient_steps=20", "batch_size=256" })]
    [InlineData(SpaceTestEnvironments.LockId, 5, 2, 1.0, 2.4, "ppo", 20_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "policy=mlp", "mlp_lr=0.003" })]
    [InlineData(SpaceTestEnvironments.SwitchboardId, 4, 4, 1.5, 2.5, "ppo", 6_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData(SpaceTestEnvironments.SwitchboardId, 4, 4, 1.5, 2.5, "a2c", 8_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData(SpaceTestEnvironments.SwitchboardId, 4, 4, 1.5, 2.5, "awr", 16_000, new[] { "train_freq=400", "gradient_steps=40", "batch_size=256", "beta=0.5" })]
    [InlineData(SpaceTestEnvironments.SwitchboardId, 4, 4, 1.5, 2.5, "ppo", 20_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4", "policy=mlp" })]
    public void Each_algorithm_reaches_the_optimum_with_multidiscrete_and_multibinary_actions(string id, int outputs, int actionSize,
        double untrainedLow, double untrainedHigh, string algorithm, int steps, string[] overrides)
    {
        SpaceTestEnvironments.EnsureRegistered();
        using var agent = AgentFactory.Create(algorithm, id, seed: 1, AgentPresets.ParseOverrides(overrides));
        using var env = AgentFactory.MakeTrainingEnvironment(id, 4);
        Assert.Equal((outputs, actionSize), (agent.Policy.Distribution.OutputCount, agent.Policy.Distribution.ActionSize));

        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.InRange(before.MeanReturn, untrainedLow, untrainedHigh);

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.All(after.Returns, r => Assert.Equal(4.0, r));
    }

    [Fact]
    public void The_environment_checker_passes_the_users_environments_with_these_spaces()
    {
        // Sampled MultiDiscrete and MultiBinary actions, DictSpace and MultiDiscrete observations, rendering: every check passes
        // on the registry's environments (the registry adds the order checks and the time limit).
        SpaceTestEnvironments.EnsureRegistered();
        SpaceTestEnvironments.EnsureExamplePackage();
        foreach (var id in new[] { SpaceTestEnvironments.LockId, SpaceTestEnvironments.SwitchboardId, CustomEnvironment.CorridorPackage.ThermostatsId })
        {
            using var env = EnvironmentRegistry.Make(id);
            var report = EnvironmentChecker.Check(env, seed: 3);
            Assert.True(report.IsValid, report.ToString());
        }
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
