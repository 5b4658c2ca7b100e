using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        // One float of padding: a stride-4 row is read as 4 floats.
        if (_raw.Length < sampleCount * outputCount + 1)
            _raw = new float[sampleCount * outputCount + 1];
        if (_rows.Length < sampleCount * Stride)
            _rows = new double[sampleCount * Stride];
        var raw = _raw.AsSpan(0, sampleCount * outputCount);
        gradients.CopyTo(raw);
        CheckFinite(raw, outputCount);
        foreach (var slice in slices)
        {
            if (slice.MaxGradNorm > 0)
                Clip(raw, sampleCount, outputCount, slice.Start, slice.Length, slice.MaxGradNorm);
        }
        // Per column: mean and 1 / std for L2 (the rows are (g - mean) * inv), 0 and 1 for cosine; slot K is the
        // count 1 (mean 0, inv 1 keep it exact) and the padding stays 0.
        Span<double> mean = stackalloc double[Stride];
        Span<double> inv = stackalloc double[Stride];
        mean.Clear();
        inv.Fill(1.0);
        var rows = _rows.AsSpan(0, sampleCount * Stride);
        if (Stride == 4 && Avx.IsSupported)
        {
            PackStride4(_raw, sampleCount, outputCount, mean, inv, rows);
            if (standardize)
                StandardizeStride4(rows, outputCount);
            return;
        }
        if (standardize)
            ColumnScales(raw, sampleCount, outputCount, mean, inv);
        Pack(raw, sampleCount, outputCount, Stride, mean, inv, rows);
    }

    /// <summary>
    /// <see cref="ColumnScales"/> and the (g - mean) * inv of <see cref="Pack"/> on rows of 4 doubles already
    /// packed raw: the same sums in the same sample order, one row (all columns) per vector operation, so the
    /// result is bit for bit that of the scalar path. The count lane (mean 0, inv 1) and the padding stay as they are.
    /// </summary>
    private static void StandardizeStride4(Span<double> rows, int outputCount)
    {
        var n = rows.Length / 4;
        ref var row0 = ref MemoryMarshal.GetReference(rows);
        var sum = Vector256<double>.Zero;
        for (var i = 0; i < n; i++)
            sum += Vector256.LoadUnsafe(ref row0, (nuint)(i * 4));
        var lane = Vector256.Create(0L, 1L, 2L, 3L);
        var columns = Vector256.LessThan(lane, Vector256.Create((long)outputCount)).AsDouble();
        var mean = (sum / n) & columns;
        var squares = Vector256<double>.Zero;
        for (var i = 0; i < n; i++)
        {
            var d = Vector256.LoadUnsafe(ref row0, (nuint)(i * 4)) - mean;
            squares += d * d;
        }
        var std = Vector256.Sqrt(squares / n);
        var inv = Vector256.ConditionalSelect(columns & Vector256.GreaterThan(std, Vector256<double>.Zero), Vector256<double>.One / std, Vector256<double>.One);
        for (var i = 0; i < n; i++)
        {
            ref var row = ref Unsafe.Add(ref row0, i * 4);
            ((Vector256.LoadUnsafe(ref row) - mean) * inv).StoreUnsafe(ref row);
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> raw, int outputCount)
    {
        var exponent = Vector256.Create(0x7F800000);
        var i = 0;
        var bad = false;
        for (; i + 8 <= raw.Length && !bad; i += 8)
        {
            var bits = Vector256.Create(raw.Slice(i, 8)).AsInt32() & exponent;
            bad = Vector256.EqualsAny(bits, exponent);
        }
        for (i = bad ? i - 8 : i; i < raw.Length; i++)
        {
            if (!float.IsFinite(raw[i]))
                ThrowHelper.BadGradient(i / outputCount, i % outputCount, raw[i]);
        }
    }

    /// <summary>Mean and 1 / std (population; a zero std counts as 1) of each of the K columns, summed in sample order.</summary>
    private static void ColumnScales(ReadOnlySpan<float> raw, int sampleCount, int outputCount, Span<double> mean, Span<double> inv)
    {
        for (var i = 0; i < sampleCount; i++)
        {
            for (var k = 0; k < outputCount; k++)
                mean[k] += raw[i * outputCount + k];
        }
        Span<double> variance = stackalloc double[outputCount];
        variance.Clear();
        for (var k = 0; k < outputCount; k++)
            mean[k] /= sampleCount;
        for (var i = 0; i < sampleCount; i++)
        {
            for (var k = 0; k < outputCount; k++)
            {
                var d = raw[i * outputCount + k] - mean[k];
                variance[k] += d * d;
            }
        }
        for (var k = 0; k < outputCount; k++)
        {
            var std = Math.Sqrt(variance[k] / sampleCount);
            inv[k] = std > 0 ? 1.0 / std : 1.0;
        }
    }

    /// <summary>Rows of 4 doubles (K &lt;= 3): one 4-float load per sample, lanes past K replaced by (1, 0, 0).</summary>
    private static void PackStride4(float[] raw, int sampleCount, int outputCount, ReadOnlySpan<double> mean, ReadOnlySpan<double> inv, Span<double> rows)
    {
        var m = Vector256.Create(mean);
        var s = Vector256.Create(inv);
        var lane = Vector256.Create(0L, 1L, 2L, 3L);
        var keep = Vector256.LessThan(lane, Vector256.Create((long)outputCount)).AsDouble();
        var fill = Vector256.ConditionalSelect(Vector256.Equals(lane, Vector256.Create((long)outputCount)).AsDouble(), Vector256.Create(1.0), Vector256<double>.Zero);
        ref var source = ref MemoryMarshal.GetArrayDataReference(raw);
        ref var destination = ref MemoryMarshal.GetReference(rows);
        for (var i = 0; i < sampleCount; i++)
        {
            var g = Vector128.LoadUnsafe(ref source, (nuint)(i * outputCount));
            var row = Vector256.ConditionalSelect(keep, Avx.ConvertToVector256Double(g), fill);
            ((row - m) * s).StoreUnsafe(ref destination, (nuint)(i * 4));
        }
    }

    private static void Pack(ReadOnlySpan<float> raw, int sampleCount, int outputCount, int stride, ReadOnlySpan<double> mean, ReadOnlySpan<double> inv, Span<double> rows)
    {
        for (var i = 0; i < sampleCount; i++)
        {
            var row = rows.Slice(i * stride, stride);
            for (var k = 0; k < outputCount; k++)
                row[k] = (raw[i * outputCount + k] - mean[k]) * inv[k];
            row[outputCount] = 1.0;
            row[(outputCount + 1)..].Clear();
        }
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
}
