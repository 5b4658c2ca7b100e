namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-DoorKey: a vertical wall splits the room; a locked yellow door in it, the yellow key and
/// the agent on the left, the goal in the bottom-right corner.
/// </summary>
internal sealed class DoorKeyEnvironment : MiniGridEnvironment
{
    private static readonly MissionTable s_missions = new("use the key to open the door and then get to the goal");
    private readonly int _size;

    public DoorKeyEnvironment(string id, int size, int? seed)
        : base(id, size, size, s_missions, 10 * size * size, seeThroughWalls: false, seed)
    {
        _size = size;
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        int size = _size;
        layout.Begin(size, size);
        layout.WallRect(0, 0, size, size);
        layout.Put(size - 2, size - 2, WorldCell.Goal);
        int split = layout.Random.Next(2, size - 2);
        layout.VerticalWall(split, 0, size);
        layout.PlaceAgent(0, 0, split, size);
        int doorY = layout.Random.Next(1, size - 2);
        layout.Put(split, doorY, WorldCell.Door(MiniGridColor.Yellow, WorldCell.Locked));
        layout.PlaceObject(WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Yellow), 0, 0, split, size);
        layout.World.MissionIndex = 0;
    }
}
