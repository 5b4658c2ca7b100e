using System.CommandLine;

namespace RLFramework.Cli.Commands;

/// <summary>The <c>rl</c> root command and how a command line that does not parse is reported.</summary>
internal static class RlCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("rl: reinforcement learning with gradient-boosted tree policies (GBRL).");
        // One file per command under Commands/; each exposes static Command Create().
        root.Subcommands.Add(EnvsCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse is bad input (exit code 2, as for every
    /// other input error): each problem in a line that starts with the command's full name (<c>rl bench pg-async: ...</c>),
    /// then a pointer to that command's help, rather than the whole help.
    /// </summary>
    public static int Run(string[] args, TextWriter error)
    {
        var root = Create();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && args.Length > 0)
        {
            var names = new List<string>();
            for (var result = parsed.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, result.Command.Name);
            var path = string.Join(' ', ["rl", .. names]);
            foreach (var problem in parsed.Errors)
                error.WriteLine($"{path}: {problem.Message}");
            error.WriteLine($"See '{path} --help'.");
            return 2;
        }
        return parsed.Invoke();
    }
}
