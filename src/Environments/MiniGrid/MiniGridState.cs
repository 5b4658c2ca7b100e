namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The complete state of a MiniGrid world (what a reference trace stores right after reset):
/// the grid, the agent, what it carries, the mission, the step counter and the hidden task state.
/// </summary>
public sealed record MiniGridState
{
    /// <summary>Grid width (columns), at least 3.</summary>
    public required int Width { get; init; }

    /// <summary>Grid height (rows), at least 3.</summary>
    public required int Height { get; init; }

    /// <summary>The cells, column-major like MiniGrid's encoding: cell (x, y) is <c>Cells[x * Height + y]</c>.</summary>
    public required IReadOnlyList<WorldCell> Cells { get; init; }

    /// <summary>The agent's position.</summary>
    public required GridPosition AgentPosition { get; init; }

    /// <summary>The agent's direction: 0 east, 1 south, 2 west, 3 north.</summary>
    public required int AgentDirection { get; init; }

    /// <summary>The carried key, ball or box; null for nothing.</summary>
    public WorldCell? Carrying { get; init; }

    /// <summary>The mission text; must be one of the environment's missions.</summary>
    public required string Mission { get; init; }

    /// <summary>Steps already taken in the episode.</summary>
    public int StepCount { get; init; }

    /// <summary>The episode's step limit.</summary>
    public required int MaxSteps { get; init; }

    /// <summary>The hidden per-episode state that the environment's rules read.</summary>
    public MiniGridTaskState Task { get; init; } = new();

    /// <summary>The cell at (x, y).</summary>
    public WorldCell CellAt(int x, int y) => Cells[(x * Height) + y];
}

/// <summary>
/// Hidden per-episode state that some environments' rules read (MiniGrid's env_state). Each
/// environment requires the fields it uses and ignores the rest.
/// </summary>
public sealed record MiniGridTaskState
{
    /// <summary>GoToDoor: the target door; PutNear: the target object's position; KeyCorridor: the object to pick up.</summary>
    public GridPosition? TargetPosition { get; init; }

    /// <summary>Fetch, PutNear, KeyCorridor: the target object's type.</summary>
    public MiniGridObjectType? TargetType { get; init; }

    /// <summary>Fetch, GoToDoor, PutNear, KeyCorridor: the target's colour.</summary>
    public MiniGridColor? TargetColor { get; init; }

    /// <summary>KeyCorridor: the agent carries the target object (then <see cref="TargetPosition"/> is ignored).</summary>
    public bool TargetCarried { get; init; }

    /// <summary>PutNear: the type of the object to move.</summary>
    public MiniGridObjectType? MoveType { get; init; }

    /// <summary>PutNear: the colour of the object to move.</summary>
    public MiniGridColor? MoveColor { get; init; }

    /// <summary>PutNear: where the object to move started (informative).</summary>
    public GridPosition? MovePosition { get; init; }

    /// <summary>Unlock: the locked door whose opening is the success.</summary>
    public GridPosition? DoorPosition { get; init; }

    /// <summary>RedBlueDoors: the red door.</summary>
    public GridPosition? RedDoorPosition { get; init; }

    /// <summary>RedBlueDoors: the blue door.</summary>
    public GridPosition? BlueDoorPosition { get; init; }

    /// <summary>LavaGap: the gap in the lava column (informative).</summary>
    public GridPosition? GapPosition { get; init; }

    /// <summary>LavaGap: the goal (informative).</summary>
    public GridPosition? GoalPosition { get; init; }
}
