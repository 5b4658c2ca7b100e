namespace RLFramework.Cli.Commands;

/// <summary>The MODEL argument of the commands that read a saved agent (<c>rl eval</c>, <c>rl inspect</c>).</summary>
internal static class ModelArgument
{
    /// <summary>A model file, or a run folder standing for its <c>model.rlm</c>.</summary>
    public static string Resolve(string modelOrRun) =>
        Directory.Exists(modelOrRun) ? Path.Combine(modelOrRun, Training.RunFolder.ModelFile) : modelOrRun;

    /// <summary>
    /// Whether <paramref name="e"/> is a user's mistake to report in one line, not a bug: a missing, corrupt or foreign file, a bad
    /// option, or a path that cannot be read or written (any I/O error, a folder where a file is meant, no permission).
    /// </summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException;
}
