using System.CommandLine;

namespace RLFramework.Cli.Commands;

/// <summary><c>rl envs</c>: lists the registered environments with their spaces.</summary>
internal static class EnvsCommand
{
    public static Command Create()
    {
        var command = new Command("envs", "List the registered environments with their spaces.");
        command.SetAction(_ =>
        {
            Console.WriteLine("(environment registry not built yet)");
            return 0;
        });
        return command;
    }
}
