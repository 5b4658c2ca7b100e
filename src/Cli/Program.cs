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
return root.Parse(args).Invoke();
