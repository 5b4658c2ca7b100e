using RLFramework.Environments.Checking;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// A counter whose observation is [t, 10 t]: Reset(seed) starts at t = seed (1 without a seed), every step adds one,
/// and the k-th step of an episode rewards 1.5 k - 4.5 (-3, -1.5, 0, 1.5, 3, 4.5, ...). Never ends; records the
/// actions it takes. Stacks, delays and times are then readable by eye.
/// </summary>
internal sealed class CounterEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly float[] _observation = new float[2];
    private int _t;
    private int _k;

    public CounterEnvironment(int? maxEpisodeSteps = null, Box? space = null)
    {
        ObservationSpace = space ?? new Box([0f, 0f], [100f, 1000f]);
        Spec = maxEpisodeSteps is int limit ? new EnvironmentSpec("Counter-v0", limit, null, new Dictionary<string, object?>()) : null;
    }

    public Space ObservationSpace { get; }

    public Space ActionSpace { get; } = new Discrete(3);

    public EnvironmentSpec? Spec { get; }

    /// <summary>The actions taken, when not null.</summary>
    public List<int>? Actions { get; set; }

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _t = seed ?? 1;
        _k = 0;
        Observe();
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        Actions?.Add(action);
        _t++;
        _k++;
        Observe();
        return new(_observation, (1.5 * _k) - 4.5, false, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Observe()
    {
        _observation[0] = _t;
        _observation[1] = 10 * _t;
    }
}

/// <summary>
/// A Dict observation ('position': Box(-50, 50, 2), 'goal': Discrete(4), 'agent': Box(0, 100, 1)), keys in that
/// (unsorted) order: after step t of an episode position = [t, -t], goal = t mod 4, agent = [2 t]; truncated after 20
/// steps. Deterministic, so the checker can run on it.
/// </summary>
internal sealed class DictCounterEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly float[] _observation = new float[4];
    private int _t;

    public Space ObservationSpace { get; } = new DictSpace(("position", new Box(-50f, 50f, 2)), ("goal", new Discrete(4)), ("agent", new Box(0f, 100f, 1)));

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _t = 0;
        Observe();
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        if (_t >= 20)
        {
            throw new InvalidOperationException("The episode is over.");
        }

        _t++;
        Observe();
        return new(_observation, action, false, _t >= 20, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Observe()
    {
        var space = (DictSpace)ObservationSpace;
        var position = space.Slice(_observation, "position");
        position[0] = _t;
        position[1] = -_t;
        space.Write(_observation, "goal", _t % 4);
        space.Slice(_observation, "agent")[0] = 2 * _t;
    }
}

public class GymnasiumWrappersTests
{
    private static float[] Obs(ResetResult<ReadOnlyMemory<float>> r) => r.Observation.ToArray();

    private static float[] Obs(StepResult<ReadOnlyMemory<float>> r) => r.Observation.ToArray();

    private static Box BoxOf(IEnvironment env) => Assert.IsType<Box>(env.ObservationSpace);

    // ---------------- FrameStackObservation ----------------

    [Fact]
    public void Frame_stack_with_reset_padding_repeats_the_reset_observation_and_rolls_oldest_first()
    {
        using var env = new FrameStackObservation<int>(new CounterEnvironment(), 3);
        Assert.Equal(FramePadding.Reset, env.Padding);
        Assert.Equal([4f, 40, 4, 40, 4, 40], Obs(env.Reset(seed: 4)));
        Assert.Equal([4f, 40, 4, 40, 5, 50], Obs(env.Step(0)));
        Assert.Equal([4f, 40, 5, 50, 6, 60], Obs(env.Step(0)));
        Assert.Equal([5f, 50, 6, 60, 7, 70], Obs(env.Step(0)));
        Assert.Equal([1f, 10, 1, 10, 1, 10], Obs(env.Reset(seed: 1))); // nothing of the last episode is left
        Assert.Equal([1f, 10, 1, 10, 2, 20], Obs(env.Step(0)));
    }

    [Fact]
    public void Frame_stack_with_zero_padding_pads_with_zeros_at_every_reset()
    {
        using var env = new FrameStackObservation<int>(new CounterEnvironment(), 3, FramePadding.Zero);
        Assert.Equal([0f, 0, 0, 0, 4, 40], Obs(env.Reset(seed: 4)));
        Assert.Equal([0f, 0, 4, 40, 5, 50], Obs(env.Step(0)));
        Assert.Equal([4f, 40, 5, 50, 6, 60], Obs(env.Step(0)));
        Assert.Equal([5f, 50, 6, 60, 7, 70], Obs(env.Step(0)));
        Assert.Equal([0f, 0, 0, 0, 1, 10], Obs(env.Reset(seed: 1)));
        Assert.Equal([0f, 0, 1, 10, 2, 20], Obs(env.Step(0)));
    }

    [Fact]
    public void Zero_padding_is_the_bound_nearest_zero_where_the_bounds_exclude_zero()
    {
        // Gymnasium's create_zero_array: low where low > 0, high where high < 0.
        var space = new Box([2f, -1000f], [100f, -5f]);
        using var env = new FrameStackObservation<int>(new CounterEnvironment(space: space), 2, FramePadding.Zero);
        Assert.Equal([2f, -5, 4, 40], Obs(env.Reset(seed: 4)));
    }

    [Fact]
    public void Frame_stack_with_a_custom_padding_uses_it_and_rejects_one_outside_the_space()
    {
        using var env = new FrameStackObservation<int>(new CounterEnvironment(), 3, [7f, 8f]);
        Assert.Equal(FramePadding.Custom, env.Padding);
        Assert.Equal([7f, 8, 7, 8, 4, 40], Obs(env.Reset(seed: 4)));
        var e = Assert.Throws<ArgumentException>(() => new FrameStackObservation<int>(new CounterEnvironment(), 3, [-1f, 8f]));
        Assert.Contains("not a value of the observation space", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FrameStackObservation<int>(new CounterEnvironment(), 3, FramePadding.Custom));
    }

    [Fact]
    public void Frame_stack_space_repeats_bounds_and_cardinalities_per_frame()
    {
        var inner = new Box([0f, 0f], [100f, 4f], null, [0, 5]);
        using var env = new FrameStackObservation<int>(new CounterEnvironment(space: inner), 3);
        var box = BoxOf(env);
        Assert.Equal([3, 2], box.Shape);
        Assert.Equal([0f, 0, 0, 0, 0, 0], box.Low.ToArray());
        Assert.Equal([100f, 4, 100, 4, 100, 4], box.High.ToArray());
        Assert.Equal([0, 5, 0, 5, 0, 5], box.Cardinalities);
        Assert.Same(env.Inner.ActionSpace, env.ActionSpace);
    }

    [Fact]
    public void Frame_stack_of_one_is_the_observation_and_a_stack_below_one_is_an_error()
    {
        using var env = new FrameStackObservation<int>(new CounterEnvironment(), 1);
        Assert.Equal([1, 2], BoxOf(env).Shape);
        Assert.Equal([4f, 40], Obs(env.Reset(seed: 4)));
        Assert.Equal([5f, 50], Obs(env.Step(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameStackObservation<int>(new CounterEnvironment(), 0));
    }

    // ---------------- DelayObservation ----------------

    [Fact]
    public void Delay_returns_zeros_until_the_queue_is_longer_than_the_delay_then_the_observation_of_delay_steps_ago()
    {
        using var env = new DelayObservation<int>(new CounterEnvironment(), 2);
        Assert.Equal([0f, 0], Obs(env.Reset(seed: 4)));
        Assert.Equal([0f, 0], Obs(env.Step(0)));
        Assert.Equal([4f, 40], Obs(env.Step(0))); // the reset observation, two steps late
        Assert.Equal([5f, 50], Obs(env.Step(0)));
        Assert.Equal([6f, 60], Obs(env.Step(0)));
        Assert.Equal([0f, 0], Obs(env.Reset(seed: 1))); // the queue is emptied
        Assert.Equal([0f, 0], Obs(env.Step(0)));
        Assert.Equal([1f, 10], Obs(env.Step(0)));
        Assert.Same(env.Inner.ObservationSpace, env.ObservationSpace);
    }

    [Fact]
    public void Delay_zero_passes_through_and_zeros_respect_the_bounds()
    {
        using var none = new DelayObservation<int>(new CounterEnvironment(), 0);
        Assert.Equal([4f, 40], Obs(none.Reset(seed: 4)));
        Assert.Equal([5f, 50], Obs(none.Step(0)));

        using var bounded = new DelayObservation<int>(new CounterEnvironment(space: new Box([2f, -1000f], [100f, -5f])), 1);
        Assert.Equal([2f, -5], Obs(bounded.Reset(seed: 4)));
        Assert.Equal([4f, 40], Obs(bounded.Step(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DelayObservation<int>(new CounterEnvironment(), -1));
    }

    // ---------------- TimeAwareObservation ----------------

    [Fact]
    public void Time_aware_appends_the_elapsed_steps_with_bounds_zero_to_the_limit()
    {
        using var env = new TimeAwareObservation<int>(new CounterEnvironment(maxEpisodeSteps: 5));
        Assert.Equal(5, env.MaxEpisodeSteps);
        var box = BoxOf(env);
        Assert.Equal([3], box.Shape);
        Assert.Equal([0f, 0, 0], box.Low.ToArray());
        Assert.Equal([100f, 1000, 5], box.High.ToArray());
        Assert.Equal([4f, 40, 0], Obs(env.Reset(seed: 4)));
        Assert.Equal([5f, 50, 1], Obs(env.Step(0)));
        Assert.Equal([6f, 60, 2], Obs(env.Step(0)));
        Assert.Equal([1f, 10, 0], Obs(env.Reset(seed: 1)));
        Assert.Equal([2f, 20, 1], Obs(env.Step(0)));
    }

    [Fact]
    public void Normalized_time_is_t_over_the_limit_in_zero_one()
    {
        using var env = new TimeAwareObservation<int>(new CounterEnvironment(maxEpisodeSteps: 5), normalizeTime: true);
        Assert.Equal([100f, 1000, 1], BoxOf(env).High.ToArray());
        Assert.Equal(0f, Obs(env.Reset(seed: 4))[2]);
        Assert.Equal((float)(1.0 / 5), Obs(env.Step(0))[2]);
        Assert.Equal((float)(2.0 / 5), Obs(env.Step(0))[2]);
        Assert.Equal(0.4f, env.Step(0).Observation.Span[2] - 0.2f, 6);
    }

    [Fact]
    public void Time_aware_keeps_categorical_cardinalities_and_makes_time_numerical()
    {
        var inner = new Box([0f, 0f], [100f, 4f], null, [0, 5]);
        using var env = new TimeAwareObservation<int>(new CounterEnvironment(space: inner), maxEpisodeSteps: 9);
        Assert.Equal([0, 5, 0], BoxOf(env).Cardinalities);
        Assert.Equal(9f, BoxOf(env).High[2]);
    }

    [Fact]
    public void Time_aware_takes_the_limit_from_the_argument_then_the_chain_then_the_spec_else_fails()
    {
        using (var argument = new TimeAwareObservation<int>(new CounterEnvironment(maxEpisodeSteps: 5), maxEpisodeSteps: 8))
        {
            Assert.Equal(8, argument.MaxEpisodeSteps);
        }

        using (var chain = new TimeAwareObservation<int>(new TimeLimit<ReadOnlyMemory<float>, int>(new CounterEnvironment(), 7)))
        {
            Assert.Equal(7, chain.MaxEpisodeSteps);
        }

        // Make's override sets the TimeLimit but not the registry spec: the chain wins, as Gymnasium's updated spec would.
        using (var made = new TimeAwareObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1", maxEpisodeSteps: 100)))
        {
            Assert.Equal(100, made.MaxEpisodeSteps);
        }

        var e = Assert.Throws<ArgumentException>(() => new TimeAwareObservation<int>(new CounterEnvironment()));
        Assert.Contains("step limit", e.Message, StringComparison.Ordinal);
        Assert.Contains("maxEpisodeSteps", e.Message, StringComparison.Ordinal);
    }

    // ---------------- ClipReward, TransformReward ----------------

    [Fact]
    public void Clip_reward_clips_into_the_bounds_and_an_infinite_bound_leaves_that_side_open()
    {
        using var both = new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), -1, 2);
        both.Reset();
        double[] expected = [-1, -1, 0, 1.5, 2, 2]; // rewards -3, -1.5, 0, 1.5, 3, 4.5
        foreach (double e in expected)
        {
            Assert.Equal(e, both.Step(0).Reward);
        }

        using var upper = new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), maxReward: 0);
        upper.Reset();
        double[] open = [-3, -1.5, 0, 0, 0, 0];
        foreach (double e in open)
        {
            Assert.Equal(e, upper.Step(0).Reward);
        }
    }

    [Fact]
    public void Clip_reward_rejects_min_above_max_nan_and_no_bound()
    {
        Assert.Contains("above", Assert.Throws<ArgumentException>(() => new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), 2, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), double.NaN, 1));
        Assert.Throws<ArgumentException>(() => new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment()));
        using var point = new ClipReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), 1, 1); // min == max is allowed
        point.Reset();
        Assert.Equal(1, point.Step(0).Reward);
    }

    [Fact]
    public void Transform_reward_applies_the_function_to_each_reward()
    {
        using var env = new TransformReward<ReadOnlyMemory<float>, int>(new CounterEnvironment(), static r => (2 * r) + 1);
        env.Reset();
        Assert.Equal(-5, env.Step(0).Reward);
        Assert.Equal(-2, env.Step(0).Reward);
        Assert.Equal(1, env.Step(0).Reward);
    }

    // ---------------- TransformObservation ----------------

    [Fact]
    public void Transform_observation_writes_through_the_span_function_into_the_given_space()
    {
        var space = new Box([0f, 0f, 0f], [1100f, 1e6f, 1f]);
        using var env = new TransformObservation<int>(
            new CounterEnvironment(),
            static (input, output) =>
            {
                output[0] = input[0] + input[1];
                output[1] = input[0] * input[1];
                output[2] = 1;
            },
            space);
        Assert.Same(space, env.ObservationSpace);
        Assert.Equal([44f, 160, 1], Obs(env.Reset(seed: 4)));
        Assert.Equal([55f, 250, 1], Obs(env.Step(0)));

        using var same = new TransformObservation<int>(new CounterEnvironment(), static (input, output) => input.CopyTo(output));
        Assert.Same(same.Inner.ObservationSpace, same.ObservationSpace);
        Assert.Throws<ArgumentException>(() => new TransformObservation<int>(new CounterEnvironment(), static (i, o) => { }, new Discrete(3)));
    }

    // ---------------- StickyAction ----------------

    private static List<int> TakenActions(double p, int? seed, int steps, int episodes = 1)
    {
        var counter = new CounterEnvironment { Actions = [] };
        using var env = new StickyAction<ReadOnlyMemory<float>, int>(counter, p);
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(e == 0 ? seed : null);
            for (int i = 0; i < steps; i++)
            {
                env.Step(i % 3);
            }
        }

        return counter.Actions!;
    }

    [Fact]
    public void Sticky_action_with_probability_zero_never_repeats()
    {
        var taken = TakenActions(0, seed: 3, steps: 30);
        for (int i = 0; i < taken.Count; i++)
        {
            Assert.Equal(i % 3, taken[i]);
        }
    }

    [Fact]
    public void Sticky_action_with_probability_one_repeats_the_first_action_of_each_episode()
    {
        var taken = TakenActions(1, seed: 3, steps: 10, episodes: 2);
        Assert.All(taken, a => Assert.Equal(0, a)); // every episode starts with action 0
        var counter = new CounterEnvironment { Actions = [] };
        using var env = new StickyAction<ReadOnlyMemory<float>, int>(counter, 1);
        env.Reset(seed: 0);
        env.Step(2);
        env.Step(1);
        Assert.True(env.LastStepRepeated);
        env.Reset();
        env.Step(1); // reset forgot the previous action: the first step takes the given one
        Assert.False(env.LastStepRepeated);
        env.Step(0);
        Assert.Equal([2, 2, 1, 1], counter.Actions);
    }

    [Fact]
    public void Sticky_action_repeats_exactly_when_the_documented_generator_draws_below_p()
    {
        // Oracle: xoshiro256** seeded with seed ^ 0x5EED57C1, one draw per step after the first, repeat when u < p.
        const int Seed = 11;
        const double P = 0.5;
        const int Steps = 10_000;
        var random = new Xoshiro256(Seed ^ 0x5EED57C1);
        var counter = new CounterEnvironment { Actions = [] };
        using var env = new StickyAction<ReadOnlyMemory<float>, int>(counter, P);
        env.Reset(seed: Seed);
        int previous = -1, repeats = 0;
        for (int i = 0; i < Steps; i++)
        {
            int given = i % 3;
            env.Step(given);
            bool repeat = i > 0 && random.NextDouble() < P;
            int expected = repeat ? previous : given;
            Assert.Equal(expected, counter.Actions![i]);
            Assert.Equal(repeat, env.LastStepRepeated);
            previous = expected;
            repeats += repeat ? 1 : 0;
        }

        // 9,999 Bernoulli(0.5) trials: mean 4,999.5, sd 50; five sd either side.
        Assert.InRange(repeats, 4749, 5250);
    }

    [Fact]
    public void Sticky_action_same_seed_same_repeats_and_another_seed_others()
    {
        Assert.Equal(TakenActions(0.5, seed: 5, steps: 200, episodes: 3), TakenActions(0.5, seed: 5, steps: 200, episodes: 3));
        Assert.NotEqual(TakenActions(0.5, seed: 5, steps: 200), TakenActions(0.5, seed: 6, steps: 200));
    }

    [Fact]
    public void Sticky_action_keeps_a_copy_of_vector_actions_when_the_caller_reuses_its_buffer()
    {
        var spy = new ActionSpyEnvironment();
        using var floats = new StickyAction<int, ReadOnlyMemory<float>>(spy, 1);
        floats.Reset(seed: 0);
        var buffer = new[] { -1f, 4f };
        floats.Step(buffer);
        buffer[0] = -0.5f;
        buffer[1] = 3.5f;
        floats.Step(buffer);
        Assert.Equal([-1f, 4f], spy.LastAction);

        using var ints = new StickyAction<ReadOnlyMemory<float>, ReadOnlyMemory<int>>(new ChordEnvironment(length: 10), 1);
        ints.Reset(seed: 0);
        var chord = new[] { 2, 1 };
        ints.Step(chord);
        chord[0] = 0;
        chord[1] = 0;
        Assert.Equal([2f, 1, 2], ints.Step(chord).Observation.ToArray()); // the chord environment observes its last action
    }

    [Fact]
    public void Sticky_action_rejects_a_probability_outside_zero_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StickyAction<ReadOnlyMemory<float>, int>(new CounterEnvironment(), -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StickyAction<ReadOnlyMemory<float>, int>(new CounterEnvironment(), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StickyAction<ReadOnlyMemory<float>, int>(new CounterEnvironment(), double.NaN));
    }

    // ---------------- FilterObservation ----------------

    [Fact]
    public void Filter_keeps_the_listed_keys_in_ordinal_order_whatever_the_listed_order()
    {
        var inner = new DictCounterEnvironment();
        var innerSpace = (DictSpace)inner.ObservationSpace;
        using var env = new FilterObservation<int>(inner, "position", "agent");
        var space = Assert.IsType<DictSpace>(env.ObservationSpace);
        Assert.Equal(["agent", "position"], space.Keys);
        Assert.Same(innerSpace["agent"], space["agent"]);
        Assert.Same(innerSpace["position"], space["position"]);
        Assert.Equal(3, space.FlatSize);
        Assert.Equal([0f, 0, 0], Obs(env.Reset()));
        Assert.Equal([2f, 1, -1], Obs(env.Step(0)));   // agent = [2t], position = [t, -t]
        Assert.Equal([4f, 2, -2], Obs(env.Step(0)));

        using var goal = new FilterObservation<int>(new DictCounterEnvironment(), "goal");
        goal.Reset();
        goal.Step(0);
        goal.Step(0);
        Assert.Equal([3f], Obs(goal.Step(0))); // goal = t mod 4
    }

    [Fact]
    public void Filter_errors_name_the_missing_keys_and_list_the_space_keys()
    {
        var e = Assert.Throws<ArgumentException>(() => new FilterObservation<int>(new DictCounterEnvironment(), "agent", "speed"));
        Assert.Contains("speed", e.Message, StringComparison.Ordinal);
        Assert.Contains("position, goal, agent", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FilterObservation<int>(new DictCounterEnvironment()));
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new FilterObservation<int>(new DictCounterEnvironment(), "goal", "goal")).Message, StringComparison.Ordinal);
        Assert.Contains("DictSpace", Assert.Throws<ArgumentException>(() => new FilterObservation<int>(new CounterEnvironment(), "goal")).Message, StringComparison.Ordinal);
    }

    // ---------------- RescaleObservation ----------------

    [Fact]
    public void Rescale_maps_the_bounds_onto_min_max_and_the_midpoint_onto_the_midpoint()
    {
        using var env = new RescaleObservation<int>(new CounterEnvironment(), -1f, 1f); // inner Box([0, 0], [100, 1000])
        var box = BoxOf(env);
        Assert.Equal([2], box.Shape);
        Assert.Equal([-1f, -1], box.Low.ToArray());
        Assert.Equal([1f, 1], box.High.ToArray());
        Assert.Equal([-1f, -1], Obs(env.Reset(seed: 0)));
        Assert.Equal([1f, 1], Obs(env.Reset(seed: 100)));
        Assert.Equal([0f, 0], Obs(env.Reset(seed: 50)));
        Assert.Equal([(0.02f * 51) - 1, (0.002f * 510) - 1], Obs(env.Step(0)));
    }

    [Fact]
    public void Rescale_shifts_half_bounded_elements_and_passes_unbounded_ones()
    {
        var inner = new Box([float.NegativeInfinity, 2f], [float.PositiveInfinity, float.PositiveInfinity]);
        using var env = new RescaleObservation<int>(new CounterEnvironment(space: inner),
            [float.NegativeInfinity, 5f], [float.PositiveInfinity, float.PositiveInfinity]);
        Assert.Equal([4f, 43], Obs(env.Reset(seed: 4))); // element 1 shifted by 5 - 2
    }

    [Fact]
    public void Rescale_rejects_infinite_bounds_mapped_to_finite_ones_and_min_above_max()
    {
        using var cartPole = Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1");
        var e = Assert.Throws<ArgumentException>(() => new RescaleObservation<int>(cartPole, -1f, 1f));
        Assert.Contains("element 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("infinite", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RescaleObservation<int>(new CounterEnvironment(), 1f, -1f));
    }

    // ---------------- Registry environments through Apply, under the checker ----------------

    public static TheoryData<string, string> CheckedSpecs() => new()
    {
        { "CartPole-v1", "frame_stack_observation:stack_size=3" },
        { "CartPole-v1", "frame_stack_observation:stack_size=4,padding_type=zero" },
        { "CartPole-v1", "time_aware_observation" },
        { "CartPole-v1", "time_aware_observation:normalize_time=true" },
        { "CartPole-v1", "delay_observation:delay=2" },
        { "CartPole-v1", "clip_reward:min=-0.5,max=0.5" },
        { "CartPole-v1", "sticky_action:repeat_action_probability=0.25" },
        { "Pendulum-v1", "sticky_action:repeat_action_probability=0.25" },
        { "Pendulum-v1", "rescale_observation:min=0,max=1" },
        { "Pendulum-v1", "clip_action" },
        { "Pendulum-v1", "rescale_action:min=-2,max=2" },
        { "MountainCar-v0", "frame_stack_observation:stack_size=2" },
        { "FrozenLake-v1", "flatten_observation" },
        { "FrozenLake-v1", "clip_reward:max=0.5" },
        { "Taxi-v3", "sticky_action:repeat_action_probability=0.5" },
    };

    [Theory]
    [MemberData(nameof(CheckedSpecs))]
    public void Wrapped_registry_environment_passes_the_checker(string id, string spec)
    {
        using var env = EnvironmentWrappers.Apply(EnvironmentRegistry.Make(id), spec);
        var report = EnvironmentChecker.Check(env, seed: 42);
        Assert.True(report.IsValid, report.ToString());
    }

    [Fact]
    public void Filtered_dict_environment_passes_the_checker()
    {
        // OrderEnforcing: the checker expects Step before Reset and after the end to throw.
        using var env = EnvironmentWrappers.Apply(new OrderEnforcing<ReadOnlyMemory<float>, int>(new DictCounterEnvironment()), "filter_observation:keys=position;agent");
        Assert.Equal(["agent", "position"], Assert.IsType<FilterObservation<int>>(env).Keys);
        var report = EnvironmentChecker.Check(env, seed: 1);
        Assert.True(report.IsValid, report.ToString());
    }

    // ---------------- Apply ----------------

    [Fact]
    public void Apply_builds_the_typed_wrapper_with_the_options()
    {
        using var stack = Assert.IsType<FrameStackObservation<int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), "frame_stack_observation:stack_size=3,padding_type=zero"));
        Assert.Equal(3, stack.StackSize);
        Assert.Equal(FramePadding.Zero, stack.Padding);
        Assert.Equal([3, 4], stack.ObservationSpace.Shape);

        using var time = Assert.IsType<TimeAwareObservation<int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), " time_aware_observation : normalize_time=true, max_episode_steps=50 "));
        Assert.True(time.NormalizeTime);
        Assert.Equal(50, time.MaxEpisodeSteps);

        using var clip = Assert.IsType<ClipReward<int, int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("FrozenLake-v1"), "clip_reward:min=-inf,max=0.5"));
        Assert.Equal(double.NegativeInfinity, clip.MinReward);
        Assert.Equal(0.5, clip.MaxReward);

        using var sticky = Assert.IsType<StickyAction<ReadOnlyMemory<float>, ReadOnlyMemory<float>>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("Pendulum-v1"), "sticky_action:repeat_action_probability=0.25"));
        Assert.Equal(0.25, sticky.RepeatActionProbability);

        using var delay = Assert.IsType<DelayObservation<int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), "delay_observation:delay=3"));
        Assert.Equal(3, delay.Delay);

        using var rescale = EnvironmentWrappers.Apply(EnvironmentRegistry.Make("Pendulum-v1"), "rescale_observation:min=0,max=1");
        Assert.Equal([0f, 0, 0], BoxOf(rescale).Low.ToArray());
        Assert.Equal([1f, 1, 1], BoxOf(rescale).High.ToArray());

        Assert.IsType<FlattenObservation<int, int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("FrozenLake-v1"), "flatten_observation")).Dispose();
        Assert.IsType<NormalizeObservation<int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), "normalize_observation:epsilon=1e-6")).Dispose();
        Assert.IsType<NormalizeReward<ReadOnlyMemory<float>, int>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("CartPole-v1"), "normalize_reward:gamma=0.9")).Dispose();
        Assert.IsType<ClipAction<ReadOnlyMemory<float>>>(EnvironmentWrappers.Apply(EnvironmentRegistry.Make("Pendulum-v1"), "clip_action")).Dispose();
        using var rescaleAction = EnvironmentWrappers.Apply(EnvironmentRegistry.Make("Pendulum-v1"), "rescale_action:min=0,max=4");
        Assert.Equal(4f, Assert.IsType<Box>(rescaleAction.ActionSpace).High[0]);
    }

    [Fact]
    public void Apply_can_stack_wrappers_and_names_every_wrapper_it_knows()
    {
        IEnvironment env = EnvironmentRegistry.Make("CartPole-v1");
        env = EnvironmentWrappers.Apply(env, "time_aware_observation");
        env = EnvironmentWrappers.Apply(env, "frame_stack_observation:stack_size=2");
        using (env)
        {
            Assert.Equal([2, 5], env.ObservationSpace.Shape);
            Assert.True(EnvironmentChecker.Check(env, seed: 3).IsValid);
        }

        Assert.Equal(12, EnvironmentWrappers.Names.Count);
        Assert.Contains("time_aware_observation", EnvironmentWrappers.Names);
        Assert.Contains("filter_observation", EnvironmentWrappers.Names);
    }

    [Theory]
    [InlineData("frame_stak_observation:stack_size=3", "Unknown wrapper \"frame_stak_observation\"", "frame_stack_observation")]
    [InlineData("", "no wrapper name", "time_aware_observation")]
    [InlineData("frame_stack_observation:stack_size=3,padding=zero", "does not accept the option padding", "padding_type")]
    [InlineData("frame_stack_observation:stack_size=three", "stack_size must be an integer", "three")]
    [InlineData("frame_stack_observation:stack_size=2.5", "stack_size must be an integer", "2.5")]
    [InlineData("frame_stack_observation", "needs the option stack_size", "integer")]
    [InlineData("frame_stack_observation:stack_size=2,padding_type=same", "padding_type must be reset or zero", "same")]
    [InlineData("frame_stack_observation:stack_size", "not of the form key=value", "stack_size")]
    [InlineData("time_aware_observation:normalize_time=yes", "normalize_time must be a bool", "yes")]
    [InlineData("sticky_action", "needs the option repeat_action_probability", "number")]
    [InlineData("sticky_action:repeat_action_probability=high", "repeat_action_probability must be a number", "high")]
    [InlineData("clip_reward", "needs the option min, max or both", "clip_reward")]
    [InlineData("clip_reward:min=2,max=1", "above", "2")]
    [InlineData("rescale_observation:min=-1,max=1", "element 1", "infinite")]
    [InlineData("delay_observation:delay=-1", "at least 0", "delay")]
    public void Apply_errors_name_the_problem(string spec, string part1, string part2)
    {
        using var env = EnvironmentRegistry.Make("CartPole-v1");
        var e = Assert.ThrowsAny<ArgumentException>(() => EnvironmentWrappers.Apply(env, spec));
        Assert.Contains(part1, e.Message, StringComparison.Ordinal);
        Assert.Contains(part2, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FrozenLake-v1", "frame_stack_observation:stack_size=2", "needs a Box observation space", "Discrete(16)")]
    [InlineData("FrozenLake-v1", "time_aware_observation", "needs a Box observation space", "Discrete(4)")]
    [InlineData("CartPole-v1", "filter_observation:keys=a", "needs a DictSpace observation space", "Box(")]
    [InlineData("CartPole-v1", "clip_action", "needs a Box action space", "Discrete(2)")]
    [InlineData("CartPole-v1", "rescale_action", "needs a Box action space", "CartPole-v1")]
    public void Apply_names_the_wrapper_need_and_the_environment_spaces_when_they_do_not_fit(string id, string spec, string part1, string part2)
    {
        using var env = EnvironmentRegistry.Make(id);
        var e = Assert.Throws<ArgumentException>(() => EnvironmentWrappers.Apply(env, spec));
        Assert.Contains(part1, e.Message, StringComparison.Ordinal);
        Assert.Contains(part2, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_filter_errors_list_the_keys()
    {
        var missing = Assert.Throws<ArgumentException>(() => EnvironmentWrappers.Apply(new DictCounterEnvironment(), "filter_observation:keys=agent;speed"));
        Assert.Contains("speed", missing.Message, StringComparison.Ordinal);
        Assert.Contains("position, goal, agent", missing.Message, StringComparison.Ordinal);
        var none = Assert.Throws<ArgumentException>(() => EnvironmentWrappers.Apply(new DictCounterEnvironment(), "filter_observation"));
        Assert.Contains("needs the option keys", none.Message, StringComparison.Ordinal);
        Assert.Contains("position, goal, agent", none.Message, StringComparison.Ordinal);
    }

    // ---------------- No allocation per step ----------------

    [Fact]
    public void Box_wrappers_do_not_allocate_per_step()
    {
        using var stack = new FrameStackObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), 4, FramePadding.Zero);
        using var time = new TimeAwareObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), normalizeTime: true);
        using var delay = new DelayObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), 3);
        using var rescale = new RescaleObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("MountainCar-v0"), -1f, 1f);
        using var transform = new TransformObservation<int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), static (i, o) => i.CopyTo(o));
        using var rewards = new ClipReward<ReadOnlyMemory<float>, int>(
            new TransformReward<ReadOnlyMemory<float>, int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), static r => r * 2), -1, 1);
        using var sticky = new StickyAction<ReadOnlyMemory<float>, int>(Environments.Make<ReadOnlyMemory<float>, int>("CartPole-v1"), 0.5);
        using var stickyBox = new StickyAction<ReadOnlyMemory<float>, ReadOnlyMemory<float>>(Environments.Make<ReadOnlyMemory<float>, ReadOnlyMemory<float>>("Pendulum-v1"), 0.5);
        using var filter = new FilterObservation<int>(new DictCounterEnvironment(), "agent", "goal");
        IEnvironment<ReadOnlyMemory<float>, int>[] discrete = [stack, time, delay, rescale, transform, rewards, sticky, filter];
        ReadOnlyMemory<float> torque = new[] { 0.5f };

        long allocated = Allocations.Least(() =>
        {
            foreach (var env in discrete)
            {
                env.Reset(seed: 0);
                for (int i = 0; i < 500; i++)
                {
                    if (env.Step(i % 2).Done)
                    {
                        env.Reset();
                    }
                }
            }

            stickyBox.Reset(seed: 0);
            for (int i = 0; i < 500; i++)
            {
                if (stickyBox.Step(torque).Done)
                {
                    stickyBox.Reset();
                }
            }
        });

        Assert.Equal(0, allocated);
    }
}
