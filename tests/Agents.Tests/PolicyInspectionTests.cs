using CustomEnvironment;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Inspection;
using RLFramework.Agents.Presets;
using RLFramework.Boosting;
using RLFramework.Environments;

namespace RLFramework.Agents.Tests;

/// <summary>
/// <see cref="PolicyInspection"/>: a trained policy's ensembles, feature importance and categorical tests, named by its
/// environment's labels. The counts are checked against the trees themselves; what the corridor policy looks at is
/// checked against what the task needs (the way to the goal depends on both the cell and the sign).
/// </summary>
public class PolicyInspectionTests
{
    [Fact]
    public void A_trained_corridor_policy_splits_on_the_cell_and_on_the_sign_and_the_report_names_them()
    {
        SpaceTestEnvironments.EnsureExamplePackage();
        using var agent = AgentFactory.Create("ppo", CorridorPackage.CorridorId, seed: 3,
            AgentPresets.ParseOverrides(["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4"]));
        agent.Learn(15_000);
        using var env = EnvironmentRegistry.Make(CorridorPackage.CorridorId);
        var labels = EnvironmentLabels.Of(env);
        var report = PolicyInspection.Inspect(agent, labels);

        Assert.Equal(("ppo", CorridorPackage.CorridorId, agent.NumTimesteps, false), (report.Algorithm, report.EnvironmentId, report.Timesteps, report.ObservationsNormalized));
        var shared = Assert.Single(report.Ensembles);
        Assert.Equal("shared", shared.Name);
        Assert.Equal(["logit left", "logit right", "value"], shared.Outputs);
        Assert.Equal(agent.TreeCount, shared.Trees);
        Assert.Equal(["cell", "sign"], shared.Features.Select(f => f.Name));
        Assert.Equal([false, true], shared.Features.Select(f => f.IsCategorical));
        Assert.All(shared.Features, f => Assert.True(f.Splits > 0 && f.Gain > 0, $"{f.Name}: {f.Splits} splits"));

        // Every split is counted once: in the importance, and (for the sign) among the categorical tests.
        var booster = Assert.Single(PolicyInspection.Ensembles(agent)).Booster;
        long splits = 0, signSplits = 0;
        for (var t = 0; t < booster.TreeCount; t++)
        {
            foreach (var split in booster.GetSplits(t))
            {
                splits++;
                signSplits += split.Feature == 1 ? 1 : 0;
            }
        }
        Assert.Equal(splits, shared.Splits);
        Assert.Equal(signSplits, shared.CategoryTests.Sum(c => c.Splits));
        Assert.All(shared.CategoryTests, c => Assert.Equal($"goal at cell {c.Code}", c.Meaning));
        Assert.True(shared.CategoryTests.SequenceEqual(shared.CategoryTests.OrderByDescending(c => c.Splits)), "most frequent first");

        var dump = booster.DumpTree(booster.TreeCount - 1, PolicyInspection.Labels(agent, "shared", labels));
        Assert.Contains("logit right=", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void Separate_ensembles_are_reported_apart_and_thresholds_of_normalized_observations_return_to_the_environments_units()
    {
        using var agent = AgentFactory.Create("ppo", "CartPole-v1", seed: 1,
            AgentPresets.ParseOverrides(["shared_trees=false", "normalize_observation=true", "num_envs=2", "n_steps=64", "batch_size=64", "n_epochs=1"]));
        agent.Learn(256);
        using var env = EnvironmentRegistry.Make("CartPole-v1");
        var labels = EnvironmentLabels.Of(env);
        var report = PolicyInspection.Inspect(agent, labels);
        Assert.True(report.ObservationsNormalized);
        Assert.Equal(["actor", "critic"], report.Ensembles.Select(e => e.Name));
        Assert.Equal(["logit push left", "logit push right"], report.Ensembles[0].Outputs);
        Assert.Equal(["value"], report.Ensembles[1].Outputs);
        Assert.Empty(report.Ensembles[0].CategoryTests);

        // A threshold z of the trees is the raw value that normalizes to z.
        var threshold = PolicyInspection.Labels(agent, "actor", labels).Threshold!;
        var raw = new float[4];
        var normalized = new float[4];
        for (var f = 0; f < 4; f++)
            raw[f] = (float)threshold(f, 0.75f);
        agent.Normalizer.NormalizeObservationRows(raw, 1, normalized);
        Assert.All(normalized, z => Assert.Equal(0.75f, z, 1e-4f));
        Assert.Contains("pole angle > ", PolicyInspection.Labels(agent, "actor", labels).Describe(new TreeSplit(2, false, 0.75f)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_without_trees_or_labels_of_another_environment_are_clear_errors()
    {
        using var agent = AgentFactory.Create("ppo", "CartPole-v1", seed: 0, AgentPresets.ParseOverrides(["policy=mlp"]));
        var error = Assert.Throws<ArgumentException>(() => PolicyInspection.Ensembles(agent));
        Assert.Contains("only tree policies (GBRL) can be inspected", error.Message, StringComparison.Ordinal);

        using var trees = AgentFactory.Create("ppo", "CartPole-v1", seed: 0);
        using var pendulum = EnvironmentRegistry.Make("Pendulum-v1");
        error = Assert.Throws<ArgumentException>(() => PolicyInspection.Inspect(trees, EnvironmentLabels.Of(pendulum)));
        Assert.Contains("The labels name 3 observation elements; the policy of CartPole-v1 reads 4", error.Message, StringComparison.Ordinal);
    }
}
