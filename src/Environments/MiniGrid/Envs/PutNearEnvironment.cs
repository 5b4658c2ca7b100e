namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-PutNear: distinct keys, balls and boxes, never adjacent; the mission asks to put one
/// next to another. Picking up a wrong object ends the episode with 0; any drop while carrying ends
/// it, with success only when the object landed within Chebyshev distance 1 of the target's cell.
/// </summary>
internal sealed class PutNearEnvironment : MiniGridEnvironment
{
    private static readonly MiniGridObjectType[] s_types = [MiniGridObjectType.Key, MiniGridObjectType.Ball, MiniGridObjectType.Box];
    private static readonly MissionTable s_missions = BuildMissions();
    private readonly int _size;
    private readonly int _objectCount;
    private MiniGridObjectType _moveType;
    private MiniGridColor _moveColor;
    private GridPosition _movePosition;
    private MiniGridObjectType _targetType;
    private MiniGridColor _targetColor;
    private GridPosition _target;

    public PutNearEnvironment(string id, int size, int objectCount, int? seed)
        : base(id, size, size, s_missions, 5 * size, seeThroughWalls: true, seed)
    {
        _size = size;
        _objectCount = objectCount;
    }

    // Mission index = ((moveColour * 3 + moveType) * 6 + targetColour) * 3 + targetType.
    private static MissionTable BuildMissions()
    {
        var missions = new List<string>();
        foreach (string moveColor in MissionTable.ColorNames)
        {
            foreach (MiniGridObjectType moveType in s_types)
            {
                foreach (string targetColor in MissionTable.ColorNames)
                {
                    foreach (MiniGridObjectType targetType in s_types)
                    {
                        missions.Add($"put the {moveColor} {MissionTable.TypeName(moveType)} near the {targetColor} {MissionTable.TypeName(targetType)}");
                    }
                }
            }
        }

        return new MissionTable([.. missions]);
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        MiniGridRandom random = layout.Random;
        int size = _size;
        layout.Begin(size, size);
        layout.HorizontalWall(0, 0, size);
        layout.HorizontalWall(0, size - 1, size);
        layout.VerticalWall(0, 0, size);
        layout.VerticalWall(size - 1, 0, size);
        Span<WorldCell> objects = stackalloc WorldCell[_objectCount];
        Span<GridPosition> positions = stackalloc GridPosition[_objectCount];
        int count = 0;
        while (count < _objectCount)
        {
            var candidate = WorldCell.Object(s_types[random.Next(0, s_types.Length)], random.NextColor());
            if (objects[..count].Contains(candidate))
            {
                continue;
            }

            positions[count] = layout.PlaceObject(candidate, Rejection.NearAvoided, positions[..count]);
            objects[count++] = candidate;
        }

        layout.PlaceAgent();
        int move = random.Next(0, _objectCount);
        int target;
        do
        {
            target = random.Next(0, _objectCount);
        }
        while (target == move);

        _moveType = objects[move].Type;
        _moveColor = objects[move].Color;
        _movePosition = positions[move];
        _targetType = objects[target].Type;
        _targetColor = objects[target].Color;
        _target = positions[target];
        World.MissionIndex = MissionIndex();
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        MiniGridWorld world = World;
        if (context.Action == MiniGridAction.Pickup && !world.Carrying.IsEmpty
            && (world.Carrying.Type != _moveType || world.Carrying.Color != _moveColor))
        {
            terminated = true;
        }

        if (context.Action == MiniGridAction.Drop && !context.CarryingBefore.IsEmpty)
        {
            GridPosition dropped = world.PositionOf(context.FrontIndex);
            if (world.Carrying.IsEmpty && Math.Abs(dropped.X - _target.X) <= 1 && Math.Abs(dropped.Y - _target.Y) <= 1)
            {
                reward = world.SuccessReward();
            }

            terminated = true;
        }
    }

    private protected override MiniGridTaskState CaptureTask() => new()
    {
        MoveType = _moveType,
        MoveColor = _moveColor,
        MovePosition = _movePosition,
        TargetType = _targetType,
        TargetColor = _targetColor,
        TargetPosition = _target,
    };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _moveType = Require(task.MoveType, "MoveType (move_type)");
        _moveColor = Require(task.MoveColor, "MoveColor (move_color)");
        _movePosition = task.MovePosition ?? default;
        _targetType = task.TargetType ?? default;
        _targetColor = task.TargetColor ?? default;
        _ = RequireTaskCell(task.TargetPosition, "TargetPosition (target_pos)", expected: null);
        _target = task.TargetPosition!.Value;
    }

    private int MissionIndex() =>
        (((((int)_moveColor * 3) + Array.IndexOf(s_types, _moveType)) * 6 + (int)_targetColor) * 3) + Array.IndexOf(s_types, _targetType);
}
