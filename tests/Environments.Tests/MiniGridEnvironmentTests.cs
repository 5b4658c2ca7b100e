using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>MiniGrid bad input, the base dynamics' edge cases, registration and allocation-free stepping.</summary>
public sealed class MiniGridEnvironmentTests
{
    private static MiniGridState SmallWorld(int width = 5, int height = 5, GridPosition? agent = null) =>
        new()
        {
            Width = width,
            Height = height,
            Cells = Room(width, height),
            AgentPosition = agent ?? new GridPosition(1, 1),
            AgentDirection = 0,
            Mission = "get to the green goal square",
            MaxSteps = 100,
        };

    /// <summary>A width x height room: walls on the border, empty inside (cells column-major).</summary>
    internal static WorldCell[] Room(int width, int height)
    {
        var cells = new WorldCell[width * height];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                bool border = x == 0 || y == 0 || x == width - 1 || y == height - 1;
                cells[(x * height) + y] = border ? WorldCell.Wall : WorldCell.Empty;
            }
        }

        return cells;
    }

    [Fact]
    public void A_trace_with_an_unknown_object_code_is_rejected_naming_the_cell()
    {
        JsonNode root = LoadTrace("MiniGrid-DoorKey-5x5-v0");
        root["traces"]![0]!["initial"]!["grid"]![2]![3] = new JsonArray(42, 0, 0);
        var error = Assert.Throws<ArgumentException>(() => MiniGridTraceFile.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement));
        Assert.Contains("Unknown object code", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_with_a_grid_smaller_than_3x3_is_rejected()
    {
        JsonNode root = LoadTrace("MiniGrid-Empty-5x5-v0");
        root["traces"]![0]!["initial"]!["width"] = 2;
        var error = Assert.Throws<ArgumentException>(() => MiniGridTraceFile.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement));
        Assert.Contains("at least 3x3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_with_the_agent_outside_the_grid_is_rejected_when_set()
    {
        JsonNode root = LoadTrace("MiniGrid-Empty-5x5-v0");
        root["traces"]![0]!["initial"]!["agent_pos"] = new JsonArray(7, 1);
        MiniGridTraceFile file = MiniGridTraceFile.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement);
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        var error = Assert.Throws<ArgumentException>(() => env.SetState(file.Episodes[0].Initial));
        Assert.Contains("(7, 1) is outside the 5x5 grid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetState_rejects_bad_worlds_with_messages_naming_the_problem()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        Assert.Contains("at least 3x3", Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld(2, 5) with { Cells = new WorldCell[10] })).Message, StringComparison.Ordinal);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld(agent: new GridPosition(-1, 2)))).Message, StringComparison.Ordinal);

        WorldCell[] cells = Room(5, 5);
        cells[(2 * 5) + 2] = new WorldCell((MiniGridObjectType)12, MiniGridColor.Red, 0);
        string message = Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld() with { Cells = cells })).Message;
        Assert.Contains("Unknown object code at cell (2, 2)", message, StringComparison.Ordinal);

        cells = Room(5, 5);
        cells[(2 * 5) + 2] = new WorldCell(MiniGridObjectType.Key, (MiniGridColor)9, 0);
        Assert.Contains("Unknown colour code 9", Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld() with { Cells = cells })).Message, StringComparison.Ordinal);

        Assert.Contains("stands on object code 2", Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld(agent: new GridPosition(0, 0)))).Message, StringComparison.Ordinal);
        Assert.Contains("is not one of the 1 missions", Assert.Throws<ArgumentException>(() => env.SetState(SmallWorld() with { Mission = "fly" })).Message, StringComparison.Ordinal);

        using MiniGridEnvironment unlock = MiniGridEnvironments.Create("MiniGrid-Unlock-v0");
        Assert.Contains("lacks DoorPosition", Assert.Throws<ArgumentException>(() => unlock.SetState(SmallWorld() with { Mission = "open the door" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_before_reset_after_the_end_or_with_a_bad_action_throws()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
        env.Reset(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(-1));
    }

    [Fact]
    public void Success_exactly_at_max_steps_is_terminated_and_truncated_with_the_reference_reward()
    {
        // Agent next to the goal, one step left: reward 1 - 0.9 * (100 / 100) = 0.09999999999999998.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        WorldCell[] cells = Room(5, 5);
        cells[(3 * 5) + 3] = WorldCell.Goal;
        env.SetState(SmallWorld(agent: new GridPosition(2, 3)) with { Cells = cells, StepCount = 99 });
        StepResult<MiniGridObservation> result = env.Step((int)MiniGridAction.Forward);
        Assert.True(result.Terminated);
        Assert.True(result.Truncated);
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.09999999999999998), BitConverter.DoubleToInt64Bits(result.Reward));
        Assert.Equal(new GridPosition(3, 3), env.AgentPosition);
    }

    [Fact]
    public void A_locked_door_opens_only_with_its_key_which_stays_carried_and_a_box_disappears_when_toggled()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        WorldCell[] cells = Room(5, 5);
        cells[(2 * 5) + 1] = WorldCell.Door(MiniGridColor.Yellow, WorldCell.Locked);
        var state = new MiniGridState
        {
            Width = 5,
            Height = 5,
            Cells = cells,
            AgentPosition = new GridPosition(1, 1),
            AgentDirection = 0,
            Carrying = WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Red),
            Mission = "use the key to open the door and then get to the goal",
            MaxSteps = 250,
        };
        env.SetState(state);
        env.Step((int)MiniGridAction.Toggle);
        Assert.Equal(WorldCell.Locked, env.GetState().CellAt(2, 1).State);
        env.SetState(state with { Carrying = WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Yellow) });
        env.Step((int)MiniGridAction.Toggle);
        Assert.Equal(WorldCell.Open, env.GetState().CellAt(2, 1).State);
        Assert.Equal(WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Yellow), env.Carrying);
        env.Step((int)MiniGridAction.Toggle);
        Assert.Equal(WorldCell.Closed, env.GetState().CellAt(2, 1).State);

        cells = Room(5, 5);
        cells[(2 * 5) + 1] = WorldCell.Object(MiniGridObjectType.Box, MiniGridColor.Blue);
        env.SetState(state with { Cells = cells, Carrying = null });
        env.Step((int)MiniGridAction.Toggle);
        Assert.True(env.GetState().CellAt(2, 1).IsEmpty);
    }

    [Fact]
    public void The_registry_makes_every_id_with_categorical_observations_by_default()
    {
        foreach (string id in MiniGridEnvironments.Ids)
        {
            Assert.True(Environments.IsRegistered(id), id);
            using IEnvironment<ReadOnlyMemory<float>, int> env = Environments.Make<ReadOnlyMemory<float>, int>(id);
            // 49 cells, direction, mission; PutNear's 324 missions take two features (see CategoricalObservationWrapper).
            int size = id == "MiniGrid-PutNear-6x6-N2-v0" ? 52 : 51;
            Assert.Equal(size, env.ObservationSpace.FlatSize);
            Assert.Equal(7, env.ActionSpace.FlatSize == 1 ? ((Spaces.Discrete)env.ActionSpace).N : 0);
            ReadOnlyMemory<float> observation = env.Reset(3).Observation;
            Assert.Equal(size, observation.Length);
            for (int i = 0; i < size; i++)
            {
                float v = observation.Span[i];
                Assert.True(v >= 0 && v < env.ObservationSpace.Cardinalities[i] && v == MathF.Floor(v), $"{id}: feature {i} = {v}");
            }
        }

        using IEnvironment<ReadOnlyMemory<float>, int> onehot = Environments.Make<ReadOnlyMemory<float>, int>(
            "MiniGrid-Fetch-5x5-N2-v0", EnvironmentOptions.FromPairs(("observation", "onehot")));
        Assert.Equal((49 * 20) + 4 + 60, onehot.ObservationSpace.FlatSize);
        var error = Assert.Throws<ArgumentException>(() => Environments.Make("MiniGrid-Unlock-v0", EnvironmentOptions.FromPairs(("observation", "pixels"))));
        Assert.Contains("pixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vector_of_registered_MiniGrid_environments_steps_with_categorical_codes_and_distinct_seeded_layouts()
    {
        using Vector.IVectorEnvironment vector = Vector.VectorEnvironment.Make("MiniGrid-Unlock-v0", 4, new Vector.VectorOptions { AutoresetMode = Vector.AutoresetMode.SameStep });
        Assert.Equal(51, vector.ObservationSize);
        var observations = new float[4 * 51];
        vector.Reset(10, observations);
        Assert.False(observations.AsSpan(0, 51).SequenceEqual(observations.AsSpan(51, 51)) && observations.AsSpan(51, 51).SequenceEqual(observations.AsSpan(102, 51)));
        var buffers = Vector.VectorStepBuffers.For(vector);
        var random = new Random(2);
        var actions = new int[4];
        IReadOnlyList<int> cardinalities = vector.SingleObservationSpace.Cardinalities;
        int episodes = 0;
        for (int t = 0; t < 1200; t++)
        {
            for (int e = 0; e < 4; e++)
            {
                actions[e] = random.Next(7);
            }

            vector.Step(actions, buffers);
            for (int e = 0; e < 4; e++)
            {
                episodes += buffers.Terminated[e] || buffers.Truncated[e] ? 1 : 0;
                ReadOnlySpan<float> x = buffers.Observation(e);
                for (int i = 0; i < 51; i++)
                {
                    Assert.True(x[i] >= 0 && x[i] < cardinalities[i] && x[i] == MathF.Floor(x[i]));
                }
            }
        }

        Assert.True(episodes >= 4, $"{episodes} episodes ended"); // 288-step limit
    }

    [Theory]
    [InlineData("MiniGrid-DoorKey-5x5-v0")]
    [InlineData("MiniGrid-FourRooms-v0")]
    [InlineData("MiniGrid-Fetch-5x5-N2-v0")]
    public void Stepping_and_resetting_allocate_nothing(string id)
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create(id, seed: 5);
        var actions = new int[4096];
        var random = new Random(1);
        for (int i = 0; i < actions.Length; i++)
        {
            actions[i] = random.Next(3); // left, right, forward: long episodes
        }

        long allocated = Allocations.Least(() => RunSteps(env, actions));
        Assert.True(allocated == 0, $"{id}: {allocated} bytes allocated in {actions.Length} steps");
    }

    [Fact]
    public void The_reused_view_always_equals_a_fresh_render_of_the_world()
    {
        // Step skips redrawing when neither the world nor the agent changed; check it against a full redraw.
        var random = new Random(7);
        var fresh = new byte[(7 * 7 * 3) + 1];
        foreach (string id in MiniGridEnvironments.Ids)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id, seed: 1);
            env.Reset();
            for (int t = 0; t < 3000; t++)
            {
                StepResult<MiniGridObservation> result = env.Step(random.Next(7));
                env.World.RenderView(fresh, env.SeeThroughWalls);
                Assert.True(fresh.AsSpan(0, 147).SequenceEqual(result.Observation.Image.Span), $"{id} step {t}");
                if (result.Done)
                {
                    env.Reset();
                }
            }
        }
    }

    private static void RunSteps(MiniGridEnvironment env, int[] actions)
    {
        env.Reset();
        foreach (int action in actions)
        {
            if (env.Step(action).Done)
            {
                env.Reset();
            }
        }
    }

    private static JsonNode LoadTrace(string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(MiniGridGoldenTests.GoldenDirectory, id + ".json")))!;
}
