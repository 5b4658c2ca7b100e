namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-RedBlueDoors: a room with a red door in its left wall and a blue door in its right wall.
/// Once the blue door is open the episode ends: success when the red door was open before the step.
/// </summary>
internal sealed class RedBlueDoorsEnvironment : MiniGridEnvironment
{
    private static readonly MissionTable s_missions = new("open the red door then the blue door");
    private readonly int _size;
    private int _redIndex;
    private int _blueIndex;

    public RedBlueDoorsEnvironment(string id, int size, int? seed)
        : base(id, 2 * size, size, s_missions, 20 * size * size, seeThroughWalls: false, seed)
    {
        _size = size;
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        int size = _size;
        layout.Begin(2 * size, size);
        layout.WallRect(0, 0, 2 * size, size);
        layout.WallRect(size / 2, 0, size, size);
        layout.PlaceAgent(size / 2, 0, size, size);
        int redY = layout.Random.Next(1, size - 1);
        layout.Put(size / 2, redY, WorldCell.Door(MiniGridColor.Red, WorldCell.Closed));
        int blueY = layout.Random.Next(1, size - 1);
        layout.Put((size / 2) + size - 1, blueY, WorldCell.Door(MiniGridColor.Blue, WorldCell.Closed));
        _redIndex = World.IndexOf(size / 2, redY);
        _blueIndex = World.IndexOf((size / 2) + size - 1, blueY);
        World.MissionIndex = 0;
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        // A step changes at most the front cell, so a door's state before the step is the front
        // cell's old content when the door was in front, else its current state.
        bool redBefore = IsOpen(context.FrontIndex == _redIndex ? context.FrontBefore : World[_redIndex]);
        bool blueBefore = IsOpen(context.FrontIndex == _blueIndex ? context.FrontBefore : World[_blueIndex]);
        if (IsOpen(World[_blueIndex]))
        {
            reward = redBefore ? World.SuccessReward() : 0.0;
            terminated = true;
        }
        else if (IsOpen(World[_redIndex]) && blueBefore)
        {
            reward = 0.0;
            terminated = true;
        }
    }

    private protected override MiniGridTaskState CaptureTask() => new()
    {
        RedDoorPosition = World.PositionOf(_redIndex),
        BlueDoorPosition = World.PositionOf(_blueIndex),
    };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _redIndex = RequireTaskCell(task.RedDoorPosition, "RedDoorPosition (red_door_pos)", MiniGridObjectType.Door);
        _blueIndex = RequireTaskCell(task.BlueDoorPosition, "BlueDoorPosition (blue_door_pos)", MiniGridObjectType.Door);
    }

    private static bool IsOpen(WorldCell door) => door.Type == MiniGridObjectType.Door && door.State == WorldCell.Open;
}
