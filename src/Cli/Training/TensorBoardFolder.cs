using System.Globalization;
using RLFramework.Agents.Logging;

namespace RLFramework.Cli.Training;

/// <summary>
/// Where <c>rl train --tensorboard-log DIR</c> logs: <c>DIR/&lt;env id&gt;/&lt;ALGO&gt;_&lt;n&gt;</c>, as the RL Zoo passes
/// <c>DIR/&lt;env id&gt;</c> to Stable-Baselines3 as <c>tensorboard_log</c> and SB3 adds <c>PPO_&lt;n&gt;</c>: a fresh run takes n =
/// one more than the largest existing. A resumed run continues in its own folder, which its options.json records, when that
/// folder is under <c>DIR/&lt;env id&gt;</c>; else, as SB3's <c>reset_num_timesteps=False</c>, in the largest (<c>_1</c> when there is
/// none; SB3 would make <c>_0</c>), which may be another run's.
/// </summary>
internal static class TensorBoardFolder
{
    /// <summary>Opens a sink writing a new event file in the run's folder, which is made when missing.</summary>
    /// <exception cref="ArgumentException">The folder cannot be made or written, naming it and why.</exception>
    /// <param name="logDirectory">The <c>--tensorboard-log</c> folder.</param>
    /// <param name="environmentId">The run's environment.</param>
    /// <param name="algorithm">The run's algorithm.</param>
    /// <param name="resume">Whether the run is resumed.</param>
    /// <param name="previous">A resumed run's own TensorBoard folder (from its options.json), or null.</param>
    public static TensorBoardMetricSink Open(string logDirectory, string environmentId, string algorithm, bool resume, string? previous = null)
    {
        if (string.IsNullOrWhiteSpace(logDirectory))
            throw new ArgumentException("--tensorboard-log needs a folder to write to.");
        var folder = "";
        try
        {
            folder = resume && previous is not null && IsUnder(previous, Path.Combine(logDirectory, environmentId))
                ? previous
                : Resolve(logDirectory, environmentId, algorithm, resume);
            return new TensorBoardMetricSink(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--tensorboard-log: cannot write TensorBoard logs to '{(folder.Length > 0 ? folder : logDirectory)}': {e.Message}", e);
        }
    }

    private static bool IsUnder(string folder, string parent)
    {
        var full = Path.GetFullPath(parent).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(folder).StartsWith(full, StringComparison.Ordinal);
    }

    /// <summary>The run's folder (not made here).</summary>
    public static string Resolve(string logDirectory, string environmentId, string algorithm, bool resume)
    {
        var parent = Path.Combine(logDirectory, environmentId);
        var name = algorithm.ToUpperInvariant();
        var latest = LatestRunId(parent, name);
        var id = resume ? Math.Max(latest, 1) : latest + 1;
        return Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"{name}_{id}"));
    }

    /// <summary>SB3's get_latest_run_id: the largest n of the folders <c>&lt;name&gt;_&lt;n&gt;</c> in <paramref name="parent"/>, 0 when none.</summary>
    private static int LatestRunId(string parent, string name)
    {
        if (!Directory.Exists(parent))
            return 0;
        var latest = 0;
        foreach (var folder in Directory.EnumerateDirectories(parent, name + "_*"))
        {
            var suffix = Path.GetFileName(folder)[(name.Length + 1)..];
            if (suffix.Length > 0 && suffix.All(char.IsAsciiDigit) && int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                latest = Math.Max(latest, id);
        }
        return latest;
    }
}
