using RLFramework.Cli.Commands;

return RlCommand.Run(args, Console.Error);
