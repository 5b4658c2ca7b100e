namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-FourRooms: a 19x19 grid cut into four rooms by walls with one random gap each; the
/// agent and the goal are placed at random. 100 steps.
/// </summary>
internal sealed class FourRoomsEnvironment : MiniGridEnvironment
{
    private const int Size = 19;
    private static readonly MissionTable s_missions = new("reach the goal");

    public FourRoomsEnvironment(string id, int? seed)
        : base(id, Size, Size, s_missions, 100, seeThroughWalls: false, seed)
    {
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        layout.Begin(Size, Size);
        layout.WallRect(0, 0, Size, Size);
        int roomW = Size / 2;
        int roomH = Size / 2;
        for (int j = 0; j < 2; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                int xL = i * roomW;
                int yT = j * roomH;
                int xR = xL + roomW;
                int yB = yT + roomH;
                if (i + 1 < 2)
                {
                    layout.VerticalWall(xR, yT, roomH);
                    layout.Put(xR, layout.Random.Next(yT + 1, yB), WorldCell.Empty);
                }

                if (j + 1 < 2)
                {
                    layout.HorizontalWall(xL, yB, roomW);
                    layout.Put(layout.Random.Next(xL + 1, xR), yB, WorldCell.Empty);
                }
            }
        }

        layout.PlaceAgent();
        layout.PlaceObject(WorldCell.Goal);
        layout.World.MissionIndex = 0;
    }
}
