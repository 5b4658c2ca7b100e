using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// A MiniGrid environment (MiniGrid 3.1.0 semantics): seven discrete actions, the egocentric 7x7
/// (object, colour, state) view with occlusion, a mission, reward 1 - 0.9 * step_count / max_steps
/// on success, truncation at max_steps. Layouts are drawn at reset from our own seeded generator,
/// following each MiniGrid generator's rules. The observation object is reused: each step rewrites
/// it in place without allocating. The whole world can be read and written
/// (<see cref="IStatefulEnvironment{TState}"/>), which is how reference traces replay. It renders
/// as MiniGrid does: <see cref="RenderText"/> is <c>str(env)</c>, <see cref="RenderImage"/> the
/// <c>rgb_array</c> frame (see <see cref="MiniGridRenderer"/>).
/// </summary>
public abstract class MiniGridEnvironment
    : IEnvironment<MiniGridObservation, int>, IStatefulEnvironment<MiniGridState>, IEnvironmentLabels, ITextRenderable, IImageRenderable
{
    /// <summary>Number of actions.</summary>
    public const int ActionCount = 7;

    /// <summary>Floats in the flat encoding of an observation: 147 image bytes, the direction, the mission index.</summary>
    public const int FlatObservationSize = MiniGridWorld.ImageBytes + 2;

    /// <summary>Snapshot bytes after the grid: agent index (4), direction (1), carried object (3), mission (4), task progress (4).</summary>
    private const int SnapshotTail = 16;

    private readonly MiniGridRandom _random;
    private readonly LayoutBuilder _layout;
    private readonly MiniGridObservation _observation;
    private readonly MissionTable _missions;
    private readonly Box _observationSpace;
    private readonly Discrete _actionSpace = new(ActionCount);
    private MiniGridLabels? _labels;
    private int _renderedVersion = -1;
    private int _renderedAgent = -1;
    private int _renderedDirection = -1;
    private bool _started;
    private bool _done;

    private protected MiniGridEnvironment(
        string id, int width, int height, MissionTable missions, int maxSteps, bool seeThroughWalls, int? seed)
    {
        Id = id;
        LayoutWidth = width;
        LayoutHeight = height;
        _missions = missions;
        MaxSteps = maxSteps;
        SeeThroughWalls = seeThroughWalls;
        World = new MiniGridWorld();
        _random = new MiniGridRandom(seed ?? 0);
        _layout = new LayoutBuilder(World, _random);
        _observation = new MiniGridObservation(MiniGridWorld.ViewSize, MiniGridWorld.ViewSize, missions.Missions);
        _observationSpace = FlatSpace(missions.Count);
    }

    /// <summary>The environment id, e.g. "MiniGrid-DoorKey-5x5-v0".</summary>
    public string Id { get; }

    /// <summary>Width of the grids that <see cref="Reset"/> generates.</summary>
    public int LayoutWidth { get; }

    /// <summary>Height of the grids that <see cref="Reset"/> generates.</summary>
    public int LayoutHeight { get; }

    /// <summary>The step limit of an episode started by <see cref="Reset"/>.</summary>
    public int MaxSteps { get; }

    /// <summary>Whether the view ignores occlusion (MiniGrid's see_through_walls).</summary>
    public bool SeeThroughWalls { get; }

    /// <summary>Every mission this environment can give; a mission's index is its categorical code.</summary>
    public IReadOnlyList<string> Missions => _missions.Missions;

    /// <summary>
    /// The flat float encoding of an observation (<see cref="FlatObservationSize"/> categorical
    /// features: 147 image bytes with cardinalities 11, 6, 3 per cell, the direction (4), the mission
    /// index). Learners normally use a wrapper from <c>RLFramework.Environments.MiniGrid</c> instead.
    /// </summary>
    public Space ObservationSpace => _observationSpace;

    /// <summary>Discrete(7): left, right, forward, pickup, drop, toggle, done.</summary>
    public Space ActionSpace => _actionSpace;

    /// <summary>The registry spec this environment was made from, or null.</summary>
    public EnvironmentSpec? Spec { get; internal set; }

    /// <summary>The current observation (the object Reset and Step return, rewritten in place).</summary>
    public MiniGridObservation Observation => _observation;

    /// <summary>The agent's position.</summary>
    public GridPosition AgentPosition => World.AgentPosition;

    /// <summary>The agent's direction: 0 east, 1 south, 2 west, 3 north.</summary>
    public int AgentDirection => World.AgentDirection;

    /// <summary>The carried object, or null.</summary>
    public WorldCell? Carrying => World.Carrying.IsEmpty ? null : World.Carrying;

    /// <summary>Steps taken in the current episode.</summary>
    public int StepCount => World.StepCount;

    /// <summary>Width of the current grid.</summary>
    public int GridWidth => World.Width;

    /// <summary>Height of the current grid.</summary>
    public int GridHeight => World.Height;

    /// <summary>MiniGrid's <c>metadata["render_fps"]</c>: 10.</summary>
    public int RenderFps => 10;

    internal MiniGridWorld World { get; }

    private MiniGridLabels Labels => _labels ??= MiniGridLabels.View(_missions.Missions);

    /// <summary>Whether an episode is running: reset (or set) and not yet terminated or truncated.</summary>
    internal bool IsRunning => _started && !_done;

    /// <inheritdoc/>
    public ResetResult<MiniGridObservation> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random.Reseed(s);
        }

        Generate(_layout);
        World.StepCount = 0;
        World.MaxSteps = MaxSteps;
        Render();
        _started = true;
        _done = false;
        return new ResetResult<MiniGridObservation>(_observation, StepInfo.Empty);
    }

    /// <inheritdoc/>
    public StepResult<MiniGridObservation> Step(int action)
    {
        if (!_started || _done)
        {
            ThrowNotRunning();
        }

        if ((uint)action >= ActionCount)
        {
            ThrowBadAction(action);
        }

        StepContext context = World.Act((MiniGridAction)action, out double reward, out bool terminated);
        bool truncated = World.StepCount >= World.MaxSteps;
        Render();
        ApplyRules(context, ref reward, ref terminated);
        _done = terminated || truncated;
        return new StepResult<MiniGridObservation>(_observation, reward, terminated, truncated, StepInfo.Empty);
    }

    /// <inheritdoc/>
    /// <summary>
    /// The grid as MiniGrid's <c>MiniGridEnv.__str__</c> writes it: two characters per cell (object
    /// letter and colour initial; the agent as ">>", "VV", "&lt;&lt;" or "^^"; "  " for empty), rows
    /// joined by "\n" without a trailing newline.
    /// </summary>
    public string RenderText()
    {
        if (!_started)
        {
            ThrowNotRendered();
        }

        return MiniGridRenderer.Text(World);
    }

    /// <inheritdoc/>
    /// <summary>
    /// MiniGrid's <c>rgb_array</c> frame (<c>get_frame(highlight=True, tile_size=32, agent_pov=False)</c>):
    /// the whole grid at 32 pixels a cell, the agent's triangle, the cells it sees lightened.
    /// </summary>
    public RgbImage RenderImage()
    {
        if (!_started)
        {
            ThrowNotRendered();
        }

        return MiniGridRenderer.Frame(World, SeeThroughWalls);
    }

    /// <inheritdoc/>
    public MiniGridState GetState()
    {
        if (!_started)
        {
            ThrowNotRunning();
        }

        var cells = new WorldCell[World.Width * World.Height];
        for (int x = 0; x < World.Width; x++)
        {
            for (int y = 0; y < World.Height; y++)
            {
                cells[(x * World.Height) + y] = World.At(x, y);
            }
        }

        return new MiniGridState
        {
            Width = World.Width,
            Height = World.Height,
            Cells = cells,
            AgentPosition = World.AgentPosition,
            AgentDirection = World.AgentDirection,
            Carrying = Carrying,
            Mission = _missions.Missions[World.MissionIndex],
            StepCount = World.StepCount,
            MaxSteps = World.MaxSteps,
            Task = CaptureTask(),
        };
    }

    /// <summary>
    /// Sets the whole world (grid, agent, carried object, mission, step counter, task state) and
    /// renders its observation (<see cref="Observation"/>); the episode counts as started. Throws an
    /// <see cref="ArgumentException"/> naming the problem: a grid smaller than 3x3, an unknown
    /// object, colour or state code, an agent outside the grid or on a cell it cannot stand on, a
    /// mission this environment never gives, or task state the environment's rules need but lack.
    /// </summary>
    public void SetState(MiniGridState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Width < 3 || state.Height < 3)
        {
            throw new ArgumentException($"{Id}: the grid is {state.Width}x{state.Height}; a MiniGrid grid must be at least 3x3.", nameof(state));
        }

        if (state.Cells is null || state.Cells.Count != state.Width * state.Height)
        {
            throw new ArgumentException(
                $"{Id}: the state has {state.Cells?.Count ?? 0} cells but a {state.Width}x{state.Height} grid needs {state.Width * state.Height}.",
                nameof(state));
        }

        GridPosition agent = state.AgentPosition;
        if (agent.X < 0 || agent.X >= state.Width || agent.Y < 0 || agent.Y >= state.Height)
        {
            throw new ArgumentException(
                $"{Id}: the agent at ({agent.X}, {agent.Y}) is outside the {state.Width}x{state.Height} grid.", nameof(state));
        }

        if (state.AgentDirection is < 0 or > 3)
        {
            throw new ArgumentException($"{Id}: agent direction {state.AgentDirection} is not 0 (east), 1 (south), 2 (west) or 3 (north).", nameof(state));
        }

        if (state.MaxSteps < 1 || state.StepCount < 0)
        {
            throw new ArgumentException($"{Id}: step count {state.StepCount} and max steps {state.MaxSteps} must be >= 0 and >= 1.", nameof(state));
        }

        int missionIndex = _missions.IndexOf(state.Mission ?? "", Id);
        WorldCell carrying = WorldCell.Empty;
        if (state.Carrying is WorldCell carried)
        {
            carrying = WorldCell.Decode((int)carried.Type, (int)carried.Color, carried.State, "carrying");
            if (!carrying.CanPickup)
            {
                throw new ArgumentException($"{Id}: the agent carries object code {(int)carried.Type}; only a key, ball or box can be carried.", nameof(state));
            }
        }

        World.Clear(state.Width, state.Height);
        for (int x = 0; x < state.Width; x++)
        {
            for (int y = 0; y < state.Height; y++)
            {
                WorldCell c = state.Cells[(x * state.Height) + y];
                World.At(x, y) = WorldCell.Decode((int)c.Type, (int)c.Color, c.State, $"cell ({x}, {y})");
            }
        }

        WorldCell under = World.At(agent.X, agent.Y);
        if (!under.CanOverlap)
        {
            throw new ArgumentException(
                $"{Id}: the agent at ({agent.X}, {agent.Y}) stands on object code {(int)under.Type}, which it cannot overlap.", nameof(state));
        }

        World.AgentIndex = World.IndexOf(agent.X, agent.Y);
        World.AgentDirection = state.AgentDirection;
        World.Carrying = carrying;
        World.StepCount = state.StepCount;
        World.MaxSteps = state.MaxSteps;
        World.MissionIndex = missionIndex;
        RestoreTask(state.Task ?? new MiniGridTaskState());
        Render();
        _started = true;
        _done = false;
    }

    /// <summary>Bytes of a snapshot of the current world (<see cref="WriteSnapshot"/>): the grid's cells plus 16.</summary>
    internal int SnapshotSize => GridBytes + SnapshotTail;

    /// <summary>Bytes of the grid part of a snapshot (one <see cref="WorldCell"/> per cell, as stored).</summary>
    private int GridBytes => World.Width * World.Height * Unsafe.SizeOf<WorldCell>();

    /// <summary>
    /// Writes everything a step can change except the step counter - the grid, the agent's cell and
    /// direction, the carried object, the mission and the task progress - as
    /// <see cref="SnapshotSize"/> bytes. Two worlds of one episode behave alike from here on exactly
    /// when their snapshots are equal, so a snapshot is also a search key (the shortest-path oracle,
    /// <see cref="MiniGridShortestPath"/>). A cheap, allocation-free sibling of <see cref="GetState"/>.
    /// </summary>
    internal void WriteSnapshot(Span<byte> destination)
    {
        if (!_started)
        {
            ThrowNotRunning();
        }

        int gridBytes = GridBytes;
        if (destination.Length != SnapshotSize)
        {
            ThrowBadSnapshot(destination.Length);
        }

        World.CopyGridTo(MemoryMarshal.Cast<byte, WorldCell>(destination[..gridBytes]));
        Span<byte> tail = destination[gridBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(tail, World.AgentIndex);
        tail[4] = (byte)World.AgentDirection;
        WorldCell carrying = World.Carrying;
        tail[5] = (byte)carrying.Type;
        tail[6] = (byte)carrying.Color;
        tail[7] = carrying.State;
        BinaryPrimitives.WriteInt32LittleEndian(tail[8..], World.MissionIndex);
        BinaryPrimitives.WriteInt32LittleEndian(tail[12..], TaskProgress);
    }

    /// <summary>
    /// Restores a snapshot that <see cref="WriteSnapshot"/> wrote in this episode of this environment
    /// (or of one set to the same episode with <see cref="SetState"/>), sets the step counter to
    /// <paramref name="stepCount"/> and renders the observation; the episode counts as running. The
    /// bytes are trusted (only their length is checked): use <see cref="SetState"/> for outside input.
    /// </summary>
    internal void ReadSnapshot(ReadOnlySpan<byte> source, int stepCount)
    {
        if (!_started)
        {
            ThrowNotRunning();
        }

        int gridBytes = GridBytes;
        if (source.Length != SnapshotSize)
        {
            ThrowBadSnapshot(source.Length);
        }

        if (stepCount < 0 || stepCount >= World.MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, $"{Id}: a running episode's step count is 0..{World.MaxSteps - 1}.");
        }

        World.CopyGridFrom(MemoryMarshal.Cast<byte, WorldCell>(source[..gridBytes]));
        ReadOnlySpan<byte> tail = source[gridBytes..];
        World.AgentIndex = BinaryPrimitives.ReadInt32LittleEndian(tail);
        World.AgentDirection = tail[4];
        World.Carrying = new WorldCell((MiniGridObjectType)tail[5], (MiniGridColor)tail[6], tail[7]);
        World.MissionIndex = BinaryPrimitives.ReadInt32LittleEndian(tail[8..]);
        TaskProgress = BinaryPrimitives.ReadInt32LittleEndian(tail[12..]);
        World.StepCount = stepCount;
        Render();
        _done = false;
    }

    /// <summary>Writes the flat float encoding of <paramref name="observation"/> (see <see cref="ObservationSpace"/>).</summary>
    public static void WriteFlat(MiniGridObservation observation, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ReadOnlySpan<byte> image = observation.Image.Span;
        if (destination.Length < image.Length + 2)
        {
            throw new ArgumentException($"The destination has {destination.Length} floats but the observation needs {image.Length + 2}.", nameof(destination));
        }

        for (int i = 0; i < image.Length; i++)
        {
            destination[i] = image[i];
        }

        destination[image.Length] = observation.Direction;
        destination[image.Length + 1] = observation.MissionIndex;
    }

    /// <inheritdoc/>
    /// <summary>Names the flat layout: <c>view[ahead 1].object</c>, <c>.colour</c>, <c>.state</c> per cell, then direction and mission.</summary>
    public string FeatureName(int index) => Labels.FlatFeatureName(index);

    /// <inheritdoc/>
    public string? ValueName(int index, float value) => Labels.FlatValueName(index, value);

    /// <inheritdoc/>
    public string ActionName(int index) => MiniGridLabels.ActionName(index);

    /// <summary>Releases nothing: the environment holds no unmanaged resources.</summary>
    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Draws a new layout (grid, agent, mission index, task state) into the layout builder's world.</summary>
    private protected abstract void Generate(LayoutBuilder layout);

    /// <summary>The environment's own rules after the base step: they change only reward and terminated.</summary>
    private protected virtual void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
    }

    /// <summary>The hidden task state, for <see cref="GetState"/>.</summary>
    private protected virtual MiniGridTaskState CaptureTask() => new();

    /// <summary>
    /// The hidden task state that steps change, as one number for <see cref="WriteSnapshot"/> (0 for
    /// environments whose task state is fixed at reset; KeyCorridor: where the target object lies).
    /// </summary>
    private protected virtual int TaskProgress
    {
        get => 0;
        set
        {
        }
    }

    /// <summary>Adopts and validates the hidden task state of <see cref="SetState"/> (the world is already set).</summary>
    private protected virtual void RestoreTask(MiniGridTaskState task)
    {
    }

    /// <summary>The padded index of a task position, checked to lie inside the grid and to hold <paramref name="expected"/> (any object when null).</summary>
    private protected int RequireTaskCell(GridPosition? position, string field, MiniGridObjectType? expected)
    {
        if (position is not GridPosition p)
        {
            throw new ArgumentException($"{Id}: the task state lacks {field}, which this environment's rules read.");
        }

        if (!World.Contains(p.X, p.Y))
        {
            throw new ArgumentException($"{Id}: task {field} ({p.X}, {p.Y}) is outside the {World.Width}x{World.Height} grid.");
        }

        int index = World.IndexOf(p.X, p.Y);
        if (expected is MiniGridObjectType type && World[index].Type != type)
        {
            throw new ArgumentException(
                $"{Id}: task {field} ({p.X}, {p.Y}) holds object code {(int)World[index].Type}, not a {MissionTable.TypeName(type)}.");
        }

        return index;
    }

    /// <summary>A required task field.</summary>
    private protected T Require<T>(T? value, string field)
        where T : struct =>
        value ?? throw new ArgumentException($"{Id}: the task state lacks {field}, which this environment's rules read.");

    private void Render()
    {
        // The view depends only on the world, the agent's cell and direction: skip redrawing it when
        // none changed (blocked moves, pickups or drops that fail, done).
        MiniGridWorld world = World;
        if (world.Version != _renderedVersion || world.AgentIndex != _renderedAgent || world.AgentDirection != _renderedDirection)
        {
            world.RenderView(_observation.ImageForWriting(), SeeThroughWalls);
            _renderedVersion = world.Version;
            _renderedAgent = world.AgentIndex;
            _renderedDirection = world.AgentDirection;
        }

        _observation.Direction = World.AgentDirection;
        _observation.MissionIndex = World.MissionIndex;
    }

    private static Box FlatSpace(int missionCount)
    {
        var low = new float[FlatObservationSize];
        var high = new float[FlatObservationSize];
        var cardinalities = new int[FlatObservationSize];
        for (int i = 0; i < MiniGridWorld.ImageBytes; i++)
        {
            cardinalities[i] = (i % 3) switch { 0 => 11, 1 => 6, _ => 3 };
            high[i] = cardinalities[i] - 1;
        }

        cardinalities[MiniGridWorld.ImageBytes] = 4;
        high[MiniGridWorld.ImageBytes] = 3;
        cardinalities[MiniGridWorld.ImageBytes + 1] = missionCount;
        high[MiniGridWorld.ImageBytes + 1] = missionCount - 1;
        return new Box(low, high, [FlatObservationSize], cardinalities);
    }

    [DoesNotReturn]
    private void ThrowNotRunning() =>
        throw new InvalidOperationException(_started
            ? $"{Id}: the episode has ended; call Reset before Step."
            : $"{Id}: call Reset (or SetState) before Step or GetState.");

    [DoesNotReturn]
    private void ThrowNotRendered() =>
        throw new InvalidOperationException($"{Id}: call Reset (or SetState) before rendering.");

    [DoesNotReturn]
    private void ThrowBadSnapshot(int length) =>
        throw new ArgumentException($"{Id}: a snapshot of this {World.Width}x{World.Height} world has {SnapshotSize} bytes, not {length}.");

    [DoesNotReturn]
    private void ThrowBadAction(int action) =>
        throw new ArgumentOutOfRangeException(nameof(action), action, $"{Id}: actions are 0..6 (left, right, forward, pickup, drop, toggle, done).");
}
