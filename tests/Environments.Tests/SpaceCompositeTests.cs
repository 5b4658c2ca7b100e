using RLFramework.Environments.Checking;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Vector;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// A walker whose observation is a DictSpace: 'position' Box(-5, 5, (2,)) [x, noise], 'goal' Discrete(3, start=1)
/// (x + 2 clamped to 1..3) and 'flags' MultiBinary(2) [x > 0, last action]. Actions Discrete(2) move x by -1 or +1;
/// terminated at |x| >= 3. Enforces the reset/step order; deterministic under a reset seed.
/// <see cref="Escapes"/> makes the first step of an episode report goal 4, outside Discrete(3, start=1).
/// </summary>
internal sealed class DictWalkerEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
{
    private readonly float[] _observation;
    private readonly DictSpace _space = new(
        ("position", new Box(-5f, 5f, 2)), ("goal", new Discrete(3, start: 1)), ("flags", new MultiBinary(2)));

    private Random _random = new(3);
    private int _x;
    private int _t;
    private bool _started;
    private bool _over;

    public DictWalkerEnvironment() => _observation = new float[_space.FlatSize];

    public bool Escapes { get; init; }

    public Space ObservationSpace => _space;

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random = new Random(s);
        }

        (_started, _over, _t) = (true, false, 0);
        _x = _random.Next(-1, 2);
        Observe(0, escaped: false);
        return new(_observation, StepInfo.Empty);
    }

    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        if (!_started || _over)
        {
            throw new InvalidOperationException("Reset first.");
        }

        _x += action == 1 ? 1 : -1;
        Observe(action, Escapes && _t++ == 0);
        _over = Math.Abs(_x) >= 3;
        return new(_observation, action - 0.5, _over, false, StepInfo.Empty);
    }

    public void Dispose()
    {
    }

    private void Observe(int action, bool escaped)
    {
        _space.Write<ReadOnlyMemory<float>>(_observation, "position", new[] { _x, (float)_random.NextDouble() });
        _space.Write(_observation, "goal", escaped ? 4 : Math.Clamp(_x + 2, 1, 3));
        _space.Write<ReadOnlyMemory<int>>(_observation, "flags", new[] { _x > 0 ? 1 : 0, action });
    }
}

/// <summary>An environment that only has spaces, for the labels.</summary>
internal sealed class SpaceOnlyEnvironment(Space observationSpace) : IEnvironment<ReadOnlyMemory<float>, int>
{
    public Space ObservationSpace => observationSpace;

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvironmentSpec? Spec => null;

    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => throw new NotSupportedException();

    public StepResult<ReadOnlyMemory<float>> Step(int action) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}

public class SpaceCompositeTests
{
    private static DictSpace Mixed() => new(
        ("position", new Box(-1f, 1f, 2)), ("goal", new Discrete(3, start: 1)), ("flags", new MultiBinary(2)));

    /// <summary>Tuple(Discrete(2), Dict('a': Box(0, 1, (3,)), 'b': MultiDiscrete([4, 5])), Discrete(7)).</summary>
    private static TupleSpace Nested() => new(
        new Discrete(2), new DictSpace(("a", new Box(0f, 1f, 3)), ("b", new MultiDiscrete(4, 5))), new Discrete(7));

    [Fact]
    public void Dict_layout_written_through_the_helpers_equals_the_one_written_by_hand()
    {
        var space = Mixed();
        var flat = new float[space.FlatSize];
        space.Write<ReadOnlyMemory<float>>(flat, "position", new[] { 0.25f, -0.5f });
        space.Write(flat, "goal", 2);
        space.Write<ReadOnlyMemory<int>>(flat, "flags", new[] { 1, 0 });

        // position as is, goal as 2 - start, flags as floats.
        Assert.Equal(new[] { 0.25f, -0.5f, 1f, 1f, 0f }, flat);
        Assert.Equal(5, space.FlatSize);
        Assert.Equal(new[] { 5 }, space.Shape);
        Assert.Equal(new[] { 0, 2, 3 }, new[] { space.Offset("position"), space.Offset("goal"), space.Offset("flags") });
        Assert.Equal(new[] { 0, 0, 3, 2, 2 }, space.Cardinalities);
        Assert.Equal(2, space.ReadDiscrete(flat, "goal"));
        Assert.Equal(new[] { 1f, 0f }, space.Slice((ReadOnlySpan<float>)flat, "flags").ToArray());
        Assert.Equal(3, space.Count);
        Assert.IsType<MultiBinary>(space["flags"]);
        Assert.Same(space["goal"], space[1]);
        Assert.Equal(1, space.IndexOf("goal"));
        Assert.Equal(-1, space.IndexOf("Goal"));

        // The same bits as SpaceValues.WriteFlat writes for each sub-space on its own.
        var alone = new float[1];
        SpaceValues.WriteFlat(space["goal"], 2, alone);
        Assert.Equal(alone[0], flat[2]);

        // An array's slice is writable in place.
        space.Slice(flat, "position")[1] = 0.75f;
        Assert.Equal(0.75f, flat[1]);
    }

    [Fact]
    public void Nested_dict_in_tuple_lays_out_depth_first_and_concatenates_cardinalities()
    {
        var space = Nested();
        var inner = (DictSpace)space[1];
        Assert.Equal(7, space.FlatSize);
        Assert.Equal(new[] { 0, 1, 6 }, new[] { space.Offset(0), space.Offset(1), space.Offset(2) });
        Assert.Equal(new[] { 2, 0, 0, 0, 4, 5, 7 }, space.Cardinalities);

        var flat = new float[space.FlatSize];
        space.Write(flat, 0, 1);
        var innerFlat = space.Slice(flat, 1);
        inner.Write<ReadOnlyMemory<float>>(innerFlat, "a", new[] { 0.1f, 0.2f, 0.3f });
        inner.Write<ReadOnlyMemory<int>>(innerFlat, "b", new[] { 3, 4 });
        space.Write(flat, 2, 6);
        Assert.Equal(new[] { 1f, 0.1f, 0.2f, 0.3f, 3f, 4f, 6f }, flat);
        Assert.True(space.Contains(flat));

        // A nested value can also be written whole.
        var again = new float[space.FlatSize];
        space.Write(again, 0, 1);
        space.Write<ReadOnlyMemory<float>>(again, 1, new[] { 0.1f, 0.2f, 0.3f, 3f, 4f });
        space.Write(again, 2, 6);
        Assert.Equal(flat, again);
    }

    [Fact]
    public void Write_and_lookups_reject_wrong_types_lengths_keys_and_flat_sizes()
    {
        var space = Mixed();
        var flat = new float[space.FlatSize];
        var type = Assert.Throws<ArgumentException>(() => space.Write(flat, "position", 1));
        Assert.Contains("'position'", type.Message, StringComparison.Ordinal);
        var length = Assert.Throws<ArgumentException>(() => space.Write<ReadOnlyMemory<float>>(flat, "position", new[] { 1f }));
        Assert.Contains("1 elements", length.Message, StringComparison.Ordinal);
        var key = Assert.Throws<KeyNotFoundException>(() => space.Offset("speed"));
        Assert.Contains("'speed'", key.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => space.Write(new float[4], "goal", 1));
        Assert.Throws<ArgumentException>(() => space.ReadDiscrete(flat, "position"));
        Assert.Throws<ArgumentOutOfRangeException>(() => space.Offset(3));
        Assert.Throws<ArgumentException>(() => SpaceValues.WriteFlat<ReadOnlyMemory<float>>(space, new float[4], new float[5]));
    }

    [Fact]
    public void Contains_accepts_valid_values_and_rejects_each_kind_of_violation()
    {
        var space = Mixed();
        Assert.True(space.Contains([0.25f, -1f, 0f, 1f, 0f]));
        Assert.True(space.Contains([1f, 1f, 2f, 0f, 1f]));
        Assert.True(SpaceValues.Contains<ReadOnlyMemory<float>>(space, new[] { 0f, 0f, 1f, 1f, 1f }));

        Assert.False(space.Contains([0f, 0f, 1f, 1f]), "too short");
        Assert.False(space.Contains([0f, 0f, 1f, 1f, 0f, 0f]), "too long");
        Assert.False(space.Contains([0f, 0f, 3f, 1f, 0f]), "goal code 3 is value 4, outside 1..3");
        Assert.False(space.Contains([0f, 0f, -1f, 1f, 0f]), "negative goal code");
        Assert.False(space.Contains([0f, 0f, 0.5f, 1f, 0f]), "non-integral goal code");
        Assert.False(space.Contains([0f, 0f, float.NaN, 1f, 0f]), "NaN goal code");
        Assert.False(space.Contains([0f, 0f, 1f, 2f, 0f]), "2 in MultiBinary");
        Assert.False(space.Contains([0f, 0f, 1f, 0.5f, 0f]), "half a bit");
        Assert.False(space.Contains([1.5f, 0f, 1f, 1f, 0f]), "Box above its bound");
        Assert.False(space.Contains([0f, float.NaN, 1f, 1f, 0f]), "NaN in the Box");
        Assert.False(SpaceValues.Contains<ReadOnlyMemory<int>>(space, new[] { 0, 0, 1, 1, 0 }), "ints do not fit a composite");

        var nested = Nested();
        Assert.True(nested.Contains([1f, 0f, 0.5f, 1f, 3f, 4f, 6f]));
        Assert.False(nested.Contains([1f, 0f, 0.5f, 1f, 3f, 5f, 6f]), "MultiDiscrete code 5 of 5 inside the nested Dict");
        Assert.False(nested.Contains([2f, 0f, 0.5f, 1f, 3f, 4f, 6f]), "Discrete(2) code 2");
    }

    [Fact]
    public void MultiBinary_contains_samples_fair_bits_and_fits_int_memory()
    {
        var bits = new MultiBinary(4);
        Assert.Equal(new[] { 4 }, bits.Shape);
        Assert.Equal(new[] { 2, 2, 2, 2 }, bits.Cardinalities);
        Assert.True(bits.Contains([0, 1, 1, 0]));
        Assert.False(bits.Contains([0, 2, 1, 0]));
        Assert.False(bits.Contains([0, -1, 1, 0]));
        Assert.False(bits.Contains([0, 1, 1]));
        Assert.True(SpaceValues.Fits<ReadOnlyMemory<int>>(bits));
        Assert.False(SpaceValues.Fits<ReadOnlyMemory<float>>(bits));
        Assert.Equal(6, new MultiBinary(2, 3).FlatSize);
        Assert.Throws<ArgumentException>(() => new MultiBinary());
        Assert.Throws<ArgumentException>(() => new MultiBinary(3, 0));

        // Each bit is 1 with probability 1/2: the mean of n draws has std sqrt(0.25 / n); allow 4 std.
        const int n = 20000;
        double tolerance = 4 * Math.Sqrt(0.25 / n);
        bits.Seed(11);
        var ones = new int[4];
        var sample = new int[4];
        for (int t = 0; t < n; t++)
        {
            bits.Sample(sample);
            Assert.True(bits.Contains(sample));
            for (int i = 0; i < 4; i++)
            {
                ones[i] += sample[i];
            }
        }

        Assert.All(ones, count => Assert.InRange(count / (double)n, 0.5 - tolerance, 0.5 + tolerance));
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_contained_and_differs_between_seeds()
    {
        static float[][] Draw(CompositeSpace space, int seed)
        {
            space.Seed(seed);
            var draws = new float[50][];
            for (int t = 0; t < draws.Length; t++)
            {
                draws[t] = new float[space.FlatSize];
                space.Sample(draws[t]);
                Assert.True(space.Contains(draws[t]), $"sample {string.Join(", ", draws[t])} outside {space}");
            }

            return draws;
        }

        foreach (var space in new CompositeSpace[] { Mixed(), Nested() })
        {
            var a = Draw(space, 5);
            var b = Draw(space, 5);
            var c = Draw(space, 6);
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            var sampled = SpaceValues.Sample<ReadOnlyMemory<float>>(space);
            Assert.Equal(space.FlatSize, sampled.Length);
            Assert.True(space.Contains(sampled.Span));
        }

        // Equal sub-spaces start with equal generators; the composite seeds them apart, so they do not sample in lockstep.
        var pair = new TupleSpace(new Discrete(10), new Discrete(10));
        var value = new float[2];
        int equal = 0;
        for (int t = 0; t < 100; t++)
        {
            pair.Sample(value);
            equal += value[0] == value[1] ? 1 : 0;
        }

        Assert.InRange(equal, 0, 30);
    }

    [Fact]
    public void Pairs_keep_their_order_a_dictionary_is_sorted_ordinally_and_bad_keys_are_named()
    {
        var pairs = new DictSpace(("z", new Discrete(2)), ("a", new Box(0f, 1f, 2)));
        Assert.Equal(new[] { "z", "a" }, pairs.Keys);
        Assert.Equal(2, pairs.Offset("a") + 1);

        var sorted = new DictSpace(new Dictionary<string, Space>
        {
            ["position"] = new Box(0f, 1f, 2),
            ["goal"] = new Discrete(4),
            ["Alpha"] = new MultiBinary(3),
        });
        Assert.Equal(new[] { "Alpha", "goal", "position" }, sorted.Keys);
        Assert.Equal(new[] { 0, 3, 4 }, new[] { sorted.Offset("Alpha"), sorted.Offset("goal"), sorted.Offset("position") });

        var duplicate = Assert.Throws<ArgumentException>(() => new DictSpace(("goal", new Discrete(2)), ("goal", new Discrete(3))));
        Assert.Contains("'goal'", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new DictSpace(("", new Discrete(2)))).Message, StringComparison.Ordinal);
        Assert.Contains("'goal'", Assert.Throws<ArgumentException>(() => new DictSpace(("goal", null!))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DictSpace());
        Assert.Throws<ArgumentException>(() => new DictSpace(new Dictionary<string, Space>()));
        Assert.Throws<ArgumentNullException>(() => new DictSpace((IReadOnlyDictionary<string, Space>)null!));
        Assert.Throws<ArgumentException>(() => new TupleSpace());
        Assert.Contains("1", Assert.Throws<ArgumentException>(() => new TupleSpace(new Discrete(2), null!)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_is_gymnasiums_repr()
    {
        Assert.Equal("MultiBinary(5)", new MultiBinary(5).ToString());
        Assert.Equal("MultiBinary((2, 3))", new MultiBinary(2, 3).ToString());
        Assert.Equal(
            "Dict('goal': Discrete(4), 'position': Box(-1, 1, (2,)))",
            new DictSpace(("goal", new Discrete(4)), ("position", new Box(-1f, 1f, 2))).ToString());
        Assert.Equal("Tuple(Discrete(2), Box(0, 1, (3,)))", new TupleSpace(new Discrete(2), new Box(0f, 1f, 3)).ToString());
        Assert.Equal(
            "Tuple(Discrete(3, start=1), Dict('a': MultiBinary(2), 'b': MultiDiscrete([4, 5])))",
            new TupleSpace(new Discrete(3, start: 1), new DictSpace(("a", new MultiBinary(2)), ("b", new MultiDiscrete(4, 5)))).ToString());
        Assert.Equal("Dict(\"it's\": Discrete(2), 'a\\\\b': Discrete(3))", new DictSpace(("it's", new Discrete(2)), ("a\\b", new Discrete(3))).ToString());
    }

    [Fact]
    public void Full_string_writes_every_box_bound_so_distinct_composites_describe_differently()
    {
        float[] low = [0, 0, 0, 0, 0, 0, 0, 0, 1];
        float[] high = [5, 5, 5, 5, 5, 5, 5, 5, 5];
        var space = new TupleSpace(new Discrete(2), new DictSpace(("view", new Box(low, high))));
        Assert.Equal("Tuple(Discrete(2), Dict('view': Box([0 x8, 1], 5, (9,))))", space.ToString());
        Assert.Equal(
            "Tuple(Discrete(2), Dict('view': Box([0, 0, 0, 0, 0, 0, 0, 0, 1], [5, 5, 5, 5, 5, 5, 5, 5, 5], (9,))))",
            space.ToFullString());
    }

    [Fact]
    public void Types_fit_the_new_spaces()
    {
        Assert.True(SpaceValues.Fits<ReadOnlyMemory<float>>(Mixed()));
        Assert.True(SpaceValues.Fits<ReadOnlyMemory<float>>(Nested()));
        Assert.False(SpaceValues.Fits<int>(Mixed()));
        Assert.False(SpaceValues.Fits<ReadOnlyMemory<int>>(Nested()));
        var bits = SpaceValues.Sample<ReadOnlyMemory<int>>(new MultiBinary(3));
        Assert.Equal(3, bits.Length);
        var flat = new float[3];
        SpaceValues.WriteFlat<ReadOnlyMemory<int>>(new MultiBinary(3), new[] { 1, 0, 1 }, flat);
        Assert.Equal(new[] { 1f, 0f, 1f }, flat);
    }

    [Fact]
    public void A_dict_observation_environment_passes_the_checker()
    {
        var report = EnvironmentChecker.Check(new DictWalkerEnvironment());
        Assert.True(report.IsValid, report.ToString());
        Assert.True(EnvironmentChecker.Check((IEnvironment)new DictWalkerEnvironment()).IsValid);
    }

    [Fact]
    public void The_checker_names_the_part_of_a_dict_observation_that_leaves_the_space()
    {
        var report = EnvironmentChecker.Check(new DictWalkerEnvironment { Escapes = true });
        var problem = Assert.Single(report.Problems, p => p.Contains("outside the observation space", StringComparison.Ordinal));
        Assert.Contains("Step 0", problem, StringComparison.Ordinal);
        Assert.Contains("'goal' [3] is not in Discrete(3, start=1)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checker_reports_a_composite_observation_of_the_wrong_length()
    {
        var report = EnvironmentChecker.Check(new WrongLengthDictEnvironment());
        Assert.Contains(report.Problems, p => p.Contains("observation of 4 floats", StringComparison.Ordinal) && p.Contains("has 5", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_dict_observation_environment_vectorizes_with_its_flat_values(bool threaded)
    {
        const int n = 3;
        var envs = new IEnvironment[n];
        for (int i = 0; i < n; i++)
        {
            envs[i] = new DictWalkerEnvironment();
        }

        using IVectorEnvironment vector = threaded
            ? new ThreadedVectorEnvironment(envs, AutoresetMode.SameStep)
            : new SyncVectorEnvironment(envs, AutoresetMode.SameStep);
        var reference = new DictWalkerEnvironment[n];
        var space = (DictSpace)vector.SingleObservationSpace;
        Assert.Equal(5, vector.ObservationSize);

        var observations = new float[n * vector.ObservationSize];
        vector.Reset(40, observations);
        for (int i = 0; i < n; i++)
        {
            reference[i] = new DictWalkerEnvironment();
            Assert.Equal(reference[i].Reset(40 + i).Observation.ToArray(), observations.AsSpan(i * 5, 5).ToArray());
        }

        var results = VectorStepBuffers.For(vector);
        var actions = new int[n];
        for (int t = 0; t < 30; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[i] = (t + i) % 3 == 0 ? 0 : 1;
            }

            vector.Step(actions, results);
            for (int i = 0; i < n; i++)
            {
                var step = reference[i].Step(actions[i]);
                if (step.Done)
                {
                    Assert.Equal(step.Observation.ToArray(), results.FinalObservation(i).ToArray());
                    step = new StepResult<ReadOnlyMemory<float>>(reference[i].Reset().Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
                }

                Assert.Equal(step.Observation.ToArray(), results.Observation(i).ToArray());
                Assert.True(space.Contains(results.Observation(i)));
            }
        }
    }

    [Fact]
    public void Default_feature_names_follow_the_composite_structure()
    {
        var dict = EnvironmentLabels.Of(new SpaceOnlyEnvironment(Mixed()));
        Assert.False(dict.HasFeatureNames);
        Assert.Equal(
            new[] { "position[0]", "position[1]", "goal", "flags[0]", "flags[1]" },
            Enumerable.Range(0, dict.FeatureCount).Select(dict.FeatureName));

        var nested = new TupleSpace(
            new Discrete(2),
            new DictSpace(("pos", new Box(0f, 1f, 2)), ("inner", new TupleSpace(new Discrete(3), new MultiBinary(2)))),
            new Box(0f, 1f, 1));
        var tuple = EnvironmentLabels.Of(new SpaceOnlyEnvironment(nested));
        Assert.Equal(
            new[] { "[0]", "[1].pos[0]", "[1].pos[1]", "[1].inner[0]", "[1].inner[1][0]", "[1].inner[1][1]", "[2]" },
            Enumerable.Range(0, tuple.FeatureCount).Select(tuple.FeatureName));

        var outer = new DictSpace(("outer", new DictSpace(("inner", new Box(0f, 1f, 3)))));
        Assert.Equal("outer.inner[2]", EnvironmentLabels.Of(new SpaceOnlyEnvironment(outer)).FeatureName(2));

        // A plain space keeps obs[i]; flattening hides the structure (the layout changed).
        Assert.Equal("obs[1]", EnvironmentLabels.Of(new WalkerEnvironment()).FeatureName(1));
        Assert.Equal("obs[2]", EnvironmentLabels.Of(new FlattenObservation<ReadOnlyMemory<float>, int>(new DictWalkerEnvironment())).FeatureName(2));
    }

    [Fact]
    public void FlattenObservation_one_hot_encodes_the_discrete_parts_of_a_composite()
    {
        var env = new FlattenObservation<ReadOnlyMemory<float>, int>(new DictWalkerEnvironment());
        var raw = new DictWalkerEnvironment();
        var box = Assert.IsType<Box>(env.ObservationSpace);
        // position (2 floats as is), goal one-hot over 3, flags as 2 bits.
        Assert.Equal(7, box.FlatSize);
        Assert.Equal(new[] { -5f, -5f, 0f, 0f, 0f, 0f, 0f }, box.Low.ToArray());
        Assert.Equal(new[] { 5f, 5f, 1f, 1f, 1f, 1f, 1f }, box.High.ToArray());

        static float[] ByHand(ReadOnlySpan<float> v)
        {
            var flat = new float[7];
            flat[0] = v[0];
            flat[1] = v[1];
            flat[2 + (int)v[2]] = 1f;
            flat[5] = v[3];
            flat[6] = v[4];
            return flat;
        }

        Assert.Equal(ByHand(raw.Reset(9).Observation.Span), env.Reset(9).Observation.ToArray());
        for (int t = 0; t < 4; t++)
        {
            var expected = raw.Step(t % 2);
            var got = env.Step(t % 2);
            Assert.Equal(ByHand(expected.Observation.Span), got.Observation.ToArray());
            Assert.True(box.Contains(got.Observation.Span));
            if (got.Done)
            {
                break;
            }
        }
    }

    /// <summary>Reports 4 floats for a 5-float DictSpace.</summary>
    private sealed class WrongLengthDictEnvironment : IEnvironment<ReadOnlyMemory<float>, int>
    {
        public Space ObservationSpace { get; } = Mixed();

        public Space ActionSpace { get; } = new Discrete(2);

        public EnvironmentSpec? Spec => null;

        public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => new(new float[4], StepInfo.Empty);

        public StepResult<ReadOnlyMemory<float>> Step(int action) => throw new InvalidOperationException("Reset first.");

        public void Dispose()
        {
        }
    }
}
