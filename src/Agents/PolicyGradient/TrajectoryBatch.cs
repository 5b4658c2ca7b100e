namespace RLFramework.Agents.PolicyGradient;

/// <summary>
/// Preallocated storage for whole trajectories (observations, actions, rewards) and, per step, the
/// GPOMDP weight <c>sum_{h>=t} gamma^h r_h - gamma^t b(s_t, t)</c> that the estimators use.
/// </summary>
internal sealed class TrajectoryBatch
{
    private readonly double[] _observations;
    private readonly double[] _actions;
    private readonly double[] _rewards;
    private readonly double[] _weights;
    private readonly int[] _timeIndices;
    private readonly int[] _starts;

    public TrajectoryBatch(int capacity, int observationSize, int actionSize)
    {
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        _observations = new double[capacity * observationSize];
        _actions = new double[capacity * actionSize];
        _rewards = new double[capacity];
        _weights = new double[capacity];
        _timeIndices = new int[capacity];
        _starts = new int[capacity + 1];
    }

    public int Capacity { get; }

    public int ObservationSize { get; }

    public int ActionSize { get; }

    /// <summary>Steps stored.</summary>
    public int StepCount { get; private set; }

    /// <summary>Complete trajectories stored.</summary>
    public int TrajectoryCount { get; private set; }

    public void Clear()
    {
        StepCount = 0;
        TrajectoryCount = 0;
    }

    public void Add(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double reward)
    {
        if (StepCount == Capacity)
            throw new InvalidOperationException($"The trajectory batch is full ({Capacity} steps).");
        _timeIndices[StepCount] = StepCount - _starts[TrajectoryCount];
        observation.CopyTo(_observations.AsSpan(StepCount * ObservationSize, ObservationSize));
        action.CopyTo(_actions.AsSpan(StepCount * ActionSize, ActionSize));
        _rewards[StepCount] = reward;
        StepCount++;
    }

    /// <summary>Closes the trajectory whose steps were added since the last call.</summary>
    public void EndTrajectory()
    {
        if (StepCount == _starts[TrajectoryCount])
            throw new InvalidOperationException("A trajectory needs at least one step.");
        TrajectoryCount++;
        _starts[TrajectoryCount] = StepCount;
    }

    public int Start(int trajectory) => _starts[trajectory];

    public int End(int trajectory) => _starts[trajectory + 1];

    public ReadOnlySpan<double> Observation(int step) => _observations.AsSpan(step * ObservationSize, ObservationSize);

    public ReadOnlySpan<double> Action(int step) => _actions.AsSpan(step * ActionSize, ActionSize);

    public double Reward(int step) => _rewards[step];

    public int TimeIndex(int step) => _timeIndices[step];

    public double Weight(int step) => _weights[step];

    /// <summary>Mean undiscounted return of the stored trajectories.</summary>
    public double MeanReturn()
    {
        if (TrajectoryCount == 0) return double.NaN;
        var total = 0.0;
        for (var i = 0; i < StepCount; i++) total += _rewards[i];
        return total / TrajectoryCount;
    }

    /// <summary>
    /// Sets each step's weight to the discounted reward-to-go <c>sum_{h>=t} gamma^h r_h</c> (GPOMDP,
    /// Baxter and Bartlett 2001) minus <c>gamma^t b(s_t, t)</c>; the baseline (may be null) predicts
    /// the return from step t, <c>sum_{h>=t} gamma^(h-t) r_h</c>.
    /// </summary>
    public void ComputeWeights(double discount, IReturnBaseline? baseline)
    {
        for (var k = 0; k < TrajectoryCount; k++)
        {
            var start = _starts[k];
            var end = _starts[k + 1];
            var discountFactor = Math.Pow(discount, end - 1 - start);
            var rewardToGo = 0.0;
            for (var i = end - 1; i >= start; i--)
            {
                rewardToGo += discountFactor * _rewards[i];
                _weights[i] = rewardToGo;
                discountFactor /= discount;
            }
        }
        if (baseline is null) return;
        for (var k = 0; k < TrajectoryCount; k++)
        {
            var discountFactor = 1.0;
            for (var i = _starts[k]; i < _starts[k + 1]; i++)
            {
                _weights[i] -= discountFactor * baseline.Predict(Observation(i), _timeIndices[i]);
                discountFactor *= discount;
            }
        }
    }

    /// <summary>The return from each step, <c>sum_{h>=t} gamma^(h-t) r_h</c>, into <paramref name="destination"/> (baseline targets).</summary>
    public void ReturnsFromEachStep(double discount, Span<double> destination)
    {
        for (var k = 0; k < TrajectoryCount; k++)
        {
            var total = 0.0;
            for (var i = _starts[k + 1] - 1; i >= _starts[k]; i--)
            {
                total = _rewards[i] + discount * total;
                destination[i] = total;
            }
        }
    }
}
