namespace RLFramework.Environments.MiniGrid;

/// <summary>How <c>LayoutBuilder.PlaceObject</c> rejects a sampled cell besides occupied ones.</summary>
internal enum Rejection
{
    /// <summary>Only occupied cells and the agent's cell are rejected.</summary>
    None,

    /// <summary>Also cells at Manhattan distance below 2 from the agent (MiniGrid's reject_next_to).</summary>
    NextToAgent,

    /// <summary>Also cells within Chebyshev distance 1 of an avoided position (PutNear's near_obj).</summary>
    NearAvoided,
}

/// <summary>
/// MiniGrid's layout primitives (wall_rect, horz_wall, vert_wall, place_obj, place_agent) on a world,
/// drawing from our seeded generator. Rejection sampling as in MiniGrid: uniform cells of a rectangle
/// until one is empty, is not the agent's and passes the rejection rule.
/// </summary>
internal sealed class LayoutBuilder(MiniGridWorld world, MiniGridRandom random)
{
    private const int MaxTries = 100_000;

    public MiniGridWorld World => world;

    public MiniGridRandom Random => random;

    /// <summary>Starts a layout: an empty grid and no agent yet.</summary>
    public void Begin(int width, int height)
    {
        world.Clear(width, height);
        world.AgentIndex = -1;
    }

    public void Put(int x, int y, WorldCell cell) => world.At(x, y) = cell;

    public void WallRect(int x, int y, int width, int height)
    {
        HorizontalWall(x, y, width);
        HorizontalWall(x, y + height - 1, width);
        VerticalWall(x, y, height);
        VerticalWall(x + width - 1, y, height);
    }

    public void HorizontalWall(int x, int y, int length) => HorizontalLine(x, y, length, WorldCell.Wall);

    public void VerticalWall(int x, int y, int length) => VerticalLine(x, y, length, WorldCell.Wall);

    public void HorizontalLine(int x, int y, int length, WorldCell cell)
    {
        for (int i = 0; i < length; i++)
        {
            world.At(x + i, y) = cell;
        }
    }

    public void VerticalLine(int x, int y, int length, WorldCell cell)
    {
        for (int i = 0; i < length; i++)
        {
            world.At(x, y + i) = cell;
        }
    }

    /// <summary>Places <paramref name="cell"/> on a random free cell of the rectangle (MiniGrid's place_obj).</summary>
    public GridPosition PlaceObject(
        WorldCell cell, int topX, int topY, int width, int height,
        Rejection rejection = Rejection.None, ReadOnlySpan<GridPosition> avoid = default)
    {
        GridPosition position = SampleFree(topX, topY, width, height, rejection, avoid);
        world.At(position.X, position.Y) = cell;
        return position;
    }

    /// <summary>Places <paramref name="cell"/> anywhere on the grid.</summary>
    public GridPosition PlaceObject(WorldCell cell, Rejection rejection = Rejection.None, ReadOnlySpan<GridPosition> avoid = default) =>
        PlaceObject(cell, 0, 0, world.Width, world.Height, rejection, avoid);

    /// <summary>Places the agent on a random free cell of the rectangle, with a random direction (MiniGrid's place_agent).</summary>
    public GridPosition PlaceAgent(int topX, int topY, int width, int height)
    {
        world.AgentIndex = -1;
        GridPosition position = SampleFree(topX, topY, width, height, Rejection.None, default);
        world.AgentIndex = world.IndexOf(position.X, position.Y);
        world.AgentDirection = random.Next(0, 4);
        return position;
    }

    /// <summary>Places the agent anywhere on the grid.</summary>
    public GridPosition PlaceAgent() => PlaceAgent(0, 0, world.Width, world.Height);

    /// <summary>Puts the agent at (x, y) facing <paramref name="direction"/>.</summary>
    public void SetAgent(int x, int y, int direction)
    {
        world.AgentIndex = world.IndexOf(x, y);
        world.AgentDirection = direction;
    }

    private GridPosition SampleFree(int topX, int topY, int width, int height, Rejection rejection, ReadOnlySpan<GridPosition> avoid)
    {
        int xEnd = Math.Min(topX + width, world.Width);
        int yEnd = Math.Min(topY + height, world.Height);
        for (int tries = 0; tries < MaxTries; tries++)
        {
            int x = random.Next(topX, xEnd);
            int y = random.Next(topY, yEnd);
            int index = world.IndexOf(x, y);
            if (!world[index].IsEmpty || index == world.AgentIndex || Rejected(x, y, rejection, avoid))
            {
                continue;
            }

            return new GridPosition(x, y);
        }

        throw new InvalidOperationException(
            $"MiniGrid layout: no free cell in the {width}x{height} rectangle at ({topX}, {topY}) after {MaxTries} tries.");
    }

    private bool Rejected(int x, int y, Rejection rejection, ReadOnlySpan<GridPosition> avoid)
    {
        switch (rejection)
        {
            case Rejection.NextToAgent:
                if (world.AgentIndex < 0)
                {
                    return false;
                }

                GridPosition agent = world.AgentPosition;
                return Math.Abs(agent.X - x) + Math.Abs(agent.Y - y) < 2;
            case Rejection.NearAvoided:
                foreach (GridPosition p in avoid)
                {
                    if (Math.Abs(p.X - x) <= 1 && Math.Abs(p.Y - y) <= 1)
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
