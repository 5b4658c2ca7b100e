using System.Text.RegularExpressions;
using RLFramework.Agents.Algorithms;
using RLFramework.Cli.Commands;
using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl eval --render</c> and <c>--video</c>: every printed or recorded frame is the environment's own frame of the
/// episode replayed independently, the returns are the plain evaluation's, and what cannot be shown is a clear error.
/// </summary>
public sealed class EvalRenderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-render-{Guid.NewGuid():N}");

    public EvalRenderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Model(string environment)
    {
        var path = Path.Combine(_directory, $"{environment}.rlm");
        using var agent = AgentFactory.Create("ppo", environment, 3, [new("n_steps", "16"), new("batch_size", "16")]);
        agent.Save(path);
        return path;
    }

    private static string SummaryLine(string output) => output.Split('\n').Single(l => l.Contains(" episodes (", StringComparison.Ordinal));

    [Fact]
    public void Text_frames_are_the_frames_of_the_printed_actions_replayed_and_the_returns_are_unchanged()
    {
        var model = Model("FrozenLake-v1");
        var plain = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(model, 3, false, 7, plain, new StringWriter()));
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(EvalCommand.Run(model, 3, false, 7, output, error, render: new EvalCommand.RenderRequest(Text: true)) == 0, error.ToString());

        var text = output.ToString();
        Assert.Equal(SummaryLine(plain.ToString()), SummaryLine(text));
        // Captions and frames alternate; replay each episode's printed actions on a fresh environment.
        var blocks = Regex.Split(text[..text.IndexOf("ppo on", StringComparison.Ordinal)], @"^(episode \d+, .*)\n", RegexOptions.Multiline)
            .Skip(1).Chunk(2).Select(c => (Caption: c[0], Frame: c[1])).ToList();
        using var env = (IEnvironment<int, int>)EnvironmentRegistry.Make("FrozenLake-v1");
        var labels = EnvironmentLabels.Of(env);
        var renderer = Rendering.TextOf(env)!;
        var episodes = 0;
        var steps = 0;
        foreach (var (caption, frame) in blocks)
        {
            if (caption.EndsWith(", reset", StringComparison.Ordinal))
            {
                env.Reset(episodes == 0 ? 7 : null);
                episodes++;
            }
            else
            {
                var name = Regex.Match(caption, @"action (\w+), reward").Groups[1].Value;
                var action = Enumerable.Range(0, 4).Single(a => labels.ActionName(a) == name);
                var result = env.Step(action);
                Assert.Contains($"reward {result.Reward}", caption, StringComparison.Ordinal);
                Assert.Equal(result.Terminated || result.Truncated, caption.Contains(" after ", StringComparison.Ordinal));
                steps++;
            }
            Assert.Equal(renderer.RenderText(), frame);
        }
        Assert.Equal(3, episodes);
        Assert.Contains("\u001b[41m", text, StringComparison.Ordinal);
        Assert.True(steps >= 3);
    }

    [Fact]
    public void A_video_holds_every_frame_of_the_deterministic_episodes_at_the_natural_rate()
    {
        var model = Model("CartPole-v1");
        var video = Path.Combine(_directory, "videos", "cartpole.gif");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(EvalCommand.Run(model, 2, true, 11, output, error, render: new EvalCommand.RenderRequest(VideoPath: video)) == 0, error.ToString());

        Assert.Contains($"video: {video} (", output.ToString(), StringComparison.Ordinal);
        var frames = Decode(video, out var durations);
        Assert.All(durations, d => Assert.Equal(20, d)); // CartPole's render_fps is 50
        // Replay: the same policy's most likely actions on a fresh environment, seeded as the evaluation's.
        using var agent = ActorCriticAgent.Load(model);
        using var env = (IEnvironment<ReadOnlyMemory<float>, int>)EnvironmentRegistry.Make("CartPole-v1");
        var renderer = Rendering.ImageOf(env)!;
        var action = new float[1];
        var k = 0;
        for (var episode = 0; episode < 2; episode++)
        {
            var observation = env.Reset(episode == 0 ? 11 : null).Observation;
            Assert.Equal(renderer.RenderImage().Pixels.ToArray(), frames[k++].Pixels.ToArray());
            while (true)
            {
                agent.Predict(observation.Span, 1, deterministic: true, action);
                var result = env.Step((int)action[0]);
                observation = result.Observation;
                Assert.Equal(renderer.RenderImage().Pixels.ToArray(), frames[k++].Pixels.ToArray());
                if (result.Done)
                    break;
            }
        }
        Assert.Equal(frames.Count, k);
    }

    [Fact]
    public void The_frame_rate_can_be_set_and_text_and_video_can_be_asked_together_where_both_exist()
    {
        var model = Model("MiniGrid-Empty-5x5-v0");
        var video = Path.Combine(_directory, "empty.gif");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(EvalCommand.Run(model, 1, true, 0, output, error, render: new EvalCommand.RenderRequest(true, video, 25)) == 0, error.ToString());

        var frames = Decode(video, out var durations);
        Assert.All(durations, d => Assert.Equal(40, d));
        Assert.Equal(Regex.Matches(output.ToString(), @"^episode 1, ", RegexOptions.Multiline).Count, frames.Count);
        Assert.Equal(160, frames[0].Width);
    }

    [Theory]
    [InlineData("CartPole-v1", true, null, null, "CartPole-v1 has no text rendering (Gymnasium's render_mode \"ansi\"); record it with --video FILE.gif.")]
    [InlineData("FrozenLake-v1", false, "x.gif", null, "FrozenLake-v1 has no image rendering (Gymnasium's render_mode \"rgb_array\"); show it as text with --render.")]
    [InlineData("CartPole-v1", false, "x.mp4", null, "--video writes an animated GIF: give a file name ending in .gif, got 'x.mp4'.")]
    [InlineData("CartPole-v1", false, "x.gif", 0, "--fps must be between 1 and 100, got 0.")]
    [InlineData("CartPole-v1", false, null, 10, "--fps needs --render or --video.")]
    [InlineData("CartPole-v1", false, "videos.gif", null, "--video 'videos.gif' is a folder; give the GIF file's name.")]
    public void What_cannot_be_shown_is_a_clear_error_and_leaves_no_file(string environment, bool text, string? video, int? fps, string message)
    {
        var model = Model(environment);
        var error = new StringWriter();
        var videoPath = video is null ? null : Path.Combine(_directory, video);
        if (video == "videos.gif")
            Directory.CreateDirectory(videoPath!);

        Assert.Equal(2, EvalCommand.Run(model, 1, true, 0, new StringWriter(), error, render: new EvalCommand.RenderRequest(text, videoPath, fps)));

        Assert.Equal($"rl eval: {message.Replace("'x.mp4'", $"'{videoPath}'", StringComparison.Ordinal).Replace("'videos.gif'", $"'{videoPath}'", StringComparison.Ordinal)}",
            error.ToString().TrimEnd());
        Assert.Single(Directory.GetFiles(_directory));
    }

    private static List<RgbImage> Decode(string path, out int[] durations) => Environments.Tests.GifDecoder.Decode(path, out durations);

    [Fact]
    public void A_vector_action_without_names_is_printed_as_its_values()
    {
        var output = new StringWriter();
        using var env = new Dials();
        env.Reset(0);
        var renderer = new EpisodeRenderer(env, "Dials", output, textFps: null, video: null);
        renderer.OnEpisodeStart(0);
        renderer.OnStep(0, [2f, 1f], 0.5, terminated: false, truncated: false);
        Assert.Contains("episode 1, step 1: action [2, 1], reward 0.5", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Two dials, MultiDiscrete([3, 2]) actions, a one-line picture; no names for anything.</summary>
    private sealed class Dials : IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<int>>, ITextRenderable
    {
        private readonly float[] _observation = new float[1];

        public Space ObservationSpace { get; } = new Box(0f, 1f, 1);

        public Space ActionSpace { get; } = new MultiDiscrete(3, 2);

        public EnvironmentSpec? Spec => null;

        public int RenderFps => 4;

        public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => new(_observation, StepInfo.Empty);

        public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<int> action) => new(_observation, 0, false, false, StepInfo.Empty);

        public string RenderText() => "dials\n";

        public void Dispose()
        {
        }
    }
}
