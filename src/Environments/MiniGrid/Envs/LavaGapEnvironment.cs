namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-LavaGap: a column of lava with one gap between the agent (at (1, 1) facing east) and the
/// goal in the bottom-right corner; stepping into lava ends the episode with reward 0.
/// </summary>
internal sealed class LavaGapEnvironment : MiniGridEnvironment
{
    private static readonly MissionTable s_missions = new("avoid the lava and get to the green goal square");
    private readonly int _size;
    private GridPosition _gap;
    private GridPosition _goal;

    public LavaGapEnvironment(string id, int size, int? seed)
        : base(id, size, size, s_missions, 4 * size * size, seeThroughWalls: false, seed)
    {
        _size = size;
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        int size = _size;
        layout.Begin(size, size);
        layout.WallRect(0, 0, size, size);
        layout.SetAgent(1, 1, 0);
        _goal = new GridPosition(size - 2, size - 2);
        layout.Put(_goal.X, _goal.Y, WorldCell.Goal);
        _gap = new GridPosition(layout.Random.Next(2, size - 2), layout.Random.Next(1, size - 1));
        layout.VerticalLine(_gap.X, 1, size - 2, WorldCell.Lava);
        layout.Put(_gap.X, _gap.Y, WorldCell.Empty);
        layout.World.MissionIndex = 0;
    }

    private protected override MiniGridTaskState CaptureTask() => new() { GapPosition = _gap, GoalPosition = _goal };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _gap = task.GapPosition ?? default;
        _goal = task.GoalPosition ?? default;
    }
}
