using System.Text;
using System.Text.Json;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>
/// Every MiniGrid reference trace (MiniGrid 3.1.0): build the world from <c>initial</c>, check the
/// reset observation, step every action and compare image, direction, mission, reward bits, flags,
/// agent position and direction, carried object and step count exactly.
/// </summary>
public sealed class MiniGridGoldenTests
{
    internal static string GoldenDirectory => Path.Combine(AppContext.BaseDirectory, "golden", "minigrid");

    public static TheoryData<string> TraceFiles()
    {
        var data = new TheoryData<string>();
        foreach (string id in MiniGridEnvironments.Ids)
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TraceFiles))]
    public void Every_step_of_every_trace_matches_the_reference(string id)
    {
        MiniGridTraceFile file = MiniGridTraceFile.Load(Path.Combine(GoldenDirectory, id + ".json"));
        Assert.Equal(id, file.EnvironmentId);
        Assert.Equal(3, file.Episodes.Count);
        int steps = 0;
        foreach (MiniGridTraceEpisode episode in file.Episodes)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            env.SetState(episode.Initial);
            string where = $"{id} {episode.Name} reset";
            AssertImage(episode.InitialImage, env.Observation, where);
            Assert.Equal(episode.InitialDirection, env.Observation.Direction);
            Assert.Equal(episode.InitialMission, env.Observation.Mission);

            for (int t = 0; t < episode.Steps.Count; t++)
            {
                MiniGridTraceStep expected = episode.Steps[t];
                where = $"{id} {episode.Name} step {t + 1} (action {expected.Action})";
                StepResult<MiniGridObservation> result = env.Step(expected.Action);
                AssertImage(expected.Image, result.Observation, where);
                Assert.True(expected.Direction == result.Observation.Direction, where + ": direction");
                Assert.True(expected.Mission == result.Observation.Mission, where + ": mission");
                Assert.True(
                    BitConverter.DoubleToInt64Bits(expected.Reward) == BitConverter.DoubleToInt64Bits(result.Reward),
                    $"{where}: reward {result.Reward:R} != {expected.Reward:R}");
                Assert.True(expected.Terminated == result.Terminated, where + ": terminated");
                Assert.True(expected.Truncated == result.Truncated, where + ": truncated");
                Assert.True(expected.AgentPosition == env.AgentPosition, $"{where}: agent at {env.AgentPosition}, expected {expected.AgentPosition}");
                Assert.True(expected.AgentDirection == env.AgentDirection, where + ": agent direction");
                Assert.True(expected.Carrying == env.Carrying, $"{where}: carrying {env.Carrying}, expected {expected.Carrying}");
                Assert.True(expected.StepCount == env.StepCount, where + ": step count");
                steps++;
            }

            Assert.True(episode.Steps[^1].Terminated || episode.Steps[^1].Truncated);
            Assert.Throws<InvalidOperationException>(() => env.Step(0));
        }

        Assert.True(steps > 30);
    }

    [Fact]
    public void Reference_examples_match_the_partial_view_and_the_fully_observable_grid()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenDirectory, "MiniGrid-examples.json")));
        JsonElement root = document.RootElement;
        int checkedExamples = 0;
        foreach (string section in new[] { "traces", "seeded_layout_examples_numpy_pcg64_dependent" })
        {
            foreach (JsonElement example in root.GetProperty(section).EnumerateArray())
            {
                string id = example.GetProperty("env").GetString()!;
                JsonElement initial = example.GetProperty("initial");
                JsonElement full = initial.GetProperty("full_grid_encoding");
                int width = full.GetArrayLength();
                int height = full[0].GetArrayLength();
                var cells = new WorldCell[width * height];
                for (int x = 0; x < width; x++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        JsonElement c = full[x][y];
                        cells[(x * height) + y] = c[0].GetInt32() == (int)MiniGridObjectType.Agent
                            ? WorldCell.Empty
                            : WorldCell.Decode(c[0].GetInt32(), c[1].GetInt32(), c[2].GetInt32(), $"({x}, {y})");
                    }
                }

                using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
                var state = new MiniGridState
                {
                    Width = width,
                    Height = height,
                    Cells = cells,
                    AgentPosition = new GridPosition(initial.GetProperty("agent_pos")[0].GetInt32(), initial.GetProperty("agent_pos")[1].GetInt32()),
                    AgentDirection = initial.GetProperty("agent_dir").GetInt32(),
                    Mission = initial.GetProperty("mission").GetString()!,
                    MaxSteps = example.GetProperty("max_steps").GetInt32(),
                };
                env.SetState(state);
                AssertImage(ImageBytes(initial.GetProperty("image")), env.Observation, id + " partial view");

                var fully = new FullyObservableWrapper(env);
                MiniGridObservation observation = fully.Render();
                Assert.Equal(width, observation.ImageWidth);
                byte[] expected = new byte[width * height * 3];
                int k = 0;
                foreach (JsonElement column in full.EnumerateArray())
                {
                    foreach (JsonElement cell in column.EnumerateArray())
                    {
                        foreach (JsonElement channel in cell.EnumerateArray())
                        {
                            expected[k++] = (byte)channel.GetInt32();
                        }
                    }
                }

                Assert.Equal(expected, observation.Image.ToArray());

                foreach (JsonElement step in example.GetProperty("steps").EnumerateArray())
                {
                    StepResult<MiniGridObservation> result = env.Step(step.GetProperty("action").GetInt32());
                    AssertImage(ImageBytes(step.GetProperty("image")), result.Observation, id + " example step");
                    Assert.Equal(step.GetProperty("reward").GetDouble(), result.Reward);
                    Assert.Equal(step.GetProperty("terminated").GetBoolean(), result.Terminated);
                    Assert.Equal(step.GetProperty("truncated").GetBoolean(), result.Truncated);
                    if (result.Terminated || result.Truncated)
                    {
                        break;
                    }
                }

                checkedExamples++;
            }
        }

        Assert.Equal(5, checkedExamples);
    }

    private static byte[] ImageBytes(JsonElement image)
    {
        var bytes = new List<byte>();
        foreach (JsonElement column in image.EnumerateArray())
        {
            foreach (JsonElement cell in column.EnumerateArray())
            {
                foreach (JsonElement channel in cell.EnumerateArray())
                {
                    bytes.Add((byte)channel.GetInt32());
                }
            }
        }

        return [.. bytes];
    }

    private static void AssertImage(byte[] expected, MiniGridObservation actual, string where)
    {
        ReadOnlySpan<byte> image = actual.Image.Span;
        if (image.SequenceEqual(expected))
        {
            return;
        }

        var message = new StringBuilder($"{where}: image differs");
        for (int cell = 0; cell < expected.Length / 3; cell++)
        {
            int o = cell * 3;
            if (!image.Slice(o, 3).SequenceEqual(expected.AsSpan(o, 3)))
            {
                message.Append($"; view ({cell / 7}, {cell % 7}) is [{image[o]},{image[o + 1]},{image[o + 2]}], expected [{expected[o]},{expected[o + 1]},{expected[o + 2]}]");
            }
        }

        Assert.Fail(message.ToString());
    }
}
