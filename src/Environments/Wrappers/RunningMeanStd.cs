using System.Numerics;

namespace RLFramework.Environments.Wrappers;

/// <summary>A snapshot of <see cref="RunningMeanStd"/> (for saving and loading normalization statistics).</summary>
/// <param name="Mean">Per-feature running mean.</param>
/// <param name="Variance">Per-feature running (population) variance.</param>
/// <param name="Count">Number of samples seen, including the initial pseudo-count.</param>
public sealed record RunningStatistics(double[] Mean, double[] Variance, double Count);

/// <summary>
/// Running per-feature mean and variance with Gymnasium's parallel update (Chan et al.):
/// the batch's mean and population variance are merged into the running moments, starting from
/// mean 0, variance 1 and a pseudo-count <c>epsilon</c> (1e-4 by default).
/// </summary>
public sealed class RunningMeanStd
{
    private readonly double[] _mean;
    private readonly double[] _variance;
    private readonly double[] _batchMean;
    private readonly double[] _batchVariance;

    /// <summary>Statistics of <paramref name="size"/> features with initial pseudo-count <paramref name="epsilon"/>.</summary>
    public RunningMeanStd(int size, double epsilon = 1e-4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        _mean = new double[size];
        _variance = new double[size];
        Array.Fill(_variance, 1.0);
        _batchMean = new double[size];
        _batchVariance = new double[size];
        Count = epsilon;
    }

    /// <summary>Number of features.</summary>
    public int Size => _mean.Length;

    /// <summary>Running mean per feature.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Running variance per feature.</summary>
    public ReadOnlySpan<double> Variance => _variance;

    /// <summary>Samples seen (plus the initial pseudo-count).</summary>
    public double Count { get; private set; }

    /// <summary>Merges a batch of <c>batch.Length / Size</c> rows (row-major) into the statistics.</summary>
    public void Update(ReadOnlySpan<float> batch) => Update<float>(batch);

    /// <summary>Merges a batch of <c>batch.Length / Size</c> rows (row-major) into the statistics.</summary>
    public void Update(ReadOnlySpan<double> batch) => Update<double>(batch);

    /// <summary>Merges a batch given by its moments (Gymnasium's update_from_moments).</summary>
    public void UpdateFromMoments(ReadOnlySpan<double> batchMean, ReadOnlySpan<double> batchVariance, double batchCount)
    {
        if (batchMean.Length != Size || batchVariance.Length != Size)
        {
            throw new ArgumentException($"The batch moments have {batchMean.Length} and {batchVariance.Length} features; the statistics have {Size}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchCount);
        double count = Count;
        double total = count + batchCount;
        for (int j = 0; j < _mean.Length; j++)
        {
            double delta = batchMean[j] - _mean[j];
            double m2 = (_variance[j] * count) + (batchVariance[j] * batchCount) + (delta * delta * count * batchCount / total);
            _mean[j] += delta * batchCount / total;
            _variance[j] = m2 / total;
        }

        Count = total;
    }

    /// <summary>A copy of the statistics.</summary>
    public RunningStatistics GetState() => new((double[])_mean.Clone(), (double[])_variance.Clone(), Count);

    /// <summary>Overwrites the statistics (sizes must match).</summary>
    public void SetState(RunningStatistics state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Mean.Length != Size || state.Variance.Length != Size)
        {
            throw new ArgumentException($"The statistics have {state.Mean.Length} means and {state.Variance.Length} variances; expected {Size} of each.", nameof(state));
        }

        if (!(state.Count > 0) || double.IsInfinity(state.Count))
        {
            throw new ArgumentException($"The statistics' count must be positive and finite (got {state.Count}).", nameof(state));
        }

        state.Mean.CopyTo(_mean, 0);
        state.Variance.CopyTo(_variance, 0);
        Count = state.Count;
    }

    /// <summary>Writes (x - mean) / sqrt(var + epsilon), clipped to ±<paramref name="clip"/>, for one row.</summary>
    public void Normalize(ReadOnlySpan<float> row, Span<float> destination, double epsilon, double clip)
    {
        for (int j = 0; j < _mean.Length; j++)
        {
            double z = (row[j] - _mean[j]) / Math.Sqrt(_variance[j] + epsilon);
            destination[j] = (float)Math.Clamp(z, -clip, clip);
        }
    }

    private void Update<T>(ReadOnlySpan<T> batch)
        where T : struct, INumberBase<T>
    {
        int size = Size;
        if (batch.Length == 0 || batch.Length % size != 0)
        {
            throw new ArgumentException($"A batch of {batch.Length} values is not a whole number of rows of {size} features.", nameof(batch));
        }

        int rows = batch.Length / size;
        Array.Clear(_batchMean);
        Array.Clear(_batchVariance);
        for (int r = 0; r < rows; r++)
        {
            var row = batch.Slice(r * size, size);
            for (int j = 0; j < size; j++)
            {
                _batchMean[j] += double.CreateTruncating(row[j]);
            }
        }

        for (int j = 0; j < size; j++)
        {
            _batchMean[j] /= rows;
        }

        for (int r = 0; r < rows; r++)
        {
            var row = batch.Slice(r * size, size);
            for (int j = 0; j < size; j++)
            {
                double d = double.CreateTruncating(row[j]) - _batchMean[j];
                _batchVariance[j] += d * d;
            }
        }

        for (int j = 0; j < size; j++)
        {
            _batchVariance[j] /= rows;
        }

        UpdateFromMoments(_batchMean, _batchVariance, rows);
    }
}
