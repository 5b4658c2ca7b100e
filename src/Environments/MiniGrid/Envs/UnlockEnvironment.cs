namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-Unlock: two 6x6 rooms; a locked door of random colour on the shared wall and its key in
/// the agent's (left) room. Success: a toggle that leaves the door open.
/// </summary>
internal sealed class UnlockEnvironment : MiniGridEnvironment
{
    private const int RoomSize = 6;
    private static readonly MissionTable s_missions = new("open the door");
    private int _doorIndex;
    private GridPosition _door;

    public UnlockEnvironment(string id, int? seed)
        : base(id, RoomGrid.GridWidth(RoomSize, 2), RoomGrid.GridHeight(RoomSize, 1), s_missions, 8 * RoomSize * RoomSize, seeThroughWalls: false, seed)
    {
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        var rooms = new RoomGrid(layout, RoomSize, rows: 1, columns: 2);
        rooms.Generate();
        (WorldCell door, GridPosition position) = rooms.AddDoor(0, 0, 0, color: null, locked: true);
        rooms.AddObject(0, 0, MiniGridObjectType.Key, door.Color);
        rooms.PlaceAgent(0, 0);
        _door = position;
        _doorIndex = World.IndexOf(position.X, position.Y);
        World.MissionIndex = 0;
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        if (context.Action == MiniGridAction.Toggle && World[_doorIndex].Type == MiniGridObjectType.Door && World[_doorIndex].State == WorldCell.Open)
        {
            reward = World.SuccessReward();
            terminated = true;
        }
    }

    private protected override MiniGridTaskState CaptureTask() => new() { DoorPosition = _door };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _doorIndex = RequireTaskCell(task.DoorPosition, "DoorPosition (door_pos)", MiniGridObjectType.Door);
        _door = task.DoorPosition!.Value;
    }
}
