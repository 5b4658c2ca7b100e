using System.Globalization;
using System.Text;
using RLFramework.Agents.Algorithms;
using RLFramework.Environments;

namespace RLFramework.Cli.Commands;

/// <summary>
/// Shows the episodes of <c>rl eval</c> as they run: text frames on a writer (<c>--render</c>, Gymnasium's "ansi"
/// mode), image frames into an animated GIF (<c>--video</c>, "rgb_array"), or both. Watches the single environment of
/// a one-environment evaluation with next-step autoreset, so every episode's last state is shown.
/// </summary>
internal sealed class EpisodeRenderer : IEvaluationObserver
{
    private readonly ITextRenderable? _text;
    private readonly IImageRenderable? _image;
    private readonly TextWriter? _output;
    private readonly AnimatedGif? _video;
    private readonly TimeSpan _pause;
    private readonly EnvironmentLabels _labels;
    private readonly bool _discrete;
    private readonly bool _integerVector;
    private int _episode;
    private int _step;
    private double _return;

    /// <summary>
    /// Renders <paramref name="environment"/>: text to <paramref name="output"/> when given (paced at <paramref name="textFps"/>
    /// frames a second when given), images to <paramref name="video"/> when given. Throws <see cref="ArgumentException"/>
    /// naming what the environment cannot render.
    /// </summary>
    public EpisodeRenderer(IEnvironment environment, string environmentId, TextWriter? output, int? textFps, AnimatedGif? video)
    {
        if (output is not null)
        {
            _text = Rendering.TextOf(environment) ?? throw new ArgumentException(
                $"{environmentId} has no text rendering (Gymnasium's render_mode \"ansi\"){(Rendering.ImageOf(environment) is null ? "" : "; record it with --video FILE.gif")}.");
        }
        if (video is not null)
        {
            _image = Rendering.ImageOf(environment) ?? throw new ArgumentException(
                $"{environmentId} has no image rendering (Gymnasium's render_mode \"rgb_array\"){(Rendering.TextOf(environment) is null ? "" : "; show it as text with --render")}.");
        }
        _output = output;
        _video = video;
        _pause = textFps is { } fps ? TimeSpan.FromSeconds(1.0 / fps) : TimeSpan.Zero;
        _labels = EnvironmentLabels.Of(environment);
        _discrete = environment.ActionSpace is Environments.Spaces.Discrete;
        _integerVector = environment.ActionSpace is Environments.Spaces.MultiDiscrete or Environments.Spaces.MultiBinary;
    }

    /// <summary>The frame rate of the environment's images (Gymnasium's render_fps), for a video without <c>--fps</c>.</summary>
    public static int NaturalFps(IEnvironment environment) =>
        (Rendering.ImageOf(environment) as IRenderable ?? Rendering.TextOf(environment))?.RenderFps ?? 30;

    /// <inheritdoc/>
    public void OnEpisodeStart(int env)
    {
        _episode++;
        _step = 0;
        _return = 0;
        Show(string.Create(CultureInfo.InvariantCulture, $"episode {_episode}, reset"));
    }

    /// <inheritdoc/>
    public void OnStep(int env, ReadOnlySpan<float> action, double reward, bool terminated, bool truncated)
    {
        _step++;
        _return += reward;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"episode {_episode}, step {_step}: {ActionText(action)}, reward {reward:G6}");
        if (terminated || truncated)
            line.Append(CultureInfo.InvariantCulture, $"; {(terminated ? "terminated" : "truncated")} after {_step} steps, return {_return:G6}");
        Show(line.ToString());
    }

    private string ActionText(ReadOnlySpan<float> action)
    {
        if (_discrete)
            return $"action {_labels.ActionName((int)action[0])}";
        if (!_labels.HasActionNames)
        {
            // A vector action of an environment that names none: its values, e.g. "action [2, 0, 1]".
            var values = new string[action.Length];
            for (var i = 0; i < action.Length; i++)
                values[i] = action[i].ToString("G4", CultureInfo.InvariantCulture);
            return $"action [{string.Join(", ", values)}]";
        }
        var text = new StringBuilder("action ");
        for (var i = 0; i < action.Length; i++)
        {
            // A MultiDiscrete or MultiBinary element by its value's name where the environment gives one ("kitchen heat").
            var value = _integerVector ? _labels.ActionValueName(i, (int)action[i]) : null;
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}{_labels.ActionName(i)} {value ?? action[i].ToString("G4", CultureInfo.InvariantCulture)}");
        }
        return text.ToString();
    }

    private void Show(string caption)
    {
        if (_output is not null)
        {
            _output.WriteLine(caption);
            var frame = _text!.RenderText();
            _output.Write(frame);
            if (!frame.EndsWith('\n'))
                _output.WriteLine(); // MiniGrid's str(env) has no final newline; the next caption starts a line

            _output.Flush();
            if (_pause > TimeSpan.Zero)
                Thread.Sleep(_pause);
        }
        _video?.Add(_image!.RenderImage());
    }
}
