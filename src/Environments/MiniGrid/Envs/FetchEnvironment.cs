namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// MiniGrid-Fetch: keys and balls of random colours in a walled room; the mission names one (type
/// and colour). Picking up anything ends the episode: success when it matches, else reward 0.
/// </summary>
internal sealed class FetchEnvironment : MiniGridEnvironment
{
    private static readonly string[] s_templates = ["get a {0}", "go get a {0}", "fetch a {0}", "go fetch a {0}", "you must fetch a {0}"];
    private static readonly MiniGridObjectType[] s_types = [MiniGridObjectType.Key, MiniGridObjectType.Ball];
    private static readonly MissionTable s_missions = BuildMissions();
    private readonly int _size;
    private readonly int _objectCount;
    private MiniGridObjectType _targetType;
    private MiniGridColor _targetColor;

    public FetchEnvironment(string id, int size, int objectCount, int? seed)
        : base(id, size, size, s_missions, 5 * size * size, seeThroughWalls: true, seed)
    {
        _size = size;
        _objectCount = objectCount;
    }

    // Mission index = (template * 2 + type) * 6 + colour.
    private static MissionTable BuildMissions()
    {
        var missions = new List<string>();
        foreach (string template in s_templates)
        {
            foreach (MiniGridObjectType type in s_types)
            {
                foreach (string color in MissionTable.ColorNames)
                {
                    missions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, $"{color} {MissionTable.TypeName(type)}"));
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
        for (int i = 0; i < _objectCount; i++)
        {
            MiniGridObjectType type = s_types[random.Next(0, s_types.Length)];
            MiniGridColor color = random.NextColor();
            objects[i] = WorldCell.Object(type, color);
            layout.PlaceObject(objects[i]);
        }

        layout.PlaceAgent();
        WorldCell target = objects[random.Next(0, _objectCount)];
        _targetType = target.Type;
        _targetColor = target.Color;
        int template = random.Next(0, s_templates.Length);
        World.MissionIndex = (((template * s_types.Length) + Array.IndexOf(s_types, _targetType)) * 6) + (int)_targetColor;
    }

    private protected override void ApplyRules(in StepContext context, ref double reward, ref bool terminated)
    {
        WorldCell carrying = World.Carrying;
        if (!carrying.IsEmpty)
        {
            reward = carrying.Type == _targetType && carrying.Color == _targetColor ? World.SuccessReward() : 0.0;
            terminated = true;
        }
    }

    private protected override MiniGridTaskState CaptureTask() => new() { TargetType = _targetType, TargetColor = _targetColor };

    private protected override void RestoreTask(MiniGridTaskState task)
    {
        _targetType = Require(task.TargetType, "TargetType (target_type)");
        _targetColor = Require(task.TargetColor, "TargetColor (target_color)");
    }
}
