using System.CommandLine;
using RLFramework.Cli.Bench;

namespace RLFramework.Cli.Commands;

/// <summary><c>rl bench</c>: end-to-end benchmark suites, one subcommand per suite.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Run end-to-end benchmark workloads and report medians.");
        // One line per suite.
        command.Subcommands.Add(BoostingBench.CreateCommand());
        command.Subcommands.Add(BenchPgCommand.Create());
        command.Subcommands.Add(BenchPgAsyncCommand.Create());
        return command;
    }
}
