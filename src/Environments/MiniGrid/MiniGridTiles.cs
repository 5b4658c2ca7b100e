namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The tiles of a MiniGrid frame: <c>Grid.render_tile</c> (<c>minigrid/core/grid.py</c>) and each
/// object's <c>render</c> (<c>minigrid/core/world_object.py</c>) of MiniGrid 3.1.0, drawn with
/// <see cref="MiniGridRaster"/>. A tile is drawn once at 3x supersampling, then kept, as MiniGrid's
/// <c>Grid.tile_cache</c> keeps it, keyed by (object, colour, state, agent direction, highlight);
/// the cache is shared by every environment and safe to fill from several threads.
/// </summary>
internal static class MiniGridTiles
{
    /// <summary>Pixels per tile side (<c>TILE_PIXELS</c>, <c>get_frame</c>'s default tile_size).</summary>
    public const int TileSize = 32;

    /// <summary><c>render_tile</c>'s supersampling factor (<c>subdivs</c>).</summary>
    public const int Subdivisions = 3;

    /// <summary>Bytes of one tile: <see cref="TileSize"/> rows of <see cref="TileSize"/> RGB pixels.</summary>
    public const int TileBytes = TileSize * TileSize * 3;

    private const int SuperSize = TileSize * Subdivisions;
    private const int TypeCount = (int)MiniGridObjectType.Agent + 1;
    private const int ColorCount = (int)MiniGridColor.Grey + 1;
    private const int StateCount = WorldCell.Locked + 1;

    /// <summary>MiniGrid's <c>COLORS</c> table (<c>minigrid/core/constants.py</c>), indexed by <see cref="MiniGridColor"/>.</summary>
    private static readonly Rgb[] s_colors =
    [
        new(255, 0, 0),
        new(0, 255, 0),
        new(0, 0, 255),
        new(112, 39, 195),
        new(255, 255, 0),
        new(100, 100, 100),
    ];

    private static readonly Rgb s_black = new(0, 0, 0);
    private static readonly Rgb s_gridLine = new(100, 100, 100);
    private static readonly Rgb s_agent = new(255, 0, 0);
    private static readonly Rgb s_lava = new(255, 128, 0);

    /// <summary>Tiles drawn so far, indexed by <see cref="CacheIndex"/>: (type, colour, state, agent direction + 1, highlight).</summary>
    private static readonly byte[]?[] s_cache = new byte[]?[TypeCount * ColorCount * StateCount * 5 * 2];

    /// <summary>
    /// The tile of <paramref name="cell"/> (<see cref="TileBytes"/> bytes, row-major RGB), with the
    /// agent drawn facing <paramref name="agentDirection"/> (-1: no agent) and highlighted or not:
    /// <c>Grid.render_tile(obj, agent_dir, highlight, tile_size=32, subdivs=3)</c> as the
    /// <c>uint8</c> pixels <c>Grid.render</c> stores. Drawn on the first request, then cached.
    /// </summary>
    public static ReadOnlySpan<byte> Get(WorldCell cell, int agentDirection, bool highlight)
    {
        int index = CacheIndex(cell, agentDirection, highlight);
        byte[]? tile = Volatile.Read(ref s_cache[index]);
        if (tile is null)
        {
            tile = Draw(cell, agentDirection, highlight);
            tile = Interlocked.CompareExchange(ref s_cache[index], tile, null) ?? tile;
        }

        return tile;
    }

    /// <summary>
    /// Ports <c>Grid.render_tile</c>: grid lines on the top and left edges, the object, the agent's
    /// triangle turned by <c>rotate_fn</c> about the centre (theta = 0.5 * pi * direction), the
    /// highlight, all at 96x96, then <c>downsample</c> to 32x32.
    /// </summary>
    internal static byte[] Draw(WorldCell cell, int agentDirection, bool highlight)
    {
        var image = new byte[SuperSize * SuperSize * 3];

        // Draw the grid lines (top and left edges)
        Fill(image, new RectRegion(0, 0.031, 0, 1), s_gridLine);
        Fill(image, new RectRegion(0, 1, 0, 0.031), s_gridLine);

        DrawObject(image, cell);

        // Overlay the agent on top
        if (agentDirection >= 0)
        {
            var triangle = new TriangleRegion(0.12, 0.19, 0.87, 0.50, 0.12, 0.81);

            // Rotate the agent based on its direction
            Fill(image, new RotatedRegion<TriangleRegion>(triangle, 0.5, 0.5, 0.5 * Math.PI * agentDirection), s_agent);
        }

        // Highlight the cell if needed
        if (highlight)
        {
            MiniGridRaster.HighlightImg(image);
        }

        // Downsample the image to perform supersampling/anti-aliasing
        var tile = new byte[TileBytes];
        MiniGridRaster.Downsample(image, SuperSize, Subdivisions, tile);
        return tile;
    }

    /// <summary>The <c>render(img)</c> method of the object in <paramref name="cell"/> (an empty cell draws nothing).</summary>
    private static void DrawObject(Span<byte> image, WorldCell cell)
    {
        Rgb c = s_colors[(int)cell.Color];
        switch (cell.Type)
        {
            case MiniGridObjectType.Empty:
                break;
            case MiniGridObjectType.Wall:
                // Wall.render
                Fill(image, new RectRegion(0, 1, 0, 1), c);
                break;
            case MiniGridObjectType.Floor:
                // Floor.render: the pale colour COLORS[color] / 2 (float64; the same as * 0.5), stored as uint8 (truncated)
                Fill(image, new RectRegion(0.031, 1, 0.031, 1), Scale(c, 0.5));
                break;
            case MiniGridObjectType.Door:
                DrawDoor(image, c, cell.State);
                break;
            case MiniGridObjectType.Key:
                // Key.render: vertical quad, teeth, ring
                Fill(image, new RectRegion(0.50, 0.63, 0.31, 0.88), c);
                Fill(image, new RectRegion(0.38, 0.50, 0.59, 0.66), c);
                Fill(image, new RectRegion(0.38, 0.50, 0.81, 0.88), c);
                Fill(image, new CircleRegion(0.56, 0.28, 0.190), c);
                Fill(image, new CircleRegion(0.56, 0.28, 0.064), s_black);
                break;
            case MiniGridObjectType.Ball:
                // Ball.render
                Fill(image, new CircleRegion(0.5, 0.5, 0.31), c);
                break;
            case MiniGridObjectType.Box:
                // Box.render: outline, horizontal slit
                Fill(image, new RectRegion(0.12, 0.88, 0.12, 0.88), c);
                Fill(image, new RectRegion(0.18, 0.82, 0.18, 0.82), s_black);
                Fill(image, new RectRegion(0.16, 0.84, 0.47, 0.53), c);
                break;
            case MiniGridObjectType.Goal:
                // Goal.render
                Fill(image, new RectRegion(0, 1, 0, 1), c);
                break;
            case MiniGridObjectType.Lava:
                DrawLava(image);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cell), cell, "Only world objects (empty .. lava) are drawn.");
        }
    }

    /// <summary>Door.render: open (a thin frame on the right), locked (darkened panel with a key slot) or closed (panels and a handle).</summary>
    private static void DrawDoor(Span<byte> image, Rgb c, byte state)
    {
        if (state == WorldCell.Open)
        {
            Fill(image, new RectRegion(0.88, 1.00, 0.00, 1.00), c);
            Fill(image, new RectRegion(0.92, 0.96, 0.04, 0.96), s_black);
            return;
        }

        // Door frame and door
        if (state == WorldCell.Locked)
        {
            Fill(image, new RectRegion(0.00, 1.00, 0.00, 1.00), c);

            // 0.45 * np.array(c) is float64, stored as uint8 (truncated)
            Fill(image, new RectRegion(0.06, 0.94, 0.06, 0.94), Scale(c, 0.45));

            // Draw key slot
            Fill(image, new RectRegion(0.52, 0.75, 0.50, 0.56), c);
        }
        else
        {
            Fill(image, new RectRegion(0.00, 1.00, 0.00, 1.00), c);
            Fill(image, new RectRegion(0.04, 0.96, 0.04, 0.96), s_black);
            Fill(image, new RectRegion(0.08, 0.92, 0.08, 0.92), c);
            Fill(image, new RectRegion(0.12, 0.88, 0.12, 0.88), s_black);

            // Draw door handle
            Fill(image, new CircleRegion(0.75, 0.50, 0.08), c);
        }
    }

    /// <summary>Lava.render: orange background, three rows of black zigzag waves.</summary>
    private static void DrawLava(Span<byte> image)
    {
        // Background color
        Fill(image, new RectRegion(0, 1, 0, 1), s_lava);

        // Little waves
        for (int i = 0; i < 3; i++)
        {
            double ylo = 0.3 + (0.2 * i);
            double yhi = 0.4 + (0.2 * i);
            Fill(image, new LineRegion(0.1, ylo, 0.3, yhi, r: 0.03), s_black);
            Fill(image, new LineRegion(0.3, yhi, 0.5, ylo, r: 0.03), s_black);
            Fill(image, new LineRegion(0.5, ylo, 0.7, yhi, r: 0.03), s_black);
            Fill(image, new LineRegion(0.7, yhi, 0.9, ylo, r: 0.03), s_black);
        }
    }

    /// <summary><c>factor * COLORS[...]</c> in float64, truncated by the <c>uint8</c> store of <c>fill_coords</c>.</summary>
    private static Rgb Scale(Rgb c, double factor) =>
        new((byte)(factor * c.R), (byte)(factor * c.G), (byte)(factor * c.B));

    private static void Fill<TRegion>(Span<byte> image, in TRegion region, Rgb color)
        where TRegion : struct, IRegion =>
        MiniGridRaster.FillCoords(image, SuperSize, region, color);

    private static int CacheIndex(WorldCell cell, int agentDirection, bool highlight)
    {
        if ((uint)cell.Type >= TypeCount || (uint)cell.Color >= ColorCount || cell.State >= StateCount || agentDirection is < -1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(cell), $"No tile for cell {cell} with agent direction {agentDirection}.");
        }

        int index = (int)cell.Type;
        index = (index * ColorCount) + (int)cell.Color;
        index = (index * StateCount) + cell.State;
        index = (index * 5) + agentDirection + 1;
        return (index * 2) + (highlight ? 1 : 0);
    }
}
