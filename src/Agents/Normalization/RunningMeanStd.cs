namespace RLFramework.Agents.Normalization;

/// <summary>
/// Running mean and variance per feature, merged batch by batch with Chan et al.'s parallel
/// formula (as Stable-Baselines3's RunningMeanStd, initial count 1e-4).
/// </summary>
internal sealed class RunningMeanStd
{
    public RunningMeanStd(int size)
    {
        Mean = new double[size];
        Variance = new double[size];
        Array.Fill(Variance, 1.0);
    }

    public double[] Mean { get; }

    public double[] Variance { get; }

    public double Count { get; set; } = 1e-4;

    public int Size => Mean.Length;

    /// <summary>Merges <paramref name="count"/> rows of <see cref="Size"/> values.</summary>
    public void Update(ReadOnlySpan<float> rows, int count)
    {
        if (count == 0)
            return;
        var size = Size;
        for (var j = 0; j < size; j++)
        {
            var batchMean = 0.0;
            for (var i = 0; i < count; i++)
                batchMean += rows[i * size + j];
            batchMean /= count;
            var batchVar = 0.0;
            for (var i = 0; i < count; i++)
            {
                var d = rows[i * size + j] - batchMean;
                batchVar += d * d;
            }
            batchVar /= count;
            Merge(j, batchMean, batchVar, count);
        }
        Count += count;
    }

    /// <summary>Merges <paramref name="values"/> as samples of a one-dimensional statistic.</summary>
    public void UpdateScalar(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
            return;
        var batchMean = 0.0;
        foreach (var v in values)
            batchMean += v;
        batchMean /= values.Length;
        var batchVar = 0.0;
        foreach (var v in values)
            batchVar += (v - batchMean) * (v - batchMean);
        batchVar /= values.Length;
        Merge(0, batchMean, batchVar, values.Length);
        Count += values.Length;
    }

    private void Merge(int j, double batchMean, double batchVar, int batchCount)
    {
        var total = Count + batchCount;
        var delta = batchMean - Mean[j];
        Mean[j] += delta * batchCount / total;
        var m2 = Variance[j] * Count + batchVar * batchCount + delta * delta * Count * batchCount / total;
        Variance[j] = m2 / total;
    }
}
