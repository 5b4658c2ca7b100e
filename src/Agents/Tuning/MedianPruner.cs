namespace RLFramework.Agents.Tuning;

/// <summary>
/// Optuna's MedianPruner for a maximised objective: stops a trial whose best evaluation so far is below the median of
/// the Complete trials' evaluations at the same step.
/// </summary>
/// <remarks>
/// Step s of a trial is its evaluation s (0-based). At step s a trial is never pruned when s &lt;
/// <see cref="WarmupEvaluations"/>, or when fewer than <see cref="StartupTrials"/> Complete trials of the history have
/// a (non-NaN) evaluation at step s (or none has); otherwise it is pruned when the best of its evaluations 0..s is below the median
/// of those trials' evaluations at step s (of an even count, the mean of the two middle ones, as numpy's). Pruned and
/// Failed trials of the history are ignored.
/// Differences from Optuna: the startup count is of Complete trials that reached step s (Optuna counts all Complete
/// trials, then needs one at step s); no interval_steps. As in Optuna, NaN evaluations are ignored, and a trial whose
/// evaluations so far are all NaN is pruned once the startup and warm-up conditions hold.
/// </remarks>
public sealed class MedianPruner : ITrialPruner
{
    /// <summary>A median pruner.</summary>
    /// <param name="startupTrials">Complete trials with an evaluation at the step needed before any pruning at that step (Optuna: 5); at least 0.</param>
    /// <param name="warmupEvaluations">Evaluations of a trial before it can be pruned (Optuna's n_warmup_steps: steps 0..warmup - 1 are never pruned); at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative argument.</exception>
    public MedianPruner(int startupTrials = 5, int warmupEvaluations = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupEvaluations);
        StartupTrials = startupTrials;
        WarmupEvaluations = warmupEvaluations;
    }

    /// <summary>Complete trials with an evaluation at the step needed before any pruning at that step.</summary>
    public int StartupTrials { get; }

    /// <summary>Evaluations of a trial before it can be pruned.</summary>
    public int WarmupEvaluations { get; }

    /// <inheritdoc />
    /// <remarks>The step is <c>intermediate.Count - 1</c>.</remarks>
    public bool ShouldPrune(IReadOnlyList<double> intermediate, IReadOnlyList<TrialRecord> history)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(history);
        if (intermediate.Count == 0)
            throw new ArgumentException("The trial has no evaluation yet; the pruner judges a trial after each evaluation.", nameof(intermediate));
        var step = intermediate.Count - 1;
        if (step < WarmupEvaluations)
            return false;
        var atStep = new List<double>();
        foreach (var trial in history)
        {
            if (trial.State == TrialState.Complete && trial.Intermediate.Count > step && !double.IsNaN(trial.Intermediate[step]))
                atStep.Add(trial.Intermediate[step]);
        }
        if (atStep.Count == 0 || atStep.Count < StartupTrials)
            return false;
        var best = double.NaN;
        foreach (var value in intermediate)
        {
            if (!double.IsNaN(value) && (double.IsNaN(best) || value > best))
                best = value;
        }
        return double.IsNaN(best) || best < Median(atStep);
    }

    /// <summary>The median of a non-empty list (the mean of the two middle values of an even count); sorts the list.</summary>
    internal static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
    }
}
