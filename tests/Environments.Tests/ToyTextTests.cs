using RLFramework.Environments.ToyText;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

public class ToyTextTests
{
    [Theory]
    [InlineData("FrozenLake-v1", 100, 16)]
    [InlineData("FrozenLake8x8-v1", 200, 64)]
    [InlineData("Taxi-v3", 200, 500)]
    public void Registry_has_the_reference_time_limits_and_sizes(string id, int maxSteps, int states)
    {
        using var env = Environments.Make<int, int>(id);
        Assert.Equal(maxSteps, env.Find<TimeLimit<int, int>>()!.MaxEpisodeSteps);
        Assert.Equal(states, ((ToyTextEnvironment)env.Unwrapped()).P.NumStates);
    }

    [Fact]
    public void CliffWalking_has_no_time_limit()
    {
        using var env = Environments.Make<int, int>("CliffWalking-v0");
        Assert.Null(env.Find<TimeLimit<int, int>>());
        Assert.Equal(36, env.Reset(seed: 4).Observation);
    }

    [Fact]
    public void FrozenLake_is_slippery_by_default_and_every_outcome_list_sums_to_one()
    {
        var env = (FrozenLakeEnvironment)Environments.Make("FrozenLake8x8-v1").Unwrapped();
        Assert.True(env.Options.IsSlippery);
        Assert.Equal(FrozenLakeMaps.EightByEight, env.Map);
        for (int s = 0; s < env.P.NumStates; s++)
        {
            for (int a = 0; a < 4; a++)
            {
                double total = 0;
                foreach (Transition t in env.P[s, a])
                {
                    total += t.Probability;
                }

                Assert.Equal(1.0, total, 12);
            }
        }
    }

    [Fact]
    public void FrozenLake_custom_map_success_rate_and_reward_schedule()
    {
        var options = EnvironmentOptions.FromPairs(
            ("desc", new[] { "SFG", "FHF" }), ("success_rate", 0.8), ("reward_schedule", new[] { 10.0, -5.0, -1.0 }));
        var env = (FrozenLakeEnvironment)Environments.Make("FrozenLake-v1", options).Unwrapped();
        ReadOnlySpan<Transition> right = env.P[0, 2];
        // Sideways ((a - 1) % 4: down), intended (right), sideways ((a + 1) % 4: up), with (1 - 0.8) / 2 each side.
        Assert.Equal(new Transition((1.0 - 0.8) / 2.0, 3, -1, false), right[0]);
        Assert.Equal(new Transition(0.8, 1, -1, false), right[1]);
        Assert.Equal(new Transition((1.0 - 0.8) / 2.0, 0, -1, false), right[2]);
        Assert.Equal(new Transition(0.8, 2, 10, true), env.P[1, 2][1]);
        Assert.Equal(new Transition(0.8, 4, -5, true), env.P[1, 1][1]);
        Assert.Equal(new Transition(1.0, 2, 0, true), Assert.Single(env.P[2, 0].ToArray())); // G is absorbing
    }

    [Fact]
    public void FrozenLake_sampling_follows_the_transition_probabilities()
    {
        var env = new FrozenLakeEnvironment(new FrozenLakeOptions { SuccessRate = 0.6 });
        env.Reset(seed: 123);
        var counts = new int[16];
        const int Trials = 20000;
        for (int i = 0; i < Trials; i++)
        {
            env.SetState(5 + 1); // state 6, moving down: 5 (hole, left), 10 (down), 7 (hole, right)
            counts[env.Step(1).Observation]++;
        }

        // Binomial standard deviations are below 0.004; allow 5 of them.
        Assert.Equal(0.2, counts[5] / (double)Trials, 0.02);
        Assert.Equal(0.6, counts[10] / (double)Trials, 0.02);
        Assert.Equal(0.2, counts[7] / (double)Trials, 0.02);
    }

    [Fact]
    public void FrozenLake_bad_options_are_named()
    {
        Assert.Contains("5x5", Assert.Throws<ArgumentException>(() => new FrozenLakeEnvironment(new FrozenLakeOptions { MapName = "5x5" })).Message, StringComparison.Ordinal);
        Assert.Contains("'X'", Assert.Throws<ArgumentException>(() => new FrozenLakeEnvironment(new FrozenLakeOptions { Desc = ["SX", "FG"] })).Message, StringComparison.Ordinal);
        Assert.Contains("no start", Assert.Throws<ArgumentException>(() => new FrozenLakeEnvironment(new FrozenLakeOptions { Desc = ["FF", "FG"] })).Message, StringComparison.Ordinal);
        Assert.Contains("success_rate", Assert.Throws<ArgumentException>(() => new FrozenLakeEnvironment(new FrozenLakeOptions { SuccessRate = 1.5 })).Message, StringComparison.Ordinal);
        Assert.Contains("reward_schedule", Assert.Throws<ArgumentException>(() => new FrozenLakeEnvironment(new FrozenLakeOptions { RewardSchedule = [1, 0] })).Message, StringComparison.Ordinal);
        Assert.Contains("slippery", Assert.Throws<ArgumentException>(() => Environments.Make("FrozenLake-v1", EnvironmentOptions.FromPairs(("slippery", true)))).Message, StringComparison.Ordinal);
        Assert.Contains("map_name", Assert.Throws<ArgumentException>(() => Environments.Make("FrozenLake-v1", EnvironmentOptions.FromPairs(("map_name", null)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_maps_have_a_path_and_repeat_under_a_seed()
    {
        IReadOnlyList<string> map = FrozenLakeMaps.GenerateRandom(size: 6, frozenProbability: 0.6, seed: 9);
        Assert.Equal(map, FrozenLakeMaps.GenerateRandom(size: 6, frozenProbability: 0.6, seed: 9));
        var env = new FrozenLakeEnvironment(new FrozenLakeOptions { Desc = map, IsSlippery = false });
        // Breadth-first search over the non-slippery transition table reaches the goal.
        var seen = new bool[36];
        var queue = new Queue<int>([0]);
        bool reached = false;
        while (queue.Count > 0)
        {
            int s = queue.Dequeue();
            for (int a = 0; a < 4; a++)
            {
                Transition t = env.P[s, a][0];
                reached |= t.Reward == 1;
                if (!seen[t.NextState] && !t.Terminated)
                {
                    seen[t.NextState] = true;
                    queue.Enqueue(t.NextState);
                }
            }
        }

        Assert.True(reached);
    }

    [Fact]
    public void Taxi_encode_and_decode_are_inverse_and_resets_are_valid_starts()
    {
        for (int s = 0; s < 500; s++)
        {
            (int row, int col, int passenger, int destination) = TaxiEnvironment.Decode(s);
            Assert.Equal(s, TaxiEnvironment.Encode(row, col, passenger, destination));
        }

        var env = new TaxiEnvironment();
        for (int seed = 0; seed < 200; seed++)
        {
            ResetResult<int> reset = env.Reset(seed);
            (_, _, int passenger, int destination) = TaxiEnvironment.Decode(reset.Observation);
            Assert.InRange(passenger, 0, 3);
            Assert.NotEqual(destination, passenger);
            Assert.True(reset.Info.HasActionMask);
        }
    }

    [Fact]
    public void Taxi_action_mask_marks_exactly_the_actions_that_do_something()
    {
        var env = new TaxiEnvironment();
        for (int s = 0; s < 500; s++)
        {
            ulong mask = env.GetActionMask(s);
            for (int a = 0; a < 6; a++)
            {
                Transition t = env.P[s, a][0];
                bool doesSomething = a < 4 ? t.NextState != s : t.Reward != -10;
                Assert.True(doesSomething == ((mask >> a & 1) != 0), $"state {s} {TaxiEnvironment.Decode(s)} action {a}: P says {t}");

                // Each step reports the mask of the state it leads to.
                env.SetState(s);
                StepResult<int> result = env.Step(a);
                Assert.Equal(env.GetActionMask(result.Observation), result.Info.ActionMask);
            }
        }
    }

    [Fact]
    public void Taxi_rainy_moves_slip_sideways_with_probability_one_tenth()
    {
        var rainy = new TaxiEnvironment(new TaxiOptions { IsRainy = true });
        var dry = new TaxiEnvironment();
        for (int s = 0; s < 500; s++)
        {
            for (int a = 0; a < 6; a++)
            {
                ReadOnlySpan<Transition> outcomes = rainy.P[s, a];
                Transition intended = outcomes[0];
                Assert.Equal(dry.P[s, a][0].NextState, intended.NextState);
                if (a < 4)
                {
                    Assert.Equal([0.8, 0.1, 0.1], [outcomes[0].Probability, outcomes[1].Probability, outcomes[2].Probability]);
                }
                else
                {
                    Assert.Equal(dry.P[s, a][0], Assert.Single(outcomes.ToArray()));
                }
            }
        }

        // From (2, 2) going north, the slips go west to (2, 1) and east to (2, 3).
        int start = TaxiEnvironment.Encode(2, 2, 0, 1);
        Assert.Equal(TaxiEnvironment.Encode(2, 1, 0, 1), rainy.P[start, 1][1].NextState);
        Assert.Equal(TaxiEnvironment.Encode(2, 3, 0, 1), rainy.P[start, 1][2].NextState);
    }

    [Fact]
    public void Taxi_fickle_passenger_changes_destination_once_in_about_thirty_percent_of_episodes()
    {
        var env = new TaxiEnvironment(new TaxiOptions { FicklePassenger = true });
        int changed = 0;
        const int Episodes = 1000;
        for (int seed = 0; seed < Episodes; seed++)
        {
            env.Reset(seed);
            env.SetState(TaxiEnvironment.Encode(0, 0, 4, 1)); // passenger in the taxi at R, going to G
            int afterMove = env.Step(0).Observation;          // south
            int destination = TaxiEnvironment.Decode(afterMove).Destination;
            Assert.Equal((1, 0, 4), (TaxiEnvironment.Decode(afterMove).TaxiRow, TaxiEnvironment.Decode(afterMove).TaxiCol, TaxiEnvironment.Decode(afterMove).PassengerLocation));
            if (destination != 1)
            {
                changed++;
                int again = TaxiEnvironment.Decode(env.Step(1).Observation).Destination;
                Assert.Equal(destination, again); // only once per episode
            }
        }

        Assert.Equal(0.3, changed / (double)Episodes, 0.05);
    }

    [Fact]
    public void CliffWalking_slippery_has_three_equally_likely_outcomes()
    {
        var env = (CliffWalkingEnvironment)Environments.Make("CliffWalking-v0", EnvironmentOptions.FromPairs(("is_slippery", true))).Unwrapped();
        ReadOnlySpan<Transition> right = env.P[36, 1];
        Assert.Equal(3, right.Length);
        Assert.Equal(new Transition(1.0 / 3, 24, -1, false), right[0]);  // up
        Assert.Equal(new Transition(1.0 / 3, 36, -100, false), right[1]); // right: the cliff
        Assert.Equal(new Transition(1.0 / 3, 36, -1, false), right[2]);   // down: the boundary
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var env = new FrozenLakeEnvironment();
        Assert.Contains("before Reset", Assert.Throws<InvalidOperationException>(() => env.Step(0)).Message, StringComparison.Ordinal);
        env.Reset(seed: 0);
        Assert.Contains("Discrete(4)", Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(4)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.SetState(16));
        var nonSlippery = new FrozenLakeEnvironment(new FrozenLakeOptions { IsSlippery = false });
        nonSlippery.SetState(14);
        Assert.True(nonSlippery.Step(2).Terminated);
        Assert.Contains("after the episode terminated", Assert.Throws<InvalidOperationException>(() => nonSlippery.Step(2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => nonSlippery.P[0, 4].Length);
    }
}
