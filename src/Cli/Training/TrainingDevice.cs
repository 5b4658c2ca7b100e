using RLFramework.Agents.Policies;
using RLFramework.Cuda;

namespace RLFramework.Cli.Training;

/// <summary>
/// What <c>--device auto|cpu|cuda</c> resolved to: the <see cref="BoosterProvider"/> the agent builds its ensembles
/// with, and the GPU to release after training. The CLI is where the device is chosen: src/Agents sees only the
/// booster seam and never needs a GPU or ILGPU; src/Cuda's <see cref="BoosterFactory"/> does the probing, so
/// <c>cuda</c> without a usable NVIDIA GPU is a <see cref="GpuUnavailableException"/> naming what is missing, and
/// only <c>auto</c> chooses (its description says what it chose and why).
/// </summary>
internal sealed class TrainingDevice : IDisposable
{
    private readonly GpuDevice? _gpu;

    private TrainingDevice(string name, string description, BoosterProvider boosters, GpuDevice? gpu)
    {
        Name = name;
        Description = description;
        Boosters = boosters;
        _gpu = gpu;
    }

    /// <summary>"cpu", "cuda", or "ilgpu-cpu" (the GPU kernels on ILGPU's CPU accelerator, in tests).</summary>
    public string Name { get; }

    /// <summary>What runs the ensembles, in words (auto: what it chose and why).</summary>
    public string Description { get; }

    /// <summary>Makes and loads the ensembles on this device.</summary>
    public BoosterProvider Boosters { get; }

    /// <summary>The CPU engine.</summary>
    public static TrainingDevice Cpu(string description) => new("cpu", description, BoosterProvider.Cpu, null);

    /// <summary>Resolves a <c>--device</c> value.</summary>
    /// <exception cref="ArgumentException">Not auto, cpu or cuda.</exception>
    /// <exception cref="GpuUnavailableException">cuda, and no usable CUDA device (the message names what is missing).</exception>
    public static TrainingDevice Open(string device)
    {
        var kind = BoosterFactory.ParseDevice(device);
        var gpu = BoosterFactory.OpenDevice(kind, out var description);
        return gpu is null ? Cpu(description) : OnGpu(gpu, description);
    }

    /// <summary>GPU boosters (<see cref="GpuGbrlBooster"/>) on <paramref name="gpu"/>, which this object then owns.</summary>
    public static TrainingDevice OnGpu(GpuDevice gpu, string description)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var boosters = new BoosterProvider(gpu.Description,
            (options, schema) => new GpuGbrlBooster(options, schema, gpu),
            (stream, _) => GpuGbrlBooster.Load(stream, gpu));
        return new TrainingDevice(gpu.IsCuda ? "cuda" : "ilgpu-cpu", description, boosters, gpu);
    }

    /// <summary>Releases the GPU (after the agent and its boosters).</summary>
    public void Dispose() => _gpu?.Dispose();
}
