using System.CommandLine;
using RLFramework.Cli.Commands;
using RLFramework.Environments;

namespace RLFramework.Cli.Tests;

public class EnvsCommandTests
{
    [Fact]
    public void Lists_every_registered_id_with_spaces_limits_and_thresholds()
    {
        using var output = new StringWriter();
        EnvsCommand.Write(output);
        string text = output.ToString();
        var ids = EnvironmentRegistry.Ids;
        if (ids.Count == 0)
        {
            Assert.Contains("No environments are registered.", text, StringComparison.Ordinal);
            return;
        }

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id", lines[0], StringComparison.Ordinal);
        Assert.Contains("Observation space", lines[0], StringComparison.Ordinal);
        Assert.Contains("Reward threshold", lines[0], StringComparison.Ordinal);
        foreach (string id in ids)
        {
            var spec = EnvironmentRegistry.Spec(id);
            string line = Array.Find(lines, l => l.StartsWith(id + " ", StringComparison.Ordinal))!;
            Assert.NotNull(line);
            using var env = EnvironmentRegistry.Make(id);
            Assert.Contains(env.ObservationSpace.ToString()!, line, StringComparison.Ordinal);
            Assert.Contains(env.ActionSpace.ToString()!, line, StringComparison.Ordinal);
            Assert.Contains(spec.MaxEpisodeSteps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", line, StringComparison.Ordinal);
            // The last two columns: the render modes (Gymnasium's names), and whether the environment reports action masks
            // (of the built-in environments, Taxi-v3 only: Gymnasium's info["action_mask"]; of the example package, which other
            // tests load, CoinRow-v0).
            var modes = (Rendering.TextOf(env), Rendering.ImageOf(env)) switch
            {
                (null, null) => "-",
                (not null, null) => "ansi",
                (null, not null) => "rgb_array",
                _ => "ansi, rgb_array",
            };
            var mask = id is "Taxi-v3" or "CoinRow-v0" ? "yes" : "-";
            Assert.Matches($@"\s\s{System.Text.RegularExpressions.Regex.Escape(modes)}\s\s+{System.Text.RegularExpressions.Regex.Escape(mask)}$", line.TrimEnd());
        }
        Assert.Matches(@"\s\sansi\s+yes$", Array.Find(lines, l => l.StartsWith("Taxi-v3 ", StringComparison.Ordinal))!.TrimEnd());
        Assert.Matches(@"\s\srgb_array\s+-$", Array.Find(lines, l => l.StartsWith("CartPole-v1 ", StringComparison.Ordinal))!.TrimEnd());
        Assert.Matches(@"\s\sansi, rgb_array\s+-$", Array.Find(lines, l => l.StartsWith("MiniGrid-Unlock-v0 ", StringComparison.Ordinal))!.TrimEnd());
    }

    [Theory]
    [InlineData("list", "envs")]
    [InlineData("evaluate", "eval")]
    public void Gymnasium_and_sb3_words_are_aliases(string typed, string command)
    {
        var root = new RootCommand();
        root.Subcommands.Add(EnvsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        var parse = root.Parse(typed == "list" ? [typed] : [typed, "model.rlm"]);
        Assert.Empty(parse.Errors);
        Assert.Equal(command, parse.CommandResult.Command.Name);
    }
}
