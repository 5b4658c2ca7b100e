using System.Globalization;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Policies;
using RLFramework.Boosting;
using RLFramework.Environments;

namespace RLFramework.Agents.Inspection;

/// <summary>How much one feature's splits contributed to an ensemble.</summary>
/// <param name="Feature">The feature's index in the flat observation.</param>
/// <param name="Name">Its name (<see cref="IEnvironmentLabels.FeatureName"/>, or <c>obs[i]</c>).</param>
/// <param name="IsCategorical">Whether the trees test it by equality.</param>
/// <param name="Splits">Splits on it over all trees (an oblivious level counts once).</param>
/// <param name="Gain">Sum over those splits of the split score gain (the booster's <see cref="FeatureImportance"/>).</param>
public sealed record FeatureUse(int Feature, string Name, bool IsCategorical, long Splits, double Gain);

/// <summary>How often the trees test one categorical code: <c>x[Feature] == Code</c>.</summary>
/// <param name="Feature">The feature's index.</param>
/// <param name="Name">The feature's name.</param>
/// <param name="Code">The code tested.</param>
/// <param name="Meaning">What the code means (<see cref="IEnvironmentLabels.ValueName"/>), or null.</param>
/// <param name="Splits">Splits with this test over all trees.</param>
public sealed record CategoryTest(int Feature, string Name, float Code, string? Meaning, long Splits);

/// <summary>One tree ensemble of a policy.</summary>
/// <param name="Name">"shared" (policy and value in every leaf), "actor" or "critic".</param>
/// <param name="Outputs">What each output of a leaf is, e.g. "logit left", "value".</param>
/// <param name="Trees">Number of trees.</param>
/// <param name="Splits">Number of splits over all trees.</param>
/// <param name="Features">Every feature, in observation order.</param>
/// <param name="CategoryTests">Every categorical test that occurs, most frequent first (ties: by feature, then code).</param>
public sealed record EnsembleReport(string Name, IReadOnlyList<string> Outputs, int Trees, long Splits,
    IReadOnlyList<FeatureUse> Features, IReadOnlyList<CategoryTest> CategoryTests);

/// <summary>What a trained tree policy looks at.</summary>
/// <param name="Algorithm">ppo, a2c or awr.</param>
/// <param name="EnvironmentId">The environment it was trained on.</param>
/// <param name="Timesteps">Environment steps it was trained for.</param>
/// <param name="ObservationsNormalized">Whether the trees see normalized observations (then <see cref="TreeLabels.Threshold"/> of
/// <see cref="PolicyInspection.Labels"/> converts thresholds back to the environment's units).</param>
/// <param name="Ensembles">Its ensembles (one when the trees are shared).</param>
public sealed record PolicyReport(string Algorithm, string EnvironmentId, long Timesteps, bool ObservationsNormalized, IReadOnlyList<EnsembleReport> Ensembles);

/// <summary>
/// Reads a trained GBRL policy (LightGBM's feature_importance and dump_model, named by the environment's labels):
/// which features its trees split on, how much each split gained, which categorical codes they test, and any tree as text.
/// </summary>
public static class PolicyInspection
{
    /// <summary>The ensembles of <paramref name="agent"/>'s policy by name; an error for a policy that has no trees.</summary>
    public static IReadOnlyList<(string Name, IInspectableBooster Booster)> Ensembles(ActorCriticAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Policy is not GbrlActorCriticPolicy policy)
            throw new ArgumentException($"The {agent.Algorithm} agent on {agent.EnvironmentId} has a {agent.Policy.GetType().Name}: only tree policies (GBRL) can be inspected.", nameof(agent));
        var boosters = policy.SharedBooster is { } shared
            ? new[] { ("shared", shared) }
            : [("actor", policy.ActorBooster!), ("critic", policy.CriticBooster!)];
        var inspectable = new List<(string, IInspectableBooster)>(boosters.Length);
        foreach (var (name, booster) in boosters)
        {
            inspectable.Add((name, booster as IInspectableBooster
                ?? throw new ArgumentException($"The {name} ensemble is a {booster.GetType().Name}, which cannot list its trees.", nameof(agent))));
        }
        return inspectable;
    }

    /// <summary>
    /// Names for the trees of <paramref name="agent"/>'s ensemble <paramref name="ensemble"/>: the environment's features
    /// and codes, the outputs ("logit left", "mean torque", "value"), and thresholds in the environment's units when the
    /// observations were normalized.
    /// </summary>
    public static TreeLabels Labels(ActorCriticAgent agent, string ensemble, EnvironmentLabels labels)
    {
        CheckLabels(agent, labels);
        var outputs = OutputNames(agent, ensemble, labels);
        var normalizer = agent.Normalizer;
        return new TreeLabels(labels.FeatureName, labels.ValueName, k => outputs[k])
        {
            Threshold = normalizer.NormalizeObservations ? normalizer.Denormalize : null,
        };
    }

    /// <summary>The report of <paramref name="agent"/>'s policy, named by <paramref name="labels"/> (of a fresh environment of its id).</summary>
    public static PolicyReport Inspect(ActorCriticAgent agent, EnvironmentLabels labels)
    {
        CheckLabels(agent, labels);
        var ensembles = new List<EnsembleReport>();
        foreach (var (name, booster) in Ensembles(agent))
        {
            var categorical = ((GbrlActorCriticPolicy)agent.Policy).Features;
            var importance = booster.GetFeatureImportance();
            var features = new List<FeatureUse>(booster.FeatureCount);
            long splits = 0;
            for (var f = 0; f < booster.FeatureCount; f++)
            {
                features.Add(new FeatureUse(f, labels.FeatureName(f), categorical.IsCategorical(f), importance.SplitCounts[f], importance.TotalGain[f]));
                splits += importance.SplitCounts[f];
            }
            ensembles.Add(new EnsembleReport(name, OutputNames(agent, name, labels), booster.TreeCount, splits, features, CountCategoryTests(booster, labels)));
        }
        return new PolicyReport(agent.Algorithm, agent.EnvironmentId, agent.NumTimesteps, agent.Normalizer.NormalizeObservations, ensembles);
    }

    private static void CheckLabels(ActorCriticAgent agent, EnvironmentLabels labels)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.FeatureCount != agent.Policy.ObservationSize)
        {
            throw new ArgumentException($"The labels name {labels.FeatureCount} observation elements; the policy of {agent.EnvironmentId} reads {agent.Policy.ObservationSize} " +
                "(labels of another environment?).", nameof(labels));
        }
    }

    private static List<CategoryTest> CountCategoryTests(IInspectableBooster booster, EnvironmentLabels labels)
    {
        var counts = new Dictionary<(int Feature, float Code), long>();
        for (var t = 0; t < booster.TreeCount; t++)
        {
            foreach (var split in booster.GetSplits(t))
            {
                if (split.IsCategorical)
                    counts[(split.Feature, split.Value)] = counts.GetValueOrDefault((split.Feature, split.Value)) + 1;
            }
        }
        var tests = new List<CategoryTest>(counts.Count);
        foreach (var ((feature, code), n) in counts)
            tests.Add(new CategoryTest(feature, labels.FeatureName(feature), code, labels.ValueName(feature, code), n));
        tests.Sort((a, b) => a.Splits != b.Splits ? b.Splits.CompareTo(a.Splits)
            : a.Feature != b.Feature ? a.Feature.CompareTo(b.Feature) : a.Code.CompareTo(b.Code));
        return tests;
    }

    /// <summary>
    /// "logit left" per Discrete action, "logit x=2" per code of each MultiDiscrete element x, "logit x" per MultiBinary
    /// element (the log-odds of 1), "mean torque" per Box dimension.
    /// </summary>
    internal static string[] PolicyOutputNames(ActionDistribution distribution, EnvironmentLabels labels)
    {
        var names = new string[distribution.OutputCount];
        if (distribution is CategoricalDistribution { ActionSize: > 1 } blocks)
        {
            var k = 0;
            for (var j = 0; j < blocks.BlockSizes.Length; j++)
            {
                for (var code = 0; code < blocks.BlockSizes[j]; code++)
                    names[k++] = string.Create(CultureInfo.InvariantCulture, $"logit {labels.ActionName(j)}={labels.ActionValueName(j, code) ?? code.ToString(CultureInfo.InvariantCulture)}");
            }
            return names;
        }
        for (var k = 0; k < names.Length; k++)
            names[k] = (distribution is DiagGaussianDistribution ? "mean " : "logit ") + labels.ActionName(k);
        return names;
    }

    private static string[] OutputNames(ActorCriticAgent agent, string ensemble, EnvironmentLabels labels)
    {
        var policy = PolicyOutputNames(agent.Policy.Distribution, labels);
        return ensemble switch
        {
            "shared" => [.. policy, "value"],
            "actor" => policy,
            "critic" => ["value"],
            _ => throw new ArgumentException($"Unknown ensemble '{ensemble}': a policy has 'shared', or 'actor' and 'critic'.", nameof(ensemble)),
        };
    }
}
