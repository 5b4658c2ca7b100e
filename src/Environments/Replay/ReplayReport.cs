namespace RLFramework.Environments.Replay;

/// <summary>The first difference between a reference trace and the replay.</summary>
/// <param name="Step">0-based step index (-1 for the reset or a transition table).</param>
/// <param name="Field">What differs, e.g. "obs[2]", "reward", "state[0]", "P[5][1][0].prob".</param>
/// <param name="Expected">The reference value, formatted round-trip.</param>
/// <param name="Actual">The replayed value, formatted round-trip.</param>
public sealed record TraceMismatch(int Step, string Field, string Expected, string Actual)
{
    /// <inheritdoc/>
    public override string ToString() =>
        Step >= 0 ? $"step {Step} {Field}: expected {Expected}, got {Actual}" : $"{Field}: expected {Expected}, got {Actual}";
}

/// <summary>The outcome of replaying one trace (or a transition table) of a reference file.</summary>
/// <param name="Name">The trace's name ("P" for the transition table).</param>
/// <param name="StepsChecked">Steps compared (entries for a table).</param>
/// <param name="Checks">What was compared, e.g. "one-step 41/41, open-loop 41/41".</param>
/// <param name="Mismatch">The first mismatch, or null when everything matched.</param>
public sealed record TraceResult(string Name, int StepsChecked, string Checks, TraceMismatch? Mismatch)
{
    /// <summary>Whether the trace matched.</summary>
    public bool Matched => Mismatch is null;
}

/// <summary>The outcome of replaying a whole reference file.</summary>
/// <param name="EnvironmentId">The environment replayed.</param>
/// <param name="Traces">One result per trace, plus one for the transition table when the file has one.</param>
public sealed record ReplayReport(string EnvironmentId, IReadOnlyList<TraceResult> Traces)
{
    /// <summary>Whether every trace matched.</summary>
    public bool AllMatched
    {
        get
        {
            foreach (var trace in Traces)
            {
                if (!trace.Matched)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>A reference-trace file that cannot be read: the message names the JSON path and what is wrong.</summary>
public sealed class TraceFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public TraceFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TraceFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
