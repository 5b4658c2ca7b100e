using System.Text.Json;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

public class RegistryTests
{
    private static readonly object s_registerLock = new();

    /// <summary>Registers the test ids once (the registry is process-wide).</summary>
    internal static void EnsureTestIds()
    {
        lock (s_registerLock)
        {
            if (!EnvironmentRegistry.IsRegistered("TestWalker-v0"))
            {
                EnvironmentRegistry.Register(
                    new EnvironmentSpec("TestWalker-v0", 5, 3.5, new Dictionary<string, object?> { ["bound"] = 3 }),
                    options =>
                    {
                        options.ThrowIfUnknown("TestWalker-v0", "bound");
                        return new WalkerEnvironment(options.GetInt("bound", 3));
                    });
                EnvironmentRegistry.Register(
                    new EnvironmentSpec("TestCell-v0", null, null, new Dictionary<string, object?>()),
                    _ => new CellEnvironment());
            }
        }
    }

    [Fact]
    public void Make_applies_defaults_user_options_time_limit_and_order_enforcing()
    {
        EnsureTestIds();
        var env = Environments.Make<ReadOnlyMemory<float>, int>("TestWalker-v0");
        Assert.Equal("TestWalker-v0", env.Spec!.Id);
        Assert.IsType<OrderEnforcing<ReadOnlyMemory<float>, int>>(env);
        Assert.Equal(3, ((WalkerEnvironment)env.Unwrapped()).Bound);
        Assert.NotNull(env.Find<TimeLimit<ReadOnlyMemory<float>, int>>());

        var wide = EnvironmentRegistry.Make<ReadOnlyMemory<float>, int>("TestWalker-v0", EnvironmentOptions.Empty.With("bound", 100));
        Assert.Equal(100, ((WalkerEnvironment)wide.Unwrapped()).Bound);

        // With bound 100 only the time limit (5 steps) can end the episode.
        wide.Reset(seed: 1);
        StepResult<ReadOnlyMemory<float>> step = default;
        for (int i = 0; i < 5; i++)
        {
            step = wide.Step(1);
            Assert.Equal(i == 4, step.Truncated);
            Assert.False(step.Terminated);
        }

        Assert.Throws<InvalidOperationException>(() => wide.Step(1));
    }

    [Fact]
    public void Make_without_time_limit_when_spec_has_none_and_override_wins()
    {
        EnsureTestIds();
        var env = Environments.Make("TestCell-v0");
        Assert.Null(env.Find<TimeLimit<int, ReadOnlyMemory<float>>>());
        var limited = Environments.Make("TestCell-v0", maxEpisodeSteps: 2);
        Assert.Equal(2, limited.Find<TimeLimit<int, ReadOnlyMemory<float>>>()!.MaxEpisodeSteps);
    }

    [Fact]
    public void Step_before_reset_throws_through_make()
    {
        EnsureTestIds();
        var env = Environments.Make<ReadOnlyMemory<float>, int>("TestWalker-v0");
        var e = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains("before Reset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_make_with_wrong_types_names_the_actual_types()
    {
        EnsureTestIds();
        var e = Assert.Throws<InvalidOperationException>(() => Environments.Make<int, int>("TestWalker-v0"));
        Assert.Contains("ReadOnlyMemory<float>", e.Message, StringComparison.Ordinal);
        Assert.Contains("IEnvironment<int, int>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_id_lists_ids_and_names_the_closest_match()
    {
        EnsureTestIds();
        var e = Assert.Throws<KeyNotFoundException>(() => Environments.Make("TestWalkr-v1"));
        Assert.Contains("Did you mean \"TestWalker-v0\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("TestCell-v0", e.Message, StringComparison.Ordinal);
        Assert.Equal("TestCell-v0", EnvironmentRegistry.ClosestId("testcell"));
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("CartPole-v0", "CartPole-v1", 1)]
    [InlineData("abc", "", 3)]
    [InlineData("flaw", "lawn", 2)]
    public void Edit_distance_matches_hand_values(string a, string b, int expected)
    {
        Assert.Equal(expected, EnvironmentRegistry.EditDistance(a, b));
        Assert.Equal(expected, EnvironmentRegistry.EditDistance(b, a));
    }

    [Fact]
    public void Register_rejects_duplicates_and_bad_specs_and_unknown_options_are_named()
    {
        EnsureTestIds();
        Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Register(
            new EnvironmentSpec("TestWalker-v0", null, null, new Dictionary<string, object?>()), _ => new WalkerEnvironment()));
        Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Register(
            new EnvironmentSpec("TestBad-v0", 0, null, new Dictionary<string, object?>()), _ => new WalkerEnvironment()));
        var e = Assert.Throws<ArgumentException>(() => Environments.Make("TestWalker-v0", EnvironmentOptions.Empty.With("bond", 4)));
        Assert.Contains("bond", e.Message, StringComparison.Ordinal);
        Assert.Contains("accepted options: bound", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_spec_and_is_registered_agree()
    {
        EnsureTestIds();
        Assert.Contains("TestWalker-v0", Environments.Ids);
        Assert.True(Environments.IsRegistered("TestCell-v0"));
        Assert.False(Environments.IsRegistered("testcell-v0"));
        Assert.Equal(3.5, Environments.Spec("TestWalker-v0").RewardThreshold);
        Assert.Equal((typeof(int), typeof(ReadOnlyMemory<float>)), EnvironmentRegistry.ValueTypes("TestCell-v0"));
    }
}

public class EnvironmentOptionsTests
{
    [Fact]
    public void Parse_reads_bools_ints_doubles_strings_lists_and_none()
    {
        var o = EnvironmentOptions.Parse(["is_slippery=false", "g=9.81", "n=3", "big=5000000000", "map_name=8x8",
            "desc=SFFF,FHFH,FHFF,HFFG", "bounds=-1,2.5,inf", "desc2=None", "x=-inf"]);
        Assert.False(o.GetBool("is_slippery", true));
        Assert.Equal(9.81, o.GetDouble("g", 10.0));
        Assert.Equal(3, o.GetInt("n", 0));
        Assert.Equal(3.0, o.GetDouble("n", 0));
        Assert.Equal(5000000000.0, o.GetDouble("big", 0));
        Assert.Equal("8x8", o.GetString("map_name", null));
        Assert.Equal(new[] { "SFFF", "FHFH", "FHFF", "HFFG" }, o.GetStringArray("desc", null));
        Assert.Equal(new[] { -1.0, 2.5, double.PositiveInfinity }, o.GetDoubleArray("bounds", null));
        Assert.False(o.Has("desc2"));
        Assert.Equal("default", o.GetString("desc2", "default"));
        Assert.Equal(double.NegativeInfinity, o.GetDouble("x", 0));
        Assert.Equal(7, o.GetInt("absent", 7));
    }

    [Fact]
    public void Getters_name_the_key_and_expected_type_on_mismatch()
    {
        var o = EnvironmentOptions.FromPairs(("g", (object?)"ten"), ("n", 2.5), ("b", 1));
        var e = Assert.Throws<ArgumentException>(() => o.GetDouble("g", 0));
        Assert.Contains("\"g\" must be a number", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => o.GetInt("n", 0));
        Assert.Contains("\"n\" must be an integer", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => o.GetBool("b", false));
        Assert.Contains("\"b\" must be a bool", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EnvironmentOptions.Empty.With("x", new object()));
        Assert.Throws<ArgumentException>(() => EnvironmentOptions.Parse(["novalue"]));
    }

    [Fact]
    public void Json_values_are_read_by_the_typed_getters()
    {
        using var doc = JsonDocument.Parse("""{"g": 9.5, "n": 4, "flag": true, "name": "4x4", "desc": [["S","F"],["H","G"]], "rows": ["SF","HG"], "none": null}""");
        var o = EnvironmentOptions.Empty;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            o = o.With(p.Name, p.Value);
        }

        Assert.Equal(9.5, o.GetDouble("g", 0));
        Assert.Equal(4, o.GetInt("n", 0));
        Assert.True(o.GetBool("flag", false));
        Assert.Equal("4x4", o.GetString("name", null));
        Assert.Equal(new[] { "SF", "HG" }, o.GetStringArray("desc", null));
        Assert.Equal(new[] { "SF", "HG" }, o.GetStringArray("rows", null));
        Assert.False(o.Has("none"));
        Assert.Equal(1.0, o.GetDouble("none", 1.0));
    }

    [Fact]
    public void With_and_with_all_are_immutable_and_later_values_win()
    {
        var a = EnvironmentOptions.Empty.With("g", 10.0);
        var b = a.With("g", 9.0).With("h", true);
        Assert.Equal(10.0, a.GetDouble("g", 0));
        Assert.Equal(1, a.Count);
        Assert.Equal(9.0, b.GetDouble("g", 0));
        var merged = a.WithAll(EnvironmentOptions.FromPairs(("g", (object?)1)));
        Assert.Equal(1.0, merged.GetDouble("g", 0));
        Assert.Equal("g=9 h=true", b.ToString());
    }

    [Fact]
    public void ThrowIfUnknown_names_unknown_keys_and_lists_accepted_ones()
    {
        var o = EnvironmentOptions.FromPairs(("is_slipery", (object?)true), ("map_name", "4x4"));
        o.With("is_slipery", null);
        var e = Assert.Throws<ArgumentException>(() => o.ThrowIfUnknown("FrozenLake-v1", "desc", "map_name", "is_slippery"));
        Assert.Contains("FrozenLake-v1 does not accept the option is_slipery", e.Message, StringComparison.Ordinal);
        Assert.Contains("accepted options: desc, map_name, is_slippery", e.Message, StringComparison.Ordinal);
        EnvironmentOptions.FromPairs(("map_name", (object?)"4x4")).ThrowIfUnknown("FrozenLake-v1", "map_name");
    }
}
