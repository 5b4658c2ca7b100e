using ILGPU;
using ILGPU.Runtime;

namespace RLFramework.Cuda;

/// <summary>
/// A device buffer of <typeparamref name="T"/> with a host-side length that grows by doubling: appending copies
/// only the new elements to the device, and growing copies the old contents device to device (never re-uploaded
/// from the host). Also used as a reusable scratch buffer (<see cref="EnsureCapacity"/>).
/// </summary>
internal sealed class DeviceArray<T> : IDisposable
    where T : unmanaged
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<T, Stride1D.Dense> _buffer;

    public DeviceArray(Accelerator accelerator, long capacity = 64)
    {
        _accelerator = accelerator;
        _buffer = accelerator.Allocate1D<T>(Math.Max(1, capacity));
    }

    /// <summary>Elements in use.</summary>
    public long Length { get; private set; }

    /// <summary>Allocated elements.</summary>
    public long Capacity => _buffer.Length;

    /// <summary>The whole allocation (kernels index within <see cref="Length"/>).</summary>
    public ArrayView<T> View => _buffer.View;

    private ArrayView<T> All => _buffer.View;

    /// <summary>The first <paramref name="length"/> elements.</summary>
    public ArrayView<T> Slice(long length) => _buffer.View.SubView(0, length);

    /// <summary>Makes room for <paramref name="capacity"/> elements, keeping the first <see cref="Length"/> (device to device).</summary>
    public void EnsureCapacity(long capacity)
    {
        if (capacity <= _buffer.Length)
            return;
        var size = Math.Max(capacity, _buffer.Length * 2);
        var bigger = _accelerator.Allocate1D<T>(size);
        if (Length > 0)
            _buffer.View.SubView(0, Length).CopyTo(bigger.View.SubView(0, Length));
        _buffer.Dispose();
        _buffer = bigger;
    }

    /// <summary>Appends <paramref name="values"/>: only they travel to the device.</summary>
    public void Append(ReadOnlySpan<T> values)
    {
        if (values.IsEmpty)
            return;
        EnsureCapacity(Length + values.Length);
        All.SubView(Length, values.Length).CopyFromCPU(values);
        Length += values.Length;
    }

    /// <summary>Replaces the contents with <paramref name="values"/>.</summary>
    public void Upload(ReadOnlySpan<T> values)
    {
        Length = 0;
        EnsureCapacity(values.Length);
        if (!values.IsEmpty)
            All.SubView(0, values.Length).CopyFromCPU(values);
        Length = values.Length;
    }

    /// <summary>Sets the first <paramref name="length"/> elements to zero bytes and the length to it.</summary>
    public void Zero(long length)
    {
        Length = 0;
        EnsureCapacity(length);
        if (length > 0)
            _buffer.View.SubView(0, length).MemSetToZero();
        Length = length;
    }

    /// <summary>Copies the first <paramref name="destination"/>.Length elements to the host.</summary>
    public void Download(Span<T> destination)
    {
        if (!destination.IsEmpty)
            All.SubView(0, destination.Length).CopyToCPU(destination);
    }

    public void Dispose() => _buffer.Dispose();
}
