using System.Numerics.Tensors;
using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// The common machinery of the policy-gradient algorithms: parameters theta_t and theta_{t-1},
/// sampling, the GPOMDP and HARPG estimates, the non-finite guard and the iteration loop. Each
/// algorithm's update reads top to bottom in its own file: <see cref="VanillaPolicyGradient"/> (and its
/// normalized step, <see cref="NormalizedPolicyGradient"/>), and the methods with a recursive direction
/// (<see cref="MomentumPolicyGradient"/>): <see cref="NPgIgt"/>, <see cref="Harpg"/> (and <see cref="NHarpg"/>).
/// The objective J_H(theta) = E[sum_{t&lt;H} gamma^t r_t] is maximized.
/// </summary>
public abstract class PolicyGradientAlgorithm
{
    private readonly double[] _theta;
    private readonly double[] _previousTheta;
    private readonly double[] _proposal;
    private readonly double[] _gradient;
    private readonly TrajectorySampler _sampler;
    private readonly GpomdpEstimator _estimator;
    private readonly IReturnBaseline? _baseline;
    private readonly TrajectoryBatch _batch;
    private readonly TrajectoryBatch _correctionBatch;

    private protected PolicyGradientAlgorithm(IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckCompatible(policy, environment);

        Policy = policy;
        Options = options;
        var p = policy.ParameterCount;
        _theta = new double[p];
        _previousTheta = new double[p];
        _proposal = new double[p];
        _gradient = new double[p];
        Random = new Random(options.Seed);
        policy.Initialize(_theta, Random);
        _theta.CopyTo(_previousTheta, 0);
        _sampler = new TrajectorySampler(environment, policy, Random, options.Horizon, options.Seed);
        _estimator = new GpomdpEstimator(policy);
        _baseline = IReturnBaseline.Create(options.Baseline, policy.ObservationSize, options.Horizon);
        _batch = new TrajectoryBatch(options.MainSteps - 1 + options.Horizon, environment.ObservationSize, environment.ActionSize);
        _correctionBatch = new TrajectoryBatch(options.CorrectionSteps - 1 + options.Horizon, environment.ObservationSize, environment.ActionSize);
    }

    /// <summary>The algorithm's name as in the paper.</summary>
    public abstract string Name { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> when <paramref name="policy"/> cannot act in <paramref name="environment"/>.</summary>
    internal static void CheckCompatible(IParametricPolicy policy, PolicyGradientEnvironment environment)
    {
        if (policy is SoftmaxPolicy && environment.ActionCount == 0)
            throw new ArgumentException("The environment's actions are continuous (a Box); a SoftmaxPolicy picks among discrete actions: use a GaussianPolicy.", nameof(policy));
        if (policy is GaussianPolicy && environment.ActionCount > 0)
            throw new ArgumentException($"The environment's actions are discrete ({environment.ActionCount} of them); a GaussianPolicy draws continuous ones: use a SoftmaxPolicy.", nameof(policy));
        if (policy.ObservationSize != environment.ObservationSize)
            throw new ArgumentException($"The policy takes observations of length {policy.ObservationSize}; the environment's have length {environment.ObservationSize}.", nameof(policy));
        if (policy.ActionSize != environment.ActionSize)
            throw new ArgumentException($"The policy's actions have {policy.ActionSize} elements; the environment's have {environment.ActionSize}.", nameof(policy));
        if (policy is SoftmaxPolicy softmax && softmax.ActionCount != environment.ActionCount)
            throw new ArgumentException($"The policy has {softmax.ActionCount} actions; the environment has {environment.ActionCount}.", nameof(policy));
    }

    /// <summary>The policy being trained.</summary>
    public IParametricPolicy Policy { get; }

    /// <summary>The options.</summary>
    public PolicyGradientOptions Options { get; }

    /// <summary>The current parameters theta_t.</summary>
    public ReadOnlySpan<double> Parameters => _theta;

    /// <summary>The next iteration's index t.</summary>
    public int Iteration { get; private set; }

    /// <summary>Environment steps taken so far, all samples included.</summary>
    public long EnvironmentSteps { get; private set; }

    /// <summary>Creates the algorithm <paramref name="method"/>.</summary>
    public static PolicyGradientAlgorithm Create(PolicyGradientMethod method, IParametricPolicy policy, PolicyGradientEnvironment environment, PolicyGradientOptions options) => method switch
    {
        PolicyGradientMethod.Vanilla => new VanillaPolicyGradient(policy, environment, options),
        PolicyGradientMethod.Normalized => new NormalizedPolicyGradient(policy, environment, options),
        PolicyGradientMethod.NPgIgt => new NPgIgt(policy, environment, options),
        PolicyGradientMethod.Harpg => new Harpg(policy, environment, options),
        PolicyGradientMethod.NHarpg => new NHarpg(policy, environment, options),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown policy-gradient method."),
    };

    /// <summary>
    /// Runs one iteration. On a non-finite gradient, correction or update throws
    /// <see cref="PolicyGradientDivergedException"/> and leaves the parameters and the algorithm's state as they were.
    /// </summary>
    public PolicyGradientIteration Step()
    {
        var t = Iteration;
        var (stepSize, momentum, directionNorm) = Propose(t, _proposal);
        EnsureFinite(_proposal, "parameter update");
        _theta.CopyTo(_previousTheta, 0);
        _proposal.CopyTo(_theta, 0);
        Commit();
        _baseline?.Fit(_batch, Options.Discount);
        Iteration++;
        return new PolicyGradientIteration(t, EnvironmentSteps, _batch.MeanReturn(), _batch.TrajectoryCount, stepSize, momentum, directionNorm);
    }

    /// <summary>Runs iterations until at least <paramref name="environmentSteps"/> environment steps were taken in total.</summary>
    public void Train(long environmentSteps, Action<PolicyGradientIteration>? onIteration = null)
    {
        while (EnvironmentSteps < environmentSteps)
        {
            var result = Step();
            onIteration?.Invoke(result);
        }
    }

    /// <summary>
    /// Samples, estimates and writes theta_{t+1} into <paramref name="next"/> without changing any
    /// state that <see cref="Commit"/> would not also change; returns gamma_t, eta_t and |direction|.
    /// </summary>
    private protected abstract (double StepSize, double Momentum, double DirectionNorm) Propose(int t, Span<double> next);

    /// <summary>Makes the pending momentum state current once the update was accepted.</summary>
    private protected virtual void Commit()
    {
    }

    private protected ReadOnlySpan<double> Theta => _theta;

    private protected ReadOnlySpan<double> PreviousTheta => _previousTheta;

    private protected Random Random { get; }

    /// <summary>
    /// Samples the first batch (tau_t) with the policy at <paramref name="parameters"/> and returns its GPOMDP
    /// estimate g, valid until the next call.
    /// </summary>
    private protected ReadOnlySpan<double> SampleGradient(ReadOnlySpan<double> parameters)
    {
        EnvironmentSteps += _sampler.Collect(parameters, Options.MainSteps, _batch);
        _batch.ComputeWeights(Options.Discount, _baseline);
        _estimator.Gradient(parameters, _batch, _gradient);
        EnsureFinite(_gradient, "gradient");
        return _gradient;
    }

    /// <summary>Samples the second batch (tau_hat) at <paramref name="parameters"/> and writes the HARPG correction v along <paramref name="direction"/>.</summary>
    private protected void SampleCorrection(ReadOnlySpan<double> parameters, ReadOnlySpan<double> direction, Span<double> correction)
    {
        EnvironmentSteps += _sampler.Collect(parameters, Options.CorrectionSteps, _correctionBatch);
        _correctionBatch.ComputeWeights(Options.Discount, _baseline);
        _estimator.Correction(parameters, direction, _correctionBatch, correction);
        EnsureFinite(correction, "Hessian-vector correction");
    }

    /// <summary>next = theta + stepSize * direction (divided by |direction| when normalized; no move when it is 0); returns |direction|.</summary>
    private protected double Ascend(ReadOnlySpan<double> direction, double stepSize, bool normalized, Span<double> next)
    {
        var norm = TensorPrimitives.Norm(direction);
        var scale = normalized ? (norm > 0 ? stepSize / norm : 0.0) : stepSize;
        TensorPrimitives.MultiplyAdd(direction, scale, _theta, next);
        return norm;
    }

    private void EnsureFinite(ReadOnlySpan<double> values, string quantity)
    {
        if (!TensorPrimitives.IsFiniteAll(values))
            throw new PolicyGradientDivergedException(Name, quantity, Iteration);
    }
}
