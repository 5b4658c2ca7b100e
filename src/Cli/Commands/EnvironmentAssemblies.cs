using System.CommandLine;
using RLFramework.Environments;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>--env-assembly PATH</c> (repeatable) on the commands that name environments: loads a user's .NET assembly and
/// runs its <see cref="IEnvironmentPackage"/>s before the command looks the environment up (the RL Zoo's
/// <c>--gym-packages</c>). <c>examples/CustomEnvironment</c> is one.
/// </summary>
internal static class EnvironmentAssemblies
{
    public static Option<string[]> CreateOption() => new("--env-assembly")
    {
        Description = "A .NET assembly of your own environments (a public class implementing IEnvironmentPackage registers them); repeatable. See examples/CustomEnvironment.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Loads every assembly; a missing file, a file that is not an assembly, or one without a package is an <see cref="ArgumentException"/> or <see cref="FileNotFoundException"/> naming it.</summary>
    public static void Load(IReadOnlyList<string>? paths)
    {
        foreach (var path in paths ?? [])
            EnvironmentPackages.Load(path);
    }
}
