using System.Text.Json;

namespace RLFramework.Environments.MiniGrid;

/// <summary>One recorded step of a MiniGrid reference trace: the action and everything observed after it.</summary>
internal sealed record MiniGridTraceStep(
    int Action,
    byte[] Image,
    int Direction,
    string Mission,
    double Reward,
    bool Terminated,
    bool Truncated,
    GridPosition AgentPosition,
    int AgentDirection,
    WorldCell? Carrying,
    int StepCount);

/// <summary>One episode of a reference trace: the world after reset, its observation, and the steps.</summary>
internal sealed record MiniGridTraceEpisode(
    string Name,
    MiniGridState Initial,
    byte[] InitialImage,
    int InitialDirection,
    string InitialMission,
    IReadOnlyList<MiniGridTraceStep> Steps);

/// <summary>
/// A MiniGrid reference trace file (<c>{"env", "constants", "traces": [{"initial", "steps"}]}</c>,
/// recorded from MiniGrid 3.1.0): each episode stores the complete world after reset, so it replays
/// without Python's random generator. Bad content throws an <see cref="ArgumentException"/> naming
/// the episode and the field.
/// </summary>
internal sealed record MiniGridTraceFile(string EnvironmentId, IReadOnlyList<MiniGridTraceEpisode> Episodes)
{
    private static readonly string[] s_typeNames = ["unseen", "empty", "wall", "floor", "door", "key", "ball", "box", "goal", "lava", "agent"];

    /// <summary>Whether <paramref name="root"/> looks like a MiniGrid trace (an "env" starting with "MiniGrid-").</summary>
    public static bool IsMiniGridTrace(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("env", out JsonElement env)
        && env.ValueKind == JsonValueKind.String
        && env.GetString()!.StartsWith("MiniGrid-", StringComparison.Ordinal);

    public static MiniGridTraceFile Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream);
        return Parse(document.RootElement);
    }

    public static MiniGridTraceFile Parse(JsonElement root)
    {
        string env = Property(root, "env", "file").GetString() ?? "";
        var episodes = new List<MiniGridTraceEpisode>();
        int e = 0;
        foreach (JsonElement trace in Property(root, "traces", "file").EnumerateArray())
        {
            string where = $"traces[{e}]";
            string name = trace.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? where : where;
            JsonElement initial = Property(trace, "initial", where);
            MiniGridState state = ParseState(initial, $"{where}.initial");
            JsonElement obs = Property(initial, "obs", $"{where}.initial");
            var steps = new List<MiniGridTraceStep>();
            int t = 0;
            foreach (JsonElement step in Property(trace, "steps", where).EnumerateArray())
            {
                steps.Add(ParseStep(step, $"{where}.steps[{t}]"));
                t++;
            }

            episodes.Add(new MiniGridTraceEpisode(
                name,
                state,
                ParseImage(Property(obs, "image", $"{where}.initial.obs"), $"{where}.initial.obs.image"),
                Property(obs, "direction", $"{where}.initial.obs").GetInt32(),
                Property(obs, "mission", $"{where}.initial.obs").GetString() ?? "",
                steps));
            e++;
        }

        return new MiniGridTraceFile(env, episodes);
    }

    /// <summary>The world of a trace's <c>initial</c> object (grid[x][y] = [type, colour, state]).</summary>
    public static MiniGridState ParseState(JsonElement initial, string where)
    {
        int width = Property(initial, "width", where).GetInt32();
        int height = Property(initial, "height", where).GetInt32();
        if (width < 3 || height < 3)
        {
            throw new ArgumentException($"{where}: the grid is {width}x{height}; a MiniGrid grid must be at least 3x3.");
        }

        JsonElement grid = Property(initial, "grid", where);
        if (grid.GetArrayLength() != width)
        {
            throw new ArgumentException($"{where}.grid has {grid.GetArrayLength()} columns but width is {width}.");
        }

        var cells = new WorldCell[width * height];
        int x = 0;
        foreach (JsonElement column in grid.EnumerateArray())
        {
            if (column.GetArrayLength() != height)
            {
                throw new ArgumentException($"{where}.grid[{x}] has {column.GetArrayLength()} cells but height is {height}.");
            }

            int y = 0;
            foreach (JsonElement cell in column.EnumerateArray())
            {
                cells[(x * height) + y] = ParseCell(cell, $"{where}.grid cell ({x}, {y})");
                y++;
            }

            x++;
        }

        JsonElement carrying = Property(initial, "carrying", where);
        return new MiniGridState
        {
            Width = width,
            Height = height,
            Cells = cells,
            AgentPosition = ParsePosition(Property(initial, "agent_pos", where), $"{where}.agent_pos"),
            AgentDirection = Property(initial, "agent_dir", where).GetInt32(),
            Carrying = carrying.ValueKind == JsonValueKind.Null ? null : ParseCell(carrying, $"{where}.carrying"),
            Mission = Property(initial, "mission", where).GetString() ?? "",
            StepCount = Property(initial, "step_count", where).GetInt32(),
            MaxSteps = Property(initial, "max_steps", where).GetInt32(),
            Task = initial.TryGetProperty("env_state", out JsonElement task) ? ParseTask(task, $"{where}.env_state") : new MiniGridTaskState(),
        };
    }

    private static MiniGridTraceStep ParseStep(JsonElement step, string where)
    {
        JsonElement carrying = Property(step, "carrying", where);
        return new MiniGridTraceStep(
            Property(step, "action", where).GetInt32(),
            ParseImage(Property(step, "image", where), $"{where}.image"),
            Property(step, "direction", where).GetInt32(),
            Property(step, "mission", where).GetString() ?? "",
            Property(step, "reward", where).GetDouble(),
            Property(step, "terminated", where).GetBoolean(),
            Property(step, "truncated", where).GetBoolean(),
            ParsePosition(Property(step, "agent_pos", where), $"{where}.agent_pos"),
            Property(step, "agent_dir", where).GetInt32(),
            carrying.ValueKind == JsonValueKind.Null ? null : ParseCell(carrying, $"{where}.carrying"),
            Property(step, "step_count", where).GetInt32());
    }

    private static MiniGridTaskState ParseTask(JsonElement task, string where)
    {
        var state = new MiniGridTaskState();
        foreach (JsonProperty field in task.EnumerateObject())
        {
            string at = $"{where}.{field.Name}";
            JsonElement v = field.Value;
            state = field.Name switch
            {
                "target_pos" => state with { TargetPosition = ParsePosition(v, at) },
                "target_obj_pos" => state with { TargetPosition = ParsePosition(v, at) },
                "target_color" => state with { TargetColor = ParseColor(v, at) },
                "target_type" => state with { TargetType = ParseType(v, at) },
                "target_obj" => WithTargetObject(state, ParseCell(v, at)),
                "move_type" => state with { MoveType = ParseType(v, at) },
                "move_color" => state with { MoveColor = ParseColor(v, at) },
                "move_pos" => state with { MovePosition = ParsePosition(v, at) },
                "door_pos" => state with { DoorPosition = ParsePosition(v, at) },
                "red_door_pos" => state with { RedDoorPosition = ParsePosition(v, at) },
                "blue_door_pos" => state with { BlueDoorPosition = ParsePosition(v, at) },
                "gap_pos" => state with { GapPosition = ParsePosition(v, at) },
                "goal_pos" => state with { GoalPosition = ParsePosition(v, at) },
                _ => throw new ArgumentException($"{at}: unknown env_state field \"{field.Name}\"."),
            };
        }

        return state;
    }

    private static MiniGridTaskState WithTargetObject(MiniGridTaskState state, WorldCell target) =>
        state with { TargetType = target.Type, TargetColor = target.Color };

    private static WorldCell ParseCell(JsonElement cell, string where)
    {
        if (cell.ValueKind != JsonValueKind.Array || cell.GetArrayLength() != 3)
        {
            throw new ArgumentException($"{where}: a cell is [type, colour, state], not {cell.GetRawText()}.");
        }

        return WorldCell.Decode(cell[0].GetInt32(), cell[1].GetInt32(), cell[2].GetInt32(), where);
    }

    private static byte[] ParseImage(JsonElement image, string where)
    {
        var bytes = new byte[MiniGridWorld.ImageBytes];
        if (image.GetArrayLength() != MiniGridWorld.ViewSize)
        {
            throw new ArgumentException($"{where}: an observation image is 7x7x3.");
        }

        int k = 0;
        foreach (JsonElement column in image.EnumerateArray())
        {
            foreach (JsonElement cell in column.EnumerateArray())
            {
                foreach (JsonElement channel in cell.EnumerateArray())
                {
                    if (k >= bytes.Length)
                    {
                        throw new ArgumentException($"{where}: an observation image is 7x7x3.");
                    }

                    bytes[k++] = checked((byte)channel.GetInt32());
                }
            }
        }

        return k == bytes.Length ? bytes : throw new ArgumentException($"{where}: an observation image is 7x7x3.");
    }

    private static GridPosition ParsePosition(JsonElement position, string where) =>
        position.ValueKind == JsonValueKind.Array && position.GetArrayLength() == 2
            ? new GridPosition(position[0].GetInt32(), position[1].GetInt32())
            : throw new ArgumentException($"{where}: a position is [x, y], not {position.GetRawText()}.");

    private static MiniGridColor ParseColor(JsonElement color, string where)
    {
        int index = Array.IndexOf(MissionTable.ColorNames, color.GetString());
        return index >= 0 ? (MiniGridColor)index : throw new ArgumentException($"{where}: unknown colour {color.GetRawText()}.");
    }

    private static MiniGridObjectType ParseType(JsonElement type, string where)
    {
        int index = Array.IndexOf(s_typeNames, type.GetString());
        return index >= 0 ? (MiniGridObjectType)index : throw new ArgumentException($"{where}: unknown object type {type.GetRawText()}.");
    }

    private static JsonElement Property(JsonElement element, string name, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new ArgumentException($"{where}: missing \"{name}\".");
}
