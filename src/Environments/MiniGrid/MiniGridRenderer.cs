namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// Shows a MiniGrid world as MiniGrid 3.1.0 does (<c>minigrid/minigrid_env.py</c>): the text of
/// <c>MiniGridEnv.__str__</c> and the frame of <c>get_frame(highlight=True, tile_size=32,
/// agent_pov=False)</c>. Both only read the world; a frame allocates its image and nothing else
/// once its tiles are cached (<see cref="MiniGridTiles"/>).
/// </summary>
internal static class MiniGridRenderer
{
    /// <summary>Object letters of <c>__str__</c>'s OBJECT_TO_STR, indexed by <see cref="MiniGridObjectType"/> (wall W, floor F, door D, key K, ball A, box B, goal G, lava V).</summary>
    private const string ObjectLetters = "??WFDKABGV?";

    /// <summary>Upper-case first letters of the colour names, indexed by <see cref="MiniGridColor"/>.</summary>
    private const string ColorLetters = "RGBPYG";

    /// <summary><c>__str__</c>'s AGENT_DIR_TO_STR, indexed by direction (east, south, west, north).</summary>
    private const string AgentLetters = ">V<^";

    /// <summary>Largest grid whose highlight mask lives on the stack.</summary>
    private const int StackMaskCells = 1024;

    /// <summary>
    /// Ports <c>MiniGridEnv.__str__</c>: two characters per cell, row by row, rows joined by "\n"
    /// with no newline after the last. The agent is its direction twice (">>", "VV", "&lt;&lt;", "^^")
    /// whatever it stands on; an empty cell is two spaces; a door is "__" when open, "L" + colour
    /// when locked, "D" + colour when closed; any other object is its letter + colour.
    /// </summary>
    public static string Text(MiniGridWorld world)
    {
        int length = (world.Height * 2 * world.Width) + world.Height - 1;
        return string.Create(length, world, static (chars, w) =>
        {
            GridPosition agent = w.AgentPosition;
            int k = 0;
            for (int j = 0; j < w.Height; j++)
            {
                for (int i = 0; i < w.Width; i++)
                {
                    WorldCell tile = w.At(i, j);
                    (char first, char second) = (i == agent.X && j == agent.Y)
                        ? (AgentLetters[w.AgentDirection], AgentLetters[w.AgentDirection])
                        : tile.Type switch
                        {
                            MiniGridObjectType.Empty => (' ', ' '),
                            MiniGridObjectType.Door when tile.State == WorldCell.Open => ('_', '_'),
                            MiniGridObjectType.Door when tile.State == WorldCell.Locked => ('L', ColorLetters[(int)tile.Color]),
                            _ => (ObjectLetters[(int)tile.Type], ColorLetters[(int)tile.Color]),
                        };
                    chars[k++] = first;
                    chars[k++] = second;
                }

                if (j < w.Height - 1)
                {
                    chars[k++] = '\n';
                }
            }
        });
    }

    /// <summary>
    /// Ports <c>get_full_render(highlight, tile_size=32)</c> and <c>Grid.render</c>: one
    /// <see cref="MiniGridTiles"/> tile per cell, the agent drawn on its cell, and with
    /// <paramref name="highlight"/> the cells of the agent's view lightened (<see cref="HighlightMask"/>).
    /// The image is (width * 32) x (height * 32).
    /// </summary>
    public static RgbImage Frame(MiniGridWorld world, bool seeThroughWalls, bool highlight = true)
    {
        const int size = MiniGridTiles.TileSize;
        int width = world.Width;
        int height = world.Height;
        int cells = width * height;
        Span<bool> mask = cells <= StackMaskCells ? stackalloc bool[cells] : new bool[cells];
        mask.Clear();
        if (highlight)
        {
            HighlightMask(world, seeThroughWalls, mask);
        }

        var image = new RgbImage(width * size, height * size);
        Span<byte> pixels = image.Pixels;
        int rowBytes = width * size * 3;
        GridPosition agent = world.AgentPosition;
        for (int j = 0; j < height; j++)
        {
            for (int i = 0; i < width; i++)
            {
                bool agentHere = i == agent.X && j == agent.Y;
                ReadOnlySpan<byte> tile = MiniGridTiles.Get(world.At(i, j), agentHere ? world.AgentDirection : -1, mask[(j * width) + i]);
                int origin = (j * size * rowBytes) + (i * size * 3);
                for (int y = 0; y < size; y++)
                {
                    tile.Slice(y * size * 3, size * 3).CopyTo(pixels.Slice(origin + (y * rowBytes), size * 3));
                }
            }
        }

        return image;
    }

    /// <summary>
    /// The highlight mask of <c>get_full_render</c> (index y * width + x): the cells visible in the
    /// agent's 7x7 view (<c>gen_obs_grid</c>'s <c>vis_mask</c>: <c>process_vis</c>, or everything
    /// when <paramref name="seeThroughWalls"/>), mapped to world cells as
    /// <c>top_left - f_vec * vis_j + r_vec * vis_i</c> with <c>top_left = agent_pos + f_vec * 6 - r_vec * 3</c>,
    /// cells outside the grid skipped. The mask is read from the agent's encoded view as
    /// <c>Grid.decode</c> reads one: a view cell is visible exactly when its object code is not 0 (unseen).
    /// </summary>
    internal static void HighlightMask(MiniGridWorld world, bool seeThroughWalls, Span<bool> mask)
    {
        const int viewSize = MiniGridWorld.ViewSize;
        Span<byte> view = stackalloc byte[MiniGridWorld.ImageBytes + 1];
        world.RenderView(view, seeThroughWalls);

        // DIR_TO_VEC and right_vec = (-dy, dx)
        int direction = world.AgentDirection;
        int fx = direction == 0 ? 1 : direction == 2 ? -1 : 0;
        int fy = direction == 1 ? 1 : direction == 3 ? -1 : 0;
        int rx = -fy;
        int ry = fx;
        GridPosition agent = world.AgentPosition;
        int topX = agent.X + (fx * (viewSize - 1)) - (rx * (viewSize / 2));
        int topY = agent.Y + (fy * (viewSize - 1)) - (ry * (viewSize / 2));
        for (int visJ = 0; visJ < viewSize; visJ++)
        {
            for (int visI = 0; visI < viewSize; visI++)
            {
                // If this cell is not visible, don't highlight it
                if (view[3 * ((visI * viewSize) + visJ)] == (byte)MiniGridObjectType.Unseen)
                {
                    continue;
                }

                // Compute the world coordinates of this cell
                int absI = topX - (fx * visJ) + (rx * visI);
                int absJ = topY - (fy * visJ) + (ry * visI);
                if (world.Contains(absI, absJ))
                {
                    mask[(absJ * world.Width) + absI] = true;
                }
            }
        }
    }
}
