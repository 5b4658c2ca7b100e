using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.MiniGrid;
using RLFramework.Environments.ToyText;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// Names of observation elements, codes and actions (<see cref="IEnvironmentLabels"/>, found through wrapper chains by
/// <see cref="EnvironmentLabels.Of"/>). MiniGrid's cell names are checked against the dynamics: the cell named
/// "view[left 1]" is the one in front after turning left, and "view[ahead 1]" the one a forward step enters.
/// </summary>
public sealed class EnvironmentLabelsTests
{
    [Fact]
    public void Classic_control_names_follow_gymnasium_and_pass_through_the_registry_wrappers()
    {
        using var env = EnvironmentRegistry.Make("CartPole-v1");
        var labels = EnvironmentLabels.Of(env);
        Assert.True(labels.HasFeatureNames);
        Assert.Equal(["cart position", "cart velocity", "pole angle", "pole angular velocity"], Enumerable.Range(0, 4).Select(labels.FeatureName));
        Assert.Equal(["push left", "push right"], Enumerable.Range(0, 2).Select(labels.ActionName));
        Assert.Null(labels.ValueName(2, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => labels.FeatureName(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => labels.ActionName(2));

        using var pendulum = EnvironmentRegistry.Make("Pendulum-v1");
        Assert.Equal("angular velocity", EnvironmentLabels.Of(pendulum).FeatureName(2));
        Assert.Equal("torque", EnvironmentLabels.Of(pendulum).ActionName(0));
    }

    [Fact]
    public void An_environment_without_labels_gets_default_names()
    {
        var labels = EnvironmentLabels.Of(new WalkerEnvironment());
        Assert.False(labels.HasFeatureNames);
        Assert.Equal("obs[0]", labels.FeatureName(0));
        Assert.Equal("action 1", labels.ActionName(1));
    }

    [Fact]
    public void A_wrapper_with_its_own_observation_layout_hides_the_inner_feature_names_but_not_the_action_names()
    {
        using var env = EnvironmentRegistry.Make("MiniGrid-Empty-5x5-v0", EnvironmentOptions.Parse(["observation=onehot"]));
        var labels = EnvironmentLabels.Of(env);
        Assert.False(labels.HasFeatureNames);
        Assert.Equal("obs[7]", labels.FeatureName(7));
        Assert.Equal("forward", labels.ActionName(2));

        // The flat layout is the environment's own: its names apply.
        using var flat = EnvironmentRegistry.Make("MiniGrid-Empty-5x5-v0", EnvironmentOptions.Parse(["observation=flat"]));
        var flatLabels = EnvironmentLabels.Of(flat);
        Assert.Equal("view[ahead 1].object", flatLabels.FeatureName(((3 * 7) + 5) * 3));
        Assert.Equal("view[ahead 1].colour", flatLabels.FeatureName((((3 * 7) + 5) * 3) + 1));
        Assert.Equal("door", flatLabels.ValueName(((3 * 7) + 5) * 3, 4));
        Assert.Equal("yellow", flatLabels.ValueName((((3 * 7) + 5) * 3) + 1, 4));
        Assert.Equal("direction", flatLabels.FeatureName(147));
        Assert.Equal("facing north", flatLabels.ValueName(147, 3));
    }

    [Fact]
    public void Frame_stacks_time_and_rescaling_keep_the_inner_names_and_say_which_frame()
    {
        using var plain = EnvironmentRegistry.Make("CartPole-v1");
        var inner = EnvironmentLabels.Of(plain);
        using var env = EnvironmentWrappers.Apply(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), "time_aware_observation"),
            "frame_stack_observation:stack_size=3");
        var labels = EnvironmentLabels.Of(env);
        Assert.Equal(15, labels.FeatureCount);
        Assert.True(labels.HasFeatureNames);
        Assert.Equal($"{inner.FeatureName(0)} (t-2)", labels.FeatureName(0));
        Assert.Equal("elapsed steps (t-1)", labels.FeatureName(9));
        Assert.Equal(inner.FeatureName(2), labels.FeatureName(12));
        Assert.Equal("elapsed steps", labels.FeatureName(14));
        Assert.Equal(inner.ActionName(1), labels.ActionName(1));

        using var rescaled = EnvironmentWrappers.Apply(EnvironmentRegistry.Make("Pendulum-v1"), "rescale_observation:min=0,max=1");
        using var pendulum = EnvironmentRegistry.Make("Pendulum-v1");
        Assert.Equal(EnvironmentLabels.Of(pendulum).FeatureName(2), EnvironmentLabels.Of(rescaled).FeatureName(2));

        // A stacked MiniGrid view still decodes its codes in every frame.
        using var grid = EnvironmentRegistry.Make("MiniGrid-Empty-5x5-v0");
        var gridLabels = EnvironmentLabels.Of(grid);
        using var stacked = EnvironmentWrappers.Apply(EnvironmentRegistry.Make("MiniGrid-Empty-5x5-v0"), "frame_stack_observation:stack_size=2");
        var n = grid.ObservationSpace.FlatSize;
        var stackedLabels = EnvironmentLabels.Of(stacked);
        Assert.Equal($"{gridLabels.FeatureName(24)} (t-1)", stackedLabels.FeatureName(24));
        Assert.Equal(gridLabels.ValueName(24, 2 * 18 + 5 * 3), stackedLabels.ValueName(24, 2 * 18 + 5 * 3));
        Assert.Equal(gridLabels.ValueName(24, 2 * 18 + 5 * 3), stackedLabels.ValueName(n + 24, 2 * 18 + 5 * 3));
        Assert.NotNull(gridLabels.ValueName(24, 2 * 18 + 5 * 3));
    }

    [Fact]
    public void MiniGrid_categorical_names_cells_relative_to_the_agent_and_decodes_codes()
    {
        using var env = EnvironmentRegistry.Make("MiniGrid-GoToDoor-5x5-v0");
        var labels = EnvironmentLabels.Of(env);
        // Image cell index x * 7 + y; the agent sits at (3, 6) facing y - 1.
        Assert.Equal("view[ahead 1]", labels.FeatureName((3 * 7) + 5));
        Assert.Equal("view[left 1]", labels.FeatureName((2 * 7) + 6));
        Assert.Equal("view[right 1]", labels.FeatureName((4 * 7) + 6));
        Assert.Equal("view[agent]", labels.FeatureName((3 * 7) + 6));
        Assert.Equal("view[ahead 6, left 3]", labels.FeatureName(0));
        Assert.Equal("view[ahead 2, right 3]", labels.FeatureName((6 * 7) + 4));
        Assert.Equal("direction", labels.FeatureName(49));
        Assert.Equal("mission", labels.FeatureName(50));

        // Codes: object * 18 + colour * 3 + state.
        Assert.Equal("locked red door", labels.ValueName(0, (4 * 18) + (0 * 3) + 2));
        Assert.Equal("closed purple door", labels.ValueName(0, (4 * 18) + (3 * 3) + 1));
        Assert.Equal("open grey door", labels.ValueName(0, (4 * 18) + (5 * 3) + 0));
        Assert.Equal("yellow key", labels.ValueName(0, (5 * 18) + (4 * 3)));
        Assert.Equal("wall", labels.ValueName(0, (2 * 18) + (5 * 3)));
        Assert.Equal("empty", labels.ValueName(0, 18));
        Assert.Equal("unseen", labels.ValueName(0, 0));
        Assert.Null(labels.ValueName(0, (5 * 18) + 1)); // a key has no state
        Assert.Null(labels.ValueName(0, 198));
        Assert.Null(labels.ValueName(0, 2.5f));
        Assert.Equal("facing west", labels.ValueName(49, 2));
        var mission = ((MiniGridEnvironment)env.Unwrapped()).Missions[4];
        Assert.Equal($"\"{mission}\"", labels.ValueName(50, 4));
        Assert.Equal(["left", "right", "forward", "pickup", "drop", "toggle", "done"], Enumerable.Range(0, 7).Select(labels.ActionName));
    }

    [Fact]
    public void The_cells_named_left_right_and_ahead_are_where_turns_and_forward_steps_lead()
    {
        using var env = EnvironmentRegistry.Make<ReadOnlyMemory<float>, int>("MiniGrid-DoorKey-8x8-v0");
        var labels = EnvironmentLabels.Of(env);
        int Named(string name) => Enumerable.Range(0, 49).Single(i => labels.FeatureName(i) == name);
        int ahead = Named("view[ahead 1]"), left = Named("view[left 1]"), right = Named("view[right 1]");
        var inner = (MiniGridEnvironment)env.Unwrapped();
        var random = new Random(5);
        float[] observation = env.Reset(0).Observation.ToArray();
        int checkedTurns = 0, checkedMoves = 0;
        for (int t = 0; t < 3000; t++)
        {
            int action = random.Next(3); // left, right, forward
            var before = inner.AgentPosition;
            var step = env.Step(action);
            float[] next = step.Observation.ToArray();
            if (step.Terminated || step.Truncated)
            {
                observation = env.Reset(t).Observation.ToArray();
                continue;
            }
            if (action == 0)
            {
                Assert.Equal(observation[left], next[ahead]);
                checkedTurns++;
            }
            else if (action == 1)
            {
                Assert.Equal(observation[right], next[ahead]);
                checkedTurns++;
            }
            else
            {
                // Forward enters the cell ahead exactly when it is empty (or an open door, goal or lava).
                bool passable = labels.ValueName(ahead, observation[ahead]) is "empty" or "goal" or "lava"
                    || labels.ValueName(ahead, observation[ahead])!.StartsWith("open ", StringComparison.Ordinal);
                Assert.Equal(passable, inner.AgentPosition != before);
                checkedMoves++;
            }
            observation = next;
        }
        Assert.True(checkedTurns > 1000 && checkedMoves > 500);
    }

    [Fact]
    public void A_full_grid_names_cells_by_position_and_shows_the_agent_with_its_direction()
    {
        using var env = EnvironmentRegistry.Make<ReadOnlyMemory<float>, int>("MiniGrid-Empty-5x5-v0", EnvironmentOptions.Parse(["observation=full_categorical"]));
        var labels = EnvironmentLabels.Of(env);
        var inner = (MiniGridEnvironment)env.Unwrapped();
        float[] observation = env.Reset(3).Observation.ToArray();
        var position = inner.AgentPosition;
        int cell = (position.X * 5) + position.Y;
        Assert.Equal($"grid({position.X},{position.Y})", labels.FeatureName(cell));
        string[] directions = ["east", "south", "west", "north"];
        Assert.Equal($"agent facing {directions[inner.AgentDirection]}", labels.ValueName(cell, observation[cell]));
        Assert.Equal("wall", labels.ValueName(0, observation[0]));
    }

    [Fact]
    public void Toy_text_states_are_decoded()
    {
        using var taxi = EnvironmentRegistry.Make("Taxi-v3");
        var labels = EnvironmentLabels.Of(taxi);
        Assert.Equal("state", labels.FeatureName(0));
        Assert.Equal("taxi at row 3, column 1; passenger in the taxi; destination B (blue)", labels.ValueName(0, TaxiEnvironment.Encode(3, 1, 4, 3)));
        Assert.Equal("taxi at row 0, column 4; passenger at Y (yellow); destination R (red)", labels.ValueName(0, TaxiEnvironment.Encode(0, 4, 2, 0)));
        Assert.Null(labels.ValueName(0, 500));
        Assert.Equal("dropoff", labels.ActionName(5));

        using var lake = EnvironmentRegistry.Make("FrozenLake8x8-v1");
        Assert.Equal("row 2, column 3", EnvironmentLabels.Of(lake).ValueName(0, 19));
        Assert.Equal("up", EnvironmentLabels.Of(lake).ActionName(3));
        using var cliff = EnvironmentRegistry.Make("CliffWalking-v0");
        Assert.Equal("row 3, column 0", EnvironmentLabels.Of(cliff).ValueName(0, 36));
    }
}
