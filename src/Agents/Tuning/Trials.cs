namespace RLFramework.Agents.Tuning;

/// <summary>How a trial ended (Optuna's TrialState).</summary>
public enum TrialState
{
    /// <summary>Trained to the end; its value is its last evaluation's mean return.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; its value is its last evaluation's mean return.</summary>
    Pruned,

    /// <summary>Could not run (e.g. an invalid combination of options); it has no value.</summary>
    Failed,
}

/// <summary>A finished trial, as the sampler and the pruner see it.</summary>
/// <param name="Number">The trial's number (0, 1, ...).</param>
/// <param name="Parameters">The sampled value of every parameter of the search space, as option text (<c>key=value</c>).</param>
/// <param name="State">How it ended.</param>
/// <param name="Value">The objective (greater is better), null when it failed.</param>
/// <param name="Intermediate">The objective at each evaluation during training, in order (evaluation i at (i + 1) x the evaluation interval).</param>
public sealed record TrialRecord(int Number, IReadOnlyDictionary<string, string> Parameters, TrialState State, double? Value, IReadOnlyList<double> Intermediate);

/// <summary>Where a hyperparameter's values are drawn from.</summary>
public abstract record Distribution;

/// <summary>A real number in [<paramref name="Low"/>, <paramref name="High"/>], uniform or (with <paramref name="Log"/>) log-uniform.</summary>
public sealed record FloatDistribution(double Low, double High, bool Log = false) : Distribution;

/// <summary>An integer in [<paramref name="Low"/>, <paramref name="High"/>], uniform or (with <paramref name="Log"/>) log-uniform.</summary>
public sealed record IntDistribution(int Low, int High, bool Log = false) : Distribution;

/// <summary>One of <paramref name="Choices"/> (option text, e.g. "64" or "true").</summary>
public sealed record CategoricalDistribution(IReadOnlyList<string> Choices) : Distribution;

/// <summary>Draws the parameters of the next trial from the search space, given the trials that have finished.</summary>
public interface ISampler
{
    /// <summary>
    /// The parameters of trial <paramref name="trialNumber"/>: one value for each parameter of <paramref name="space"/>, as
    /// option text. The same space, history, number and sampler seed give the same values.
    /// </summary>
    IReadOnlyDictionary<string, string> Sample(SearchSpace space, IReadOnlyList<TrialRecord> history, int trialNumber);
}
