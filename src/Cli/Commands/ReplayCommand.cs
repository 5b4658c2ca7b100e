using System.CommandLine;
using RLFramework.Environments;
using RLFramework.Environments.Replay;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>rl replay FILE.json [--env-id ID] [--env-assembly DLL]</c>: replays a reference-trace file against the environment it
/// names (or ID), prints a line per trace with the first mismatch, and exits 0 only when everything
/// matches (1 on a mismatch, 2 when the file or the environment cannot be used).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A reference-trace JSON file: Gymnasium's or MiniGrid's trace format, as the files in tests/Environments.Tests/golden." };
        var envId = new Option<string?>("--env-id") { Description = "Replay against this registered environment instead of the one the file names." };
        var envAssembly = EnvironmentAssemblies.CreateOption();
        var command = new Command("replay", "Replay a reference-trace file against a registered environment and report the first mismatch of each trace.");
        command.Arguments.Add(file);
        command.Options.Add(envId);
        command.Options.Add(envAssembly);
        command.SetAction(parseResult => Run(parseResult.GetValue(file)!, parseResult.GetValue(envId), Console.Out, Console.Error, parseResult.GetValue(envAssembly)));
        return command;
    }

    /// <summary>Replays <paramref name="file"/> and writes the report; returns the exit code.</summary>
    internal static int Run(FileInfo file, string? envId, TextWriter output, TextWriter error, IReadOnlyList<string>? envAssemblies = null)
    {
        ReplayReport report;
        try
        {
            EnvironmentAssemblies.Load(envAssemblies);
            report = TraceReplayers.ReplayFile(file.FullName, envId);
        }
        catch (Exception e) when (e is TraceFormatException or FileNotFoundException or KeyNotFoundException
            or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            error.WriteLine($"rl replay: {ErrorText.Of(e)}");
            return 2;
        }

        int failed = 0;
        foreach (TraceResult trace in report.Traces)
        {
            if (trace.Matched)
            {
                output.WriteLine($"PASS {report.EnvironmentId} {trace.Name}: {trace.Checks}");
            }
            else
            {
                failed++;
                output.WriteLine($"FAIL {report.EnvironmentId} {trace.Name}: {trace.Mismatch} ({trace.Checks})");
            }
        }

        output.WriteLine($"{report.Traces.Count - failed} of {report.Traces.Count} traces match.");
        return failed == 0 ? 0 : 1;
    }
}
