using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Environments;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl eval MODEL [--episodes N] [--deterministic] [--seed S] [--env-kwargs key=value ...] [--env-wrapper SPEC ...] [--env-assembly DLL] [--json FILE] [--render] [--video FILE.gif [--fps N]]</c>:
/// loads a saved agent, runs N episodes on a fresh copy of its environment (made with the model's environment options and
/// wrappers, and <c>--env-kwargs</c> and <c>--env-wrapper</c> on top of them) and prints the mean and std of the return and the mean episode
/// length (exit 2 on a bad or corrupt file); <c>--render</c> prints every state as text, <c>--video</c> records the episodes as a GIF.
/// </summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What <c>--json</c> writes.</summary>
    private sealed record EvalReport(string Environment, IReadOnlyList<string> EnvKwargs, IReadOnlyList<string> EnvWrappers, string Algorithm, string Model,
        long ModelSteps, int Episodes, bool Deterministic, int Seed, double MeanReturn, double StdReturn, double MeanLength, IReadOnlyList<double> Returns,
        IReadOnlyList<int> Lengths);

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model file written by `rl train` (model.rlm), or its run folder." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => 10 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Take the most likely action instead of sampling." };
        var seed = new Option<int>("--seed") { Description = "Seed of the evaluation episodes.", DefaultValueFactory = _ => 0 };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var envKwargs = EnvironmentSetupOptions.CreateOption(
            "An option of the environment, key=value (repeatable), on top of the ones the model was trained with (e.g. --env-kwargs is_slippery=true); the spaces must stay the model's.");
        var envWrapper = EnvironmentSetupOptions.CreateWrapperOption(
            "A Gymnasium wrapper outside the ones the model was trained with (repeatable), e.g. --env-wrapper sticky_action:repeat_action_probability=0.25; the spaces must stay the model's.");
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file (environment, algorithm, episodes, mean/std return, mean length, and every episode's return and length)." };
        var render = new Option<bool>("--render") { Description = "Print every state of every episode as text (Gymnasium's render_mode \"ansi\": toy text and MiniGrid), with the action and reward of each step." };
        var video = new Option<string?>("--video") { Description = "Record the episodes as an animated GIF (Gymnasium's render_mode \"rgb_array\": classic control and MiniGrid); use --episodes 1 for one episode." };
        var fps = new Option<int?>("--fps") { Description = "Frames per second of --video (default: the environment's render_fps), and the pace of --render (default: no pause)." };
        var command = new Command("eval", "Evaluate a saved agent: mean and std of the return, and the mean episode length, over N episodes.");
        command.Aliases.Add("evaluate");
        command.Arguments.Add(model);
        command.Options.Add(episodes);
        command.Options.Add(deterministic);
        command.Options.Add(seed);
        command.Options.Add(envKwargs);
        command.Options.Add(envWrapper);
        command.Options.Add(envAssembly);
        command.Options.Add(json);
        command.Options.Add(render);
        command.Options.Add(video);
        command.Options.Add(fps);
        command.SetAction(parseResult => Run(parseResult.GetValue(model)!, parseResult.GetValue(episodes), parseResult.GetValue(deterministic),
            parseResult.GetValue(seed), Console.Out, Console.Error, parseResult.GetValue(envAssembly), parseResult.GetValue(json),
            new RenderRequest(parseResult.GetValue(render), parseResult.GetValue(video), parseResult.GetValue(fps)), EnvironmentSetup.Of(parseResult.GetValue(envKwargs), parseResult.GetValue(envWrapper))));
        return command;
    }

    /// <summary>What to show of the episodes: text frames (<c>--render</c>), a GIF (<c>--video</c>), and their frame rate (<c>--fps</c>).</summary>
    internal sealed record RenderRequest(bool Text = false, string? VideoPath = null, int? Fps = null)
    {
        /// <summary>Whether anything is to be shown.</summary>
        public bool Any => Text || VideoPath is not null;

        /// <summary>The first problem with the options, or null.</summary>
        public string? Problem() =>
            Fps is < 1 or > 100 ? $"--fps must be between 1 and 100, got {Fps}."
            : VideoPath is not null && !VideoPath.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) ? $"--video writes an animated GIF: give a file name ending in .gif, got '{VideoPath}'."
            : VideoPath is not null && Directory.Exists(VideoPath) ? $"--video '{VideoPath}' is a folder; give the GIF file's name."
            : Fps is not null && !Any ? "--fps needs --render or --video."
            : null;
    }

    /// <summary>Evaluates and prints; returns the exit code.</summary>
    internal static int Run(string model, int episodes, bool deterministic, int seed, TextWriter output, TextWriter error,
        IReadOnlyList<string>? envAssemblies = null, string? jsonPath = null, RenderRequest? render = null, EnvironmentSetup? environment = null)
    {
        model = ModelArgument.Resolve(model);
        render ??= new RenderRequest();
        if (episodes < 1)
        {
            error.WriteLine($"rl eval: --episodes must be at least 1, got {episodes}.");
            return 2;
        }
        if (render.Problem() is { } problem)
        {
            error.WriteLine($"rl eval: {problem}");
            return 2;
        }
        try
        {
            EnvironmentAssemblies.Load(envAssemblies);
            EnvironmentSetupOptions.CheckDistinct(environment?.Kwargs);
            using var agent = ActorCriticAgent.Load(model);
            var setup = agent.EnvironmentSetup.Then(environment ?? EnvironmentSetup.Default); // later keys win, later wrappers go outside
            EvaluationResult result;
            if (render.Any)
            {
                result = EvaluateWithFrames(agent, setup, episodes, deterministic, seed, output, render, out var videoNote);
                if (videoNote is not null)
                    output.WriteLine(videoNote);
            }
            else
            {
                using var env = AgentFactory.MakeTrainingEnvironment(agent.EnvironmentId, 1, setup);
                result = agent.Evaluate(env, episodes, deterministic, seed);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{agent.Algorithm} on {agent.EnvironmentId}, {episodes} episode{(episodes == 1 ? "" : "s")} ({(deterministic ? "deterministic" : "stochastic")}): mean return {Training.ReturnFormat.MeanAndStd(result.MeanReturn, result.StdReturn)} (std), mean length {result.MeanLength:F1} steps"));
            if (jsonPath is not null)
            {
                var report = new EvalReport(agent.EnvironmentId, setup.Kwargs, setup.Wrappers, agent.Algorithm, Path.GetFullPath(model), agent.NumTimesteps, episodes, deterministic, seed,
                    result.MeanReturn, result.StdReturn, result.MeanLength, result.Returns, result.Lengths);
                Training.RunFolder.WriteAtomically(jsonPath, JsonSerializer.Serialize(report, s_json));
            }
            return 0;
        }
        catch (Exception e) when (ModelArgument.IsUserError(e))
        {
            error.WriteLine($"rl eval: {ErrorText.Of(e)}");
            return 2;
        }
    }

    /// <summary>
    /// The same evaluation on one environment that is rendered: the generic vector of one copy with next-step autoreset
    /// (so the last state of an episode is still there to show), which gives the returns of the plain evaluation bit
    /// for bit.
    /// </summary>
    private static EvaluationResult EvaluateWithFrames(ActorCriticAgent agent, EnvironmentSetup setup, int episodes, bool deterministic, int seed,
        TextWriter output, RenderRequest render, out string? videoNote)
    {
        var single = setup.Make(agent.EnvironmentId);
        using var env = new Environments.Vector.SyncVectorEnvironment([single], Environments.Vector.AutoresetMode.NextStep);
        using var video = render.VideoPath is null ? null : AnimatedGif.Create(render.VideoPath, render.Fps ?? EpisodeRenderer.NaturalFps(single));
        var renderer = new EpisodeRenderer(single, agent.EnvironmentId, render.Text ? output : null, render.Text ? render.Fps : null, video);
        var result = agent.Evaluate(env, episodes, deterministic, seed, renderer);
        videoNote = null;
        if (video is not null)
        {
            var frames = video.FrameCount;
            var (width, height) = (video.Width, video.Height);
            video.Complete();
            videoNote = string.Create(CultureInfo.InvariantCulture,
                $"video: {Path.GetFullPath(render.VideoPath!)} ({frames} frames, {width}x{height}, {render.Fps ?? EpisodeRenderer.NaturalFps(single)} fps, {new FileInfo(render.VideoPath!).Length / 1024.0:F0} KiB)");
        }
        return result;
    }
}
