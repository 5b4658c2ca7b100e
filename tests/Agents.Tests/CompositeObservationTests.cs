using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Policies on an environment whose observation is a DictSpace: the feature schema comes from the concatenated
/// cardinalities, a model file records the space in full and loads back to play the same episodes.
/// </summary>
public class CompositeObservationTests
{
    private const string Id = "Test-DictGoalCorridor-v0";
    private static readonly object s_registration = new();

    [Fact]
    public void Policy_spaces_read_a_composite_observation_as_its_flat_features_and_describe_boxes_in_full()
    {
        float[] low = [0, 0, 0, 0, 0, 0, 0, 0, 1];
        var space = new DictSpace(("goal", new Discrete(2)), ("view", new Box(low, [5, 5, 5, 5, 5, 5, 5, 5, 5])), ("bits", new MultiBinary(2)));
        Assert.Equal(new[] { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2 }, PolicySpaces.ForObservations(space).Cardinalities);
        Assert.Equal(
            "Dict('goal': Discrete(2), 'view': Box([0, 0, 0, 0, 0, 0, 0, 0, 1], [5, 5, 5, 5, 5, 5, 5, 5, 5], (9,)), 'bits': MultiBinary(2))",
            PolicySpaces.Describe(space));
    }

    [Fact]
    public void An_agent_trains_on_a_dict_observation_saves_and_loads_to_play_the_same()
    {
        lock (s_registration)
        {
            if (!EnvironmentRegistry.IsRegistered(Id))
            {
                EnvironmentRegistry.Register(new EnvironmentSpec(Id, 20, null, new Dictionary<string, object?>()), _ => new DictGoalCorridor());
            }
        }

        var saved = Path.Combine(Path.GetTempPath(), $"dict-{Guid.NewGuid():N}.rlm");
        try
        {
            using var agent = AgentFactory.Create("ppo", Id, seed: 1, AgentPresets.ParseOverrides(["num_envs=2", "n_steps=32", "batch_size=32", "n_epochs=2"]));
            agent.Learn(256);
            agent.Save(saved);
            using var env = AgentFactory.MakeTrainingEnvironment(Id, 2);
            var before = agent.Evaluate(env, 6, deterministic: true, seed: 7);
            using var loaded = ActorCriticAgent.Load(saved);
            using var again = AgentFactory.MakeTrainingEnvironment(Id, 2);
            var after = loaded.Evaluate(again, 6, deterministic: true, seed: 7);
            Assert.Equal(before.Returns, after.Returns);
            Assert.Equal(before.Lengths, after.Lengths);
        }
        finally
        {
            File.Delete(saved);
        }
    }

    /// <summary>
    /// A corridor of cells 0..4 starting at 2; 'goal' Discrete(2) says which end pays (0: cell 0, 1: cell 4),
    /// 'position' Box(0, 4, (1,)) is the cell. Actions: 0 left, 1 right; reaching an end terminates with reward 1 at the
    /// goal, else 0.
    /// </summary>
    private sealed class DictGoalCorridor : IEnvironment<ReadOnlyMemory<float>, int>
    {
        private readonly DictSpace _space = new(("goal", new Discrete(2)), ("position", new Box(0f, 4f, 1)));
        private readonly float[] _observation = new float[2];
        private Random _random = new(0);
        private int _goal;
        private int _cell;

        public Space ObservationSpace => _space;

        public Space ActionSpace { get; } = new Discrete(2);

        public EnvironmentSpec? Spec => null;

        public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
        {
            if (seed is int s)
            {
                _random = new Random(s);
            }

            (_goal, _cell) = (_random.Next(2), 2);
            Observe();
            return new(_observation, StepInfo.Empty);
        }

        public StepResult<ReadOnlyMemory<float>> Step(int action)
        {
            _cell += action == 1 ? 1 : -1;
            Observe();
            bool end = _cell is 0 or 4;
            return new(_observation, end && _cell == _goal * 4 ? 1.0 : 0.0, end, false, StepInfo.Empty);
        }

        public void Dispose()
        {
        }

        private void Observe()
        {
            _space.Write(_observation, "goal", _goal);
            _space.Slice(_observation, "position")[0] = _cell;
        }
    }
}
