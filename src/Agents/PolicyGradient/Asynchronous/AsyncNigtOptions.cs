namespace RLFramework.Agents.PolicyGradient;

/// <summary>How the server of <see cref="AsyncNigt"/> turns the workers' gradients into one iteration's estimate.</summary>
public enum GradientAggregation
{
    /// <summary>
    /// Rennala (Tyurin and Richtárik 2023; Rennala NIGT, Tyurin et al. 2025): the mean of the first
    /// B = <see cref="AsyncNigtOptions.GradientsPerIteration"/> gradients computed at the current point,
    /// from whichever workers deliver them; a gradient computed at an older point is discarded. Fast
    /// workers deliver more of them, and no iteration waits for the slowest worker. For workers that
    /// sample the same environment.
    /// </summary>
    Rennala,

    /// <summary>
    /// Malenia (Tyurin and Richtárik 2023; Malenia NIGT): each worker's fresh gradients are averaged
    /// on their own, and the estimate is the plain mean of the n workers' averages, so every worker's
    /// environment counts equally however fast it is. The iteration ends once every worker delivered at
    /// least one and the harmonic mean of their counts b_i reaches S/n
    /// (S = <see cref="AsyncNigtOptions.GradientsPerIteration"/>): <c>sum_i 1/b_i &lt;= n^2/S</c>. For
    /// workers whose environments differ (the objective is the mean of theirs).
    /// </summary>
    Malenia,

    /// <summary>
    /// Duration-aware quotas: Rennala's allocation decided at the start of the iteration instead of by the
    /// race. From each worker's measured seconds per environment step (a moving average over its jobs), B
    /// gradients are handed out one at a time to the worker that would finish its next one first; the iteration
    /// takes each worker's first quota of fresh gradients, and a worker with no quota rests (and is tried again now
    /// and then: its measured rate shrinks while it rests). When a job's duration depends on its sample (a long
    /// episode takes long), Rennala's first-B race favours the quick samples and biases the estimate; a quota fixed
    /// in advance takes a worker's jobs in the order it started them, so the estimate stays unbiased. Nothing is
    /// discarded, and on the benchmarks an iteration is as quick as Rennala's or quicker.
    /// </summary>
    DurationAware,

    /// <summary>
    /// Synchronous minibatch (the baseline): one gradient from every worker at the current point, each
    /// worker idle until the slowest one delivered; the estimate is their mean.
    /// </summary>
    Synchronous,
}

/// <summary>
/// Options of <see cref="AsyncNigt"/>: the N-PG-IGT update of <see cref="PolicyGradient"/> (step sizes,
/// momentum, discount, horizon, baseline, seed; <see cref="PolicyGradientOptions.BatchSteps"/> is the size
/// of one worker's gradient), the number of workers, the aggregation rule, and the clock.
/// </summary>
public sealed record AsyncNigtOptions
{
    /// <summary>
    /// The update's options. <see cref="PolicyGradientOptions.BatchSteps"/> is what one worker samples for one
    /// gradient (null: one trajectory); <see cref="PolicyGradientOptions.CorrectionBatchSteps"/> is not used.
    /// </summary>
    public PolicyGradientOptions PolicyGradient { get; init; } = new();

    /// <summary>Number of workers n, each with its own environment, policy workspace and random stream.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>The aggregation rule.</summary>
    public GradientAggregation Aggregation { get; init; } = GradientAggregation.Rennala;

    /// <summary>
    /// B of Rennala and of the duration-aware quotas, S of Malenia: how many fresh gradients one iteration needs. Synchronous takes one per
    /// worker, so it must equal <see cref="Workers"/> there.
    /// </summary>
    public int GradientsPerIteration { get; init; } = 4;

    /// <summary>
    /// Null: the workers run on threads of their own and the clock is the wall clock (the order in which
    /// gradients arrive then depends on the machine, so a run with several workers is not repeatable).
    /// Else the simulated clock, one entry per worker: worker i needs <c>StepSeconds[i]</c> seconds per
    /// environment step, its gradients arrive in the order of these durations, and a run is repeatable
    /// bit for bit from its seed. This is how the time complexity of heterogeneous workers is studied.
    /// </summary>
    public IReadOnlyList<double>? SimulatedStepSeconds { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(PolicyGradient, nameof(PolicyGradient));
        PolicyGradient.Validate();
        if (Workers < 1) throw new ArgumentException($"Workers must be at least 1 (got {Workers}).", nameof(Workers));
        if (!Enum.IsDefined(Aggregation)) throw new ArgumentException($"Aggregation {Aggregation} is not defined.", nameof(Aggregation));
        if (GradientsPerIteration < 1) throw new ArgumentException($"GradientsPerIteration must be at least 1 (got {GradientsPerIteration}).", nameof(GradientsPerIteration));
        if (Aggregation == GradientAggregation.Synchronous && GradientsPerIteration != Workers)
            throw new ArgumentException($"Synchronous aggregation takes one gradient per worker: GradientsPerIteration must equal Workers ({Workers}; got {GradientsPerIteration}).", nameof(GradientsPerIteration));
        if (SimulatedStepSeconds is { } seconds)
        {
            if (seconds.Count != Workers)
                throw new ArgumentException($"SimulatedStepSeconds needs one duration per worker ({Workers}; got {seconds.Count}).", nameof(SimulatedStepSeconds));
            for (var i = 0; i < seconds.Count; i++)
                if (!(seconds[i] > 0) || !double.IsFinite(seconds[i]))
                    throw new ArgumentException($"SimulatedStepSeconds[{i}] must be positive and finite (got {seconds[i]}).", nameof(SimulatedStepSeconds));
        }
    }
}

/// <summary>What one iteration of <see cref="AsyncNigt"/> did.</summary>
/// <param name="Iteration">The iteration index t (from 0).</param>
/// <param name="EnvironmentSteps">Environment steps delivered so far, discarded gradients' included.</param>
/// <param name="Time">Seconds since training started on the run's clock (simulated or wall) when the iteration ended.</param>
/// <param name="MeanReturn">Mean undiscounted return (up to the horizon) of the trajectories behind the accepted gradients.</param>
/// <param name="Accepted">Gradients averaged into this iteration's estimate.</param>
/// <param name="Discarded">Gradients that arrived during this iteration computed at an older point.</param>
/// <param name="StepSize">gamma_t.</param>
/// <param name="Momentum">eta_t.</param>
/// <param name="DirectionNorm">L2 norm of d_t.</param>
public readonly record struct AsyncNigtIteration(
    int Iteration, long EnvironmentSteps, double Time, double MeanReturn, int Accepted, int Discarded, double StepSize, double Momentum, double DirectionNorm);
