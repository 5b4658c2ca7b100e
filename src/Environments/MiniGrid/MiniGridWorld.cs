using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RLFramework.Environments.MiniGrid;

/// <summary>What one step saw before it acted: the rules of each environment read it afterwards.</summary>
/// <param name="Action">The action taken.</param>
/// <param name="FrontIndex">The cell in front of the agent, taken before acting (padded index).</param>
/// <param name="FrontBefore">That cell's content before acting.</param>
/// <param name="CarryingBefore">What the agent carried before acting (<see cref="WorldCell.Empty"/> for nothing).</param>
internal readonly record struct StepContext(MiniGridAction Action, int FrontIndex, WorldCell FrontBefore, WorldCell CarryingBefore);

/// <summary>
/// The MiniGrid world: the grid, the agent and what it carries, the step counter, the base dynamics
/// of the seven actions and the egocentric view. The grid is stored row-major with a border of
/// <see cref="Padding"/> grey walls on every side, so the 7x7 view and the front cell need no bounds
/// checks (cells outside the grid look like grey walls, as in MiniGrid).
/// </summary>
internal sealed class MiniGridWorld
{
    /// <summary>Side of the square egocentric view.</summary>
    public const int ViewSize = 7;

    /// <summary>Cells in the view.</summary>
    public const int ViewCells = ViewSize * ViewSize;

    /// <summary>Bytes in the view image (7 x 7 x 3).</summary>
    public const int ImageBytes = ViewCells * 3;

    /// <summary>Wall border around the grid: the farthest view cell is 6 cells ahead.</summary>
    public const int Padding = ViewSize - 1;

    /// <summary>The agent's cell in the view, (3, 6), as an index x * 7 + y.</summary>
    public const int AgentViewCell = (3 * ViewSize) + (ViewSize - 1);

    /// <summary>1 when a cell lets sight through, indexed by type | state &lt;&lt; 4: walls and closed or locked doors do not.</summary>
    private static readonly byte[] s_transparent = BuildTransparency();

    /// <summary>
    /// MiniGrid's process_vis for one view row, tabulated: index (seeds &lt;&lt; 7) | transparent, where
    /// seeds are the row's cells already visible and transparent its see-through cells (bit i = view
    /// x = i); entry = visible cells of the row | (cells of the row above made visible) &lt;&lt; 7. Built by
    /// running the reference sweep (i = 0..5 rightwards, then i = 6..1 leftwards) on every input.
    /// </summary>
    private static readonly ushort[] s_rowVisibility = BuildRowVisibility();

    private static readonly int[] s_dx = [1, 0, -1, 0];
    private static readonly int[] s_dy = [0, 1, 0, -1];

    private readonly int[] _viewOffsets = new int[4 * ViewCells];
    private readonly int[] _directionOffsets = new int[4];
    private WorldCell[] _cells = [];

    /// <summary>Grid width (columns).</summary>
    public int Width { get; private set; }

    /// <summary>Grid height (rows).</summary>
    public int Height { get; private set; }

    /// <summary>Row length of the padded storage.</summary>
    public int Stride { get; private set; }

    /// <summary>The agent's cell (padded index).</summary>
    public int AgentIndex { get; set; }

    /// <summary>The agent's direction: 0 east, 1 south, 2 west, 3 north.</summary>
    public int AgentDirection { get; set; }

    /// <summary>What the agent carries; <see cref="WorldCell.Empty"/> for nothing.</summary>
    public WorldCell Carrying { get; set; } = WorldCell.Empty;

    /// <summary>Steps taken in this episode.</summary>
    public int StepCount { get; set; }

    /// <summary>The episode's step limit.</summary>
    public int MaxSteps { get; set; }

    /// <summary>
    /// Changes whenever a cell or the carried object may have changed (a successful pickup, drop or
    /// toggle, or <see cref="Clear"/>): with the agent's cell and direction it tells whether the
    /// last rendered view is still current.
    /// </summary>
    public int Version { get; private set; }

    /// <summary>The mission, as an index into the environment's mission table.</summary>
    public int MissionIndex { get; set; }

    /// <summary>The cell in front of the agent (padded index).</summary>
    public int FrontIndex => AgentIndex + _directionOffsets[AgentDirection];

    /// <summary>The agent's position.</summary>
    public GridPosition AgentPosition => PositionOf(AgentIndex);

    /// <summary>Reads or writes the cell at a padded index.</summary>
    public ref WorldCell this[int index] => ref _cells[index];

    /// <summary>Reads or writes the cell at (x, y); the caller keeps x, y inside the grid.</summary>
    public ref WorldCell At(int x, int y) => ref _cells[IndexOf(x, y)];

    /// <summary>
    /// Makes the grid <paramref name="width"/> x <paramref name="height"/>, all empty, with the agent
    /// at (0, 0) facing east, carrying nothing, step 0.
    /// </summary>
    public void Clear(int width, int height)
    {
        if (width < 3 || height < 3)
        {
            throw new ArgumentException($"The MiniGrid world is {width}x{height}; a grid must be at least 3x3.");
        }

        if (width != Width || height != Height)
        {
            Width = width;
            Height = height;
            Stride = width + (2 * Padding);
            _cells = new WorldCell[(Stride * (height + (2 * Padding))) + 1]; // + 1: slack for 4-byte reads
            ComputeOffsets();
        }

        _cells.AsSpan().Fill(WorldCell.Wall);
        for (int y = 0; y < height; y++)
        {
            _cells.AsSpan(IndexOf(0, y), width).Fill(WorldCell.Empty);
        }

        AgentIndex = IndexOf(0, 0);
        AgentDirection = 0;
        Carrying = WorldCell.Empty;
        StepCount = 0;
        Version++;
    }

    /// <summary>Copies the grid (width x height cells, row-major, without the wall padding) into <paramref name="destination"/>.</summary>
    public void CopyGridTo(Span<WorldCell> destination)
    {
        for (int y = 0; y < Height; y++)
        {
            _cells.AsSpan(IndexOf(0, y), Width).CopyTo(destination.Slice(y * Width, Width));
        }
    }

    /// <summary>Overwrites the grid with <paramref name="source"/> (the layout of <see cref="CopyGridTo"/>); the size is unchanged.</summary>
    public void CopyGridFrom(ReadOnlySpan<WorldCell> source)
    {
        for (int y = 0; y < Height; y++)
        {
            source.Slice(y * Width, Width).CopyTo(_cells.AsSpan(IndexOf(0, y), Width));
        }

        Version++;
    }

    /// <summary>The padded index of (x, y).</summary>
    public int IndexOf(int x, int y) => ((y + Padding) * Stride) + x + Padding;

    /// <summary>The position of a padded index.</summary>
    public GridPosition PositionOf(int index) => new((index % Stride) - Padding, (index / Stride) - Padding);

    /// <summary>Whether (x, y) lies inside the grid.</summary>
    public bool Contains(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height;

    /// <summary>MiniGrid's success reward: 1 - 0.9 * (step_count / max_steps).</summary>
    public double SuccessReward() => 1.0 - (0.9 * ((double)StepCount / MaxSteps));

    /// <summary>
    /// MiniGrid's base step: counts the step, takes the front cell, then acts. Goal and lava end the
    /// episode here; truncation and the environment's own rules are the caller's.
    /// </summary>
    public StepContext Act(MiniGridAction action, out double reward, out bool terminated)
    {
        StepCount++;
        reward = 0.0;
        terminated = false;
        int front = AgentIndex + _directionOffsets[AgentDirection];
        WorldCell cell = _cells[front];
        var context = new StepContext(action, front, cell, Carrying);
        switch (action)
        {
            case MiniGridAction.Left:
                AgentDirection = (AgentDirection + 3) & 3;
                break;
            case MiniGridAction.Right:
                AgentDirection = (AgentDirection + 1) & 3;
                break;
            case MiniGridAction.Forward:
                if (cell.CanOverlap)
                {
                    AgentIndex = front;
                }

                if (cell.Type == MiniGridObjectType.Goal)
                {
                    terminated = true;
                    reward = SuccessReward();
                }
                else if (cell.Type == MiniGridObjectType.Lava)
                {
                    terminated = true;
                }

                break;
            case MiniGridAction.Pickup:
                if (cell.CanPickup && Carrying.IsEmpty)
                {
                    Carrying = cell;
                    _cells[front] = WorldCell.Empty;
                    Version++;
                }

                break;
            case MiniGridAction.Drop:
                if (cell.IsEmpty && !Carrying.IsEmpty)
                {
                    _cells[front] = Carrying;
                    Carrying = WorldCell.Empty;
                    Version++;
                }

                break;
            case MiniGridAction.Toggle:
                Toggle(front, cell);
                Version++;
                break;
            default:
                break;
        }

        return context;
    }

    /// <summary>
    /// Writes the egocentric 7x7 view ([x][y][channel] bytes) that MiniGrid's gen_obs returns:
    /// the slice ahead of the agent, occlusion unless <paramref name="seeThroughWalls"/>, and the
    /// agent's own cell showing what it carries. <paramref name="image"/> needs one byte of slack
    /// after the 147 image bytes: cells are stored as 4-byte words, each overwriting the previous
    /// word's spare byte.
    /// </summary>
    [SkipLocalsInit]
    public void RenderView(Span<byte> image, bool seeThroughWalls)
    {
        if (image.Length < ImageBytes + 1)
        {
            throw new ArgumentException($"The view buffer needs {ImageBytes + 1} bytes.", nameof(image));
        }

        ref WorldCell cells = ref MemoryMarshal.GetArrayDataReference(_cells);
        ReadOnlySpan<int> offsets = _viewOffsets.AsSpan(AgentDirection * ViewCells, ViewCells);
        ref int offset = ref MemoryMarshal.GetReference(offsets);
        ref byte transparentTable = ref MemoryMarshal.GetArrayDataReference(s_transparent);
        ref byte output = ref MemoryMarshal.GetReference(image);
        int agent = AgentIndex;
        Span<int> transparentRows = stackalloc int[ViewSize];
        transparentRows.Clear();

        // Copy the 49 cells in image order (k = x * 7 + y) as 4-byte words (type | colour << 8 |
        // state << 16), each store's spare byte overwritten by the next, and note each row's
        // see-through cells (bit x of row y).
        for (int k = 0, i = 0, j = 0; k < ViewCells; k++)
        {
            ref byte cell = ref Unsafe.As<WorldCell, byte>(ref Unsafe.Add(ref cells, agent + Unsafe.Add(ref offset, k)));
            uint word = Unsafe.ReadUnaligned<uint>(ref cell) & 0xFFFFFF;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, 3 * k), word);
            transparentRows[j] |= Unsafe.Add(ref transparentTable, (int)((word & 0xF) | ((word >> 12) & 0x30))) << i;
            if (++j == ViewSize)
            {
                j = 0;
                i++;
            }
        }

        if (!seeThroughWalls)
        {
            // MiniGrid's process_vis, one row at a time from the agent's row upwards (see
            // s_rowVisibility); hidden cells become (0, 0, 0), written as 2 + 1 bytes so that the
            // next cell stays intact.
            int seeds = 1 << (ViewSize / 2);
            for (int j = ViewSize - 1; j >= 0; j--)
            {
                int entry = s_rowVisibility[(seeds << 7) | transparentRows[j]];
                seeds = entry >> 7;
                int hidden = ~entry & 0x7F;
                while (hidden != 0)
                {
                    int i = BitOperations.TrailingZeroCount(hidden);
                    hidden &= hidden - 1;
                    ref byte target = ref Unsafe.Add(ref output, 3 * ((i * ViewSize) + j));
                    Unsafe.WriteUnaligned(ref target, (ushort)0);
                    Unsafe.Add(ref target, 2) = 0;
                }
            }
        }

        // The agent's own cell shows what it carries (three bytes: the next cell's word is already written).
        WorldCell carrying = Carrying;
        image[(3 * AgentViewCell) + 0] = (byte)carrying.Type;
        image[(3 * AgentViewCell) + 1] = (byte)carrying.Color;
        image[(3 * AgentViewCell) + 2] = carrying.State;
    }

    /// <summary>
    /// Writes the whole grid ([x][y][channel] bytes, width x height x 3) with the agent drawn as
    /// (10, 0, direction), as MiniGrid's FullyObsWrapper does.
    /// </summary>
    public void RenderFullGrid(Span<byte> image)
    {
        Span<WorldCell> full = MemoryMarshal.Cast<byte, WorldCell>(image[..(Width * Height * 3)]);
        for (int x = 0; x < Width; x++)
        {
            int index = IndexOf(x, 0);
            for (int y = 0; y < Height; y++)
            {
                full[(x * Height) + y] = _cells[index];
                index += Stride;
            }
        }

        GridPosition agent = AgentPosition;
        full[(agent.X * Height) + agent.Y] = new WorldCell(MiniGridObjectType.Agent, MiniGridColor.Red, (byte)AgentDirection);
    }

    private void Toggle(int front, WorldCell cell)
    {
        if (cell.Type == MiniGridObjectType.Door)
        {
            if (cell.State == WorldCell.Locked)
            {
                if (Carrying.Type == MiniGridObjectType.Key && Carrying.Color == cell.Color)
                {
                    _cells[front] = WorldCell.Door(cell.Color, WorldCell.Open);
                }
            }
            else
            {
                _cells[front] = WorldCell.Door(cell.Color, cell.State == WorldCell.Open ? WorldCell.Closed : WorldCell.Open);
            }
        }
        else if (cell.Type == MiniGridObjectType.Box)
        {
            _cells[front] = WorldCell.Empty;
        }
    }

    private static byte[] BuildTransparency()
    {
        var table = new byte[64];
        for (int type = 0; type < 16; type++)
        {
            for (int state = 0; state < 4; state++)
            {
                var cell = new WorldCell((MiniGridObjectType)type, MiniGridColor.Red, (byte)state);
                table[type | (state << 4)] = cell.BlocksSight ? (byte)0 : (byte)1;
            }
        }

        return table;
    }

    private static ushort[] BuildRowVisibility()
    {
        var table = new ushort[128 * 128];
        for (int seeds = 0; seeds < 128; seeds++)
        {
            for (int transparent = 0; transparent < 128; transparent++)
            {
                int visible = seeds;
                int above = 0;
                for (int i = 0; i < ViewSize - 1; i++)
                {
                    if ((visible >> i & 1) != 0 && (transparent >> i & 1) != 0)
                    {
                        visible |= 1 << (i + 1);
                        above |= (1 << (i + 1)) | (1 << i);
                    }
                }

                for (int i = ViewSize - 1; i >= 1; i--)
                {
                    if ((visible >> i & 1) != 0 && (transparent >> i & 1) != 0)
                    {
                        visible |= 1 << (i - 1);
                        above |= (1 << (i - 1)) | (1 << i);
                    }
                }

                table[(seeds << 7) | transparent] = (ushort)(visible | (above << 7));
            }
        }

        return table;
    }

    private void ComputeOffsets()
    {
        for (int d = 0; d < 4; d++)
        {
            int fx = s_dx[d];
            int fy = s_dy[d];
            int rx = -fy;
            int ry = fx;
            _directionOffsets[d] = (fy * Stride) + fx;
            for (int vx = 0; vx < ViewSize; vx++)
            {
                for (int vy = 0; vy < ViewSize; vy++)
                {
                    int ahead = ViewSize - 1 - vy;
                    int side = vx - (ViewSize / 2);
                    int dx = (ahead * fx) + (side * rx);
                    int dy = (ahead * fy) + (side * ry);
                    _viewOffsets[(d * ViewCells) + (vx * ViewSize) + vy] = (dy * Stride) + dx;
                }
            }
        }
    }
}
