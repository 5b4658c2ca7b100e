namespace RLFramework.Environments;

/// <summary>
/// An RGB picture: <see cref="Height"/> rows of <see cref="Width"/> pixels of 3 bytes (red, green, blue), row by row,
/// the layout of a NumPy <c>uint8</c> array of shape (height, width, 3).
/// </summary>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>A black image of the given size.</summary>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)width * height, int.MaxValue / 3, nameof(width));
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>All pixels, row by row, 3 bytes each (red, green, blue).</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The 3 bytes of pixel (<paramref name="x"/>, <paramref name="y"/>): column x of row y, row 0 at the top.</summary>
    public Span<byte> this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
                throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}x{Height} image.");
            return _pixels.AsSpan((y * Width + x) * 3, 3);
        }
    }

    /// <summary>Sets pixel (<paramref name="x"/>, <paramref name="y"/>); pixels outside the image are ignored (drawing clips).</summary>
    public void Set(int x, int y, byte red, byte green, byte blue)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            return;
        var i = (y * Width + x) * 3;
        _pixels[i] = red;
        _pixels[i + 1] = green;
        _pixels[i + 2] = blue;
    }

    /// <summary>Sets every pixel to one colour.</summary>
    public void Fill(byte red, byte green, byte blue)
    {
        for (var i = 0; i < _pixels.Length; i += 3)
        {
            _pixels[i] = red;
            _pixels[i + 1] = green;
            _pixels[i + 2] = blue;
        }
    }
}
