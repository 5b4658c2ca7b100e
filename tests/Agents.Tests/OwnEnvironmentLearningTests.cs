using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// A user's own environment, written and registered the way the README says, trained by each
/// algorithm through <see cref="AgentFactory"/>. The oracle is the environment's optimum: every greedy
/// episode must reach the goal by the shortest path, which an untrained policy does in only half of them.
/// </summary>
public class OwnEnvironmentLearningTests
{
    private const string Id = "Test-SignpostCorridor-v0";
    private static readonly object s_registration = new();

    [Theory]
    [InlineData("ppo", 15_000, new[] { "num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=4" })]
    [InlineData("a2c", 20_000, new[] { "num_envs=4", "n_steps=8" })]
    [InlineData("awr", 20_000, new[] { "train_freq=500", "gradient_steps=20", "batch_size=256" })]
    public void Each_algorithm_finds_the_goal_of_a_registered_user_environment(string algorithm, int steps, string[] overrides)
    {
        Register();
        using var agent = AgentFactory.Create(algorithm, Id, seed: 3, AgentPresets.ParseOverrides(overrides));
        using var env = AgentFactory.MakeTrainingEnvironment(Id, 4);

        // Untrained, every logit is equal and the greedy action is 0 (left): only goals left of the start are met.
        var before = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        Assert.InRange(before.MeanReturn, 0.2, 0.8);

        agent.Learn(steps);
        var after = agent.Evaluate(env, 40, deterministic: true, seed: 100);
        // A greedy episode that reaches the goal went straight there (see SignpostCorridor): the optimum.
        Assert.All(after.Returns, r => Assert.Equal(1.0, r));
    }

    [Theory]
    [InlineData(SignpostCorridor.Fault.NaNObservation, "Environment 2 returned an observation whose element 0 is NaN from Step after 12 environment steps")]
    [InlineData(SignpostCorridor.Fault.InfiniteReward, "Environment 2 returned the reward Infinity after 12 environment steps")]
    public void A_nan_observation_or_infinite_reward_stops_training_with_an_error_naming_it(SignpostCorridor.Fault fault, string message)
    {
        string id = $"Test-SignpostCorridor{fault}-v0";
        Register(id, fault);
        using var agent = AgentFactory.Create("ppo", id, seed: 0, AgentPresets.ParseOverrides(["num_envs=4", "n_steps=8", "batch_size=32"]));
        var error = Assert.Throws<InvalidOperationException>(() => agent.Learn(32));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static void Register(string id = Id, SignpostCorridor.Fault fault = SignpostCorridor.Fault.None)
    {
        lock (s_registration)
        {
            if (!EnvironmentRegistry.IsRegistered(id))
            {
                int made = 0;
                EnvironmentRegistry.Register(
                    new EnvironmentSpec(id, SignpostCorridor.MaxSteps, null, new Dictionary<string, object?>()),
                    _ => new SignpostCorridor(made++ == 2 ? fault : SignpostCorridor.Fault.None));
            }
        }
    }

    /// <summary>
    /// A corridor of cells 0..8; the walker starts in a random cell and a sign (a categorical feature,
    /// 9 codes) names the goal cell, drawn apart from the start. Actions: 0 left, 1 right. Reaching the
    /// goal pays 1 and terminates; stepping off either end terminates with 0; the registry's time limit
    /// truncates. The right action depends on both features (right when goal > cell), so the trees must
    /// combine the numerical cell with the categorical sign. A deterministic policy that turns back
    /// revisits a state and loops until truncation, so a greedy episode that reaches the goal went
    /// straight there.
    /// </summary>
    public sealed class SignpostCorridor(SignpostCorridor.Fault fault = SignpostCorridor.Fault.None) : IEnvironment<ReadOnlyMemory<float>, int>
    {
        public const int MaxSteps = 20;
        public const int LastCell = 8;

        /// <summary>A bug to plant: the environment's third step returns it.</summary>
        public enum Fault
        {
            None,
            NaNObservation,
            InfiniteReward,
        }

        private readonly float[] _observation = new float[2];
        private int _steps;
        private Random _random = new(0);
        private int _cell;
        private int _goal;

        public Space ObservationSpace { get; } = new Box([0f, 0f], [LastCell, LastCell], cardinalities: [0, LastCell + 1]);

        public Space ActionSpace { get; } = new Discrete(2);

        public EnvironmentSpec? Spec => null;

        public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
        {
            if (seed is int s)
            {
                _random = new Random(s);
            }

            _cell = _random.Next(LastCell + 1);
            _goal = (_cell + 1 + _random.Next(LastCell)) % (LastCell + 1);
            return new(Observe(), StepInfo.Empty);
        }

        public StepResult<ReadOnlyMemory<float>> Step(int action)
        {
            if ((uint)action > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(action), action, "SignpostCorridor actions are 0 (left) or 1 (right).");
            }

            int next = _cell + (action == 1 ? 1 : -1);
            bool fell = next < 0 || next > LastCell;
            _cell = Math.Clamp(next, 0, LastCell);
            bool atGoal = !fell && _cell == _goal;
            var observation = Observe();
            bool planted = ++_steps == 3;
            if (planted && fault == Fault.NaNObservation)
            {
                _observation[0] = float.NaN;
            }

            double reward = planted && fault == Fault.InfiniteReward ? double.PositiveInfinity : atGoal ? 1.0 : 0.0;
            return new(observation, reward, atGoal || fell, false, StepInfo.Empty);
        }

        public void Dispose()
        {
        }

        private ReadOnlyMemory<float> Observe()
        {
            _observation[0] = _cell;
            _observation[1] = _goal;
            return _observation;
        }
    }
}
