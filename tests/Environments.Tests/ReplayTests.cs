using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Environments.ClassicControl;
using RLFramework.Environments.Replay;

namespace RLFramework.Environments.Tests;

public class ReplayTests
{
    private static readonly object s_registerLock = new();

    [Fact]
    public void A_matching_file_matches_every_trace()
    {
        ReplayReport report = TraceReplayers.ReplayFile(GoldenTests.GoldenPath("Taxi-v3.json"));
        Assert.Equal("Taxi-v3", report.EnvironmentId);
        Assert.True(report.AllMatched);
        Assert.Equal(["P", "shortest_delivery", "illegal_pickup_dropoff_and_walls", "random_moves_to_time_limit", "drop_at_wrong_stand_then_deliver", "random_all_actions"],
            report.Traces.Select(t => t.Name));
    }

    [Fact]
    public void A_tampered_observation_is_reported_with_step_field_expected_and_got()
    {
        JsonNode root = Load("CartPole-v1.json");
        JsonNode obs = root["traces"]![1]!["steps"]![3]!["obs"]!;
        float original = (float)obs[2]!.GetValue<double>();
        float tampered = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(original) + 1); // one float32 ulp
        obs[2] = (double)tampered;

        ReplayReport report = Replay(root);

        Assert.False(report.AllMatched);
        TraceResult trace = Assert.Single(report.Traces, t => !t.Matched);
        Assert.Equal("push_right_pole_falls", trace.Name);
        Assert.Equal(new TraceMismatch(3, "obs[2]", TraceFile.Format(tampered), TraceFile.Format(original)), trace.Mismatch);
        Assert.Equal(3, trace.StepsChecked);
    }

    [Fact]
    public void A_tampered_reward_flag_or_table_entry_is_reported()
    {
        JsonNode pendulum = Load("Pendulum-v1.json");
        pendulum["traces"]![0]!["steps"]![7]!["reward"] = -1.5;
        Assert.Equal((7, "reward"), FirstMismatch(Replay(pendulum)));

        JsonNode car = Load("MountainCar-v0.json");
        car["traces"]![0]!["steps"]![123]!["terminated"] = false;
        Assert.Equal((123, "terminated"), FirstMismatch(Replay(car)));

        JsonNode lake = Load("FrozenLake-v1.json");
        lake["P"]![5]![2]![0]![1] = 6;
        TraceResult table = Assert.Single(Replay(lake).Traces, t => !t.Matched);
        Assert.Equal(new TraceMismatch(-1, "P[5][2][0].next_state", "6", "5"), table.Mismatch);

        JsonNode taxi = Load("Taxi-v3.json");
        taxi["traces"]![0]!["steps"]![2]!["info"]!["action_mask"]![4] = 1;
        Assert.Equal((2, "info.action_mask"), FirstMismatch(Replay(taxi)));
    }

    [Fact]
    public void A_state_tampered_in_a_stable_trace_is_caught_by_the_open_loop_replay_too()
    {
        JsonNode root = Load("Acrobot-v1.json");
        JsonNode state = root["traces"]![2]!["steps"]![50]!["state"]!;
        state[1] = state[1]!.GetValue<double>() + 1e-12;
        TraceResult trace = Assert.Single(Replay(root).Traces, t => !t.Matched);
        Assert.Equal(50, trace.Mismatch!.Step);
        Assert.Equal("state[1]", trace.Mismatch.Field);
    }

    [Theory]
    [InlineData("""{"env": "CartPole-v1"}""", "traces is missing")]
    [InlineData("""{"env": "CartPole-v1", "traces": [{"name": "t", "initial_state": [0, 0, 0, 0], "steps": [{"action": 1, "obs": [0, 0, 0, 0], "terminated": false, "truncated": false}]}]}""", "traces[0].steps[0].reward is missing")]
    [InlineData("""{"env": "CartPole-v1", "traces": [{"name": "t", "initial_state": [0, 0, 0, 0], "steps": [{"action": 1, "obs": [0, "x", 0, 0], "reward": 1, "terminated": false, "truncated": false}]}]}""", "traces[0].steps[0].obs[1] expected a number")]
    [InlineData("""{"env": "CartPole-v1", "traces": [{"name": "t", "initial_state": [0, 0, 0, 0], "steps": [{"action": 0.5, "obs": [0, 0, 0, 0], "reward": 1, "terminated": false, "truncated": false}]}]}""", "traces[0].steps[0].action expected an integer")]
    [InlineData("""{"env": "CartPole-v1", "traces": [{"name": "t", "initial_state": 3, "steps": []}]}""", "traces[0].initial_state expected an array")]
    [InlineData("""{"env": "CartPole-v1", "traces": [{"name": "t", "initial_state": [0], "steps": [{"action": 1, "obs": [0], "reward": 1, "terminated": "no", "truncated": false}]}]}""", "traces[0].steps[0].terminated expected true or false")]
    public void A_malformed_file_names_the_json_path_and_the_problem(string json, string expected)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var error = Assert.Throws<TraceFormatException>(() => TraceReplayers.Replay(document));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_and_unknown_formats_are_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-replay-{Environment.ProcessId}-broken.json");
        File.WriteAllText(path, "{\"env\": \"CartPole-v1\", \"traces\": [");
        try
        {
            var error = Assert.Throws<TraceFormatException>(() => TraceReplayers.ReplayFile(path));
            Assert.Contains("is not valid JSON", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        using JsonDocument other = JsonDocument.Parse("""{"something": 1}""");
        Assert.Contains("not a reference-trace file", Assert.Throws<TraceFormatException>(() => TraceReplayers.Replay(other)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => TraceReplayers.ReplayFile("/nonexistent/trace.json"));
    }

    [Fact]
    public void An_unknown_environment_id_names_the_closest_one()
    {
        using JsonDocument document = JsonDocument.Parse(Load("CartPole-v1.json").ToJsonString());
        var error = Assert.Throws<KeyNotFoundException>(() => new TraceReplayer().Replay(document, "CartPole-v2"));
        Assert.Contains("CartPole-v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_id_can_be_overridden_to_check_a_port()
    {
        lock (s_registerLock)
        {
            if (!EnvironmentRegistry.IsRegistered("PortedCartPole-v0"))
            {
                EnvironmentRegistry.Register(new EnvironmentSpec("PortedCartPole-v0", 500, null, new Dictionary<string, object?>()),
                    options => BuiltinEnvironments.CartPole(options));
            }
        }

        ReplayReport report = TraceReplayers.ReplayFile(GoldenTests.GoldenPath("CartPole-v1.json"), "PortedCartPole-v0");
        Assert.Equal("PortedCartPole-v0", report.EnvironmentId);
        Assert.True(report.AllMatched);

        // A port with the wrong dynamics fails at the first step that differs.
        ReplayReport wrong = TraceReplayers.ReplayFile(GoldenTests.GoldenPath("Pendulum-v1.json"), "Pendulum-v1");
        Assert.True(wrong.AllMatched);
        JsonNode root = Load("Pendulum-v1.json");
        root["traces"]![1]!["env_kwargs"] = new JsonObject { ["g"] = 9.0 };
        Assert.Equal((0, "state[0]"), FirstMismatch(Replay(root)));
    }

    [Fact]
    public void Other_formats_plug_in_as_replayers()
    {
        var custom = new FixedReplayer();
        TraceReplayers.Register(custom);
        using JsonDocument document = JsonDocument.Parse("""{"custom-format": true}""");
        ReplayReport report = TraceReplayers.Replay(document);
        Assert.Equal("custom", report.EnvironmentId);
        Assert.Contains(custom, TraceReplayers.All);
        Assert.IsType<TraceReplayer>(TraceReplayers.All[^1]);
    }

    private static JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(GoldenTests.GoldenPath(file)))!;

    private static ReplayReport Replay(JsonNode root)
    {
        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        return TraceReplayers.Replay(document);
    }

    private static (int Step, string Field) FirstMismatch(ReplayReport report)
    {
        TraceMismatch mismatch = report.Traces.First(t => !t.Matched).Mismatch!;
        return (mismatch.Step, mismatch.Field);
    }

    private sealed class FixedReplayer : ITraceReplayer
    {
        public bool CanReplay(JsonDocument document) => document.RootElement.TryGetProperty("custom-format", out _);

        public ReplayReport Replay(JsonDocument document, string? environmentId = null) =>
            new("custom", [new TraceResult("t", 1, "fixed", null)]);
    }
}
