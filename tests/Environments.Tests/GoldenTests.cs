using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Environments.Replay;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The built-in environments against the reference traces of Gymnasium 1.4 (tests/Environments.Tests/golden,
/// copied from shared/golden), checked as the golden README says: toy-text transition tables and
/// traces exactly; classic control one step at a time bit for bit (state, float32 observation,
/// reward, flags), and whole open-loop replays where the file marks the trace as not chaotic.
/// numpy2/ holds Pendulum and MountainCarContinuous recorded under NumPy 2 promotion (the
/// numpy_promotion=weak mode).
/// </summary>
public class GoldenTests
{
    internal static string GoldenPath(string file) => Path.Combine(AppContext.BaseDirectory, "golden", file);

    public static TheoryData<string> Files => new()
    {
        "CartPole-v1.json",
        "MountainCar-v0.json",
        "MountainCarContinuous-v0.json",
        "Pendulum-v1.json",
        "Acrobot-v1.json",
        "FrozenLake-v1.json",
        "FrozenLake-v1-slippery.json",
        "Taxi-v3.json",
        "CliffWalking-v0.json",
        "numpy2/MountainCarContinuous-v0.json",
        "numpy2/Pendulum-v1.json",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_trace_of_the_reference_file_matches(string file)
    {
        ReplayReport report = TraceReplayers.ReplayFile(GoldenPath(file));

        Assert.NotEmpty(report.Traces);
        foreach (TraceResult trace in report.Traces)
        {
            Assert.True(trace.Matched, $"{file} {trace.Name}: {trace.Mismatch}");
            Assert.True(trace.StepsChecked > 0, $"{file} {trace.Name} compared nothing");
        }
    }

    [Fact]
    public void Classic_control_traces_are_checked_one_step_at_a_time_and_open_loop_where_stable()
    {
        ReplayReport report = TraceReplayers.ReplayFile(GoldenPath("CartPole-v1.json"));

        TraceResult balance = Assert.Single(report.Traces, t => t.Name == "balance_to_time_limit");
        Assert.Equal("one-step 500/500, open-loop skipped (chaotic trace)", balance.Checks);
        TraceResult fromRest = Assert.Single(report.Traces, t => t.Name == "random_from_rest");
        Assert.Equal("one-step 41/41, open-loop 41/41", fromRest.Checks);
    }

    [Theory]
    [InlineData("Pendulum-v1.json")]
    [InlineData("MountainCarContinuous-v0.json")]
    public void NumPy_promotion_rules_matter_and_are_read_from_the_file(string file)
    {
        // The legacy traces do not match under NumPy 2 promotion, nor the NumPy 2 traces under legacy.
        JsonNode legacy = JsonNode.Parse(File.ReadAllText(GoldenPath(file)))!;
        legacy["generator"]!["numpy_promotion_state"] = "weak";
        JsonNode weak = JsonNode.Parse(File.ReadAllText(GoldenPath("numpy2/" + file)))!;
        weak["generator"]!["numpy_promotion_state"] = "legacy";
        foreach (JsonNode root in new[] { legacy, weak })
        {
            using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
            Assert.False(TraceReplayers.Replay(document).AllMatched);
        }
    }

    [Fact]
    public void Variant_traces_apply_their_kwargs_and_attribute_overrides()
    {
        // Each variant trace only matches with its option applied (semi-implicit Euler, nips dynamics, g = 9.81).
        foreach ((string file, string name) in new[]
        {
            ("CartPole-v1.json", "semi_implicit_euler_variant"),
            ("Acrobot-v1.json", "nips_dynamics_variant"),
            ("Pendulum-v1.json", "g_9_81_variant"),
        })
        {
            ReplayReport report = TraceReplayers.ReplayFile(GoldenPath(file));
            TraceResult trace = Assert.Single(report.Traces, t => t.Name == name);
            Assert.True(trace.Matched, $"{file} {name}: {trace.Mismatch}");
            Assert.Contains("open-loop", trace.Checks, StringComparison.Ordinal);
        }
    }
}
