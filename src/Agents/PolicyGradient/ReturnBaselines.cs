using MathNet.Numerics.LinearAlgebra;

namespace RLFramework.Agents.PolicyGradient;

/// <summary>Which baseline the GPOMDP estimator subtracts from the reward-to-go.</summary>
public enum PolicyGradientBaseline
{
    /// <summary>No baseline.</summary>
    None,

    /// <summary>Per time index, the mean return from that step over the previous iteration's trajectories.</summary>
    MeanReturn,

    /// <summary>
    /// rllab's linear feature baseline (the paper's experiments): ridge regression of the return from
    /// step t on [s, s^2, t/100, (t/100)^2, (t/100)^3, 1], fitted on the previous iteration's trajectories.
    /// </summary>
    LinearFeature,
}

/// <summary>
/// Predicts the return from step t. Fitted after each iteration on that iteration's trajectories and
/// used on the next one's, so the baseline never depends on the trajectory it is subtracted from and
/// the estimators stay unbiased.
/// </summary>
internal interface IReturnBaseline
{
    double Predict(ReadOnlySpan<double> observation, int timeIndex);

    void Fit(TrajectoryBatch batch, double discount);

    static IReturnBaseline? Create(PolicyGradientBaseline kind, int observationSize, int horizon) => kind switch
    {
        PolicyGradientBaseline.None => null,
        PolicyGradientBaseline.MeanReturn => new MeanReturnBaseline(horizon),
        PolicyGradientBaseline.LinearFeature => new LinearFeatureBaseline(observationSize),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown baseline."),
    };
}

internal sealed class MeanReturnBaseline(int horizon) : IReturnBaseline
{
    private readonly double[] _means = new double[horizon];
    private readonly int[] _counts = new int[horizon];
    private double[] _returns = [];

    public double Predict(ReadOnlySpan<double> observation, int timeIndex) => _means[timeIndex];

    public void Fit(TrajectoryBatch batch, double discount)
    {
        if (_returns.Length < batch.StepCount) _returns = new double[batch.Capacity];
        batch.ReturnsFromEachStep(discount, _returns);
        Array.Clear(_means);
        Array.Clear(_counts);
        for (var i = 0; i < batch.StepCount; i++)
        {
            _means[batch.TimeIndex(i)] += _returns[i];
            _counts[batch.TimeIndex(i)]++;
        }
        for (var t = 0; t < _means.Length; t++)
            if (_counts[t] > 0) _means[t] /= _counts[t];
    }
}

internal sealed class LinearFeatureBaseline : IReturnBaseline
{
    private readonly int _observationSize;
    private readonly double[] _coefficients;
    private readonly double[] _features;
    private double[] _returns = [];

    public LinearFeatureBaseline(int observationSize)
    {
        _observationSize = observationSize;
        _coefficients = new double[2 * observationSize + 4];
        _features = new double[_coefficients.Length];
    }

    public double Predict(ReadOnlySpan<double> observation, int timeIndex)
    {
        Features(observation, timeIndex, _features);
        var total = 0.0;
        for (var i = 0; i < _features.Length; i++) total += _coefficients[i] * _features[i];
        return total;
    }

    public void Fit(TrajectoryBatch batch, double discount)
    {
        if (batch.StepCount == 0) return;
        if (_returns.Length < batch.StepCount) _returns = new double[batch.Capacity];
        batch.ReturnsFromEachStep(discount, _returns);
        var p = _features.Length;
        var gram = Matrix<double>.Build.Dense(p, p);
        var target = Vector<double>.Build.Dense(p);
        for (var i = 0; i < batch.StepCount; i++)
        {
            Features(batch.Observation(i), batch.TimeIndex(i), _features);
            for (var r = 0; r < p; r++)
            {
                target[r] += _features[r] * _returns[i];
                for (var c = 0; c < p; c++) gram[r, c] += _features[r] * _features[c];
            }
        }
        // rllab: ridge 1e-5, multiplied by 10 until the solution is finite.
        var ridge = 1e-5;
        for (var attempt = 0; attempt < 5; attempt++, ridge *= 10)
        {
            var solution = (gram + ridge * Matrix<double>.Build.DenseIdentity(p)).Solve(target);
            if (solution.All(double.IsFinite))
            {
                for (var i = 0; i < p; i++) _coefficients[i] = solution[i];
                return;
            }
        }
    }

    private void Features(ReadOnlySpan<double> observation, int timeIndex, Span<double> features)
    {
        var n = _observationSize;
        for (var i = 0; i < n; i++)
        {
            var x = Math.Clamp(observation[i], -10.0, 10.0);
            features[i] = x;
            features[n + i] = x * x;
        }
        var t = timeIndex / 100.0;
        features[2 * n] = t;
        features[2 * n + 1] = t * t;
        features[2 * n + 2] = t * t * t;
        features[2 * n + 3] = 1.0;
    }
}
