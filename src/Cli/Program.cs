using System.CommandLine;
using RLFramework.Cli.Commands;

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
var parsed = root.Parse(args);
// A command line that does not parse is bad input (exit code 2, as for every other input error): name each problem in a line
// and point to the command's help, rather than printing the whole help after it.
if (parsed.Errors.Count > 0 && args.Length > 0)
{
    var path = parsed.CommandResult.Command == root ? "rl" : $"rl {parsed.CommandResult.Command.Name}";
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"{path}: {error.Message}");
    Console.Error.WriteLine($"See '{path} --help'.");
    return 2;
}
return parsed.Invoke();
