using System.Buffers;

namespace RLFramework.Environments;

/// <summary>A colour of <see cref="Raster"/>: red, green, blue.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
internal readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// A small rasterizer without anti-aliasing, for the classic-control pictures: every pixel is either untouched or
/// set to the shape's colour, so a frame holds only the few colours of its scene (an exact GIF palette).
/// <para>
/// Coordinates are pygame's: pixel (i, j) is column i of row j (row 0 at the top) and its centre is the point (i, j).
/// A filled shape sets exactly the pixels whose centres lie inside it. A centre on a polygon's boundary counts when the
/// boundary is a left or top edge, not when it is a right or bottom edge (the usual top-left rule), so two polygons
/// that share an edge never both set a pixel and a W x H rectangle sets W x H pixels. A centre on a circle counts.
/// Parts outside the image are clipped; a shape with a non-finite coordinate is not drawn.
/// </para>
/// Nothing here allocates except the image the caller owns (a polygon of more than 64 vertices rents its scratch space).
/// </summary>
internal static class Raster
{
    private const int StackVertices = 64;

    /// <summary>
    /// Fills the polygon <paramref name="vertices"/> (closed, convex or not, edges may cross) by scanlines with the
    /// even-odd rule: pixel (i, j) is set when its centre is inside by that rule and the top-left rule above.
    /// </summary>
    public static void FillPolygon(RgbImage image, ReadOnlySpan<(double X, double Y)> vertices, Rgb color)
    {
        int n = vertices.Length;
        if (n < 3)
        {
            return;
        }

        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach ((double x, double y) in vertices)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                return;
            }

            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }

        // Rows j with minY <= j < maxY, clipped to the image.
        int rowStart = (int)Math.Max(0, Math.Ceiling(minY));
        int rowEnd = (int)Math.Min(image.Height, Math.Ceiling(maxY));
        if (rowStart >= rowEnd)
        {
            return;
        }

        double[]? rented = n > StackVertices ? ArrayPool<double>.Shared.Rent(n) : null;
        Span<double> crossings = rented is null ? stackalloc double[StackVertices] : rented;
        try
        {
            for (int j = rowStart; j < rowEnd; j++)
            {
                int count = 0;
                for (int k = 0; k < n; k++)
                {
                    (double ax, double ay) = vertices[k];
                    (double bx, double by) = vertices[k + 1 == n ? 0 : k + 1];
                    // Half-open in y: a vertex on the scanline is counted by one of its two edges only, and a
                    // horizontal edge by neither.
                    if ((ay <= j && j < by) || (by <= j && j < ay))
                    {
                        crossings[count++] = ax + ((j - ay) * (bx - ax) / (by - ay));
                    }
                }

                InsertionSort(crossings[..count]);
                for (int k = 0; k + 1 < count; k += 2)
                {
                    // Columns i with left <= i < right.
                    FillRun(image, j, Math.Ceiling(crossings[k]), Math.Ceiling(crossings[k + 1]), color);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Fills the disc of centre (<paramref name="centerX"/>, <paramref name="centerY"/>): the pixels whose centres are at most <paramref name="radius"/> away.</summary>
    public static void FillCircle(RgbImage image, double centerX, double centerY, double radius, Rgb color)
    {
        if (!double.IsFinite(centerX) || !double.IsFinite(centerY) || !double.IsFinite(radius) || radius < 0)
        {
            return;
        }

        int rowStart = (int)Math.Max(0, Math.Ceiling(centerY - radius));
        int rowEnd = (int)Math.Min(image.Height - 1, Math.Floor(centerY + radius));
        double radiusSquared = radius * radius;
        for (int j = rowStart; j <= rowEnd; j++)
        {
            double dy = j - centerY;
            double rest = radiusSquared - (dy * dy);
            if (rest < 0)
            {
                continue;
            }

            // Exact for integer centres and radii: the square root of a perfect square is exact in IEEE arithmetic.
            double half = Math.Sqrt(rest);
            FillRun(image, j, Math.Ceiling(centerX - half), Math.Floor(centerX + half) + 1, color);
        }
    }

    /// <summary>
    /// Fills the rectangle of width <paramref name="width"/> along the segment from <paramref name="from"/> to
    /// <paramref name="to"/> (a thick line with butt ends), as a polygon. A segment of length 0 draws nothing.
    /// </summary>
    public static void FillThickLine(RgbImage image, (double X, double Y) from, (double X, double Y) to, double width, Rgb color)
    {
        double dx = to.X - from.X, dy = to.Y - from.Y;
        double length = Math.Sqrt((dx * dx) + (dy * dy));
        if (!(length > 0) || !double.IsFinite(length))
        {
            return;
        }

        double nx = -dy / length * width / 2, ny = dx / length * width / 2;
        ReadOnlySpan<(double X, double Y)> corners =
        [
            (from.X + nx, from.Y + ny), (to.X + nx, to.Y + ny), (to.X - nx, to.Y - ny), (from.X - nx, from.Y - ny),
        ];
        FillPolygon(image, corners, color);
    }

    /// <summary>Draws the open polyline through <paramref name="points"/>, one pixel wide (see <see cref="DrawLine"/>).</summary>
    public static void DrawPolyline(RgbImage image, ReadOnlySpan<(double X, double Y)> points, Rgb color)
    {
        for (int k = 0; k + 1 < points.Length; k++)
        {
            DrawLine(image, points[k], points[k + 1], color);
        }
    }

    /// <summary>
    /// Draws the segment from <paramref name="from"/> to <paramref name="to"/> one pixel wide: along its major axis, in
    /// every pixel column (or row) between the pixels nearest to its ends, the pixel nearest to the segment.
    /// </summary>
    public static void DrawLine(RgbImage image, (double X, double Y) from, (double X, double Y) to, Rgb color)
    {
        if (!double.IsFinite(from.X) || !double.IsFinite(from.Y) || !double.IsFinite(to.X) || !double.IsFinite(to.Y))
        {
            return;
        }

        double dx = to.X - from.X, dy = to.Y - from.Y;
        if (Math.Abs(dx) >= Math.Abs(dy))
        {
            if (dx == 0)
            {
                SetNearest(image, from.X, from.Y, color);
                return;
            }

            (double x0, double x1) = dx > 0 ? (from.X, to.X) : (to.X, from.X);
            int start = (int)Math.Max(-1, Nearest(x0));
            int end = (int)Math.Min(image.Width, Nearest(x1));
            for (int i = start; i <= end; i++)
            {
                double t = Math.Clamp((i - from.X) / dx, 0, 1);
                image.Set(i, (int)Nearest(from.Y + (t * dy)), color.R, color.G, color.B);
            }
        }
        else
        {
            (double y0, double y1) = dy > 0 ? (from.Y, to.Y) : (to.Y, from.Y);
            int start = (int)Math.Max(-1, Nearest(y0));
            int end = (int)Math.Min(image.Height, Nearest(y1));
            for (int j = start; j <= end; j++)
            {
                double t = Math.Clamp((j - from.Y) / dy, 0, 1);
                image.Set((int)Nearest(from.X + (t * dx)), j, color.R, color.G, color.B);
            }
        }
    }

    /// <summary>Sets pixels <paramref name="x0"/> to <paramref name="x1"/> (both included, either order) of row <paramref name="y"/> (gfxdraw's <c>hline</c>).</summary>
    public static void HorizontalLine(RgbImage image, int x0, int x1, int y, Rgb color)
    {
        if ((uint)y < (uint)image.Height)
        {
            FillRun(image, y, Math.Min(x0, x1), (double)Math.Max(x0, x1) + 1, color);
        }
    }

    /// <summary>Sets pixels <paramref name="y0"/> to <paramref name="y1"/> (both included, either order) of column <paramref name="x"/> (gfxdraw's <c>vline</c>).</summary>
    public static void VerticalLine(RgbImage image, int x, int y0, int y1, Rgb color)
    {
        int start = Math.Max(0, Math.Min(y0, y1));
        int end = Math.Min(image.Height - 1, Math.Max(y0, y1));
        for (int j = start; j <= end; j++)
        {
            image.Set(x, j, color.R, color.G, color.B);
        }
    }

    /// <summary>Turns the image upside down in place (pygame's <c>transform.flip(surface, False, True)</c>): row j becomes row height - 1 - j.</summary>
    public static void FlipVertical(RgbImage image)
    {
        int stride = image.Width * 3;
        Span<byte> pixels = image.Pixels;
        Span<byte> buffer = stackalloc byte[1024];
        for (int top = 0, bottom = image.Height - 1; top < bottom; top++, bottom--)
        {
            Span<byte> upper = pixels.Slice(top * stride, stride);
            Span<byte> lower = pixels.Slice(bottom * stride, stride);
            for (int offset = 0; offset < stride; offset += buffer.Length)
            {
                int length = Math.Min(buffer.Length, stride - offset);
                Span<byte> chunk = buffer[..length];
                upper.Slice(offset, length).CopyTo(chunk);
                lower.Slice(offset, length).CopyTo(upper.Slice(offset, length));
                chunk.CopyTo(lower.Slice(offset, length));
            }
        }
    }

    /// <summary>The index of the pixel whose centre is nearest to coordinate <paramref name="v"/> (halves round up).</summary>
    private static double Nearest(double v) => Math.Floor(v + 0.5);

    private static void SetNearest(RgbImage image, double x, double y, Rgb color)
    {
        double i = Nearest(x), j = Nearest(y);
        if (i >= 0 && i < image.Width && j >= 0 && j < image.Height)
        {
            image.Set((int)i, (int)j, color.R, color.G, color.B);
        }
    }

    /// <summary>Sets pixels start &lt;= i &lt; end of row <paramref name="row"/> (a valid row), clipped to the image.</summary>
    private static void FillRun(RgbImage image, int row, double start, double end, Rgb color)
    {
        int first = (int)Math.Max(0, start);
        int last = (int)Math.Min(image.Width, end);
        if (first >= last)
        {
            return;
        }

        Span<byte> run = image.Pixels.Slice(((row * image.Width) + first) * 3, (last - first) * 3);
        for (int k = 0; k < run.Length; k += 3)
        {
            run[k] = color.R;
            run[k + 1] = color.G;
            run[k + 2] = color.B;
        }
    }

    private static void InsertionSort(Span<double> values)
    {
        for (int k = 1; k < values.Length; k++)
        {
            double value = values[k];
            int m = k - 1;
            while (m >= 0 && values[m] > value)
            {
                values[m + 1] = values[m];
                m--;
            }

            values[m + 1] = value;
        }
    }
}
