namespace RLFramework.Cuda;

/// <summary>Where a booster runs (the agents' <c>--device auto|cpu|cuda</c> option).</summary>
public enum DeviceKind
{
    /// <summary>CUDA when an NVIDIA GPU and driver are present, else the CPU; the factory says which it chose.</summary>
    Auto,

    /// <summary>The CPU engine (<see cref="RLFramework.Boosting.GbrlBooster"/>).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU; an error naming what is missing when there is none.</summary>
    Cuda,
}
