using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The shortest-path oracle (<see cref="MiniGridShortestPath"/>): closed forms on empty rooms, hand-checked
/// DoorKey and RedBlueDoors layouts, exhaustive enumeration of shorter sequences, and replays of every
/// solution on a fresh environment.
/// </summary>
public sealed class MiniGridShortestPathTests
{
    private const int Right = (int)MiniGridAction.Right;
    private const int Forward = (int)MiniGridAction.Forward;
    private const int Pickup = (int)MiniGridAction.Pickup;
    private const int Toggle = (int)MiniGridAction.Toggle;

    private static readonly string[] s_required =
    [
        "MiniGrid-Unlock-v0", "MiniGrid-GoToDoor-5x5-v0", "MiniGrid-DoorKey-5x5-v0",
        "MiniGrid-Empty-Random-5x5-v0", "MiniGrid-KeyCorridorS3R1-v0", "MiniGrid-RedBlueDoors-6x6-v0",
    ];

    [Fact]
    public void Empty_5x5_from_the_fixed_start_takes_five_actions()
    {
        // Agent (1, 1) facing east, goal (3, 3): forward, forward, right, forward, forward.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        env.Reset(0);
        Assert.Equal(100, env.MaxSteps); // 4 * 5 * 5
        ShortestPathResult result = new MiniGridShortestPath().Solve(env);
        Assert.True(result.Solved);
        Assert.Equal([Forward, Forward, Right, Forward, Forward], result.Actions);
        Assert.Equal(1.0 - (0.9 * 5 / 100), result.Reward, 12);
        Assert.Equal(1.0 - (0.9 * (5.0 / 100)), result.Reward); // exactly the environment's expression
    }

    [Fact]
    public void Empty_Random_5x5_lengths_match_the_closed_form_for_every_start()
    {
        // Goal (3, 3) lies south-east of every start: |dx| + |dy| forwards, plus the fewest turns that
        // face east (when dx > 0) and south (when dy > 0) in some order.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-Random-5x5-v0");
        var search = new MiniGridShortestPath();
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(seed);
            GridPosition agent = env.AgentPosition;
            int dx = 3 - agent.X;
            int dy = 3 - agent.Y;
            int d = env.AgentDirection;
            int turns = (dx > 0, dy > 0) switch
            {
                (true, true) => d is 0 or 1 ? 1 : 2,
                (true, false) => TurnDistance(d, 0),
                (false, true) => TurnDistance(d, 1),
                _ => throw new InvalidOperationException("the agent never starts on the goal"),
            };
            int expected = dx + dy + turns;

            ShortestPathResult result = search.Solve(env);

            Assert.True(result.Solved);
            Assert.True(expected == result.Length, $"seed {seed}: agent {agent} dir {d}: closed form {expected}, search {result.Length}");
            Assert.Equal(1.0 - (0.9 * ((double)expected / env.MaxSteps)), result.Reward);
        }
    }

    [Fact]
    public void A_hand_checked_DoorKey_layout_takes_eight_actions()
    {
        // Wall column x = 2 with the locked yellow door at (2, 2); key (1, 1); goal (3, 3); agent (1, 3)
        // facing north. The key is reachable only from (1, 2) facing north and the door only from (1, 2)
        // facing east: forward, pickup, right, toggle, then (2, 2), (3, 2), right, (3, 3).
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        var cells = MiniGridEnvironmentTests.Room(5, 5);
        cells[(2 * 5) + 1] = WorldCell.Wall;
        cells[(2 * 5) + 2] = WorldCell.Door(MiniGridColor.Yellow, WorldCell.Locked);
        cells[(2 * 5) + 3] = WorldCell.Wall;
        cells[(1 * 5) + 1] = WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Yellow);
        cells[(3 * 5) + 3] = WorldCell.Goal;
        env.SetState(new MiniGridState
        {
            Width = 5,
            Height = 5,
            Cells = cells,
            AgentPosition = new GridPosition(1, 3),
            AgentDirection = 3,
            Mission = "use the key to open the door and then get to the goal",
            MaxSteps = 250,
        });

        ShortestPathResult result = new MiniGridShortestPath().Solve(env);

        Assert.Equal([Forward, Pickup, Right, Toggle, Forward, Forward, Right, Forward], result.Actions);
        Assert.Equal(1.0 - (0.9 * (8.0 / 250)), result.Reward);
        Assert.Equal(new GridPosition(1, 3), env.AgentPosition); // the search restored the start
        Assert.Equal(0, env.StepCount);
    }

    [Fact]
    public void RedBlueDoors_opens_the_red_door_first_even_when_blue_is_in_front()
    {
        // Room x 3..8, y 0..5; agent (7, 1) facing east with the blue door (8, 1) right in front; red
        // door (3, 4). Toggling blue now ends with 0. Optimal: right, 3 forwards, right, 3 forwards to
        // (4, 4) facing west, toggle (9), then right, 3 forwards, right, 3 forwards back to (7, 1)
        // facing east, toggle (18).
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-RedBlueDoors-6x6-v0");
        var cells = MiniGridEnvironmentTests.Room(12, 6);
        for (int y = 0; y < 6; y++)
        {
            cells[(3 * 6) + y] = WorldCell.Wall;
            cells[(8 * 6) + y] = WorldCell.Wall;
        }

        for (int x = 3; x <= 8; x++)
        {
            cells[(x * 6) + 0] = WorldCell.Wall;
            cells[(x * 6) + 5] = WorldCell.Wall;
        }

        cells[(3 * 6) + 4] = WorldCell.Door(MiniGridColor.Red, WorldCell.Closed);
        cells[(8 * 6) + 1] = WorldCell.Door(MiniGridColor.Blue, WorldCell.Closed);
        var state = new MiniGridState
        {
            Width = 12,
            Height = 6,
            Cells = cells,
            AgentPosition = new GridPosition(7, 1),
            AgentDirection = 0,
            Mission = "open the red door then the blue door",
            MaxSteps = 720,
            Task = new MiniGridTaskState { RedDoorPosition = new GridPosition(3, 4), BlueDoorPosition = new GridPosition(8, 1) },
        };
        env.SetState(state);
        StepResult<MiniGridObservation> greedy = env.Step(Toggle);
        Assert.True(greedy.Terminated);
        Assert.Equal(0.0, greedy.Reward);

        env.SetState(state);
        ShortestPathResult result = new MiniGridShortestPath().Solve(env);

        Assert.Equal(
            [Right, Forward, Forward, Forward, Right, Forward, Forward, Forward, Toggle,
             Right, Forward, Forward, Forward, Right, Forward, Forward, Forward, Toggle],
            result.Actions);
        Assert.Equal(1.0 - (0.9 * (18.0 / 720)), result.Reward);
    }

    [Fact]
    public void No_shorter_action_sequence_succeeds_by_exhaustive_enumeration()
    {
        // Brute force, independent of snapshots: every sequence shorter than the search's answer is
        // replayed from a fresh reset and none earns a reward.
        foreach (string id in new[] { "MiniGrid-GoToDoor-5x5-v0", "MiniGrid-Empty-Random-5x5-v0" })
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            var search = new MiniGridShortestPath();
            int checkedEpisodes = 0;
            for (int seed = 0; checkedEpisodes < 6 && seed < 100; seed++)
            {
                env.Reset(seed);
                ShortestPathResult result = search.Solve(env);
                Assert.True(result.Solved);
                if (result.Length > 6)
                {
                    continue; // 7^5 sequences is the most this test enumerates
                }

                checkedEpisodes++;
                var prefix = new int[result.Length - 1];
                Assert.False(AnySuccess(env, seed, prefix, 0), $"{id} seed {seed}: a sequence shorter than {result.Length} succeeds");
            }

            Assert.Equal(6, checkedEpisodes);
        }
    }

    [Fact]
    public void Every_solution_replays_on_a_fresh_environment_to_the_same_reward()
    {
        var search = new MiniGridShortestPath();
        foreach (string id in s_required)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            using MiniGridEnvironment fresh = MiniGridEnvironments.Create(id);
            for (int seed = 0; seed < 25; seed++)
            {
                env.Reset(seed);
                byte[] startImage = env.Observation.Image.ToArray();
                ShortestPathResult result = search.Solve(env);
                Assert.True(result.Solved, $"{id} seed {seed}");
                Assert.False(result.HitStateLimit);
                Assert.Equal(startImage, env.Observation.Image.ToArray());
                Assert.Equal(0, env.StepCount);

                fresh.Reset(seed);
                StepResult<MiniGridObservation> step = default;
                for (int i = 0; i < result.Length; i++)
                {
                    step = fresh.Step(result.Actions[i]);
                    bool last = i == result.Length - 1;
                    Assert.True(last == (step.Terminated || step.Truncated), $"{id} seed {seed}: the replay ended at action {i}");
                    Assert.True(last || step.Reward == 0.0);
                }

                Assert.True(step.Terminated);
                Assert.Equal(result.Reward, step.Reward);
                Assert.Equal(1.0 - (0.9 * ((double)result.Length / fresh.MaxSteps)), step.Reward);
            }
        }
    }

    [Fact]
    public void The_state_limit_stops_the_search_and_says_so()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        env.Reset(3);
        ShortestPathResult result = new MiniGridShortestPath(maxStates: 5).Solve(env);
        Assert.False(result.Solved);
        Assert.True(result.HitStateLimit);
        Assert.Equal(5, result.States);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniGridShortestPath(maxStates: 0));
        using MiniGridEnvironment notStarted = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        Assert.Throws<InvalidOperationException>(() => new MiniGridShortestPath().Solve(notStarted));
    }

    /// <summary>Whether some continuation of <paramref name="prefix"/>[..depth] within its length earns a reward.</summary>
    private static bool AnySuccess(MiniGridEnvironment env, int seed, int[] prefix, int depth)
    {
        if (depth == prefix.Length)
        {
            return false;
        }

        for (int action = 0; action < MiniGridEnvironment.ActionCount; action++)
        {
            prefix[depth] = action;
            env.Reset(seed);
            StepResult<MiniGridObservation> step = default;
            for (int i = 0; i <= depth; i++)
            {
                step = env.Step(prefix[i]);
                if (step.Terminated || step.Truncated)
                {
                    break;
                }
            }

            if (step.Reward > 0.0)
            {
                return true;
            }

            if (!step.Terminated && !step.Truncated && AnySuccess(env, seed, prefix, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    private static int TurnDistance(int from, int to) => Math.Min((to - from + 4) & 3, (from - to + 4) & 3);
}
