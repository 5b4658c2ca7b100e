namespace RLFramework.Agents.PolicyGradient;

/// <summary>The policy-gradient methods of Fatkhullin et al. (ICML 2023) and their baselines.</summary>
public enum PolicyGradientMethod
{
    /// <summary>Vanilla policy gradient (GPOMDP), <see cref="VanillaPolicyGradient"/>.</summary>
    Vanilla,

    /// <summary>Normalized policy gradient, <see cref="NormalizedPolicyGradient"/>.</summary>
    Normalized,

    /// <summary>Normalized PG with implicit gradient transport, <see cref="NPgIgt"/>.</summary>
    NPgIgt,

    /// <summary>Hessian-aided recursive policy gradient, <see cref="Harpg"/>.</summary>
    Harpg,

    /// <summary>Normalized HARPG, <see cref="NHarpg"/>.</summary>
    NHarpg,
}

/// <summary>Options shared by the policy-gradient algorithms (defaults: the paper's experiments).</summary>
public sealed record PolicyGradientOptions
{
    /// <summary>gamma_0, the initial step size of the schedule.</summary>
    public double StepSize { get; init; } = 0.1;

    /// <summary>eta_0 in (0, 1], the initial momentum weight of N-PG-IGT and (N)-HARPG.</summary>
    public double Momentum { get; init; } = 1.0;

    /// <summary>Discount factor gamma of the objective J_H in (0, 1].</summary>
    public double Discount { get; init; } = 0.99;

    /// <summary>Truncation horizon H: every trajectory is cut after H steps.</summary>
    public int Horizon { get; init; } = 200;

    /// <summary>
    /// Batch mode: environment steps per iteration (whole trajectories are sampled until at least
    /// this many steps). Null: single-trajectory mode, one trajectory per iteration as in the theory.
    /// </summary>
    public int? BatchSteps { get; init; }

    /// <summary>Environment steps of the second (Hessian) sample of (N)-HARPG; null: the same as <see cref="BatchSteps"/>.</summary>
    public int? CorrectionBatchSteps { get; init; }

    /// <summary>Baseline subtracted from the reward-to-go.</summary>
    public PolicyGradientBaseline Baseline { get; init; } = PolicyGradientBaseline.None;

    /// <summary>Seed of the policy's sampling, the segment points q, the initial parameters and the environment.</summary>
    public int Seed { get; init; }

    /// <summary>Steps per iteration of the first sample (1 in single-trajectory mode: one trajectory).</summary>
    public int MainSteps => BatchSteps ?? 1;

    /// <summary>Steps per iteration of the HARPG correction sample.</summary>
    public int CorrectionSteps => CorrectionBatchSteps ?? MainSteps;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(StepSize > 0) || !double.IsFinite(StepSize)) throw new ArgumentException($"StepSize must be positive and finite (got {StepSize}).", nameof(StepSize));
        if (!(Momentum > 0 && Momentum <= 1)) throw new ArgumentException($"Momentum must be in (0, 1] (got {Momentum}).", nameof(Momentum));
        if (!(Discount > 0 && Discount <= 1)) throw new ArgumentException($"Discount must be in (0, 1] (got {Discount}).", nameof(Discount));
        if (Horizon < 1) throw new ArgumentException($"Horizon must be at least 1 (got {Horizon}).", nameof(Horizon));
        if (BatchSteps is < 1) throw new ArgumentException($"BatchSteps must be at least 1 or null (got {BatchSteps}).", nameof(BatchSteps));
        if (CorrectionBatchSteps is < 1) throw new ArgumentException($"CorrectionBatchSteps must be at least 1 or null (got {CorrectionBatchSteps}).", nameof(CorrectionBatchSteps));
        if (!Enum.IsDefined(Baseline)) throw new ArgumentException($"Baseline {Baseline} is not defined.", nameof(Baseline));
    }
}

/// <summary>What one iteration did.</summary>
/// <param name="Iteration">The iteration index t (from 0).</param>
/// <param name="EnvironmentSteps">Environment steps taken so far, all samples included.</param>
/// <param name="MeanReturn">Mean undiscounted return (up to the horizon) of this iteration's first sample.</param>
/// <param name="Episodes">Trajectories in this iteration's first sample.</param>
/// <param name="StepSize">gamma_t.</param>
/// <param name="Momentum">eta_t (NaN for the methods without momentum).</param>
/// <param name="DirectionNorm">L2 norm of the update direction (g or d) before the step size.</param>
public readonly record struct PolicyGradientIteration(
    int Iteration, long EnvironmentSteps, double MeanReturn, int Episodes, double StepSize, double Momentum, double DirectionNorm);

/// <summary>
/// Thrown when a gradient, a Hessian-vector correction or the parameter update becomes NaN or
/// infinite; the parameters keep their values from before the failing iteration.
/// </summary>
public sealed class PolicyGradientDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public PolicyGradientDivergedException(string method, string quantity, int iteration)
        : base($"{method}: the {quantity} became NaN or infinite at iteration {iteration}; training stopped and the parameters keep their values from before iteration {iteration}. Lower the step size or check the rewards.")
    {
        Method = method;
        Quantity = quantity;
        Iteration = iteration;
    }

    /// <summary>The algorithm that diverged.</summary>
    public string Method { get; }

    /// <summary>What became non-finite ("gradient", "Hessian-vector correction", "parameter update").</summary>
    public string Quantity { get; }

    /// <summary>The failing iteration.</summary>
    public int Iteration { get; }
}
