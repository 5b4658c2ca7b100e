namespace RLFramework.Agents.Tuning;

/// <summary>
/// Optuna's SuccessiveHalvingPruner (asynchronous successive halving, Li et al. 2020, https://arxiv.org/abs/1810.05934) for a
/// maximised objective, as the RL Zoo's <c>--pruner halving</c> makes it: <c>SuccessiveHalvingPruner(min_resource=1,
/// reduction_factor=4, min_early_stopping_rate=0)</c>. Rung r is reached at evaluation
/// minResource x reductionFactor^(minEarlyStoppingRate + r) (counted from 1, as the RL Zoo reports them: 1, 4, 16, ...); there a
/// trial goes on only if its value is among the best 1 / reductionFactor of the values every trial had at that rung, itself included.
/// </summary>
/// <remarks>
/// Optuna's rule, step by step (<c>optuna/pruners/_successive_halving.py</c>): at a rung, the competing values are those of the
/// trials that reached it, plus this one; with k = floor(count / reductionFactor) - 1 (0 when that is -1, so that the first
/// trials are promoted only as the best so far), the trial is promoted when its value is at least the (k + 1)-th largest.
/// A NaN value at a rung prunes. Here the trials that reached a rung are the finished trials of the history (Complete or
/// Pruned, with a non-NaN value at that evaluation); Optuna also counts trials still running, which would make a parallel
/// search depend on timing.
/// </remarks>
public sealed class SuccessiveHalvingPruner : ITrialPruner
{
    /// <summary>A successive-halving pruner with Optuna's (and the RL Zoo's) defaults.</summary>
    /// <param name="minResource">Evaluations before the first rung (at least 1).</param>
    /// <param name="reductionFactor">The fraction 1 / reductionFactor of trials promoted at each rung (at least 2).</param>
    /// <param name="minEarlyStoppingRate">Shifts the rungs: the first is at minResource x reductionFactor^rate evaluations (at least 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument below its least value.</exception>
    public SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 4, int minEarlyStoppingRate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(minEarlyStoppingRate);
        MinResource = minResource;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
    }

    /// <summary>Evaluations before the first rung.</summary>
    public int MinResource { get; }

    /// <summary>One trial in this many goes on at each rung.</summary>
    public int ReductionFactor { get; }

    /// <summary>The exponent of the first rung.</summary>
    public int MinEarlyStoppingRate { get; }

    /// <summary>Whether the evaluation numbered <paramref name="evaluation"/> (from 1) is a rung.</summary>
    public bool IsRung(int evaluation)
    {
        for (long step = MinResource * (long)Math.Pow(ReductionFactor, MinEarlyStoppingRate); step <= evaluation; step *= ReductionFactor)
        {
            if (step == evaluation)
                return true;
        }
        return false;
    }

    /// <inheritdoc />
    public bool ShouldPrune(IReadOnlyList<double> intermediate, IReadOnlyList<TrialRecord> history)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(history);
        if (intermediate.Count == 0)
            throw new ArgumentException("The trial has no evaluation yet; the pruner judges a trial after each evaluation.", nameof(intermediate));
        var evaluation = intermediate.Count;
        if (!IsRung(evaluation))
            return false;
        var value = intermediate[evaluation - 1];
        if (double.IsNaN(value))
            return true;
        var competing = new List<double> { value };
        foreach (var trial in history)
        {
            if (trial.State is TrialState.Complete or TrialState.Pruned && trial.Intermediate.Count >= evaluation
                && !double.IsNaN(trial.Intermediate[evaluation - 1]))
                competing.Add(trial.Intermediate[evaluation - 1]);
        }
        var promotable = Math.Max(competing.Count / ReductionFactor - 1, 0);
        competing.Sort();
        return value < competing[competing.Count - 1 - promotable];
    }
}

/// <summary>Decides, after each evaluation of a running trial, whether to stop it (Optuna's pruners).</summary>
public interface ITrialPruner
{
    /// <summary>Whether the running trial should stop after its latest evaluation.</summary>
    /// <param name="intermediate">The trial's evaluations so far, in order.</param>
    /// <param name="history">The finished trials.</param>
    /// <exception cref="ArgumentException"><paramref name="intermediate"/> is empty: there is no step to judge.</exception>
    bool ShouldPrune(IReadOnlyList<double> intermediate, IReadOnlyList<TrialRecord> history);
}
