namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-KeyCorridor: rooms in three columns; the middle column is a hallway with the agent, a
/// ball of random colour waits behind a locked door on the right, its key in a room on the left.
/// Success: a pickup that leaves the agent carrying that very ball (tracked through drops).
/// </summary>
internal sealed class KeyCorridorEnvironment : MiniGridEnvironment
{
    private const MiniGridObjectType ObjectType = MiniGridObjectType.Ball;
    private static readonly MissionTable s_missions = BuildMissions();
    private readonly int _roomSize;
    private readonly int _rows;

    // Where the target object lies (padded index), or -1 while carried, or -2 once destroyed.
    private int _targetIndex;
    private WorldCell _target;

    public KeyCorridorEnvironment(string id, int roomSize, int rows, int? seed)
        : base(id, RoomGrid.GridWidth(roomSize, 3), RoomGrid.GridHeight(roomSize, rows), s_missions, 30 * roomSize * roomSize, seeThroughWalls: false, seed)
    {
        _roomSize = roomSize;
        _rows = rows;
    }

    private static MissionTable BuildMissions()
    {
        var missions = new string[6];
        for (int c = 0; c < 6; c++)
        {
            missions[c] = $"pick up the {MissionTable.ColorNames[c]} {MissionTable.TypeName(ObjectType)}";
        }

        return new MissionTable(missions);
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        var rooms = new RoomGrid(layout, _roomSize, _rows, columns: 3);
        rooms.Generate();
        for (int j = 1; j < _rows; j++)
        {
            rooms.RemoveWall(1, j, 3);
        }

        int roomIndex = layout.Random.Next(0, _rows);
        (WorldCell door, _) = rooms.AddDoor(2, roomIndex, 2, color: null, locked: true);
        (WorldCell target, GridPosition position) = rooms.AddObject(2, roomIndex, ObjectType, color: null);
        rooms.AddObject(0, layout.Random.Next(0, _rows), MiniGridObjectType.Key, door.Color);
        rooms.PlaceAgent(1, _rows / 2);
        rooms.ConnectAll();
        _target = target;
        _targetIndex = World.IndexOf(position.X, position.Y);
        World.MissionIndex = s_missions.IndexOf(Mission(target));
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        MiniGridWorld world = World;
        switch (context.Action)
        {
            case MiniGridAction.Pickup:
                if (context.CarryingBefore.IsEmpty && !world.Carrying.IsEmpty && context.FrontIndex == _targetIndex)
                {
                    _targetIndex = -1;
                }

                if (_targetIndex == -1)
                {
                    reward = world.SuccessReward();
                    terminated = true;
                }

                break;
            case MiniGridAction.Drop:
                if (_targetIndex == -1 && world.Carrying.IsEmpty)
                {
                    _targetIndex = context.FrontIndex;
                }

                break;
            case MiniGridAction.Toggle:
                if (context.FrontIndex == _targetIndex && context.FrontBefore.Type == MiniGridObjectType.Box)
                {
                    _targetIndex = -2;
                }

                break;
            default:
                break;
        }
    }

    private protected override int TaskProgress
    {
        get => _targetIndex;
        set => _targetIndex = value;
    }

    private protected override MiniGridTaskState CaptureTask() => new()
    {
        TargetPosition = _targetIndex >= 0 ? World.PositionOf(_targetIndex) : null,
        TargetCarried = _targetIndex == -1,
        TargetType = _target.Type,
        TargetColor = _target.Color,
    };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        var type = Require(task.TargetType, "TargetType (target_obj)");
        var color = Require(task.TargetColor, "TargetColor (target_obj)");
        _target = WorldCell.Object(type, color);
        if (task.TargetCarried)
        {
            if (World.Carrying != _target)
            {
                throw new ArgumentException($"{Id}: the task says the agent carries the target {color} {type}, but it carries {World.Carrying}.");
            }

            _targetIndex = -1;
            return;
        }

        _targetIndex = RequireTaskCell(task.TargetPosition, "TargetPosition (target_obj_pos)", type);
        if (World[_targetIndex] != _target)
        {
            throw new ArgumentException($"{Id}: the target object at {task.TargetPosition} is {World[_targetIndex]}, not the task's {color} {type}.");
        }
    }

    private static string Mission(WorldCell target) =>
        $"pick up the {MissionTable.ColorNames[(int)target.Color]} {MissionTable.TypeName(target.Type)}";
}
