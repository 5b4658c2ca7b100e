using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>The observation wrappers for learners, checked cell by cell against the raw image.</summary>
public sealed class MiniGridWrapperTests
{
    [Fact]
    public void Categorical_features_combine_object_colour_and_state_and_are_marked_categorical()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-PutNear-6x6-N2-v0");
        var wrapper = new CategoricalObservationWrapper(env);
        // PutNear has 324 missions, more than a categorical byte code holds: two mission features (radix 18).
        Assert.Equal(52, wrapper.ObservationSpace.FlatSize);
        IReadOnlyList<int> cards = wrapper.ObservationSpace.Cardinalities;
        for (int i = 0; i < 49; i++)
        {
            Assert.Equal(198, cards[i]);
        }

        Assert.Equal(4, cards[49]);
        Assert.Equal((18, 18), (cards[50], cards[51]));
        var random = new Random(3);
        for (int t = 0; t < 400; t++)
        {
            // Resets and random steps (many leave the view unchanged, so the wrapper keeps the encoded cells).
            ReadOnlySpan<float> features = t % 20 == 0 ? wrapper.Reset(t).Observation.Span : Step(wrapper, random.Next(7));
            MiniGridObservation raw = env.Observation;
            for (int x = 0; x < 7; x++)
            {
                for (int y = 0; y < 7; y++)
                {
                    WorldCell c = raw[x, y];
                    Assert.Equal(((int)c.Type * 18) + ((int)c.Color * 3) + c.State, (int)features[(x * 7) + y]);
                }
            }

            Assert.Equal(raw.Direction, (int)features[49]);
            Assert.Equal(raw.Mission, env.Missions[((int)features[50] * 18) + (int)features[51]]);
            // Radix 18 splits "put the {c1} {t1} near the {c2} {t2}" into the object to move and the target.
            Assert.StartsWith($"put the {MissionTable.ColorNames[(int)features[50] / 3]} ", raw.Mission, StringComparison.Ordinal);
        }
    }

    private static ReadOnlySpan<float> Step(CategoricalObservationWrapper wrapper, int action)
    {
        StepResult<ReadOnlyMemory<float>> result = wrapper.Step(action);
        return result.Done ? wrapper.Reset().Observation.Span : result.Observation.Span;
    }

    [Theory]
    [InlineData("MiniGrid-Fetch-5x5-N2-v0")]
    [InlineData("MiniGrid-GoToDoor-5x5-v0")]
    [InlineData("MiniGrid-DoorKey-5x5-v0")]
    public void Small_mission_sets_stay_one_feature_and_every_cardinality_fits_a_byte(string id)
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
        var wrapper = new CategoricalObservationWrapper(env);
        Assert.Equal(51, wrapper.ObservationSpace.FlatSize);
        Assert.Equal(env.Missions.Count, wrapper.ObservationSpace.Cardinalities[50]);
        Assert.All(wrapper.ObservationSpace.Cardinalities, c => Assert.InRange(c, 1, CategoricalObservationWrapper.MaxMissionCardinality));
        ReadOnlySpan<float> features = wrapper.Reset(5).Observation.Span;
        Assert.Equal(env.Observation.Mission, env.Missions[(int)features[50]]);
    }

    [Fact]
    public void Distinct_cells_get_distinct_codes()
    {
        var codes = new HashSet<int>();
        for (int t = 0; t <= 10; t++)
        {
            for (int c = 0; c <= 5; c++)
            {
                for (int s = 0; s <= 2; s++)
                {
                    Assert.True(codes.Add(new WorldCell((MiniGridObjectType)t, (MiniGridColor)c, (byte)s).CategoricalCode));
                }
            }
        }

        Assert.Equal(WorldCell.CategoricalCardinality, codes.Count);
        Assert.Equal(WorldCell.CategoricalCardinality - 1, new WorldCell(MiniGridObjectType.Agent, MiniGridColor.Grey, 2).CategoricalCode);
    }

    [Fact]
    public void One_hot_has_one_object_one_colour_one_state_per_cell_plus_direction_and_mission()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-8x8-v0");
        var wrapper = new OneHotObservationWrapper(env);
        Assert.Equal((49 * 20) + 4 + 1, wrapper.ObservationSpace.FlatSize);
        ReadOnlySpan<float> x = wrapper.Reset(4).Observation.Span;
        for (int step = 0; step < 30; step++)
        {
            MiniGridObservation raw = env.Observation;
            for (int cell = 0; cell < 49; cell++)
            {
                WorldCell c = raw[cell / 7, cell % 7];
                ReadOnlySpan<float> slot = x.Slice(cell * 20, 20);
                Assert.Equal(3f, slot.ToArray().Sum());
                Assert.Equal(1f, slot[(int)c.Type]);
                Assert.Equal(1f, slot[11 + (int)c.Color]);
                Assert.Equal(1f, slot[17 + c.State]);
            }

            Assert.Equal(1f, x[980 + raw.Direction]);
            Assert.Equal(1f, x[984]);
            x = wrapper.Step(step % 3).Observation.Span;
        }
    }

    [Fact]
    public void Fully_observable_grid_tracks_the_agent_and_the_world()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-FourRooms-v0");
        var full = new FullyObservableWrapper(env);
        MiniGridObservation observation = full.Reset(9).Observation;
        Assert.Equal(19, observation.ImageWidth);
        Assert.Equal(19 * 19 * 3, observation.Image.Length);
        for (int step = 0; step < 40; step++)
        {
            MiniGridState state = env.GetState();
            GridPosition agent = state.AgentPosition;
            for (int x = 0; x < 19; x++)
            {
                for (int y = 0; y < 19; y++)
                {
                    WorldCell expected = x == agent.X && y == agent.Y
                        ? new WorldCell(MiniGridObjectType.Agent, MiniGridColor.Red, (byte)state.AgentDirection)
                        : state.CellAt(x, y);
                    Assert.Equal(expected, observation[x, y]);
                }
            }

            StepResult<MiniGridObservation> result = full.Step(step % 3 == 0 ? 1 : 2);
            observation = result.Observation;
            if (result.Done)
            {
                break;
            }
        }

        var categorical = new CategoricalObservationWrapper(full);
        Assert.Equal((19 * 19) + 2, categorical.ObservationSpace.FlatSize);
    }
}
