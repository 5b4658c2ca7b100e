using RLFramework.Environments.ClassicControl;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The rasterizer against brute-force and closed-form oracles, and the classic-control pictures against the geometry
/// of Gymnasium's <c>render()</c>: screen sizes, the world-to-pixel scales, where the moving parts are for a given
/// state, the final vertical flip (pygame's row y is row height - 1 - y of the picture), and that rendering reads the
/// state without changing the trajectory.
/// </summary>
public class ClassicControlRenderingTests
{
    private static readonly Rgb s_red = new(255, 0, 0);
    private static readonly (byte, byte, byte) s_white = (255, 255, 255);
    private static readonly (byte, byte, byte) s_black = (0, 0, 0);
    private static readonly (byte, byte, byte) s_pole = (202, 152, 101);
    private static readonly (byte, byte, byte) s_axle = (129, 132, 203);

    private static (byte, byte, byte) At(RgbImage image, int x, int y)
    {
        Span<byte> pixel = image[x, y];
        return (pixel[0], pixel[1], pixel[2]);
    }

    private static bool IsSet(RgbImage image, int x, int y) => image[x, y][0] == 255 && image[x, y][1] == 0;

    private static int CountSet(RgbImage image)
    {
        int count = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                count += IsSet(image, x, y) ? 1 : 0;
            }
        }

        return count;
    }

    // ---- Raster ----

    [Fact]
    public void Rectangle_covers_exactly_the_pixels_whose_centres_are_inside()
    {
        var image = new RgbImage(40, 30);
        Raster.FillPolygon(image, [(10.3, 5.7), (30.8, 5.7), (30.8, 20.2), (10.3, 20.2)], s_red);
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                bool inside = x > 10.3 && x < 30.8 && y > 5.7 && y < 20.2;
                Assert.True(inside == IsSet(image, x, y), $"pixel ({x}, {y})");
            }
        }

        Assert.Equal(20 * 15, CountSet(image)); // columns 11..30, rows 6..20
    }

    [Fact]
    public void Rectangle_with_edges_through_pixel_centres_keeps_its_left_and_top_edges_only()
    {
        var image = new RgbImage(40, 30);
        Raster.FillPolygon(image, [(10, 5), (10, 9), (20, 9), (20, 5)], s_red);
        Assert.Equal(10 * 4, CountSet(image));
        Assert.True(IsSet(image, 10, 5));
        Assert.True(IsSet(image, 19, 8));
        Assert.False(IsSet(image, 20, 5));
        Assert.False(IsSet(image, 10, 9));

        // Two rectangles sharing an edge never both set a pixel: together they are the union, pixel for pixel.
        var halves = new RgbImage(40, 30);
        Raster.FillPolygon(halves, [(10, 5), (10, 9), (15, 9), (15, 5)], s_red);
        Raster.FillPolygon(halves, [(15, 5), (15, 9), (20, 9), (20, 5)], new Rgb(255, 0, 1));
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                Assert.Equal(IsSet(image, x, y), halves[x, y][0] == 255);
                Assert.Equal(IsSet(image, x, y) && x >= 15, halves[x, y][2] == 1);
            }
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 13)]
    [InlineData(3, 29)]
    [InlineData(4, 49)]
    [InlineData(5, 81)]
    [InlineData(10, 317)]
    public void Circle_of_integer_radius_has_the_gauss_circle_count(int radius, int lattice)
    {
        // Gauss's circle problem (OEIS A000328): the number of integer points with x^2 + y^2 <= r^2.
        var image = new RgbImage(41, 41);
        Raster.FillCircle(image, 20, 20, radius, s_red);
        Assert.Equal(lattice, CountSet(image));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(100)]
    [InlineData(37.3)]
    public void Circle_pixel_count_is_within_the_half_diagonal_bounds_of_pi_r_squared(double radius)
    {
        // The unit squares of the set pixels contain the disc of radius r - sqrt(2)/2 and lie in that of r + sqrt(2)/2.
        var image = new RgbImage(260, 260);
        Raster.FillCircle(image, 130.25, 129.5, radius, s_red);
        int count = CountSet(image);
        double halfDiagonal = Math.Sqrt(2) / 2;
        Assert.InRange(count, Math.PI * (radius - halfDiagonal) * (radius - halfDiagonal), Math.PI * (radius + halfDiagonal) * (radius + halfDiagonal));
        Assert.InRange(count / (Math.PI * radius * radius), 0.97, 1.03);
    }

    [Fact]
    public void Circle_sets_its_centre_and_rim_and_not_the_pixels_just_outside()
    {
        var image = new RgbImage(41, 41);
        Raster.FillCircle(image, 20, 20, 5, s_red);
        Assert.True(IsSet(image, 20, 20));
        Assert.True(IsSet(image, 25, 20));
        Assert.True(IsSet(image, 20, 15));
        Assert.True(IsSet(image, 23, 24)); // 3^2 + 4^2 = 25: on the rim
        Assert.False(IsSet(image, 26, 20));
        Assert.False(IsSet(image, 20, 14));
        Assert.False(IsSet(image, 24, 24)); // 32 > 25
    }

    [Fact]
    public void Circle_at_a_fractional_centre_equals_the_distance_test_at_every_pixel()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            double cx = random.NextDouble() * 60, cy = random.NextDouble() * 50, r = random.NextDouble() * 25;
            var image = new RgbImage(60, 50);
            Raster.FillCircle(image, cx, cy, r, s_red);
            for (int y = 0; y < 50; y++)
            {
                for (int x = 0; x < 60; x++)
                {
                    bool inside = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= r * r;
                    Assert.True(inside == IsSet(image, x, y), $"trial {trial}, pixel ({x}, {y})");
                }
            }
        }
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(7, 2)]
    [InlineData(12, 3)]
    [InlineData(90, 4)]
    public void Polygon_pixels_equal_a_brute_force_point_in_polygon_test_at_the_pixel_centres(int vertices, int seed)
    {
        // Random polygons: convex or not, and with crossing edges (filled by the even-odd rule). More than 64 vertices
        // take the rented scratch space.
        var random = new Random(seed);
        for (int trial = 0; trial < 10; trial++)
        {
            var points = new (double X, double Y)[vertices];
            for (int k = 0; k < vertices; k++)
            {
                points[k] = ((random.NextDouble() * 90) - 10, (random.NextDouble() * 70) - 10);
            }

            var image = new RgbImage(70, 50);
            Raster.FillPolygon(image, points, s_red);
            for (int y = 0; y < 50; y++)
            {
                for (int x = 0; x < 70; x++)
                {
                    Assert.True(EvenOddInside(points, x, y) == IsSet(image, x, y), $"trial {trial}, pixel ({x}, {y})");
                }
            }
        }
    }

    [Fact]
    public void Concave_polygon_leaves_its_notch_empty()
    {
        // A U shape: the notch between the arms stays empty.
        var image = new RgbImage(30, 30);
        Raster.FillPolygon(image, [(2.5, 2.5), (27.5, 2.5), (27.5, 27.5), (20.5, 27.5), (20.5, 10.5), (9.5, 10.5), (9.5, 27.5), (2.5, 27.5)], s_red);
        Assert.True(IsSet(image, 5, 20));
        Assert.True(IsSet(image, 24, 20));
        Assert.True(IsSet(image, 15, 5));
        Assert.False(IsSet(image, 15, 20));
        Assert.Equal((25 * 25) - (11 * 17), CountSet(image));
    }

    [Fact]
    public void Thick_line_is_the_rectangle_around_the_segment()
    {
        var image = new RgbImage(40, 30);
        Raster.FillThickLine(image, (5.2, 10.0), (25.7, 10.0), 4, s_red);
        Assert.Equal(20 * 4, CountSet(image)); // columns 6..25, rows 8..11

        var diagonal = new RgbImage(40, 40);
        Raster.FillThickLine(diagonal, (5.3, 5.1), (30.2, 29.9), 3, s_red);
        var corners = new (double X, double Y)[4];
        double length = Math.Sqrt((24.9 * 24.9) + (24.8 * 24.8));
        double nx = -24.8 / length * 1.5, ny = 24.9 / length * 1.5;
        corners[0] = (5.3 + nx, 5.1 + ny);
        corners[1] = (30.2 + nx, 29.9 + ny);
        corners[2] = (30.2 - nx, 29.9 - ny);
        corners[3] = (5.3 - nx, 5.1 - ny);
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                Assert.True(EvenOddInside(corners, x, y) == IsSet(diagonal, x, y), $"pixel ({x}, {y})");
            }
        }
    }

    [Fact]
    public void Line_sets_one_pixel_per_column_nearest_to_the_segment()
    {
        var image = new RgbImage(20, 20);
        Raster.DrawLine(image, (2, 3), (12, 7), s_red);
        Assert.Equal(11, CountSet(image));
        for (int x = 2; x <= 12; x++)
        {
            double y = 3 + ((x - 2) * 0.4);
            Assert.True(IsSet(image, x, (int)Math.Floor(y + 0.5)), $"column {x}");
        }

        var steep = new RgbImage(20, 20);
        Raster.DrawLine(steep, (4, 18), (1, 2), s_red); // steep: one pixel per row
        Assert.Equal(17, CountSet(steep));
    }

    [Fact]
    public void Polyline_is_connected_and_reaches_both_ends()
    {
        var image = new RgbImage(100, 60);
        var points = new (double X, double Y)[30];
        for (int k = 0; k < points.Length; k++)
        {
            double x = k * 99.0 / (points.Length - 1);
            points[k] = (x, 30 + (25 * Math.Sin(x / 12)));
        }

        Raster.DrawPolyline(image, points, s_red);
        Assert.True(IsSet(image, 0, 30));
        Assert.True(IsSet(image, 99, (int)Math.Floor(points[^1].Y + 0.5)));
        for (int x = 0; x < 100; x++)
        {
            // Every column has a pixel, and the pixels of neighbouring columns touch (8-connected runs).
            int[] rows = Enumerable.Range(0, 60).Where(y => IsSet(image, x, y)).ToArray();
            Assert.NotEmpty(rows);
            Assert.Equal(rows.Length, rows[^1] - rows[0] + 1);
            if (x > 0)
            {
                int[] previous = Enumerable.Range(0, 60).Where(y => IsSet(image, x - 1, y)).ToArray();
                Assert.True(rows[0] <= previous[^1] + 1 && previous[0] <= rows[^1] + 1, $"column {x}");
            }
        }
    }

    [Fact]
    public void Horizontal_and_vertical_lines_include_both_ends_and_clip()
    {
        var image = new RgbImage(10, 8);
        Raster.HorizontalLine(image, 0, 10, 3, s_red);
        Raster.VerticalLine(image, 4, 6, 1, s_red);
        Raster.HorizontalLine(image, 0, 10, 8, s_red); // outside: ignored
        Assert.Equal(10 + 5, CountSet(image));
        Assert.True(IsSet(image, 9, 3));
        Assert.True(IsSet(image, 4, 1));
        Assert.True(IsSet(image, 4, 6));
        Assert.False(IsSet(image, 4, 7));
    }

    [Fact]
    public void Flip_moves_row_y_to_row_height_minus_one_minus_y()
    {
        var image = new RgbImage(700, 5); // rows longer than the swap buffer
        image.Set(3, 0, 1, 2, 3);
        image.Set(699, 1, 4, 5, 6);
        image.Set(5, 2, 7, 8, 9);
        Raster.FlipVertical(image);
        Assert.Equal(((byte)1, (byte)2, (byte)3), At(image, 3, 4));
        Assert.Equal(((byte)4, (byte)5, (byte)6), At(image, 699, 3));
        Assert.Equal(((byte)7, (byte)8, (byte)9), At(image, 5, 2));
        Assert.Equal(((byte)0, (byte)0, (byte)0), At(image, 3, 0));
        Assert.Equal(3, image.Pixels.ToArray().Count(b => b != 0) / 3);
    }

    [Fact]
    public void Shapes_with_non_finite_coordinates_draw_nothing_and_huge_ones_clip()
    {
        var image = new RgbImage(20, 20);
        Raster.FillPolygon(image, [(double.NaN, 1), (5, 5), (1, 9)], s_red);
        Raster.FillCircle(image, 5, double.PositiveInfinity, 3, s_red);
        Raster.DrawLine(image, (0, 0), (double.NaN, 4), s_red);
        Assert.Equal(0, CountSet(image));
        Raster.FillPolygon(image, [(-1e300, -1e300), (1e300, -1e300), (1e300, 1e300), (-1e300, 1e300)], s_red);
        Assert.Equal(400, CountSet(image));
    }

    [Fact]
    public void Drawing_allocates_nothing()
    {
        var image = new RgbImage(200, 200);
        var small = new (double X, double Y)[] { (10.5, 3.2), (150.1, 40.7), (90.3, 180.9), (20.2, 120.4) };
        var large = new (double X, double Y)[100];
        for (int k = 0; k < large.Length; k++)
        {
            double a = 2 * Math.PI * k / large.Length;
            large[k] = (100 + (80 * Math.Cos(a)), 100 + ((k % 2 == 0 ? 80 : 40) * Math.Sin(a)));
        }

        void DrawAll()
        {
            Raster.FillPolygon(image, small, s_red);
            Raster.FillPolygon(image, large, s_red);
            Raster.FillCircle(image, 100, 100, 50, s_red);
            Raster.FillThickLine(image, (3, 4), (190, 170), 7, s_red);
            Raster.DrawPolyline(image, large, s_red);
            Raster.HorizontalLine(image, 0, 199, 7, s_red);
            Raster.VerticalLine(image, 7, 0, 199, s_red);
            Raster.FlipVertical(image);
        }

        Assert.Equal(0, Allocations.Least(DrawAll)); // the warm-up run also fills the array pool
    }

    /// <summary>The even-odd crossing test (W. R. Franklin's PNPOLY) at point (x, y).</summary>
    private static bool EvenOddInside((double X, double Y)[] polygon, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            (double xi, double yi) = polygon[i];
            (double xj, double yj) = polygon[j];
            if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    // ---- Environments ----

    [Fact]
    public void Pictures_have_the_reference_sizes_and_render_fps()
    {
        (ClassicControlEnvironment Env, int Width, int Height, int Fps)[] cases =
        [
            (new CartPoleEnvironment(), 600, 400, 50),
            (new AcrobotEnvironment(), 500, 500, 15),
            (new MountainCarEnvironment(), 600, 400, 30),
            (new MountainCarContinuousEnvironment(), 600, 400, 30),
            (new PendulumEnvironment(), 500, 500, 30),
        ];
        foreach ((ClassicControlEnvironment env, int width, int height, int fps) in cases)
        {
            Assert.Throws<InvalidOperationException>(() => env.RenderImage());
            env.Reset(seed: 0);
            RgbImage image = env.RenderImage();
            Assert.Equal((width, height), (image.Width, image.Height));
            Assert.Equal(fps, env.RenderFps);
            env.Dispose();
        }
    }

    [Fact]
    public void CartPole_track_line_is_pygame_row_100_flipped_to_row_299()
    {
        using var env = new CartPoleEnvironment();
        env.Reset(seed: 0);
        RgbImage image = env.RenderImage();
        for (int x = 0; x < 600; x++)
        {
            Assert.Equal(s_black, At(image, x, 299));
        }

        Assert.Equal(s_white, At(image, 10, 298));
        Assert.Equal(s_white, At(image, 10, 300));
    }

    [Fact]
    public void CartPole_cart_moves_125_pixels_per_unit_and_spans_the_rows_of_a_30_pixel_cart()
    {
        using var env = new CartPoleEnvironment();
        env.Reset(seed: 0);
        (int Left, int Right) CartColumns(double x)
        {
            env.SetState([x, 0, 0, 0]);
            RgbImage image = env.RenderImage();
            const int Row = 399 - 89; // pygame's row 89: inside the cart (rows 85..114), below the axle and the pole
            int[] black = Enumerable.Range(0, 600).Where(c => At(image, c, Row) == s_black).ToArray();
            Assert.Equal(black.Length, black[^1] - black[0] + 1);
            return (black[0], black[^1]);
        }

        (int left0, int right0) = CartColumns(0.0);
        (int left1, int right1) = CartColumns(1.0);
        Assert.Equal(50, right0 - left0 + 1);
        Assert.InRange(((left1 + right1) / 2.0) - 425, -1, 1);
        Assert.InRange(((left0 + right0) / 2.0) - 300, -1, 1);
        Assert.Equal(125, left1 - left0);

        env.SetState([0, 0, 0, 0]);
        RgbImage centred = env.RenderImage();
        int[] cartRows = Enumerable.Range(0, 400).Where(r => At(centred, 280, r) == s_black).ToArray(); // left of the axle
        Assert.Equal(Enumerable.Range(399 - 114, 30), cartRows);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(-0.2)]
    [InlineData(0.15)]
    [InlineData(-1.0)]
    public void CartPole_pole_points_where_the_angle_says(double theta)
    {
        using var env = new CartPoleEnvironment();
        env.Reset(seed: 0);
        env.SetState([0, 0, theta, 0]);
        RgbImage image = env.RenderImage();
        // In pygame's coordinates (y up once flipped) the pole leaves the axle (300, 107.5) towards (sin theta, cos theta);
        // its rectangle ends 120 px out. The picture's row of pygame's y is 399 - y.
        (int X, int Y) Along(double distance, double sideways) => (
            (int)Math.Floor(300 + (distance * Math.Sin(theta)) + (sideways * Math.Cos(theta)) + 0.5),
            399 - (int)Math.Floor(107.5 + (distance * Math.Cos(theta)) - (sideways * Math.Sin(theta)) + 0.5));

        foreach (double distance in new[] { 30.0, 60.0, 117.0 })
        {
            (int x, int y) = Along(distance, 0);
            Assert.Equal(s_pole, At(image, x, y));
        }

        (int bx, int by) = Along(124, 0);
        Assert.Equal(s_white, At(image, bx, by));
        (int sx, int sy) = Along(60, 8);
        Assert.Equal(s_white, At(image, sx, sy));
        (int tx, int ty) = Along(60, -8);
        Assert.Equal(s_white, At(image, tx, ty));
        Assert.Equal(s_axle, At(image, 300, 399 - 107));
    }

    [Fact]
    public void CartPole_picture_has_only_the_scene_colours()
    {
        using var env = new CartPoleEnvironment();
        env.Reset(seed: 0);
        env.SetState([0.3, 0, 0.1, 0]);
        RgbImage image = env.RenderImage();
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                colours.Add(At(image, x, y));
            }
        }

        Assert.Equal(new HashSet<(byte, byte, byte)> { s_white, s_black, s_pole, s_axle }, colours);
    }

    [Theory]
    [InlineData(false, 0.5)]
    [InlineData(true, 0.45)]
    public void MountainCar_flag_pole_stands_at_the_goal_position(bool continuous, double goal)
    {
        ClassicControlEnvironment env = continuous ? new MountainCarContinuousEnvironment() : new MountainCarEnvironment();
        env.Reset(seed: 0);
        RgbImage image = env.RenderImage();
        // The reference: flagx = int((goal - min_position) * scale), from the curve's height at the goal 50 px up.
        double scale = 600 / (0.6 - -1.2);
        int flagX = (int)((goal - -1.2) * scale);
        int flagY1 = (int)(((Math.Sin(3 * goal) * 0.45) + 0.55) * scale);
        Assert.InRange(flagX, ((goal + 1.2) / 1.8 * 600) - 1, (goal + 1.2) / 1.8 * 600);
        for (int y = flagY1 + 3; y <= flagY1 + 39; y++)
        {
            // Below the flag's triangle (its top 11 rows), the pole is black and its neighbours white.
            Assert.Equal(s_black, At(image, flagX, 399 - y));
            Assert.Equal(s_white, At(image, flagX - 1, 399 - y));
            Assert.Equal(s_white, At(image, flagX + 1, 399 - y));
        }

        (byte, byte, byte) yellow = (204, 204, 0);
        Assert.Equal(yellow, At(image, flagX + 5, 399 - (flagY1 + 45)));
        Assert.Equal(s_white, At(image, flagX - 5, 399 - (flagY1 + 45)));
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1.1)]
    [InlineData(0.3)]
    public void MountainCar_wheels_are_at_the_position(double position)
    {
        using var env = new MountainCarEnvironment();
        env.Reset(seed: 0);
        env.SetState([position, 0]);
        RgbImage image = env.RenderImage();
        double sumX = 0, sumY = 0;
        int count = 0;
        for (int y = 0; y < 400; y++)
        {
            for (int x = 0; x < 600; x++)
            {
                if (At(image, x, y) == (128, 128, 128))
                {
                    sumX += x;
                    sumY += 399 - y;
                    count++;
                }
            }
        }

        // Two wheels of radius 8 (197 pixels each, by Gauss's count; drawn over the car, 20 px apart), centred 10 px
        // above the curve around the car's position.
        double scale = 600 / 1.8;
        Assert.Equal(2 * 197, count);
        Assert.InRange((sumX / count) - ((position + 1.2) * scale), -2, 2);
        Assert.InRange((sumY / count) - (10 + (((Math.Sin(3 * position) * 0.45) + 0.55) * scale)), -2, 2);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(Math.PI / 2)]
    [InlineData(-Math.PI / 3)]
    [InlineData(Math.PI)]
    [InlineData(2.5)]
    public void Pendulum_rod_ends_at_theta_with_zero_pointing_up(double theta)
    {
        using var env = new PendulumEnvironment();
        env.Reset(seed: 0);
        env.SetState([theta, 0]);
        RgbImage image = env.RenderImage();
        // The rod leaves the centre (250, 250) towards (-sin theta, cos theta) in pygame's y-up coordinates; it is
        // 500 / 4.4 = 113.6 px long and ends in a disc of radius 11.
        (int X, int Y) Along(double distance) => (
            (int)Math.Floor(250 - (distance * Math.Sin(theta)) + 0.5),
            499 - (int)Math.Floor(250 + (distance * Math.Cos(theta)) + 0.5));
        (byte, byte, byte) rod = (204, 77, 77);
        foreach (double distance in new[] { 20.0, 60.0, 113.0, 120.0 })
        {
            (int x, int y) = Along(distance);
            Assert.Equal(rod, At(image, x, y));
        }

        (int ex, int ey) = Along(113.6 + 11 + 3);
        Assert.Equal(s_white, At(image, ex, ey));
        (int ox, int oy) = Along(-25);
        Assert.Equal(s_white, At(image, ox, oy));
        Assert.Equal(s_black, At(image, 250, 499 - 250));
    }

    [Fact]
    public void Pendulum_at_zero_is_a_vertical_rod_above_the_centre()
    {
        using var env = new PendulumEnvironment();
        env.Reset(seed: 0);
        env.SetState([0, 0]);
        RgbImage image = env.RenderImage();
        Assert.Equal(((byte)204, (byte)77, (byte)77), At(image, 250, 499 - 250 - 80));
        Assert.Equal(s_white, At(image, 250, 499 - 250 + 40));
    }

    [Fact]
    public void Acrobot_hangs_down_at_zero_and_swings_right_at_theta1_half_pi()
    {
        using var env = new AcrobotEnvironment();
        env.Reset(seed: 0);
        const double Scale = 500 / 4.4;
        (byte, byte, byte) link = (0, 204, 204), joint = (204, 204, 0);

        env.SetState([0, 0, 0, 0]);
        RgbImage image = env.RenderImage();
        Assert.Equal(joint, At(image, 250, 499 - 250));
        Assert.Equal(link, At(image, 250, 499 - (int)(250 - (0.5 * Scale))));
        Assert.Equal(joint, At(image, 250, 499 - (int)(250 - Scale)));
        Assert.Equal(link, At(image, 250, 499 - (int)(250 - (1.5 * Scale))));
        Assert.Equal(s_white, At(image, 250, 499 - (int)(250 - (2.2 * Scale))));
        // The target line one link above the pivot, across the picture (pygame's y 363.6, nearest row 364).
        int barRow = 499 - (int)Math.Floor(250 + Scale + 0.5);
        Assert.All(Enumerable.Range(0, 500), x => Assert.Equal(s_black, At(image, x, barRow)));

        env.SetState([Math.PI / 2, 0, 0, 0]);
        image = env.RenderImage();
        Assert.Equal(joint, At(image, (int)(250 + Scale), 499 - 250));
        Assert.Equal(link, At(image, (int)(250 + (0.5 * Scale)), 499 - 250));
        Assert.Equal(link, At(image, (int)(250 + (1.5 * Scale)), 499 - 250)); // theta2 = 0: the second link goes on straight
    }

    [Fact]
    public void Registered_environments_render_through_their_wrappers()
    {
        foreach (string id in new[] { "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1" })
        {
            using IEnvironment env = Environments.Make(id);
            IImageRenderable renderer = Rendering.ImageOf(env) ?? throw new InvalidOperationException($"{id} has no image renderer.");
            Assert.Null(Rendering.TextOf(env));
            _ = env switch
            {
                IEnvironment<ReadOnlyMemory<float>, int> discrete => discrete.Reset(seed: 2).Observation,
                IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<float>> continuous => continuous.Reset(seed: 2).Observation,
                _ => throw new InvalidOperationException(id),
            };
            Assert.True(renderer.RenderImage().Pixels.SequenceEqual(renderer.RenderImage().Pixels));
        }
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    public void Rendering_does_not_change_the_trajectory_of_discrete_environments(string id)
    {
        static int Action(Random random, float[] buffer, Spaces.Space space) => random.Next(((Spaces.Discrete)space).N);
        Assert.Equal(Run<int>(id, Action, render: false), Run<int>(id, Action, render: true));
    }

    [Theory]
    [InlineData("MountainCarContinuous-v0", 1.0)]
    [InlineData("Pendulum-v1", 2.0)]
    public void Rendering_does_not_change_the_trajectory_of_continuous_environments(string id, double bound)
    {
        ReadOnlyMemory<float> Action(Random random, float[] buffer, Spaces.Space space)
        {
            buffer[0] = (float)(((2 * random.NextDouble()) - 1) * bound);
            return buffer;
        }

        Assert.Equal(Run<ReadOnlyMemory<float>>(id, Action, render: false), Run<ReadOnlyMemory<float>>(id, Action, render: true));
    }

    private static List<string> Run<TAction>(string id, Func<Random, float[], Spaces.Space, TAction> action, bool render)
    {
        using var env = Environments.Make<ReadOnlyMemory<float>, TAction>(id);
        IImageRenderable renderer = Rendering.ImageOf(env)!;
        var random = new Random(5);
        var buffer = new float[1];
        var trace = new List<string> { string.Join(',', env.Reset(seed: 9).Observation.ToArray()) };
        for (int t = 0; t < 400; t++)
        {
            if (render)
            {
                _ = renderer.RenderImage();
            }

            StepResult<ReadOnlyMemory<float>> step = env.Step(action(random, buffer, env.ActionSpace));
            trace.Add(string.Join(',', step.Observation.ToArray().Select(v => BitConverter.SingleToInt32Bits(v))) + $";{BitConverter.DoubleToInt64Bits(step.Reward)};{step.Terminated};{step.Truncated}");
            if (step.Terminated || step.Truncated)
            {
                trace.Add(string.Join(',', env.Reset().Observation.ToArray()));
            }
        }

        return trace;
    }
}
