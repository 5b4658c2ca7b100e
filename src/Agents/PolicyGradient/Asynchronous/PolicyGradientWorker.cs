using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// One worker of <see cref="AsyncNigt"/>: its own environment, policy workspace, random stream and
/// baseline. A job samples at a point the server handed over and leaves the GPOMDP gradient there,
/// tagged with the iteration the point belongs to. An exception in a job (the environment's, say) is kept with the
/// job and thrown by the server when the job is handed back. Not thread-safe: one job at a time.
/// </summary>
internal sealed class PolicyGradientWorker : IDisposable
{
    private readonly PolicyGradientEnvironment _environment;
    private readonly TrajectorySampler _sampler;
    private readonly GpomdpEstimator _estimator;
    private readonly IReturnBaseline? _baseline;
    private readonly TrajectoryBatch _batch;
    private readonly PolicyGradientOptions _options;
    private readonly double[] _point;
    private readonly double[] _gradient;

    public PolicyGradientWorker(int index, IParametricPolicy policy, PolicyGradientEnvironment environment, Random random, int environmentSeed, PolicyGradientOptions options)
    {
        Index = index;
        _environment = environment;
        _options = options;
        _sampler = new TrajectorySampler(environment, policy, random, options.Horizon, environmentSeed);
        _estimator = new GpomdpEstimator(policy);
        _baseline = IReturnBaseline.Create(options.Baseline, policy.ObservationSize, options.Horizon);
        _batch = new TrajectoryBatch(options.MainSteps - 1 + options.Horizon, environment.ObservationSize, environment.ActionSize);
        _point = new double[policy.ParameterCount];
        _gradient = new double[policy.ParameterCount];
    }

    public int Index { get; }

    /// <summary>The iteration whose point the last job sampled at.</summary>
    public int Tag { get; private set; }

    /// <summary>The last job's gradient, valid until the next job starts.</summary>
    public ReadOnlySpan<double> Gradient => _gradient;

    /// <summary>Environment steps of the last job.</summary>
    public int Steps { get; private set; }

    /// <summary>Trajectories of the last job.</summary>
    public int Trajectories { get; private set; }

    /// <summary>Mean return of the last job's trajectories.</summary>
    public double MeanReturn { get; private set; }

    /// <summary>When the last job started, on the pool's clock.</summary>
    public double StartTime { get; set; }

    /// <summary>When the last job finished, on the pool's clock.</summary>
    public double FinishTime { get; set; }

    /// <summary>What the last job threw, if it threw.</summary>
    public ExceptionDispatchInfo? Error { get; private set; }

    /// <summary>Whether the last job's gradient is finite.</summary>
    public bool IsFinite { get; private set; }

    /// <summary>Copies the point before the job runs, so the caller may change its own copy meanwhile.</summary>
    public void Prepare(ReadOnlySpan<double> point, int tag)
    {
        point.CopyTo(_point);
        Tag = tag;
    }

    /// <summary>Samples at the prepared point and writes g(tau, point); then fits the worker's baseline on the sample.</summary>
    public void Run()
    {
        Error = null;
        try
        {
            Steps = _sampler.Collect(_point, _options.MainSteps, _batch);
            _batch.ComputeWeights(_options.Discount, _baseline);
            _estimator.Gradient(_point, _batch, _gradient);
            IsFinite = TensorPrimitives.IsFiniteAll(_gradient);
            Trajectories = _batch.TrajectoryCount;
            MeanReturn = _batch.MeanReturn();
            _baseline?.Fit(_batch, _options.Discount);
        }
        catch (Exception e)
        {
            Error = ExceptionDispatchInfo.Capture(e);
            Steps = _batch.StepCount;
            IsFinite = false;
        }
    }

    public void Dispose() => _environment.Dispose();
}
