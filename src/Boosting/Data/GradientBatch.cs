namespace RLFramework.Boosting.Data;

/// <summary>
/// The gradients of one boosting step, prepared once:
/// <list type="number">
/// <item>checked finite;</item>
/// <item>clipped per output slice: a row whose slice has an L2 norm above the slice's <c>MaxGradNorm</c> is
/// rescaled to that norm (<see cref="Raw"/>, used for leaf values);</item>
/// <item>copied to double rows of <see cref="Stride"/> values for the histograms: the K split gradients
/// (raw for cosine; for L2 each column standardized over the batch, (g - mean) / std, with a zero std
/// replaced by 1 so a constant column becomes 0 instead of NaN), then a 1 that counts the sample, then zeros.</item>
/// </list>
/// </summary>
internal sealed class GradientBatch
{
    private float[] _raw = [];
    private double[] _rows = [];

    /// <summary>Number of samples.</summary>
    public int SampleCount { get; private set; }

    /// <summary>Number of outputs K.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Doubles per histogram row: K + 1 rounded up to a multiple of 4 (SIMD width).</summary>
    public int Stride { get; private set; }

    /// <summary>Clipped raw gradients, row-major (sample, output).</summary>
    public ReadOnlySpan<float> Raw => _raw.AsSpan(0, SampleCount * OutputCount);

    /// <summary>Histogram rows (sample, Stride): split gradients, count 1, zero padding.</summary>
    public ReadOnlySpan<double> Rows => _rows.AsSpan(0, SampleCount * Stride);

    /// <summary>Histogram row stride for <paramref name="outputCount"/> outputs.</summary>
    public static int StrideFor(int outputCount) => (outputCount + 1 + 3) & ~3;

    /// <summary>Validates, clips and packs <paramref name="gradients"/> (sampleCount x K).</summary>
    public void Prepare(ReadOnlySpan<float> gradients, int sampleCount, IReadOnlyList<OutputSlice> slices, int outputCount, bool standardize)
    {
        SampleCount = sampleCount;
        OutputCount = outputCount;
        Stride = StrideFor(outputCount);
        if (_raw.Length < sampleCount * outputCount)
            _raw = new float[sampleCount * outputCount];
        if (_rows.Length < sampleCount * Stride)
            _rows = new double[sampleCount * Stride];
        var raw = _raw.AsSpan(0, sampleCount * outputCount);
        for (var i = 0; i < raw.Length; i++)
        {
            var g = gradients[i];
            if (!float.IsFinite(g))
                ThrowHelper.BadGradient(i / outputCount, i % outputCount, g);
            raw[i] = g;
        }
        foreach (var slice in slices)
        {
            if (slice.MaxGradNorm > 0)
                Clip(raw, sampleCount, outputCount, slice.Start, slice.Length, slice.MaxGradNorm);
        }
        var rows = _rows.AsSpan(0, sampleCount * Stride);
        rows.Clear();
        for (var i = 0; i < sampleCount; i++)
        {
            for (var k = 0; k < outputCount; k++)
                rows[i * Stride + k] = raw[i * outputCount + k];
            rows[i * Stride + outputCount] = 1.0;
        }
        if (standardize)
            Standardize(rows, sampleCount, outputCount, Stride);
    }

    /// <summary>Rescales every row of the slice whose L2 norm exceeds <paramref name="maxNorm"/> to that norm.</summary>
    internal static void Clip(Span<float> raw, int sampleCount, int outputCount, int start, int length, double maxNorm)
    {
        for (var i = 0; i < sampleCount; i++)
        {
            var row = raw.Slice(i * outputCount + start, length);
            var sq = 0.0;
            foreach (var g in row)
                sq += (double)g * g;
            if (sq > maxNorm * maxNorm)
            {
                var scale = maxNorm / Math.Sqrt(sq);
                for (var k = 0; k < row.Length; k++)
                    row[k] = (float)(row[k] * scale);
            }
        }
    }

    private static void Standardize(Span<double> rows, int sampleCount, int outputCount, int stride)
    {
        for (var k = 0; k < outputCount; k++)
        {
            var mean = 0.0;
            for (var i = 0; i < sampleCount; i++)
                mean += rows[i * stride + k];
            mean /= sampleCount;
            var variance = 0.0;
            for (var i = 0; i < sampleCount; i++)
            {
                var d = rows[i * stride + k] - mean;
                variance += d * d;
            }
            var std = Math.Sqrt(variance / sampleCount);
            var inv = std > 0 ? 1.0 / std : 1.0;
            for (var i = 0; i < sampleCount; i++)
                rows[i * stride + k] = (rows[i * stride + k] - mean) * inv;
        }
    }
}
