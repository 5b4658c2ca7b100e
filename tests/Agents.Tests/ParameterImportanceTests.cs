using System.Globalization;
using RLFramework.Agents.Tuning;

namespace RLFramework.Agents.Tests;

/// <summary><see cref="ParameterImportance"/> (PED-ANOVA): a hand-computed divergence, and a parameter that decides the value against one that does not.</summary>
public sealed class ParameterImportanceTests
{
    private static TrialRecord Trial(int number, double value, TrialState state = TrialState.Complete, params (string Key, string Value)[] parameters) =>
        new(number, parameters.ToDictionary(p => p.Key, p => p.Value), state, state == TrialState.Failed ? null : value, [value]);

    [Fact]
    public void A_choice_the_best_trials_share_has_the_hand_computed_divergence_and_a_constant_one_none()
    {
        var choice = new CategoricalDistribution(["a", "b"]);
        var constant = new CategoricalDistribution(["x", "y"]);
        var space = new SearchSpace([new("c", choice), new("d", constant)]);
        TrialRecord[] trials =
        [
            Trial(0, 4, TrialState.Complete, ("c", "b"), ("d", "x")),
            Trial(1, 1, TrialState.Complete, ("c", "a"), ("d", "x")),
            Trial(2, 3, TrialState.Complete, ("c", "b"), ("d", "x")),
            Trial(3, 2, TrialState.Complete, ("c", "a"), ("d", "x")),
            Trial(4, 9, TrialState.Pruned, ("c", "a"), ("d", "y")),
            Trial(5, 0, TrialState.Failed, ("c", "a"), ("d", "y")),
        ];
        var complete = trials[..4];

        // Top 2 (the minimum): both "b". With the sampler's prior 1/k: p_top = (1/6, 5/6), p_all = (1/2, 1/2);
        // divergence = 1/2 (1/3 - 1)^2 + 1/2 (5/3 - 1)^2 = 4/9. "d" is "x" in every complete trial: 0.
        Assert.Equal(4.0 / 9, ParameterImportance.Divergence("c", choice, [trials[0], trials[2]], complete), 12);
        Assert.Equal(0, ParameterImportance.Divergence("d", constant, [trials[0], trials[2]], complete), 12);

        var shares = ParameterImportance.Compute(space, trials);
        Assert.Equal([new("c", 1.0), new("d", 0.0)], shares);
    }

    [Fact]
    public void The_parameter_that_decides_the_value_takes_most_of_the_importance()
    {
        var space = new SearchSpace([
            new("noise", new FloatDistribution(0, 1)),
            new("decides", new FloatDistribution(1e-4, 1, Log: true)),
            new("depth", new IntDistribution(3, 6)),
        ]);
        var random = new Random(7);
        var trials = new List<TrialRecord>();
        for (var k = 0; k < 100; k++)
        {
            var decides = Math.Exp(Math.Log(1e-4) + random.NextDouble() * (Math.Log(1) - Math.Log(1e-4)));
            var noise = random.NextDouble();
            var depth = random.Next(3, 7);
            // The value peaks at decides = 0.01 (log10 = -2); the other two play no part.
            var value = -Math.Pow(Math.Log10(decides) + 2, 2);
            trials.Add(Trial(k, value, TrialState.Complete,
                ("noise", noise.ToString("R", CultureInfo.InvariantCulture)),
                ("decides", decides.ToString("R", CultureInfo.InvariantCulture)),
                ("depth", depth.ToString(CultureInfo.InvariantCulture))));
        }

        var shares = ParameterImportance.Compute(space, trials);

        Assert.Equal("decides", shares[0].Key);
        Assert.True(shares[0].Value > 0.7, string.Join(", ", shares));
        Assert.Equal(1.0, shares.Sum(s => s.Value), 12);
    }

    [Fact]
    public void Too_few_complete_trials_give_no_importance()
    {
        var space = new SearchSpace([new("c", new CategoricalDistribution(["a", "b"]))]);
        TrialRecord[] trials = [Trial(0, 1, TrialState.Complete, ("c", "a")), Trial(1, 2, TrialState.Complete, ("c", "b")), Trial(2, 3, TrialState.Complete, ("c", "a")),
            Trial(3, 4, TrialState.Pruned, ("c", "b"))];

        Assert.Empty(ParameterImportance.Compute(space, trials));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterImportance.Compute(space, trials, quantile: 0));
    }
}
