namespace RLFramework.Cuda;

/// <summary>A CUDA device was asked for and is not usable; the message names what is missing (driver or GPU).</summary>
public sealed class GpuUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming what is missing.</summary>
    public GpuUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public GpuUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public GpuUnavailableException()
        : base("No usable CUDA device.")
    {
    }
}
