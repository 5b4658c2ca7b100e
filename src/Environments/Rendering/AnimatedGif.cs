namespace RLFramework.Environments;

/// <summary>
/// Writes frames as an animated GIF (GIF89a, looping), the format of a recorded episode that opens anywhere without a
/// video codec (Gymnasium's <c>RecordVideo</c> writes MP4 through moviepy and ffmpeg; we keep to managed code).
/// Frames are encoded as they come (<see cref="Add"/>), so a long episode needs no more memory than one frame.
/// Each frame has its own colour table: a frame with at most 256 distinct colours (every built-in environment's,
/// which are drawn without anti-aliasing, and MiniGrid's small grids) is stored exactly; a frame with more is mapped
/// to the nearest colour of a fixed 6x7x6 colour cube (lossy, and said by <see cref="IsExact"/>).
/// GIF delays are whole hundredths of a second: frame k lasts round(100 (k + 1) / fps) - round(100 k / fps) of them,
/// so the whole animation keeps the rate.
/// </summary>
public sealed class AnimatedGif : IDisposable
{
    private const int MaxCodes = 4096;
    private const int CubeRed = 6;
    private const int CubeGreen = 7;
    private const int CubeBlue = 6;

    private readonly Stream _stream;
    private readonly BinaryWriter _output;
    private readonly bool _ownsStream;
    private readonly string? _path;
    private readonly string? _temporaryPath;
    private readonly int _fps;
    private readonly Dictionary<int, byte> _colours = [];
    private readonly byte[] _palette = new byte[256 * 3];
    private readonly LzwEncoder _encoder = new();
    private byte[] _indices = [];
    private int _frames;
    private bool _completed;
    private bool _disposed;
    private bool _closed;

    private AnimatedGif(Stream stream, bool ownsStream, int fps, string? path, string? temporaryPath)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fps, 100);
        _stream = stream;
        _ownsStream = ownsStream;
        _output = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        _fps = fps;
        _path = path;
        _temporaryPath = temporaryPath;
    }

    /// <summary>Width of the frames (set by the first).</summary>
    public int Width { get; private set; }

    /// <summary>Height of the frames (set by the first).</summary>
    public int Height { get; private set; }

    /// <summary>Frames added so far.</summary>
    public int FrameCount => _frames;

    /// <summary>An animation written to <paramref name="stream"/> (left open) at <paramref name="fps"/> frames per second (1 to 100).</summary>
    public static AnimatedGif Create(Stream stream, int fps)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new AnimatedGif(stream, ownsStream: false, fps, path: null, temporaryPath: null);
    }

    /// <summary>
    /// An animation for the file <paramref name="path"/>, written atomically: the frames go to a temporary file in the
    /// same folder, which <see cref="Complete"/> renames to <paramref name="path"/>. Disposing without completing
    /// deletes the temporary file and leaves any earlier file at <paramref name="path"/> as it was.
    /// </summary>
    public static AnimatedGif Create(string path, int fps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fps, 100);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
        return new AnimatedGif(stream, ownsStream: true, fps, full, temporary);
    }

    /// <summary>Writes <paramref name="frames"/> (all of one size, at least one) to <paramref name="stream"/> at <paramref name="fps"/> frames per second.</summary>
    public static void Write(Stream stream, IReadOnlyList<RgbImage> frames, int fps)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var gif = Create(stream, fps);
        gif.AddAllAndComplete(frames);
    }

    /// <summary>Writes <paramref name="frames"/> to the file <paramref name="path"/>, atomically (see <see cref="Create(string, int)"/>).</summary>
    public static void WriteFile(string path, IReadOnlyList<RgbImage> frames, int fps)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var gif = Create(path, fps);
        gif.AddAllAndComplete(frames);
    }

    /// <summary>Whether a frame is stored exactly (at most 256 distinct colours).</summary>
    public static bool IsExact(RgbImage frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return CountColours(frame, new Dictionary<int, byte>()) <= 256;
    }

    /// <summary>Encodes one more frame; every frame must have the first one's size.</summary>
    public void Add(RgbImage frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
            throw new InvalidOperationException("The animation is complete: no frame can be added.");
        if (_frames == 0)
        {
            if (frame.Width > ushort.MaxValue || frame.Height > ushort.MaxValue)
                throw new ArgumentException($"A GIF is at most 65535 pixels wide and high; the frame is {frame.Width}x{frame.Height}.", nameof(frame));
            Width = frame.Width;
            Height = frame.Height;
            _indices = new byte[Width * Height];
            WriteHeader();
        }
        else if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"Frame {_frames} is {frame.Width}x{frame.Height}; frame 0 is {Width}x{Height}: all frames must have one size.", nameof(frame));
        }

        var paletteSize = Index(frame, _colours, _indices, _palette);
        var bits = 1;
        while ((1 << bits) < paletteSize)
            bits++;
        var delay = (int)Math.Round(100.0 * (_frames + 1) / _fps) - (int)Math.Round(100.0 * _frames / _fps);
        // Graphic control extension: disposal 1 (keep), no transparency, the delay.
        _output.Write([0x21, 0xF9, 0x04, 0x04]);
        _output.Write((ushort)delay);
        _output.Write([(byte)0, (byte)0]);
        // Image descriptor: the whole canvas, a local colour table of 2^bits entries.
        _output.Write((byte)0x2C);
        _output.Write((ushort)0);
        _output.Write((ushort)0);
        _output.Write((ushort)Width);
        _output.Write((ushort)Height);
        _output.Write((byte)(0x80 | (bits - 1)));
        _output.Write(_palette, 0, 3 << bits);
        _encoder.Encode(_output, _indices, Math.Max(2, bits));
        _frames++;
    }

    /// <summary>Ends the animation (at least one frame) and, for a file, moves it into place.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
            return;
        if (_frames == 0)
            throw new InvalidOperationException("An animation needs at least one frame.");
        _output.Write((byte)0x3B);
        _output.Flush();
        _completed = true;
        if (_path is not null)
        {
            CloseStream();
            File.Move(_temporaryPath!, _path, overwrite: true);
        }
    }

    /// <summary>Closes the file; an animation that was not completed is deleted (its temporary file).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        CloseStream();
        if (_temporaryPath is not null && File.Exists(_temporaryPath))
            File.Delete(_temporaryPath);
    }

    private void AddAllAndComplete(IReadOnlyList<RgbImage> frames)
    {
        foreach (var frame in frames)
            Add(frame);
        Complete();
    }

    private void CloseStream()
    {
        if (_closed)
            return;
        _closed = true;
        _output.Dispose();
        if (_ownsStream)
            _stream.Dispose();
    }

    private void WriteHeader()
    {
        _output.Write("GIF89a"u8);
        _output.Write((ushort)Width);
        _output.Write((ushort)Height);
        _output.Write((byte)0x00);   // no global colour table
        _output.Write((byte)0);      // background colour index
        _output.Write((byte)0);      // pixel aspect ratio: not given
        // NETSCAPE2.0 application extension: loop forever.
        _output.Write([0x21, 0xFF, 0x0B]);
        _output.Write("NETSCAPE2.0"u8);
        _output.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
    }

    /// <summary>
    /// The frame's distinct colours, counted up to 257: each gets the next palette index as it is first seen (valid while
    /// there are at most 256), and goes into <paramref name="palette"/> when one is given.
    /// </summary>
    private static int CountColours(RgbImage frame, Dictionary<int, byte> colours, byte[]? palette = null)
    {
        colours.Clear();
        ReadOnlySpan<byte> pixels = frame.Pixels;
        for (var i = 0; i < pixels.Length && colours.Count <= 256; i += 3)
        {
            var index = colours.Count;
            if (colours.TryAdd(pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2], (byte)index) && palette is not null && index < 256)
                pixels.Slice(i, 3).CopyTo(palette.AsSpan(3 * index, 3));
        }
        return colours.Count;
    }

    /// <summary>Fills the frame's colour indices and its palette; returns the palette's size.</summary>
    private static int Index(RgbImage frame, Dictionary<int, byte> colours, byte[] indices, byte[] palette)
    {
        ReadOnlySpan<byte> pixels = frame.Pixels;
        var count = CountColours(frame, colours, palette);
        if (count <= 256)
        {
            for (int i = 0, p = 0; p < indices.Length; i += 3, p++)
                indices[p] = colours[pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]];
            return Math.Max(2, count);
        }
        for (var r = 0; r < CubeRed; r++)
        {
            for (var g = 0; g < CubeGreen; g++)
            {
                for (var b = 0; b < CubeBlue; b++)
                {
                    var index = (r * CubeGreen + g) * CubeBlue + b;
                    palette[3 * index] = (byte)(r * 255 / (CubeRed - 1));
                    palette[3 * index + 1] = (byte)(g * 255 / (CubeGreen - 1));
                    palette[3 * index + 2] = (byte)(b * 255 / (CubeBlue - 1));
                }
            }
        }
        for (int i = 0, p = 0; p < indices.Length; i += 3, p++)
        {
            var r = (pixels[i] * (CubeRed - 1) + 127) / 255;
            var g = (pixels[i + 1] * (CubeGreen - 1) + 127) / 255;
            var b = (pixels[i + 2] * (CubeBlue - 1) + 127) / 255;
            indices[p] = (byte)((r * CubeGreen + g) * CubeBlue + b);
        }
        return CubeRed * CubeGreen * CubeBlue;
    }

    /// <summary>GIF's variable-length LZW (codes of up to 12 bits, a clear code when the table is full), in sub-blocks of up to 255 bytes.</summary>
    private sealed class LzwEncoder
    {
        // _children[code * 256 + symbol] = 1 + the code of (code's string + symbol), 0 when not in the table.
        private readonly short[] _children = new short[MaxCodes * 256];
        private readonly byte[] _block = new byte[255];
        private int _blockLength;
        private int _bitBuffer;
        private int _bitCount;

        public void Encode(BinaryWriter output, ReadOnlySpan<byte> indices, int minimumCodeSize)
        {
            output.Write((byte)minimumCodeSize);
            var clear = 1 << minimumCodeSize;
            var endOfInformation = clear + 1;
            var codeSize = minimumCodeSize + 1;
            var lastCode = endOfInformation;
            Array.Clear(_children);
            _blockLength = 0;
            _bitBuffer = 0;
            _bitCount = 0;
            WriteCode(output, clear, codeSize);
            int current = indices[0];
            for (var i = 1; i < indices.Length; i++)
            {
                var symbol = indices[i];
                var child = _children[current * 256 + symbol];
                if (child != 0)
                {
                    current = child - 1;
                    continue;
                }
                WriteCode(output, current, codeSize);
                lastCode++;
                _children[current * 256 + symbol] = (short)(lastCode + 1);
                if (lastCode >= 1 << codeSize)
                    codeSize++;
                if (lastCode == MaxCodes - 1)
                {
                    WriteCode(output, clear, codeSize);
                    Array.Clear(_children);
                    codeSize = minimumCodeSize + 1;
                    lastCode = endOfInformation;
                }
                current = symbol;
            }
            WriteCode(output, current, codeSize);
            WriteCode(output, endOfInformation, codeSize);
            if (_bitCount > 0)
                WriteByte(output, (byte)_bitBuffer);
            if (_blockLength > 0)
                FlushBlock(output);
            output.Write((byte)0);
        }

        private void WriteCode(BinaryWriter output, int code, int size)
        {
            _bitBuffer |= code << _bitCount;
            _bitCount += size;
            while (_bitCount >= 8)
            {
                WriteByte(output, (byte)_bitBuffer);
                _bitBuffer >>= 8;
                _bitCount -= 8;
            }
        }

        private void WriteByte(BinaryWriter output, byte value)
        {
            _block[_blockLength++] = value;
            if (_blockLength == _block.Length)
                FlushBlock(output);
        }

        private void FlushBlock(BinaryWriter output)
        {
            output.Write((byte)_blockLength);
            output.Write(_block, 0, _blockLength);
            _blockLength = 0;
        }
    }
}
