using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>
/// MiniGrid snapshots (<see cref="MiniGridEnvironment.WriteSnapshot"/> / <see cref="MiniGridEnvironment.ReadSnapshot"/>):
/// a restored world replays the original trajectory bit for bit, and a copy steps without touching the original.
/// </summary>
public sealed class MiniGridSnapshotTests
{
    private static readonly string[] s_ids =
    [
        "MiniGrid-Unlock-v0", "MiniGrid-DoorKey-5x5-v0", "MiniGrid-KeyCorridorS3R1-v0", "MiniGrid-RedBlueDoors-6x6-v0",
        "MiniGrid-GoToDoor-5x5-v0", "MiniGrid-PutNear-6x6-N2-v0", "MiniGrid-Fetch-5x5-N2-v0",
    ];

    [Fact]
    public void A_restored_snapshot_replays_the_original_observations_rewards_and_ends()
    {
        foreach (string id in s_ids)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            var random = new Random(7);
            for (int seed = 0; seed < 20; seed++)
            {
                env.Reset(seed);
                int[] actions = Actions(random, 40);
                var snapshot = new byte[env.SnapshotSize];
                env.WriteSnapshot(snapshot);
                var original = Run(env, actions);

                env.ReadSnapshot(snapshot, stepCount: 0);
                var again = Run(env, actions);

                Assert.Equal(original.Count, again.Count);
                for (int i = 0; i < original.Count; i++)
                {
                    AssertSame(original[i], again[i], $"{id} seed {seed} step {i}");
                }
            }
        }
    }

    [Fact]
    public void Stepping_a_copy_leaves_the_original_unchanged_and_both_see_the_same()
    {
        foreach (string id in s_ids)
        {
            using MiniGridEnvironment original = MiniGridEnvironments.Create(id);
            using MiniGridEnvironment copy = MiniGridEnvironments.Create(id);
            var random = new Random(11);
            for (int seed = 0; seed < 20; seed++)
            {
                original.Reset(seed);
                copy.Reset(seed + 1000); // a different layout, overwritten below
                copy.SetState(original.GetState());
                var before = new byte[original.SnapshotSize];
                original.WriteSnapshot(before);
                MiniGridObservation observationBefore = original.Observation.Copy();

                // Mid-episode: take a few steps on the original, then carry them to the copy by snapshot.
                int[] warmup = Actions(random, 5);
                Run(original, warmup);
                if (!original.IsRunning)
                {
                    continue; // the episode ended during the warm-up
                }

                var middle = new byte[original.SnapshotSize];
                original.WriteSnapshot(middle);
                copy.ReadSnapshot(middle, original.StepCount);
                Assert.Equal(original.Observation.Image.ToArray(), copy.Observation.Image.ToArray());

                int[] actions = Actions(random, 40);
                var fromCopy = Run(copy, actions);
                var after = new byte[original.SnapshotSize];
                original.WriteSnapshot(after);
                Assert.Equal(middle, after); // the copy's steps did not reach the original
                var fromOriginal = Run(original, actions);

                Assert.Equal(fromOriginal.Count, fromCopy.Count);
                for (int i = 0; i < fromOriginal.Count; i++)
                {
                    AssertSame(fromOriginal[i], fromCopy[i], $"{id} seed {seed} step {i}");
                }

                original.ReadSnapshot(before, stepCount: 0);
                Assert.Equal(observationBefore.Image.ToArray(), original.Observation.Image.ToArray());
                Assert.Equal(observationBefore.Direction, original.Observation.Direction);
            }
        }
    }

    [Fact]
    public void A_snapshot_carries_KeyCorridor_s_target_through_a_drop()
    {
        // 7x3: rooms (1, 1), (3, 1), (5, 1) joined by open doors at (2, 1) and (4, 1). The agent stands
        // in the door (2, 1) facing east, carrying the green target ball, and drops it on (3, 1). A
        // copy whose task still has the ball at (5, 1) adopts the drop from the snapshot: picking the
        // ball up at (3, 1) then succeeds there too.
        var cells = new WorldCell[7 * 3];
        Array.Fill(cells, WorldCell.Wall);
        cells[(1 * 3) + 1] = WorldCell.Empty;
        cells[(2 * 3) + 1] = WorldCell.Door(MiniGridColor.Yellow, WorldCell.Open);
        cells[(3 * 3) + 1] = WorldCell.Empty;
        cells[(4 * 3) + 1] = WorldCell.Door(MiniGridColor.Red, WorldCell.Open);
        cells[(5 * 3) + 1] = WorldCell.Empty;
        WorldCell ball = WorldCell.Object(MiniGridObjectType.Ball, MiniGridColor.Green);
        var carried = new MiniGridState
        {
            Width = 7,
            Height = 3,
            Cells = cells,
            AgentPosition = new GridPosition(2, 1),
            AgentDirection = 0,
            Carrying = ball,
            Mission = "pick up the green ball",
            MaxSteps = 270,
            Task = new MiniGridTaskState { TargetType = MiniGridObjectType.Ball, TargetColor = MiniGridColor.Green, TargetCarried = true },
        };
        var lying = (WorldCell[])cells.Clone();
        lying[(5 * 3) + 1] = ball;
        using MiniGridEnvironment original = MiniGridEnvironments.Create("MiniGrid-KeyCorridorS3R1-v0");
        using MiniGridEnvironment copy = MiniGridEnvironments.Create("MiniGrid-KeyCorridorS3R1-v0");
        original.SetState(carried);
        copy.SetState(carried with
        {
            Cells = lying,
            Carrying = null,
            Task = carried.Task with { TargetCarried = false, TargetPosition = new GridPosition(5, 1) },
        });

        Assert.Equal(0.0, original.Step((int)MiniGridAction.Drop).Reward);
        var snapshot = new byte[original.SnapshotSize];
        original.WriteSnapshot(snapshot);
        copy.ReadSnapshot(snapshot, original.StepCount);

        StepResult<MiniGridObservation> fromCopy = copy.Step((int)MiniGridAction.Pickup);
        StepResult<MiniGridObservation> fromOriginal = original.Step((int)MiniGridAction.Pickup);
        Assert.True(fromOriginal.Terminated && fromCopy.Terminated);
        Assert.Equal(1.0 - (0.9 * (2.0 / 270)), fromOriginal.Reward);
        Assert.Equal(fromOriginal.Reward, fromCopy.Reward);
    }

    [Fact]
    public void A_snapshot_of_the_wrong_size_or_step_count_is_rejected()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Unlock-v0");
        Assert.Throws<InvalidOperationException>(() => env.WriteSnapshot(new byte[env.SnapshotSize]));
        env.Reset(0);
        Assert.Equal((11 * 6 * 3) + 16, env.SnapshotSize);
        var error = Assert.Throws<ArgumentException>(() => env.WriteSnapshot(new byte[10]));
        Assert.Contains("not 10", error.Message, StringComparison.Ordinal);
        var snapshot = new byte[env.SnapshotSize];
        env.WriteSnapshot(snapshot);
        Assert.Throws<ArgumentException>(() => env.ReadSnapshot(snapshot.AsSpan(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.ReadSnapshot(snapshot, env.MaxSteps));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.ReadSnapshot(snapshot, -1));
    }

    private static int[] Actions(Random random, int count)
    {
        var actions = new int[count];
        for (int i = 0; i < count; i++)
        {
            actions[i] = random.Next(MiniGridEnvironment.ActionCount);
        }

        return actions;
    }

    /// <summary>Steps until the actions run out or the episode ends; records what each step returned.</summary>
    private static List<(byte[] Image, int Direction, double Reward, bool Terminated, bool Truncated, int StepCount)> Run(
        MiniGridEnvironment env, int[] actions)
    {
        var steps = new List<(byte[], int, double, bool, bool, int)>();
        foreach (int action in actions)
        {
            StepResult<MiniGridObservation> step = env.Step(action);
            steps.Add((step.Observation.Image.ToArray(), step.Observation.Direction, step.Reward, step.Terminated, step.Truncated, env.StepCount));
            if (step.Terminated || step.Truncated)
            {
                break;
            }
        }

        return steps;
    }

    private static void AssertSame(
        (byte[] Image, int Direction, double Reward, bool Terminated, bool Truncated, int StepCount) expected,
        (byte[] Image, int Direction, double Reward, bool Terminated, bool Truncated, int StepCount) actual,
        string where)
    {
        Assert.True(expected.Image.AsSpan().SequenceEqual(actual.Image), $"{where}: images differ");
        Assert.True(expected.Direction == actual.Direction, $"{where}: directions differ");
        Assert.True(expected.Reward == actual.Reward, $"{where}: rewards {expected.Reward} vs {actual.Reward}");
        Assert.True(expected.Terminated == actual.Terminated && expected.Truncated == actual.Truncated, $"{where}: ends differ");
        Assert.True(expected.StepCount == actual.StepCount, $"{where}: step counts differ");
    }
}
