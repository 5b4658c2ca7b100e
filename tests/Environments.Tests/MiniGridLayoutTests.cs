using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>
/// Seeded layouts: every environment's reset draws valid worlds (the rules of its MiniGrid generator:
/// walls, doors, keys on the agent's side, targets that exist, goals that can be reached) and covers
/// the whole space of layouts that generator draws from.
/// </summary>
public sealed class MiniGridLayoutTests
{
    private static readonly WorldCell s_wall = WorldCell.Wall;

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (string id in MiniGridEnvironments.Ids)
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_layout_is_valid_for_its_environment(string id)
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(seed);
            MiniGridState s = env.GetState();
            string where = $"{id} seed {seed}";
            Assert.True(s.Width == env.LayoutWidth && s.Height == env.LayoutHeight, where);
            Assert.Equal(env.MaxSteps, s.MaxSteps);
            Assert.Equal(0, s.StepCount);
            Assert.Null(s.Carrying);
            Assert.Contains(s.Mission, env.Missions);
            Assert.True(s.CellAt(s.AgentPosition.X, s.AgentPosition.Y).IsEmpty, $"{where}: agent not on an empty cell");
            Assert.InRange(s.AgentDirection, 0, 3);
            CheckBorder(s, allowDoors: id.Contains("GoToDoor", StringComparison.Ordinal), where);
            CheckEnvironment(id, s, where);

            // The state round-trips: setting it renders the same observation.
            byte[] image = env.Observation.Image.ToArray();
            using MiniGridEnvironment copy = MiniGridEnvironments.Create(id);
            copy.SetState(s);
            Assert.Equal(image, copy.Observation.Image.ToArray());
            Assert.Equal(s, copy.GetState() with { Cells = s.Cells }, new StateComparer());
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_layout_and_different_seeds_differ()
    {
        foreach (string id in MiniGridEnvironments.Ids)
        {
            using MiniGridEnvironment a = MiniGridEnvironments.Create(id);
            using MiniGridEnvironment b = MiniGridEnvironments.Create(id);
            a.Reset(123);
            b.Reset(123);
            Assert.Equal(a.GetState(), b.GetState(), new StateComparer());
            var layouts = new HashSet<string>();
            for (int seed = 0; seed < 50; seed++)
            {
                a.Reset(seed);
                layouts.Add(Key(a.GetState()));
            }

            int expectedMinimum = id is "MiniGrid-Empty-5x5-v0" or "MiniGrid-Empty-8x8-v0" ? 1 : 3;
            Assert.True(layouts.Count >= expectedMinimum, $"{id}: {layouts.Count} distinct layouts in 50 seeds");
        }
    }

    [Fact]
    public void DoorKey_5x5_draws_all_48_layouts_about_equally_often()
    {
        // Split column 2; door row 1 or 2; agent on one of the 3 left cells with 4 directions; key on one of the 2 others.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        var counts = new Dictionary<string, int>();
        const int Resets = 4800;
        for (int i = 0; i < Resets; i++)
        {
            env.Reset(i);
            string key = Key(env.GetState());
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(48, counts.Count);
        foreach (int count in counts.Values)
        {
            Assert.InRange(count, 50, 150); // expected 100 each
        }
    }

    [Theory]
    [InlineData("MiniGrid-Empty-Random-5x5-v0", 32)] // 8 free cells x 4 directions
    [InlineData("MiniGrid-LavaGapS5-v0", 3)] // the gap row
    [InlineData("MiniGrid-RedBlueDoors-6x6-v0", 16 * 16 * 4)] // 4 x 4 door rows, 16 agent cells, 4 directions
    [InlineData("MiniGrid-KeyCorridorS3R1-v0", 6 * 6 * 6 * 3)] // door, ball, connecting door colours; 3 directions
    [InlineData("MiniGrid-Unlock-v0", 4 * 6 * 29 * 4)] // door row, colour, key and agent cells, directions (upper bound)
    public void Layouts_cover_the_generators_range(string id, int possible)
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
        var layouts = new HashSet<string>();
        bool exact = possible <= 64 * 16;
        int resets = exact ? possible * 14 : 4000;
        for (int i = 0; i < resets; i++)
        {
            env.Reset(i);
            layouts.Add(Key(env.GetState()));
        }

        if (exact)
        {
            Assert.Equal(possible, layouts.Count);
        }
        else
        {
            Assert.True(layouts.Count > resets / 3, $"{id}: only {layouts.Count} distinct layouts in {resets} resets");
        }
    }

    [Theory]
    [InlineData("MiniGrid-GoToDoor-5x5-v0", 6)]
    [InlineData("MiniGrid-Fetch-5x5-N2-v0", 60)]
    [InlineData("MiniGrid-KeyCorridorS3R1-v0", 6)]
    public void Every_mission_occurs(string id, int missions)
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
        Assert.Equal(missions, env.Missions.Count);
        var seen = new HashSet<string>();
        for (int i = 0; i < missions * 40; i++)
        {
            env.Reset(i);
            seen.Add(env.Observation.Mission);
        }

        Assert.Equal(missions, seen.Count);
    }

    private static void CheckEnvironment(string id, MiniGridState s, string where)
    {
        GridPosition agent = s.AgentPosition;
        MiniGridTaskState task = s.Task;
        switch (id)
        {
            case "MiniGrid-Empty-5x5-v0" or "MiniGrid-Empty-8x8-v0":
                Assert.Equal(new GridPosition(1, 1), agent);
                Assert.Equal(0, s.AgentDirection);
                Assert.Equal(WorldCell.Goal, s.CellAt(s.Width - 2, s.Height - 2));
                Assert.Equal(1, Count(s, MiniGridObjectType.Goal));
                break;
            case "MiniGrid-Empty-Random-5x5-v0":
                Assert.Equal(WorldCell.Goal, s.CellAt(3, 3));
                Assert.True(Reachable(s, lockedPassable: false)[3, 3], where);
                break;
            case "MiniGrid-DoorKey-5x5-v0" or "MiniGrid-DoorKey-8x8-v0":
            {
                GridPosition door = Single(s, MiniGridObjectType.Door, where);
                Assert.Equal(WorldCell.Door(MiniGridColor.Yellow, WorldCell.Locked), s.CellAt(door.X, door.Y));
                Assert.InRange(door.X, 2, s.Width - 3);
                Assert.InRange(door.Y, 1, s.Height - 3);
                for (int y = 0; y < s.Height; y++)
                {
                    Assert.True(y == door.Y || s.CellAt(door.X, y) == s_wall, $"{where}: split column open at y={y}");
                }

                GridPosition key = Single(s, MiniGridObjectType.Key, where);
                Assert.Equal(MiniGridColor.Yellow, s.CellAt(key.X, key.Y).Color);
                Assert.True(key.X < door.X && agent.X < door.X, $"{where}: key {key} or agent {agent} not left of the door {door}");
                Assert.Equal(WorldCell.Goal, s.CellAt(s.Width - 2, s.Height - 2));
                Assert.False(Reachable(s, lockedPassable: false)[s.Width - 2, s.Height - 2], $"{where}: goal reachable without the key");
                Assert.True(Reachable(s, lockedPassable: true)[s.Width - 2, s.Height - 2], $"{where}: goal unreachable");
                break;
            }

            case "MiniGrid-FourRooms-v0":
            {
                int gapsX = 0;
                int gapsY = 0;
                for (int i = 1; i < 18; i++)
                {
                    gapsX += s.CellAt(9, i) == s_wall ? 0 : 1;
                    gapsY += s.CellAt(i, 9) == s_wall ? 0 : 1;
                }

                Assert.True(gapsX == 2 && gapsY == 2, $"{where}: {gapsX} gaps in x=9, {gapsY} in y=9");
                GridPosition goal = Single(s, MiniGridObjectType.Goal, where);
                Assert.NotEqual(goal, agent);
                Assert.True(Reachable(s, lockedPassable: false)[goal.X, goal.Y], $"{where}: goal unreachable");
                break;
            }

            case "MiniGrid-Unlock-v0":
            {
                GridPosition door = Single(s, MiniGridObjectType.Door, where);
                WorldCell doorCell = s.CellAt(door.X, door.Y);
                Assert.Equal(5, door.X);
                Assert.InRange(door.Y, 1, 4);
                Assert.Equal(WorldCell.Locked, doorCell.State);
                Assert.Equal(task.DoorPosition, door);
                GridPosition key = Single(s, MiniGridObjectType.Key, where);
                Assert.Equal(doorCell.Color, s.CellAt(key.X, key.Y).Color);
                Assert.True(key.X < 5 && agent.X < 5, where);
                WorldCell front = FrontCell(s);
                Assert.True(front.IsEmpty || front == s_wall, $"{where}: agent faces {front}");
                break;
            }

            case "MiniGrid-KeyCorridorS3R1-v0":
            {
                Assert.Equal(new GridPosition(3, 1), agent);
                Assert.NotEqual(0, s.AgentDirection); // the locked door is east: place_agent rejects facing it
                WorldCell locked = s.CellAt(4, 1);
                WorldCell connecting = s.CellAt(2, 1);
                Assert.Equal(WorldCell.Locked, locked.State);
                Assert.Equal(MiniGridObjectType.Door, connecting.Type);
                Assert.Equal(WorldCell.Closed, connecting.State);
                Assert.Equal(WorldCell.Object(MiniGridObjectType.Key, locked.Color), s.CellAt(1, 1));
                WorldCell ball = s.CellAt(5, 1);
                Assert.Equal(MiniGridObjectType.Ball, ball.Type);
                Assert.Equal(new GridPosition(5, 1), task.TargetPosition);
                Assert.Equal($"pick up the {ColorName(ball.Color)} ball", s.Mission);
                break;
            }

            case "MiniGrid-GoToDoor-5x5-v0":
            {
                var colors = new HashSet<MiniGridColor>();
                foreach (GridPosition p in new GridPosition[] { new(2, 0), new(2, 4), new(0, 2), new(4, 2) })
                {
                    WorldCell door = s.CellAt(p.X, p.Y);
                    Assert.Equal(MiniGridObjectType.Door, door.Type);
                    Assert.Equal(WorldCell.Closed, door.State);
                    colors.Add(door.Color);
                }

                Assert.Equal(4, colors.Count);
                GridPosition target = task.TargetPosition!.Value;
                Assert.Equal($"go to the {ColorName(s.CellAt(target.X, target.Y).Color)} door", s.Mission);
                break;
            }

            case "MiniGrid-Fetch-5x5-N2-v0":
            {
                var objects = Objects(s);
                Assert.Equal(2, objects.Count);
                Assert.Contains(objects, o => o.Type == task.TargetType && o.Color == task.TargetColor);
                Assert.EndsWith($"a {ColorName(task.TargetColor!.Value)} {(task.TargetType == MiniGridObjectType.Key ? "key" : "ball")}", s.Mission, StringComparison.Ordinal);
                break;
            }

            case "MiniGrid-PutNear-6x6-N2-v0":
            {
                var positions = new List<GridPosition>();
                for (int x = 0; x < s.Width; x++)
                {
                    for (int y = 0; y < s.Height; y++)
                    {
                        if (s.CellAt(x, y).Type is MiniGridObjectType.Key or MiniGridObjectType.Ball or MiniGridObjectType.Box)
                        {
                            positions.Add(new GridPosition(x, y));
                        }
                    }
                }

                Assert.Equal(2, positions.Count);
                Assert.NotEqual(s.CellAt(positions[0].X, positions[0].Y), s.CellAt(positions[1].X, positions[1].Y));
                Assert.True(Math.Max(Math.Abs(positions[0].X - positions[1].X), Math.Abs(positions[0].Y - positions[1].Y)) > 1, $"{where}: objects adjacent");
                GridPosition target = task.TargetPosition!.Value;
                GridPosition move = task.MovePosition!.Value;
                Assert.NotEqual(target, move);
                Assert.Equal(WorldCell.Object(task.TargetType!.Value, task.TargetColor!.Value), s.CellAt(target.X, target.Y));
                Assert.Equal(WorldCell.Object(task.MoveType!.Value, task.MoveColor!.Value), s.CellAt(move.X, move.Y));
                break;
            }

            case "MiniGrid-RedBlueDoors-6x6-v0":
            {
                GridPosition red = task.RedDoorPosition!.Value;
                GridPosition blue = task.BlueDoorPosition!.Value;
                Assert.Equal(3, red.X);
                Assert.Equal(8, blue.X);
                Assert.InRange(red.Y, 1, 4);
                Assert.InRange(blue.Y, 1, 4);
                Assert.Equal(WorldCell.Door(MiniGridColor.Red, WorldCell.Closed), s.CellAt(red.X, red.Y));
                Assert.Equal(WorldCell.Door(MiniGridColor.Blue, WorldCell.Closed), s.CellAt(blue.X, blue.Y));
                Assert.InRange(agent.X, 4, 7);
                Assert.InRange(agent.Y, 1, 4);
                break;
            }

            case "MiniGrid-LavaGapS5-v0":
            {
                Assert.Equal(new GridPosition(1, 1), agent);
                Assert.Equal(0, s.AgentDirection);
                GridPosition gap = task.GapPosition!.Value;
                Assert.Equal(2, gap.X);
                Assert.InRange(gap.Y, 1, 3);
                for (int y = 1; y <= 3; y++)
                {
                    Assert.Equal(y == gap.Y ? WorldCell.Empty : WorldCell.Lava, s.CellAt(2, y));
                }

                Assert.True(Reachable(s, lockedPassable: false)[3, 3], $"{where}: goal unreachable");
                break;
            }

            default:
                Assert.Fail("no layout check for " + id);
                break;
        }
    }

    private static void CheckBorder(MiniGridState s, bool allowDoors, string where)
    {
        for (int x = 0; x < s.Width; x++)
        {
            for (int y = 0; y < s.Height; y++)
            {
                if (x == 0 || y == 0 || x == s.Width - 1 || y == s.Height - 1)
                {
                    WorldCell c = s.CellAt(x, y);
                    Assert.True(c == s_wall || (allowDoors && c.Type == MiniGridObjectType.Door), $"{where}: border cell ({x}, {y}) is {c}");
                }
            }
        }
    }

    /// <summary>Cells the agent can walk to: empty, goal, floor, unlocked doors (locked ones too when asked); objects can be carried away.</summary>
    private static bool[,] Reachable(MiniGridState s, bool lockedPassable)
    {
        var seen = new bool[s.Width, s.Height];
        var queue = new Queue<GridPosition>();
        queue.Enqueue(s.AgentPosition);
        seen[s.AgentPosition.X, s.AgentPosition.Y] = true;
        while (queue.Count > 0)
        {
            GridPosition p = queue.Dequeue();
            foreach ((int dx, int dy) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1) })
            {
                int x = p.X + dx;
                int y = p.Y + dy;
                if (x < 0 || y < 0 || x >= s.Width || y >= s.Height || seen[x, y])
                {
                    continue;
                }

                WorldCell c = s.CellAt(x, y);
                bool passable = c.Type switch
                {
                    MiniGridObjectType.Wall or MiniGridObjectType.Lava => false,
                    MiniGridObjectType.Door => lockedPassable || c.State != WorldCell.Locked,
                    _ => true,
                };
                if (passable)
                {
                    seen[x, y] = true;
                    queue.Enqueue(new GridPosition(x, y));
                }
            }
        }

        return seen;
    }

    private static WorldCell FrontCell(MiniGridState s)
    {
        (int dx, int dy) = s.AgentDirection switch { 0 => (1, 0), 1 => (0, 1), 2 => (-1, 0), _ => (0, -1) };
        return s.CellAt(s.AgentPosition.X + dx, s.AgentPosition.Y + dy);
    }

    private static int Count(MiniGridState s, MiniGridObjectType type)
    {
        int n = 0;
        foreach (WorldCell c in s.Cells)
        {
            n += c.Type == type ? 1 : 0;
        }

        return n;
    }

    private static GridPosition Single(MiniGridState s, MiniGridObjectType type, string where)
    {
        Assert.True(Count(s, type) == 1, $"{where}: {Count(s, type)} cells of type {type}");
        for (int x = 0; x < s.Width; x++)
        {
            for (int y = 0; y < s.Height; y++)
            {
                if (s.CellAt(x, y).Type == type)
                {
                    return new GridPosition(x, y);
                }
            }
        }

        throw new InvalidOperationException();
    }

    private static List<WorldCell> Objects(MiniGridState s)
    {
        var objects = new List<WorldCell>();
        foreach (WorldCell c in s.Cells)
        {
            if (c.Type is MiniGridObjectType.Key or MiniGridObjectType.Ball or MiniGridObjectType.Box)
            {
                objects.Add(c);
            }
        }

        return objects;
    }

    private static string ColorName(MiniGridColor color) => color.ToString().ToLowerInvariant();

    internal static string Key(MiniGridState s)
    {
        var key = new System.Text.StringBuilder();
        foreach (WorldCell c in s.Cells)
        {
            key.Append((char)('A' + c.CategoricalCode));
        }

        key.Append($"|{s.AgentPosition}|{s.AgentDirection}|{s.Mission}");
        return key.ToString();
    }

    private sealed class StateComparer : IEqualityComparer<MiniGridState>
    {
        public bool Equals(MiniGridState? a, MiniGridState? b) =>
            a is not null && b is not null && Key(a) == Key(b) && a.Task == b.Task && a.StepCount == b.StepCount && a.MaxSteps == b.MaxSteps;

        public int GetHashCode(MiniGridState obj) => Key(obj).GetHashCode(StringComparison.Ordinal);
    }
}
