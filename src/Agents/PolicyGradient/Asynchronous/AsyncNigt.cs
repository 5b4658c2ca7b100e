using System.Numerics.Tensors;
using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Asynchronous N-PG-IGT (normalized policy gradient with implicit gradient transport) on n workers
/// whose jobs take different durations: Rennala NIGT and Malenia NIGT (Tyurin, Spiridonov, Rudenko,
/// "Asynchronous Policy Gradient Aggregation for Efficient Distributed Reinforcement Learning", 2025,
/// arXiv 2509.24305), with the synchronous minibatch as the baseline. The server runs the N-PG-IGT update
/// of <see cref="NPgIgt"/>; only the estimate g changes, from one sample to an aggregate of the workers' gradients:
/// <code>
/// theta_tilde = theta_t + ((1 - eta_t)/eta_t) (theta_t - theta_{t-1})      (t = 0: theta_0)
/// g_t = aggregate of the gradients the workers compute at theta_tilde      (GradientAggregation)
/// d_t = (1 - eta_t) d_{t-1} + eta_t g_t                                      (d_0 = g_0)
/// theta_{t+1} = theta_t + gamma_t d_t / ||d_t||
/// gamma_t = gamma_0 2/(t+2),   eta_t = eta_0 (2/(t+2))^(4/5)
/// </code>
/// Under Rennala and Malenia a worker that hands in a gradient is at once given the current point again, so fast
/// workers deliver more gradients per iteration and nobody waits for the slowest; a gradient computed at a point
/// the server has since left is discarded (its steps still count as samples). The duration-aware quotas share the
/// B gradients out in advance from the workers' measured speeds instead. The schedules are N-PG-IGT's, so one
/// worker with one gradient per iteration is <see cref="NPgIgt"/> bit for bit. A job that throws (the
/// environment's exception, say) is rethrown by <see cref="Step"/> when it arrives; the next step goes on with
/// every worker.
/// </summary>
public sealed class AsyncNigt : IDisposable
{
    private readonly AsyncNigtOptions _options;
    private readonly PolicyGradientWorker[] _workers;
    private readonly IWorkerPool _pool;
    private readonly double[] _theta;
    private readonly double[] _previousTheta;
    private readonly double[] _extrapolated;
    private readonly double[] _direction;
    private readonly double[] _nextDirection;
    private readonly double[] _next;
    private readonly double[] _g;
    private readonly double[][] _workerSums;
    private readonly int[] _workerCounts;
    private readonly bool[] _idle;
    private readonly int[] _quota;
    private readonly double[] _secondsPerStep;
    private readonly bool[] _resting;
    private readonly bool[] _returning;
    private readonly double[] _allocationSeconds;
    private bool _disposed;

    /// <summary>Factor applied to a resting worker's measured seconds per step at every iteration it rests.</summary>
    internal const double RestDecay = 0.995;

    /// <summary>
    /// Creates the server and its workers. <paramref name="policy"/> is called once for the server and once
    /// per worker (a policy keeps workspaces and is not thread-safe) and must return the same architecture each
    /// time; <paramref name="environment"/> gets the worker's index (0..n-1), so Malenia's workers may sample
    /// different environments. The parameters are initialized from the seed; worker 0 continues that random
    /// stream and resets its environment with the seed, worker i &gt; 0 draws from its own stream seeded with
    /// seed + i and resets with seed + i (as vector environments seed their copies).
    /// </summary>
    public AsyncNigt(Func<IParametricPolicy> policy, Func<int, PolicyGradientEnvironment> environment, AsyncNigtOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Policy = policy() ?? throw new ArgumentException("The policy factory returned null.", nameof(policy));
        var p = Policy.ParameterCount;
        _theta = new double[p];
        _previousTheta = new double[p];
        _extrapolated = new double[p];
        _direction = new double[p];
        _nextDirection = new double[p];
        _next = new double[p];
        _g = new double[p];
        var n = options.Workers;
        _workerSums = new double[n][];
        _workerCounts = new int[n];
        _idle = new bool[n];
        _quota = new int[n];
        _secondsPerStep = new double[n];
        Array.Fill(_secondsPerStep, double.NaN);
        _resting = new bool[n];
        _returning = new bool[n];
        _allocationSeconds = new double[n];
        var seed = options.PolicyGradient.Seed;
        var random = new Random(seed);
        Policy.Initialize(_theta, random);
        _theta.CopyTo(_previousTheta, 0);

        _workers = new PolicyGradientWorker[n];
        var policies = new List<IParametricPolicy> { Policy };
        var environments = new List<PolicyGradientEnvironment>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                var workerEnvironment = environment(i) ?? throw new ArgumentException($"The environment factory returned null for worker {i}.", nameof(environment));
                if (environments.Any(e => ReferenceEquals(e, workerEnvironment)))
                    throw new ArgumentException($"The environment factory returned the same instance for worker {i} as for an earlier one; each worker needs its own.", nameof(environment));
                environments.Add(workerEnvironment);
                var workerPolicy = policy();
                if (workerPolicy is null || workerPolicy.ParameterCount != p || workerPolicy.ObservationSize != Policy.ObservationSize || workerPolicy.ActionSize != Policy.ActionSize)
                    throw new ArgumentException($"The policy factory must return policies of one architecture; worker {i}'s differs from the first.", nameof(policy));
                if (policies.Any(q => ReferenceEquals(q, workerPolicy)))
                    throw new ArgumentException($"The policy factory returned an instance it had returned before (worker {i}); a policy keeps workspaces, so each worker needs its own.", nameof(policy));
                policies.Add(workerPolicy);
                PolicyGradientAlgorithm.CheckCompatible(workerPolicy, workerEnvironment);
                _workers[i] = new PolicyGradientWorker(i, workerPolicy, workerEnvironment, i == 0 ? random : new Random(seed + i), seed + i, options.PolicyGradient);
                _workerSums[i] = new double[p];
                _idle[i] = true;
            }
            _pool = options.SimulatedStepSeconds is { } seconds ? new SimulatedWorkerPool(_workers, [.. seconds]) : new ThreadedWorkerPool(_workers);
        }
        catch
        {
            foreach (var created in environments) created.Dispose();
            throw;
        }
    }

    /// <summary>The server's policy (its workspace; use it with <see cref="Parameters"/> to act).</summary>
    public IParametricPolicy Policy { get; }

    /// <summary>The options.</summary>
    public AsyncNigtOptions Options => _options;

    /// <summary>The current parameters theta_t.</summary>
    public ReadOnlySpan<double> Parameters => _theta;

    /// <summary>The next iteration's index t.</summary>
    public int Iteration { get; private set; }

    /// <summary>Environment steps delivered so far, discarded gradients' included.</summary>
    public long EnvironmentSteps { get; private set; }

    /// <summary>Environment steps behind discarded gradients so far.</summary>
    public long DiscardedSteps { get; private set; }

    /// <summary>Seconds since the first iteration started, on the run's clock (simulated, or the wall clock, which also counts the time between iterations).</summary>
    public double Time => _pool.Now;

    /// <summary>The last iteration's estimate g_t (for tests).</summary>
    internal ReadOnlySpan<double> LastEstimate => _g;

    /// <summary>
    /// Runs one iteration. On a non-finite gradient or update throws <see cref="PolicyGradientDivergedException"/>
    /// and leaves the parameters as they were.
    /// </summary>
    public AsyncNigtIteration Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var t = Iteration;
        var gamma = PolicyGradientSchedules.IgtStep(_options.PolicyGradient.StepSize, t);
        var eta = PolicyGradientSchedules.IgtMomentum(_options.PolicyGradient.Momentum, t);

        // theta_tilde = theta_t + ((1 - eta)/eta)(theta_t - theta_{t-1}), handed to every idle worker
        var transport = t == 0 ? 0.0 : (1.0 - eta) / eta;
        for (var i = 0; i < _extrapolated.Length; i++)
            _extrapolated[i] = _theta[i] + transport * (_theta[i] - _previousTheta[i]);
        for (var w = 0; w < _workers.Length; w++)
        {
            Array.Clear(_workerSums[w]);
            _workerCounts[w] = 0;
        }
        if (_options.Aggregation == GradientAggregation.DurationAware) AllocateQuotas();
        for (var w = 0; w < _workers.Length; w++)
            if (_idle[w] && HasWork(w)) StartWorker(w, t);

        // g_t: the workers' fresh gradients at theta_tilde, aggregated
        var (accepted, discarded, meanReturn) = Aggregate(t);
        if (!TensorPrimitives.IsFiniteAll(_g)) throw new PolicyGradientDivergedException(Name, "gradient", t);

        // d_t = (1 - eta) d_{t-1} + eta g_t
        for (var i = 0; i < _nextDirection.Length; i++)
            _nextDirection[i] = t == 0 ? _g[i] : (1.0 - eta) * _direction[i] + eta * _g[i];

        // theta_{t+1} = theta_t + gamma d_t / ||d_t||
        var norm = TensorPrimitives.Norm(_nextDirection);
        TensorPrimitives.MultiplyAdd(_nextDirection, norm > 0 ? gamma / norm : 0.0, _theta, _next);
        if (!TensorPrimitives.IsFiniteAll(_next)) throw new PolicyGradientDivergedException(Name, "parameter update", t);
        _theta.CopyTo(_previousTheta, 0);
        _next.CopyTo(_theta, 0);
        _nextDirection.CopyTo(_direction, 0);
        Iteration++;
        return new AsyncNigtIteration(t, EnvironmentSteps, _pool.Now, meanReturn, accepted, discarded, gamma, eta, norm);
    }

    /// <summary>Runs iterations until at least <paramref name="environmentSteps"/> environment steps were delivered.</summary>
    public void Train(long environmentSteps, Action<AsyncNigtIteration>? onIteration = null)
    {
        while (EnvironmentSteps < environmentSteps)
        {
            var result = Step();
            onIteration?.Invoke(result);
        }
    }

    /// <summary>The algorithm's name as in the paper.</summary>
    public string Name => MethodName(_options.Aggregation);

    /// <summary>The name of N-PG-IGT with the aggregation rule <paramref name="aggregation"/>.</summary>
    public static string MethodName(GradientAggregation aggregation) => aggregation switch
    {
        GradientAggregation.Rennala => "Rennala NIGT",
        GradientAggregation.Malenia => "Malenia NIGT",
        GradientAggregation.DurationAware => "Duration-aware NIGT",
        _ => "Minibatch NIGT",
    };

    /// <summary>
    /// Takes finished jobs until the aggregation rule is met and writes g_t into _g. A worker that hands in a
    /// gradient gets theta_tilde again at once while it has work (<see cref="HasWork"/>), else rests until the next point.
    /// </summary>
    private (int Accepted, int Discarded, double MeanReturn) Aggregate(int t)
    {
        int accepted = 0, discarded = 0, trajectories = 0;
        var returnSum = 0.0;
        while (!Enough(accepted))
        {
            var worker = _pool.Next();
            var w = worker.Index;
            _idle[w] = true;
            EnvironmentSteps += worker.Steps;
            worker.Error?.Throw();
            if (worker.Steps > 0)
            {
                var rate = (worker.FinishTime - worker.StartTime) / worker.Steps;
                _secondsPerStep[w] = double.IsNaN(_secondsPerStep[w]) || _returning[w] ? rate : 0.75 * _secondsPerStep[w] + 0.25 * rate;
                _returning[w] = false;
            }
            if (worker.Tag == t)
            {
                if (!worker.IsFinite) throw new PolicyGradientDivergedException(Name, "gradient", t);
                TensorPrimitives.Add(_workerSums[w], worker.Gradient, _workerSums[w]);
                _workerCounts[w]++;
                accepted++;
                returnSum += worker.MeanReturn * worker.Trajectories;
                trajectories += worker.Trajectories;
            }
            else
            {
                discarded++;
                DiscardedSteps += worker.Steps;
            }
            if (!Enough(accepted) && HasWork(w))
                StartWorker(w, t);
        }

        // Summed in worker order, so the estimate depends on which gradients were accepted, not on when they arrived.
        _g.AsSpan().Clear();
        var n = _workers.Length;
        for (var w = 0; w < n; w++)
        {
            if (_workerCounts[w] == 0) continue;
            var weight = _options.Aggregation is GradientAggregation.Rennala or GradientAggregation.DurationAware
                ? 1.0 / accepted
                : 1.0 / (n * (double)_workerCounts[w]);
            TensorPrimitives.MultiplyAdd(_workerSums[w], weight, _g, _g);
        }
        return (accepted, discarded, trajectories == 0 ? double.NaN : returnSum / trajectories);
    }

    /// <summary>Whether the fresh gradients so far end the iteration.</summary>
    private bool Enough(int accepted)
    {
        switch (_options.Aggregation)
        {
            case GradientAggregation.Rennala:
            case GradientAggregation.DurationAware:
                return accepted >= _options.GradientsPerIteration;
            case GradientAggregation.Synchronous:
                return accepted >= _workers.Length;
            default:
                // Malenia: every worker at least once, and the harmonic mean of the counts at least S/n
                var n = _workers.Length;
                var inverseSum = 0.0;
                foreach (var count in _workerCounts)
                {
                    if (count == 0) return false;
                    inverseSum += 1.0 / count;
                }
                return inverseSum * _options.GradientsPerIteration <= (double)n * n;
        }
    }

    /// <summary>
    /// Whether idle worker <paramref name="w"/> should compute at the current point: always (Rennala, Malenia), up
    /// to its quota (duration-aware), until it delivered its one fresh gradient (synchronous).
    /// </summary>
    private bool HasWork(int w) => _options.Aggregation switch
    {
        GradientAggregation.DurationAware => _workerCounts[w] < _quota[w],
        GradientAggregation.Synchronous => _workerCounts[w] == 0,
        _ => true,
    };

    /// <summary>
    /// The duration-aware quotas: B gradients handed out one at a time to the worker whose next gradient would be
    /// done first. A worker's speed is its seconds per environment step (a moving average over its jobs, so that
    /// it does not depend on how long its last samples happened to be; a worker never measured counts as the mean
    /// of the measured ones), and a gradient takes the same expected steps on every worker, so the rates alone
    /// decide. A worker with no quota rests; its rate shrinks by <see cref="RestDecay"/> for every iteration it rests,
    /// so it is tried again now and then (one measured slow by a hiccup, or by its first job's warm-up, is not left
    /// out for good), and the job it comes back with replaces its old rate. Workers are idle here, except after an
    /// iteration that failed: a job still running then is taken when it arrives, as it was computed at this point.
    /// </summary>
    private void AllocateQuotas()
    {
        var known = 0.0;
        var measured = 0;
        foreach (var rate in _secondsPerStep)
        {
            if (double.IsNaN(rate)) continue;
            known += rate;
            measured++;
        }
        var fallback = measured == 0 ? 1.0 : known / measured;
        for (var w = 0; w < _workers.Length; w++)
        {
            if (_resting[w]) _secondsPerStep[w] *= RestDecay;
            _allocationSeconds[w] = double.IsNaN(_secondsPerStep[w]) ? fallback : _secondsPerStep[w];
            _quota[w] = 0;
        }
        for (var k = 0; k < _options.GradientsPerIteration; k++)
        {
            var best = 0;
            for (var w = 1; w < _workers.Length; w++)
                if ((_quota[w] + 1) * _allocationSeconds[w] < (_quota[best] + 1) * _allocationSeconds[best])
                    best = w;
            _quota[best]++;
        }
        for (var w = 0; w < _workers.Length; w++)
        {
            _returning[w] = _resting[w] && _quota[w] > 0;
            _resting[w] = _quota[w] == 0;
        }
    }

    private void StartWorker(int w, int t)
    {
        _idle[w] = false;
        _pool.Start(w, _extrapolated, t);
    }

    /// <summary>Stops the workers (running jobs finish first) and disposes their environments.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _pool.Dispose();
        }
        finally
        {
            foreach (var worker in _workers) worker.Dispose();
        }
    }
}
