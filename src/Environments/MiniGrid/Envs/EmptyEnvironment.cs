namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-Empty: a walled square room with the goal in the bottom-right corner; the agent starts
/// at (1, 1) facing east, or (Empty-Random) on a random free cell with a random direction.
/// </summary>
internal sealed class EmptyEnvironment : MiniGridEnvironment
{
    private static readonly MissionTable s_missions = new("get to the green goal square");
    private readonly int _size;
    private readonly bool _randomStart;

    public EmptyEnvironment(string id, int size, bool randomStart, int? seed)
        : base(id, size, size, s_missions, 4 * size * size, seeThroughWalls: true, seed)
    {
        _size = size;
        _randomStart = randomStart;
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        layout.Begin(_size, _size);
        layout.WallRect(0, 0, _size, _size);
        layout.Put(_size - 2, _size - 2, WorldCell.Goal);
        if (_randomStart)
        {
            layout.PlaceAgent();
        }
        else
        {
            layout.SetAgent(1, 1, 0);
        }

        layout.World.MissionIndex = 0;
    }
}
