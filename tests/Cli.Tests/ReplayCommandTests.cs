using System.Text.Json.Nodes;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

public class ReplayCommandTests
{
    private static string Golden(string file) => Path.Combine(AppContext.BaseDirectory, "golden", file);

    [Fact]
    public void A_matching_file_prints_a_line_per_trace_and_exits_zero()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ReplayCommand.Run(new FileInfo(Golden("CliffWalking-v0.json")), null, output, error);

        Assert.Equal(0, code);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length); // P, five traces, summary
        Assert.StartsWith("PASS CliffWalking-v0 P:", lines[0], StringComparison.Ordinal);
        Assert.Equal("PASS CliffWalking-v0 safe_path_to_goal: steps 13/13", lines[1]);
        Assert.Equal("6 of 6 traces match.", lines[^1]);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void A_tampered_file_prints_the_first_mismatch_and_exits_one()
    {
        JsonNode root = JsonNode.Parse(File.ReadAllText(Golden("CliffWalking-v0.json")))!;
        root["traces"]![1]!["steps"]![0]!["reward"] = -1.0; // the cliff gives -100
        string path = Path.Combine(Path.GetTempPath(), $"rl-replay-cli-{Environment.ProcessId}.json");
        File.WriteAllText(path, root.ToJsonString());
        try
        {
            var output = new StringWriter();
            int code = ReplayCommand.Run(new FileInfo(path), null, output, new StringWriter());

            Assert.Equal(1, code);
            Assert.Contains("FAIL CliffWalking-v0 cliff_fall_then_goal: step 0 reward: expected -1, got -100", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("5 of 6 traces match.", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_malformed_file_or_unknown_id_is_named_and_exits_two()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-replay-cli-bad-{Environment.ProcessId}.json");
        File.WriteAllText(path, """{"env": "CliffWalking-v0", "traces": [{"name": "t", "initial_state": [36], "steps": [{"action": 0}]}]}""");
        try
        {
            var error = new StringWriter();
            Assert.Equal(2, ReplayCommand.Run(new FileInfo(path), null, new StringWriter(), error));
            Assert.Contains("traces[0].steps[0].obs is missing", error.ToString(), StringComparison.Ordinal);

            var unknown = new StringWriter();
            Assert.Equal(2, ReplayCommand.Run(new FileInfo(Golden("CliffWalking-v0.json")), "CliffWalk-v0", new StringWriter(), unknown));
            Assert.Contains("CliffWalking-v0", unknown.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
