using RLFramework.Boosting;

namespace RLFramework.Cuda;

/// <summary>
/// Creates a booster on the device the user asked for. <see cref="DeviceKind.Cuda"/> without a usable NVIDIA GPU
/// throws <see cref="GpuUnavailableException"/> naming what is missing (driver or device); only
/// <see cref="DeviceKind.Auto"/> may choose, and it reports what it chose. Never a silent fallback.
/// </summary>
public static class BoosterFactory
{
    /// <summary>Creates a booster on <paramref name="device"/>; <paramref name="chosenDescription"/> says what runs it.</summary>
    /// <exception cref="GpuUnavailableException"><paramref name="device"/> is Cuda and no CUDA device is usable.</exception>
    public static IGradientBooster Create(GbrlOptions options, FeatureSchema schema, DeviceKind device, out string chosenDescription) =>
        Create(options, schema, device, ProbeCuda, out chosenDescription);

    /// <summary>Parses "auto", "cpu" or "cuda" (any case).</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public static DeviceKind ParseDevice(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToUpperInvariant() switch
        {
            "AUTO" => DeviceKind.Auto,
            "CPU" => DeviceKind.Cpu,
            "CUDA" or "GPU" => DeviceKind.Cuda,
            _ => throw new ArgumentException($"Unknown device '{value}': expected auto, cpu or cuda.", nameof(value)),
        };
    }

    /// <summary>
    /// Resolves <paramref name="device"/> once, for several boosters sharing one GPU (e.g. separate actor and critic
    /// ensembles): null means the CPU; otherwise an opened <see cref="GpuDevice"/> that the caller disposes after its
    /// boosters. Pass the result to <see cref="Create(GbrlOptions, FeatureSchema, GpuDevice?)"/>.
    /// </summary>
    /// <exception cref="GpuUnavailableException"><paramref name="device"/> is Cuda and no CUDA device is usable.</exception>
    public static GpuDevice? OpenDevice(DeviceKind device, out string chosenDescription) => OpenDevice(device, ProbeCuda, out chosenDescription);

    /// <summary>A booster on an already resolved device: the CPU engine for null, else a <see cref="GpuGbrlBooster"/> on it.</summary>
    public static IGradientBooster Create(GbrlOptions options, FeatureSchema schema, GpuDevice? device) =>
        device is null ? new GbrlBooster(options, schema) : new GpuGbrlBooster(options, schema, device);

    /// <summary>The factory with a replaceable CUDA probe (tests simulate machines with and without a GPU).</summary>
    internal static IGradientBooster Create(GbrlOptions options, FeatureSchema schema, DeviceKind device, CudaProbe probe, out string chosenDescription)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        var gpu = OpenDevice(device, probe, out chosenDescription);
        if (gpu is null)
            return new GbrlBooster(options, schema);
        try
        {
            return new GpuGbrlBooster(options, schema, gpu, ownsDevice: true);
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    internal static GpuDevice? OpenDevice(DeviceKind device, CudaProbe probe, out string chosenDescription)
    {
        switch (device)
        {
            case DeviceKind.Cpu:
                chosenDescription = CpuDescription;
                return null;
            case DeviceKind.Cuda:
            {
                if (!probe(out var gpu, out var reason))
                    throw new GpuUnavailableException(reason);
                chosenDescription = gpu.Description;
                return gpu;
            }
            case DeviceKind.Auto:
            {
                if (probe(out var gpu, out var reason))
                {
                    chosenDescription = $"auto chose {gpu.Description}";
                    return gpu;
                }
                chosenDescription = $"auto chose {CpuDescription}, because no CUDA device is usable: {reason}";
                return null;
            }
            default:
                throw new ArgumentException($"Unknown device kind {device}.", nameof(device));
        }
    }

    /// <summary>Opens a CUDA device or explains why not.</summary>
    internal delegate bool CudaProbe([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuDevice? device, out string reason);

    private static string CpuDescription => $"CPU ({Environment.ProcessorCount} cores, RLFramework.Boosting.GbrlBooster)";

    private static bool ProbeCuda([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuDevice? device, out string reason) =>
        GpuDevice.TryOpenCuda(0, out device, out reason);
}
