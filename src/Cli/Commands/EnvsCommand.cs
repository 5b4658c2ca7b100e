using System.CommandLine;
using System.Globalization;
using RLFramework.Environments;
using RLFramework.Environments.Vector;

namespace RLFramework.Cli.Commands;

/// <summary><c>rl envs</c>: lists the registered environments with their spaces, time limits and reward thresholds.</summary>
internal static class EnvsCommand
{
    public static Command Create()
    {
        var command = new Command("envs", "List the registered environments with their observation and action spaces, max episode steps and reward threshold.");
        command.Aliases.Add("list");
        var envAssembly = EnvironmentAssemblies.CreateOption();
        command.Options.Add(envAssembly);
        command.SetAction(parseResult =>
        {
            try
            {
                EnvironmentAssemblies.Load(parseResult.GetValue(envAssembly));
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException)
            {
                Console.Error.WriteLine($"rl envs: {ErrorText.Of(e)}");
                return 2;
            }
            Write(Console.Out);
            return 0;
        });
        return command;
    }

    /// <summary>Writes the table of registered environments to <paramref name="output"/>.</summary>
    internal static void Write(TextWriter output)
    {
        var ids = EnvironmentRegistry.Ids;
        if (ids.Count == 0)
        {
            output.WriteLine("No environments are registered.");
            return;
        }

        string[] header = ["Id", "Observation space", "Action space", "Max steps", "Reward threshold", "Render", "Action mask"];
        var rows = new List<string[]> { header };
        foreach (string id in ids)
        {
            var spec = EnvironmentRegistry.Spec(id);
            string observation;
            string action;
            var render = "-";
            var mask = "-";
            try
            {
                using var env = EnvironmentRegistry.Make(id);
                observation = env.ObservationSpace.ToString() ?? "";
                action = env.ActionSpace.ToString() ?? "";
                render = RenderModes(env);
                mask = ReportsActionMask(id) ? "yes" : "-";
            }
#pragma warning disable CA1031 // A broken registration is listed, not fatal to the listing.
            catch (Exception e)
#pragma warning restore CA1031
            {
                observation = $"(cannot make: {e.Message})";
                action = "";
            }

            rows.Add([
                id,
                observation,
                action,
                spec.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
                spec.RewardThreshold?.ToString("R", CultureInfo.InvariantCulture) ?? "-",
                render,
                mask,
            ]);
        }

        TextTable.Write(output, rows);
    }

    /// <summary>Whether the environment reports an action mask with its first observation (<c>--set use_masking=true</c> needs one).</summary>
    private static bool ReportsActionMask(string id)
    {
        using var vector = VectorEnvironment.Make(id, 1, new VectorOptions { Mode = VectorMode.Sync });
        vector.Reset(0, new float[vector.ObservationSize]);
        return !vector.ActionMasks.IsEmpty;
    }

    /// <summary>Gymnasium's render modes an environment has ("ansi": <c>rl eval --render</c>; "rgb_array": <c>--video</c>), or "-".</summary>
    private static string RenderModes(IEnvironment env)
    {
        var modes = new List<string>(2);
        if (Rendering.TextOf(env) is not null)
            modes.Add("ansi");
        if (Rendering.ImageOf(env) is not null)
            modes.Add("rgb_array");
        return modes.Count == 0 ? "-" : string.Join(", ", modes);
    }
}
