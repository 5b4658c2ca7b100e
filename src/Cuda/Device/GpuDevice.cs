using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace RLFramework.Cuda;

/// <summary>
/// One ILGPU accelerator with the boosting kernels loaded on it (once per accelerator): an NVIDIA GPU
/// (<see cref="OpenCuda"/>; ILGPU generates PTX itself, so only the NVIDIA driver is needed) or ILGPU's CPU
/// accelerator (<see cref="OpenCpuSimulator"/>), which runs the very same kernels on the CPU threads and is what
/// the tests use. Several boosters may share one device; it is not thread-safe.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;
    private bool _disposed;

    private GpuDevice(Context context, Accelerator accelerator, bool isCuda)
    {
        _context = context;
        Accelerator = accelerator;
        IsCuda = isCuda;
        Description = isCuda
            ? $"CUDA: {accelerator.Name} ({accelerator.MemorySize / (1024 * 1024)} MiB, ILGPU {accelerator.AcceleratorType})"
            : $"ILGPU CPU accelerator ({accelerator.Name}, kernels simulated on CPU threads)";
        Kernels = new GpuKernels(accelerator);
    }

    /// <summary>Human-readable name of the device.</summary>
    public string Description { get; }

    /// <summary>Whether this is a CUDA GPU (false: ILGPU's CPU accelerator).</summary>
    public bool IsCuda { get; }

    internal Accelerator Accelerator { get; }

    internal GpuKernels Kernels { get; }

    /// <summary>Opens ILGPU's CPU accelerator: the GPU kernels run on CPU threads (slow; for tests and debugging).</summary>
    public static GpuDevice OpenCpuSimulator()
    {
        var context = Context.Create(builder => builder.CPU());
        try
        {
            return new GpuDevice(context, context.CreateCPUAccelerator(0), isCuda: false);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Opens CUDA device <paramref name="index"/>.</summary>
    /// <exception cref="GpuUnavailableException">No NVIDIA driver, or no CUDA device; the message says which.</exception>
    public static GpuDevice OpenCuda(int index = 0)
    {
        if (!TryOpenCuda(index, out var device, out var reason))
            throw new GpuUnavailableException(reason);
        return device;
    }

    /// <summary>Opens CUDA device <paramref name="index"/>, or explains why not in <paramref name="reason"/>.</summary>
    public static bool TryOpenCuda(int index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuDevice? device, out string reason)
    {
        device = null;
        if (!IsDriverLibraryPresent(out var library))
        {
            reason = $"CUDA was requested but the NVIDIA driver is not installed: the driver library '{library}' could not be loaded. " +
                "Install the NVIDIA GPU driver (no CUDA toolkit is needed: ILGPU generates PTX itself), or use --device cpu.";
            return false;
        }
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda());
            var count = context.GetCudaDevices().Count;
            if (count == 0)
            {
                context.Dispose();
                reason = $"CUDA was requested but no CUDA device was found: the NVIDIA driver '{library}' is present but reports no usable NVIDIA GPU. Use --device cpu.";
                return false;
            }
            if (index < 0 || index >= count)
            {
                context.Dispose();
                reason = $"CUDA device {index} was requested but only {count} CUDA device(s) exist.";
                return false;
            }
            var accelerator = context.CreateCudaAccelerator(index);
            device = new GpuDevice(context, accelerator, isCuda: true);
            reason = device.Description;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            reason = $"CUDA was requested but the CUDA device could not be opened ({e.GetType().Name}: {e.Message}). " +
                "Check that the NVIDIA driver is installed and recent enough for ILGPU 1.5 (driver supporting PTX ISA 6.0 or later).";
            return false;
        }
    }

    /// <summary>Whether the CUDA driver library (libcuda / nvcuda) can be loaded.</summary>
    internal static bool IsDriverLibraryPresent(out string library)
    {
        string[] names = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : OperatingSystem.IsMacOS() ? ["libcuda.dylib"] : ["libcuda.so.1", "libcuda.so"];
        library = names[0];
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                library = name;
                return true;
            }
        }
        return false;
    }

    /// <summary>Releases the accelerator and its context (buffers of boosters still using it become invalid).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Accelerator.Dispose();
        _context.Dispose();
    }
}
