namespace RLFramework.Cli.Commands;

/// <summary>The MODEL argument of the commands that read a saved agent (<c>rl eval</c>, <c>rl inspect</c>).</summary>
internal static class ModelArgument
{
    /// <summary>A model file, a run folder standing for its <c>model.rlm</c>, or an <c>rl tune</c> folder standing for its <c>best_model.rlm</c>.</summary>
    public static string Resolve(string modelOrRun)
    {
        if (!Directory.Exists(modelOrRun))
            return modelOrRun;
        var model = Path.Combine(modelOrRun, Training.RunFolder.ModelFile);
        var best = Path.Combine(modelOrRun, Training.TuneFolder.BestModelFile);
        return !File.Exists(model) && File.Exists(Path.Combine(modelOrRun, Training.TuneFolder.SettingsFile)) && File.Exists(best) ? best : model;
    }

    /// <summary>
    /// Whether <paramref name="e"/> is a user's mistake to report in one line, not a bug: a missing, corrupt or foreign file, a bad
    /// option, or a path that cannot be read or written (any I/O error, a folder where a file is meant, no permission).
    /// </summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException;
}
