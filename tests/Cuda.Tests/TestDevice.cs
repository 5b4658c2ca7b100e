namespace RLFramework.Cuda.Tests;

/// <summary>
/// The device every GPU test runs on: ILGPU's CPU accelerator by default (CI, no GPU), the CUDA GPU when
/// <c>RLF_TEST_DEVICE=cuda</c> (benchmarks/gpu/run.sh). Asking for CUDA without one fails the tests (no fallback).
/// </summary>
public sealed class TestDevice : IDisposable
{
    public TestDevice()
    {
        var wanted = Environment.GetEnvironmentVariable("RLF_TEST_DEVICE");
        Device = string.Equals(wanted, "cuda", StringComparison.OrdinalIgnoreCase) ? GpuDevice.OpenCuda() : GpuDevice.OpenCpuSimulator();
    }

    public GpuDevice Device { get; }

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<TestDevice>
{
    public const string Name = "device";
}

/// <summary>Seeded synthetic batches: features with structure, gradients that depend on them plus noise.</summary>
internal static class Synthetic
{
    /// <summary>
    /// Row-major features (numerical uniform in [-1, 1] with a few NaN; categorical integer codes) and K gradients
    /// driven by features 0, 1 and (when present) the first categorical feature.
    /// </summary>
    public static (float[] Features, float[] Gradients) Batch(int n, IReadOnlyList<int> cardinalities, int k, int seed)
    {
        var rng = new Random(seed);
        var f = cardinalities.Count;
        var x = new float[n * f];
        var g = new float[n * k];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < f; j++)
            {
                var c = cardinalities[j];
                x[i * f + j] = c > 0 ? rng.Next(c) : rng.NextDouble() < 0.02 ? float.NaN : (float)(rng.NextDouble() * 2 - 1);
            }
            var x0 = float.IsNaN(x[i * f]) ? 0 : x[i * f];
            var x1 = f > 1 && !float.IsNaN(x[i * f + 1]) ? x[i * f + 1] : 0;
            var cat = 0f;
            for (var j = 0; j < f; j++)
            {
                if (cardinalities[j] > 0)
                {
                    cat = x[i * f + j] == 1 ? 1.5f : 0f;
                    break;
                }
            }
            for (var o = 0; o < k; o++)
                g[i * k + o] = (float)((o + 1) * (x0 > 0.2 ? 1 : -0.5) + (o == 1 ? 2 * x1 : x1 * x1) + cat * (o % 2 == 0 ? 1 : -1) + 0.3 * (rng.NextDouble() - 0.5));
        }
        return (x, g);
    }
}
