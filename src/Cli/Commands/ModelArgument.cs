namespace RLFramework.Cli.Commands;

/// <summary>The MODEL argument of the commands that read a saved agent (<c>rl eval</c>, <c>rl inspect</c>).</summary>
internal static class ModelArgument
{
    /// <summary>A model file, or a run folder standing for its <c>model.rlm</c>.</summary>
    public static string Resolve(string modelOrRun) =>
        Directory.Exists(modelOrRun) ? Path.Combine(modelOrRun, Training.RunFolder.ModelFile) : modelOrRun;

    /// <summary>Whether <paramref name="e"/> is a user's mistake to report in one line (missing, corrupt or foreign file, bad option), not a bug.</summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidDataException or FileNotFoundException or ArgumentException or EndOfStreamException or DirectoryNotFoundException;
}
