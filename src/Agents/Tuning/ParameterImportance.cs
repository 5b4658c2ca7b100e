namespace RLFramework.Agents.Tuning;

/// <summary>
/// How much each searched parameter mattered, by PED-ANOVA (Watanabe et al. 2023, Optuna's
/// <c>PedAnovaImportanceEvaluator</c>): the Pearson divergence between the distribution of a parameter's values among the
/// best trials (the top <c>quantile</c> of the complete trials) and among all complete trials. A parameter whose good
/// values are spread as all its values are scores 0; one that the best trials pin down scores high. The scores are
/// shown as shares that add up to 1.
/// </summary>
/// <remarks>
/// Each distribution is estimated as the TPE sampler estimates its own, as Optuna's evaluator does: prior-smoothed
/// frequencies for choices, and a <see cref="ParzenEstimator"/> for numbers (in the log space of a log parameter),
/// compared at each integer of a small int range or on a grid of <see cref="GridPoints"/> points across the range. Either
/// way the score is a divergence between two discrete distributions: the sum over points of p_all (p_top / p_all - 1)^2.
/// A parameter that every complete trial set alike scores 0. With few trials the top group is small (2 of 20 trials) and
/// the shares are rough: read them as a ranking, not as measurements.
/// </remarks>
public static class ParameterImportance
{
    /// <summary>Points of the grid on which numerical distributions are compared (Optuna: 50).</summary>
    public const int GridPoints = 50;

    /// <summary>
    /// The importance share of each parameter of <paramref name="space"/>, largest first (ties in the space's order), from the
    /// complete trials of <paramref name="trials"/>; empty when fewer than twice <paramref name="minTopTrials"/> trials completed.
    /// </summary>
    /// <param name="space">The search space.</param>
    /// <param name="trials">The trials (failed and pruned ones are left out, as in Optuna).</param>
    /// <param name="quantile">The share of the complete trials that counts as the best (Optuna: 0.1).</param>
    /// <param name="minTopTrials">The fewest best trials (Optuna: 2).</param>
    public static IReadOnlyList<KeyValuePair<string, double>> Compute(SearchSpace space, IReadOnlyList<TrialRecord> trials, double quantile = 0.1,
        int minTopTrials = 2)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(trials);
        if (!(quantile > 0 && quantile <= 1))
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must be in (0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(minTopTrials, 1);
        var complete = TpeSampler.Rank(trials).FindAll(t => t.State == TrialState.Complete);
        if (complete.Count < 2 * minTopTrials)
            return [];
        var top = complete.GetRange(0, Math.Max(minTopTrials, (int)Math.Ceiling(quantile * complete.Count)));
        var scores = new List<KeyValuePair<string, double>>(space.Parameters.Count);
        foreach (var (key, distribution) in space.Parameters)
            scores.Add(new(key, Divergence(key, distribution, top, complete)));
        var total = 0.0;
        foreach (var (_, score) in scores)
            total += score;
        var shares = new List<KeyValuePair<string, double>>(scores.Count);
        foreach (var (key, score) in scores)
            shares.Add(new(key, total > 0 ? score / total : 0));
        // A stable sort: equal shares keep the space's order.
        return [.. shares.Select((pair, index) => (pair, index)).OrderByDescending(x => x.pair.Value).ThenBy(x => x.index).Select(x => x.pair)];
    }

    /// <summary>
    /// The Pearson divergence of the top trials' distribution of <paramref name="key"/> from all trials'; 0 when every one of
    /// <paramref name="all"/> holds the same value (nothing was varied, so nothing can be learned about it).
    /// </summary>
    internal static double Divergence(string key, Distribution distribution, IReadOnlyList<TrialRecord> top, IReadOnlyList<TrialRecord> all)
    {
        if (OneValue(key, all))
            return 0;
        double[] pTop;
        double[] pAll;
        if (distribution is CategoricalDistribution categorical)
        {
            pTop = TpeSampler.CategoricalWeights(key, categorical, top);
            pAll = TpeSampler.CategoricalWeights(key, categorical, all);
        }
        else
        {
            var grid = Grid(distribution);
            pTop = OnGrid(key, distribution, top, grid);
            pAll = OnGrid(key, distribution, all, grid);
        }
        var divergence = 0.0;
        for (var i = 0; i < pAll.Length; i++)
        {
            var ratio = pTop[i] / pAll[i] - 1;
            divergence += pAll[i] * ratio * ratio;
        }
        return divergence;
    }

    private static bool OneValue(string key, IReadOnlyList<TrialRecord> trials)
    {
        string? first = null;
        foreach (var trial in trials)
        {
            if (!trial.Parameters.TryGetValue(key, out var value))
                continue;
            if (first is null)
                first = value;
            else if (value != first)
                return false;
        }
        return true;
    }

    /// <summary>
    /// The points (in the transformed space) where a numerical distribution is compared: each integer of an int range with
    /// fewer than <see cref="GridPoints"/> of them, else the centres of <see cref="GridPoints"/> equal cells of the range.
    /// </summary>
    private static double[] Grid(Distribution distribution)
    {
        if (distribution is IntDistribution n && n.High - n.Low < GridPoints)
            return [.. Enumerable.Range(n.Low, n.High - n.Low + 1).Select(v => n.Log ? Math.Log(v) : v)];
        var (low, high) = TpeSampler.TransformedRange(distribution);
        var grid = new double[GridPoints];
        for (var i = 0; i < GridPoints; i++)
            grid[i] = low + (i + 0.5) * (high - low) / GridPoints;
        return grid;
    }

    /// <summary>The group's Parzen density (as the TPE sampler fits it) at <paramref name="grid"/>, normalised to sum to 1.</summary>
    private static double[] OnGrid(string key, Distribution distribution, IReadOnlyList<TrialRecord> group, double[] grid)
    {
        var (low, high) = TpeSampler.TransformedRange(distribution);
        var estimator = new ParzenEstimator(TpeSampler.Observations(key, distribution, group), low, high);
        var p = new double[grid.Length];
        var sum = 0.0;
        for (var i = 0; i < grid.Length; i++)
        {
            p[i] = Math.Exp(estimator.LogDensity(grid[i]));
            sum += p[i];
        }
        for (var i = 0; i < grid.Length; i++)
            p[i] /= sum;
        return p;
    }
}
