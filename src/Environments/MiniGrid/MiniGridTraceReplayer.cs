using System.Globalization;
using System.Text.Json;
using RLFramework.Environments.Replay;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// Replays MiniGrid reference traces (as <c>tests/Environments.Tests/golden/minigrid</c>): each trace's world is set from
/// its <c>initial</c> object, the reset observation is compared, then every recorded action is
/// stepped and image, direction, mission, reward bits, flags, agent position and direction, carried
/// object and step count must match exactly. <c>rl replay</c> uses it for files whose <c>env</c>
/// starts with "MiniGrid-".
/// </summary>
public sealed class MiniGridTraceReplayer : ITraceReplayer
{
    /// <inheritdoc/>
    public bool CanReplay(JsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return MiniGridTraceFile.IsMiniGridTrace(document.RootElement);
    }

    /// <inheritdoc/>
    public ReplayReport Replay(JsonDocument document, string? environmentId = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        MiniGridTraceFile file;
        try
        {
            file = MiniGridTraceFile.Parse(document.RootElement);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new TraceFormatException($"MiniGrid trace: {e.Message}", e);
        }

        string id = environmentId ?? file.EnvironmentId;
        var results = new List<TraceResult>();
        foreach (MiniGridTraceEpisode episode in file.Episodes)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            try
            {
                env.SetState(episode.Initial);
            }
            catch (ArgumentException e)
            {
                throw new TraceFormatException($"MiniGrid trace {episode.Name}: {e.Message}", e);
            }

            TraceMismatch? mismatch = CompareObservation(-1, env.Observation, episode.InitialImage, episode.InitialDirection, episode.InitialMission);
            int steps = 0;
            for (int t = 0; mismatch is null && t < episode.Steps.Count; t++)
            {
                MiniGridTraceStep expected = episode.Steps[t];
                if ((uint)expected.Action >= MiniGridEnvironment.ActionCount)
                {
                    throw new TraceFormatException($"MiniGrid trace {episode.Name} step {t}: action {expected.Action} is not 0..6.");
                }

                StepResult<MiniGridObservation> result = env.Step(expected.Action);
                mismatch = CompareObservation(t, result.Observation, expected.Image, expected.Direction, expected.Mission)
                    ?? CompareStep(t, env, result, expected);
                steps++;
                if (mismatch is null && result.Done && t + 1 < episode.Steps.Count)
                {
                    mismatch = new TraceMismatch(t, "episode end", "running", "ended");
                }
            }

            results.Add(new TraceResult(episode.Name, steps, $"reset observation, steps {steps}/{episode.Steps.Count}", mismatch));
        }

        return new ReplayReport(id, results);
    }

    private static TraceMismatch? CompareObservation(int step, MiniGridObservation actual, byte[] image, int direction, string mission)
    {
        ReadOnlySpan<byte> got = actual.Image.Span;
        for (int i = 0; i < image.Length; i += 3)
        {
            if (!got.Slice(i, 3).SequenceEqual(image.AsSpan(i, 3)))
            {
                int cell = i / 3;
                return new TraceMismatch(step, $"image[{cell / 7}][{cell % 7}]", Cell(image.AsSpan(i, 3)), Cell(got.Slice(i, 3)));
            }
        }

        if (actual.Direction != direction)
        {
            return new TraceMismatch(step, "direction", Format(direction), Format(actual.Direction));
        }

        return actual.Mission == mission ? null : new TraceMismatch(step, "mission", mission, actual.Mission);
    }

    private static TraceMismatch? CompareStep(int t, MiniGridEnvironment env, StepResult<MiniGridObservation> result, MiniGridTraceStep expected)
    {
        if (BitConverter.DoubleToInt64Bits(result.Reward) != BitConverter.DoubleToInt64Bits(expected.Reward))
        {
            return new TraceMismatch(t, "reward", expected.Reward.ToString("R", CultureInfo.InvariantCulture), result.Reward.ToString("R", CultureInfo.InvariantCulture));
        }

        if (result.Terminated != expected.Terminated)
        {
            return new TraceMismatch(t, "terminated", Format(expected.Terminated), Format(result.Terminated));
        }

        if (result.Truncated != expected.Truncated)
        {
            return new TraceMismatch(t, "truncated", Format(expected.Truncated), Format(result.Truncated));
        }

        if (env.AgentPosition != expected.AgentPosition)
        {
            return new TraceMismatch(t, "agent_pos", Position(expected.AgentPosition), Position(env.AgentPosition));
        }

        if (env.AgentDirection != expected.AgentDirection)
        {
            return new TraceMismatch(t, "agent_dir", Format(expected.AgentDirection), Format(env.AgentDirection));
        }

        if (env.Carrying != expected.Carrying)
        {
            return new TraceMismatch(t, "carrying", Carried(expected.Carrying), Carried(env.Carrying));
        }

        return env.StepCount == expected.StepCount ? null : new TraceMismatch(t, "step_count", Format(expected.StepCount), Format(env.StepCount));
    }

    private static string Cell(ReadOnlySpan<byte> cell) => $"[{cell[0]}, {cell[1]}, {cell[2]}]";

    private static string Carried(WorldCell? cell) => cell is WorldCell c ? $"[{(int)c.Type}, {(int)c.Color}, {c.State}]" : "null";

    private static string Position(GridPosition p) => $"[{p.X}, {p.Y}]";

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(bool value) => value ? "true" : "false";
}
