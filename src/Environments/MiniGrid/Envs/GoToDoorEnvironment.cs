namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-GoToDoor: a room with four closed doors of distinct colours, one per wall. Done next to
/// the named door (orthogonally adjacent, facing not needed) succeeds; done elsewhere or any toggle
/// ends the episode with reward 0.
/// </summary>
internal sealed class GoToDoorEnvironment : MiniGridEnvironment
{
    private static readonly MissionTable s_missions = BuildMissions();
    private readonly int _size;
    private GridPosition _target;
    private MiniGridColor _targetColor;

    public GoToDoorEnvironment(string id, int size, int? seed)
        : base(id, size, size, s_missions, 4 * size * size, seeThroughWalls: true, seed)
    {
        _size = size;
    }

    private static MissionTable BuildMissions()
    {
        var missions = new string[6];
        for (int c = 0; c < 6; c++)
        {
            missions[c] = $"go to the {MissionTable.ColorNames[c]} door";
        }

        return new MissionTable(missions);
    }

    private protected override void Generate(LayoutBuilder layout)
    {
        MiniGridRandom random = layout.Random;
        layout.Begin(_size, _size);
        int width = random.Next(5, _size + 1);
        int height = random.Next(5, _size + 1);
        layout.WallRect(0, 0, width, height);
        Span<GridPosition> doors =
        [
            new(random.Next(2, width - 2), 0),
            new(random.Next(2, width - 2), height - 1),
            new(0, random.Next(2, height - 2)),
            new(width - 1, random.Next(2, height - 2)),
        ];
        Span<MiniGridColor> colors = stackalloc MiniGridColor[4];
        int count = 0;
        while (count < 4)
        {
            MiniGridColor color = random.NextColor();
            if (colors[..count].Contains(color))
            {
                continue;
            }

            colors[count++] = color;
        }

        for (int i = 0; i < 4; i++)
        {
            layout.Put(doors[i].X, doors[i].Y, WorldCell.Door(colors[i], WorldCell.Closed));
        }

        layout.PlaceAgent(0, 0, width, height);
        int target = random.Next(0, 4);
        _target = doors[target];
        _targetColor = colors[target];
        World.MissionIndex = (int)_targetColor;
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        if (context.Action == MiniGridAction.Toggle)
        {
            terminated = true;
        }
        else if (context.Action == MiniGridAction.Done)
        {
            GridPosition agent = World.AgentPosition;
            if ((agent.X == _target.X && Math.Abs(agent.Y - _target.Y) == 1) || (agent.Y == _target.Y && Math.Abs(agent.X - _target.X) == 1))
            {
                reward = World.SuccessReward();
            }

            terminated = true;
        }
    }

    private protected override MiniGridTaskState CaptureTask() => new() { TargetPosition = _target, TargetColor = _targetColor };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _ = RequireTaskCell(task.TargetPosition, "TargetPosition (target_pos)", expected: null);
        _target = task.TargetPosition!.Value;
        _targetColor = task.TargetColor ?? default;
    }
}
