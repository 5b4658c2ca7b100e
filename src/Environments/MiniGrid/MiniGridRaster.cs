namespace RLFramework.Environments.MiniGrid;

/// <summary>An RGB colour as the <c>uint8</c> values a NumPy image stores.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// A region of the unit square (x to the right, y down): the filter functions of MiniGrid's
/// <c>minigrid/utils/rendering.py</c>, which <see cref="MiniGridRaster.FillCoords"/> evaluates at
/// each pixel centre.
/// </summary>
internal interface IRegion
{
    /// <summary>Whether the point (<paramref name="x"/>, <paramref name="y"/>) lies in the region (the filter returns true).</summary>
    bool Contains(double x, double y);
}

/// <summary>
/// The drawing primitives of MiniGrid 3.1.0 (<c>minigrid/utils/rendering.py</c>), ported operation
/// by operation so that every pixel equals the reference's: Python floats are doubles, the points
/// that the reference stores as <c>np.float32</c> arrays are floats, and each NumPy expression is
/// evaluated in the dtype that NumPy 1.24 (the reference traces' version) gives it. Images are
/// square, row-major RGB bytes (a NumPy <c>uint8</c> array of shape (size, size, 3)).
/// </summary>
internal static class MiniGridRaster
{
    /// <summary>
    /// <c>fill_coords(img, fn, color)</c>: sets every pixel whose centre
    /// ((x + 0.5) / size, (y + 0.5) / size) lies in <paramref name="region"/> to <paramref name="color"/>.
    /// </summary>
    public static void FillCoords<TRegion>(Span<byte> image, int size, in TRegion region, Rgb color)
        where TRegion : struct, IRegion
    {
        if (image.Length != size * size * 3)
        {
            throw new ArgumentException($"A {size}x{size} image has {size * size * 3} bytes, not {image.Length}.", nameof(image));
        }

        for (int y = 0; y < size; y++)
        {
            double yf = (y + 0.5) / size;
            Span<byte> row = image.Slice(y * size * 3, size * 3);
            for (int x = 0; x < size; x++)
            {
                double xf = (x + 0.5) / size;
                if (region.Contains(xf, yf))
                {
                    row[3 * x] = color.R;
                    row[(3 * x) + 1] = color.G;
                    row[(3 * x) + 2] = color.B;
                }
            }
        }
    }

    /// <summary>
    /// <c>highlight_img(img)</c> with its defaults (colour white, alpha 0.30), in place:
    /// <c>img + alpha * (np.array(color, dtype=np.uint8) - img)</c>. The difference is <c>uint8</c>
    /// (255 - pixel never wraps), the product and the sum are float64, and
    /// <c>clip(0, 255).astype(np.uint8)</c> truncates.
    /// </summary>
    public static void HighlightImg(Span<byte> image)
    {
        const int color = 255;
        const double alpha = 0.30;
        for (int i = 0; i < image.Length; i++)
        {
            int pixel = image[i];
            double blend = pixel + (alpha * (byte)(color - pixel));
            image[i] = (byte)Math.Clamp(blend, 0.0, 255.0);
        }
    }

    /// <summary>
    /// <c>downsample(img, factor)</c> followed by the <c>uint8</c> store of <c>Grid.render</c>
    /// (<c>img[ymin:ymax, xmin:xmax, :] = tile_img</c>, which truncates): NumPy reshapes to
    /// (size/f, f, size/f, f, 3), takes <c>mean(axis=3)</c> (each row of f samples summed exactly
    /// in float64, divided by f), then <c>mean(axis=1)</c> (those f row means added in order from
    /// 0.0, divided by f).
    /// </summary>
    public static void Downsample(ReadOnlySpan<byte> image, int size, int factor, Span<byte> destination)
    {
        int small = size / factor;
        if (size % factor != 0 || image.Length != size * size * 3 || destination.Length != small * small * 3)
        {
            throw new ArgumentException($"Downsampling a {size}x{size} image by {factor} needs {size * size * 3} bytes in and {small * small * 3} out.");
        }

        for (int ty = 0; ty < small; ty++)
        {
            for (int tx = 0; tx < small; tx++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0.0;
                    for (int sy = 0; sy < factor; sy++)
                    {
                        int row = 0;
                        int at = ((((ty * factor) + sy) * size) + (tx * factor)) * 3 + c;
                        for (int sx = 0; sx < factor; sx++)
                        {
                            row += image[at + (3 * sx)];
                        }

                        sum += row / (double)factor;
                    }

                    destination[(((ty * small) + tx) * 3) + c] = (byte)(sum / factor);
                }
            }
        }
    }
}

/// <summary><c>point_in_rect(xmin, xmax, ymin, ymax)</c>: the closed rectangle.</summary>
internal readonly struct RectRegion(double xMin, double xMax, double yMin, double yMax) : IRegion
{
    private readonly double _xMin = xMin;
    private readonly double _xMax = xMax;
    private readonly double _yMin = yMin;
    private readonly double _yMax = yMax;

    /// <inheritdoc/>
    public bool Contains(double x, double y) => x >= _xMin && x <= _xMax && y >= _yMin && y <= _yMax;
}

/// <summary><c>point_in_circle(cx, cy, r)</c>: <c>(x - cx) * (x - cx) + (y - cy) * (y - cy) &lt;= r * r</c>.</summary>
internal readonly struct CircleRegion(double cx, double cy, double r) : IRegion
{
    private readonly double _cx = cx;
    private readonly double _cy = cy;
    private readonly double _r = r;

    /// <inheritdoc/>
    public bool Contains(double x, double y) => ((x - _cx) * (x - _cx)) + ((y - _cy) * (y - _cy)) <= _r * _r;
}

/// <summary>
/// <c>point_in_line(x0, y0, x1, y1, r)</c>: points within <c>r</c> of the segment. The ends, the
/// direction and the length are <c>np.float32</c> (<c>dist = np.linalg.norm(dir)</c> is a float32
/// dot product and square root, <c>dir / dist</c> float32); the bounding box is in Python floats.
/// Per point: <c>pq = q - p0</c> and <c>a = np.dot(pq, dir)</c> are float64, <c>np.clip(a, 0, dist)</c>
/// float64; <c>p0 + a * dir</c> is float32 under NumPy 1.x (value-based casting turns the float64
/// scalar <c>a</c> into float32; NumPy 2 would compute it in float64, which gives the same lava
/// pixels); the distance <c>np.linalg.norm(q - p)</c> is float64.
/// </summary>
internal readonly struct LineRegion : IRegion
{
    private readonly float _p0X;
    private readonly float _p0Y;
    private readonly float _dirX;
    private readonly float _dirY;
    private readonly float _dist;
    private readonly double _xMin;
    private readonly double _xMax;
    private readonly double _yMin;
    private readonly double _yMax;
    private readonly double _r;

    public LineRegion(double x0, double y0, double x1, double y1, double r)
    {
        _p0X = (float)x0;
        _p0Y = (float)y0;
        float dirX = (float)x1 - _p0X;
        float dirY = (float)y1 - _p0Y;
        _dist = MathF.Sqrt((dirX * dirX) + (dirY * dirY));
        _dirX = dirX / _dist;
        _dirY = dirY / _dist;
        _xMin = Math.Min(x0, x1) - r;
        _xMax = Math.Max(x0, x1) + r;
        _yMin = Math.Min(y0, y1) - r;
        _yMax = Math.Max(y0, y1) + r;
        _r = r;
    }

    /// <inheritdoc/>
    public bool Contains(double x, double y)
    {
        // Fast, early escape test
        if (x < _xMin || x > _xMax || y < _yMin || y > _yMax)
        {
            return false;
        }

        double pqX = x - _p0X;
        double pqY = y - _p0Y;

        // Closest point on line
        double a = (pqX * _dirX) + (pqY * _dirY);
        a = Math.Min(Math.Max(a, 0.0), _dist);
        float a32 = (float)a;
        float pX = _p0X + (a32 * _dirX);
        float pY = _p0Y + (a32 * _dirY);

        double dX = x - pX;
        double dY = y - pY;
        return Math.Sqrt((dX * dX) + (dY * dY)) <= _r;
    }
}

/// <summary>
/// <c>point_in_triangle(a, b, c)</c>: barycentric test <c>u &gt;= 0 and v &gt;= 0 and u + v &lt; 1</c>.
/// The corners and the dot products among <c>v0 = c - a</c> and <c>v1 = b - a</c> are float32, and
/// so is the denominator <c>dot00 * dot11 - dot01 * dot01</c>; <c>1 / denominator</c> is float64 in
/// NumPy 1.x (a Python int over a float32 scalar; NumPy 2 would keep float32, which classifies every
/// sample point of the four agent triangles the same). The products with <c>v2 = (x, y) - a</c> are
/// float64, and so are <c>u</c> and <c>v</c> (float32 times float64 scalars).
/// </summary>
internal readonly struct TriangleRegion : IRegion
{
    private readonly float _aX;
    private readonly float _aY;
    private readonly float _v0X;
    private readonly float _v0Y;
    private readonly float _v1X;
    private readonly float _v1Y;
    private readonly float _dot00;
    private readonly float _dot01;
    private readonly float _dot11;
    private readonly double _invDenom;

    public TriangleRegion(double ax, double ay, double bx, double by, double cx, double cy)
    {
        _aX = (float)ax;
        _aY = (float)ay;
        _v0X = (float)cx - _aX;
        _v0Y = (float)cy - _aY;
        _v1X = (float)bx - _aX;
        _v1Y = (float)by - _aY;
        _dot00 = (_v0X * _v0X) + (_v0Y * _v0Y);
        _dot01 = (_v0X * _v1X) + (_v0Y * _v1Y);
        _dot11 = (_v1X * _v1X) + (_v1Y * _v1Y);
        float denominator = (_dot00 * _dot11) - (_dot01 * _dot01);
        _invDenom = 1.0 / denominator;
    }

    /// <inheritdoc/>
    public bool Contains(double x, double y)
    {
        double v2X = x - _aX;
        double v2Y = y - _aY;
        double dot02 = (_v0X * v2X) + (_v0Y * v2Y);
        double dot12 = (_v1X * v2X) + (_v1Y * v2Y);

        // Compute barycentric coordinates
        double u = ((_dot11 * dot02) - (_dot01 * dot12)) * _invDenom;
        double v = ((_dot00 * dot12) - (_dot01 * dot02)) * _invDenom;

        // Check if point is in triangle
        return u >= 0 && v >= 0 && (u + v) < 1;
    }
}

/// <summary>
/// <c>rotate_fn(fin, cx, cy, theta)</c>: the region <typeparamref name="TRegion"/> rotated by
/// <c>theta</c> about (cx, cy); the point is turned by <c>-theta</c> (<c>math.cos(-theta)</c>,
/// <c>math.sin(-theta)</c>, the C library's, as Python's) and evaluated left to right as the source writes it.
/// </summary>
internal readonly struct RotatedRegion<TRegion>(TRegion inner, double cx, double cy, double theta) : IRegion
    where TRegion : struct, IRegion
{
    private readonly TRegion _inner = inner;
    private readonly double _cx = cx;
    private readonly double _cy = cy;
    private readonly double _cos = Math.Cos(-theta);
    private readonly double _sin = Math.Sin(-theta);

    /// <inheritdoc/>
    public bool Contains(double x, double y)
    {
        x -= _cx;
        y -= _cy;
        double x2 = _cx + (x * _cos) - (y * _sin);
        double y2 = _cy + (y * _cos) + (x * _sin);
        return _inner.Contains(x2, y2);
    }
}
