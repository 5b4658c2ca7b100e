using System.Text.Json;

namespace RLFramework.Environments.Replay;

/// <summary>
/// Replays one family of reference-trace files (Gymnasium classic control and toy text, MiniGrid, ...)
/// against this library's environments. Add one to <see cref="TraceReplayers"/> to support a new format.
/// </summary>
public interface ITraceReplayer
{
    /// <summary>Whether <paramref name="document"/> looks like a file of this replayer's format.</summary>
    bool CanReplay(JsonDocument document);

    /// <summary>
    /// Replays every trace of <paramref name="document"/> against the environment the file names, or
    /// <paramref name="environmentId"/> when given. Throws <see cref="TraceFormatException"/> when the file is malformed.
    /// </summary>
    ReplayReport Replay(JsonDocument document, string? environmentId = null);
}

/// <summary>The known trace replayers, and replaying a file with the first one that accepts it.</summary>
public static class TraceReplayers
{
    private static readonly object s_lock = new();
    private static readonly List<ITraceReplayer> s_replayers = [new TraceReplayer()];

    /// <summary>The registered replayers, in the order they are tried.</summary>
    public static IReadOnlyList<ITraceReplayer> All
    {
        get
        {
            lock (s_lock)
            {
                return [.. s_replayers];
            }
        }
    }

    /// <summary>Adds a replayer (tried before the built-in ones).</summary>
    public static void Register(ITraceReplayer replayer)
    {
        ArgumentNullException.ThrowIfNull(replayer);
        lock (s_lock)
        {
            s_replayers.Insert(0, replayer);
        }
    }

    /// <summary>Reads <paramref name="path"/> and replays it; throws <see cref="TraceFormatException"/> when it is not a trace file.</summary>
    public static ReplayReport ReplayFile(string path, string? environmentId = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The trace file {path} does not exist.", path);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new TraceFormatException($"{path} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return Replay(document, environmentId, path);
        }
    }

    /// <summary>Replays a parsed document with the first replayer that accepts it.</summary>
    public static ReplayReport Replay(JsonDocument document, string? environmentId = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var replayer in All)
        {
            if (replayer.CanReplay(document))
            {
                return replayer.Replay(document, environmentId);
            }
        }

        throw new TraceFormatException(
            $"{sourceName ?? "The document"} is not a reference-trace file of a known format: expected an object with \"env\" and \"traces\" " +
            "(each trace with \"initial_state\" and \"steps\"), or a transition table \"P\".");
    }
}
