using System.Text.Json;
using System.Text.Json.Nodes;
using RLFramework.Environments.MiniGrid;
using RLFramework.Environments.Replay;

namespace RLFramework.Environments.Tests;

/// <summary>The MiniGrid trace replayer behind <c>rl replay</c>: every reference file matches; corruptions are reported precisely.</summary>
public sealed class MiniGridReplayTests
{
    [Fact]
    public void Every_reference_file_replays_without_a_mismatch()
    {
        foreach (string id in MiniGridEnvironments.Ids)
        {
            ReplayReport report = TraceReplayers.ReplayFile(Path.Combine(MiniGridGoldenTests.GoldenDirectory, id + ".json"));
            Assert.Equal(id, report.EnvironmentId);
            Assert.Equal(3, report.Traces.Count);
            Assert.True(report.AllMatched, $"{id}: {string.Join("; ", report.Traces)}");
        }
    }

    [Fact]
    public void A_corrupted_reward_or_image_is_reported_with_its_step_and_field()
    {
        JsonNode root = Load("MiniGrid-DoorKey-5x5-v0");
        JsonNode steps = root["traces"]![0]!["steps"]!;
        int last = steps.AsArray().Count - 1;
        steps[last]!["reward"] = 0.5;
        steps[2]!["image"]![3]![5]![0] = 9;
        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        ReplayReport report = TraceReplayers.Replay(document);
        TraceMismatch mismatch = report.Traces[0].Mismatch!;
        Assert.Equal(2, mismatch.Step);
        Assert.Equal("image[3][5]", mismatch.Field);
        Assert.True(report.Traces[1].Matched);

        root = Load("MiniGrid-DoorKey-5x5-v0");
        steps = root["traces"]![0]!["steps"]!;
        last = steps.AsArray().Count - 1;
        steps[last]!["reward"] = 0.5;
        using JsonDocument rewardDocument = JsonDocument.Parse(root.ToJsonString());
        mismatch = TraceReplayers.Replay(rewardDocument).Traces[0].Mismatch!;
        Assert.Equal(last, mismatch.Step);
        Assert.Equal("reward", mismatch.Field);
        Assert.Equal("0.5", mismatch.Expected);
    }

    [Fact]
    public void A_trace_with_an_unknown_object_code_is_a_format_error_naming_it()
    {
        JsonNode root = Load("MiniGrid-Unlock-v0");
        root["traces"]![1]!["initial"]!["grid"]![0]![0] = new JsonArray(11, 5, 0);
        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        var error = Assert.Throws<TraceFormatException>(() => TraceReplayers.Replay(document));
        Assert.Contains("traces[1].initial.grid cell (0, 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("11", error.Message, StringComparison.Ordinal);
    }

    private static JsonNode Load(string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(MiniGridGoldenTests.GoldenDirectory, id + ".json")))!;
}
