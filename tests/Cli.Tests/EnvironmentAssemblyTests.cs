using System.Reflection;
using System.Text.RegularExpressions;
using RLFramework.Cli.Commands;
using RLFramework.Environments;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>--env-assembly</c>: the README's example package (examples/CustomEnvironment, built but not referenced by this
/// project) is loaded from its own folder, registers SignpostCorridor-v0, and rl trains, resumes and evaluates it.
/// </summary>
public sealed class EnvironmentAssemblyTests : IDisposable
{
    private static readonly string s_example = typeof(EnvironmentAssemblyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CustomEnvironmentAssembly").Value!;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-env-assembly-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_users_environment_package_is_trained_resumed_and_evaluated_to_its_optimum()
    {
        Assert.True(File.Exists(s_example), s_example);
        var error = new StringWriter();
        var half = new TrainArguments("SignpostCorridor-v0", Steps: 8_000, Seed: 1, Envs: 4, Set: ["n_steps=32", "batch_size=64", "n_epochs=4", "linear_learning_rate_decay=false"],
            Out: _directory, EnvAssemblies: [s_example]);
        Assert.True(TrainCommand.Run(half, new StringWriter(), error, interactive: false) == 0, error.ToString());
        using (var options = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "options.json"))))
            Assert.Equal(Path.GetFullPath(s_example), options.RootElement.GetProperty("env_assemblies")[0].GetString());
        Assert.True(TrainCommand.Run(new TrainArguments(null, Steps: 16_000, Resume: _directory, EnvAssemblies: [s_example]), new StringWriter(), error, interactive: false) == 0,
            error.ToString());

        // The corridor's optimum: every greedy episode reaches the goal (return 1; an untrained policy reaches half).
        var output = new StringWriter();
        Assert.True(EvalCommand.Run(_directory, 50, deterministic: true, seed: 7, output, error, [s_example]) == 0, error.ToString());
        Assert.Matches(new Regex(@"ppo on SignpostCorridor-v0, 50 episodes \(deterministic\): mean return 1\.000 \+- 0\.000"), output.ToString());
        Assert.Contains("SignpostCorridor-v0", EnvironmentRegistry.Ids);

        // rl eval --render shows the package's text frames (the example implements ITextRenderable): the greedy walker
        // heads straight for the goal, one cell per step, and ends on it.
        output = new StringWriter();
        Assert.True(EvalCommand.Run(_directory, 1, deterministic: true, seed: 7, output, error, [s_example], render: new EvalCommand.RenderRequest(Text: true)) == 0,
            error.ToString());
        var frames = Regex.Matches(output.ToString(), @"^\|([.@G]{9})\|$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var goal = frames[0].IndexOf('G', StringComparison.Ordinal);
        Assert.Equal(Math.Abs(goal - frames[0].IndexOf('@', StringComparison.Ordinal)) + 1, frames.Count);
        Assert.Equal(goal, frames[^1].IndexOf('@', StringComparison.Ordinal));
        Assert.DoesNotContain('G', frames[^1]);

        // rl inspect names the package's features and sign codes (the example implements IEnvironmentLabels).
        output = new StringWriter();
        Assert.True(InspectCommand.Run(_directory, 3, [-1], output, error, [s_example]) == 0, error.ToString());
        Assert.Matches(new Regex(@"sign == goal at cell \d \(\d\)"), output.ToString());
        Assert.Contains("leaf outputs: logit left, logit right, value", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_environment_with_a_dict_observation_and_multidiscrete_actions_is_trained_watched_and_inspected()
    {
        // Thermostats-v0: 'season' Discrete(2) and 'temperatures' Box(3) in a DictSpace; MultiDiscrete([3, 3, 3]) actions.
        var error = new StringWriter();
        var train = new TrainArguments("Thermostats-v0", Steps: 300_000, Seed: 2, Out: _directory, EnvAssemblies: [s_example]);
        Assert.True(TrainCommand.Run(train, new StringWriter(), error, interactive: false) == 0, error.ToString());

        // The best policy's mean return over the reset distribution is -1.176 (closed form: every room one degree a
        // step toward the target); holding every room scores about -8.9.
        var output = new StringWriter();
        Assert.True(EvalCommand.Run(_directory, 100, deterministic: true, seed: 7, output, error, [s_example]) == 0, error.ToString());
        var mean = double.Parse(Regex.Match(output.ToString(), @"mean return (-?\d+\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mean, -1.35, -1.0);

        // rl eval --render: after 20 steps every room is at the season's target.
        output = new StringWriter();
        Assert.True(EvalCommand.Run(_directory, 1, deterministic: true, seed: 7, output, error, [s_example], render: new EvalCommand.RenderRequest(Text: true)) == 0,
            error.ToString());
        var frames = Regex.Matches(output.ToString(), @"^(?:winter|summer) \((\d+)\): kitchen (\d+), bedroom (\d+), study (\d+)$", RegexOptions.Multiline);
        Assert.Equal(21, frames.Count);
        var last = frames[^1].Groups;
        Assert.All(new[] { last[2].Value, last[3].Value, last[4].Value }, t => Assert.Equal(last[1].Value, t));
        Assert.Matches(new Regex(@"step 1: action kitchen (cool|hold|heat), bedroom (cool|hold|heat), study (cool|hold|heat), reward"), output.ToString());

        // rl inspect names the dict's features, the season's codes and each room's logits.
        output = new StringWriter();
        Assert.True(InspectCommand.Run(_directory, 4, [-1], output, error, [s_example]) == 0, error.ToString());
        Assert.Matches(new Regex(@"season == (winter|summer) \([01]\)"), output.ToString());
        Assert.Contains("leaf outputs: logit kitchen=cool, logit kitchen=hold, logit kitchen=heat, logit bedroom=cool", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_environment_is_tuned_and_the_search_resumed_with_the_saved_package()
    {
        var folder = Path.Combine(_directory, "tune");
        var space = Path.Combine(_directory, "space.json");
        Directory.CreateDirectory(_directory);
        File.WriteAllText(space, """{"policy_lr": {"type": "float", "low": 0.01, "high": 0.3, "log": true}}""");
        var error = new StringWriter();
        var first = new TuneArguments("SignpostCorridor-v0", Trials: 1, Steps: 1024, Evaluations: 2, EvalEpisodes: 5, Space: space,
            Set: ["num_envs=4", "n_steps=32", "batch_size=64", "n_epochs=2"], Out: folder, EnvAssemblies: [s_example]);
        Assert.True(TuneCommand.Run(first, new StringWriter(), error) == 0, error.ToString());

        // The resumed search names no package: the saved settings do.
        using (var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tune.json"))))
            Assert.Equal(Path.GetFullPath(s_example), settings.RootElement.GetProperty("env_assemblies")[0].GetString());
        var output = new StringWriter();
        Assert.True(TuneCommand.Run(new TuneArguments(null, Trials: 2, Resume: folder), output, error) == 0, error.ToString());

        Assert.Contains("Tuning ppo on SignpostCorridor-v0", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "trials.csv")).Length);
        Assert.Contains("complete", File.ReadAllLines(Path.Combine(folder, "trials.csv"))[2], StringComparison.Ordinal);

        // The printed and saved retraining commands name the package, so that they run as they are.
        var expected = $" --env-assembly {Path.GetFullPath(s_example)} ";
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        using var best = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "best.json")));
        var command = best.RootElement.GetProperty("command").GetString()!;
        Assert.Contains(expected, command, StringComparison.Ordinal);
        var root = new System.CommandLine.RootCommand();
        root.Subcommands.Add(TrainCommand.Create());
        Assert.Empty(root.Parse(command["rl ".Length..].Split(' ')).Errors);
    }

    [Fact]
    public void Files_that_are_not_environment_packages_are_clear_errors()
    {
        var error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Out: _directory, EnvAssemblies: [Path.Combine(_directory, "missing.dll")]), new StringWriter(), error, interactive: false));
        Assert.Contains("missing.dll' does not exist", error.ToString(), StringComparison.Ordinal);

        Directory.CreateDirectory(_directory);
        var text = Path.Combine(_directory, "notes.dll");
        File.WriteAllText(text, "not an assembly");
        error = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(_directory, 1, deterministic: true, seed: 0, new StringWriter(), error, [text]));
        Assert.Contains("notes.dll' is not a .NET assembly", error.ToString(), StringComparison.Ordinal);

        // A .NET assembly without an IEnvironmentPackage (the environments' own).
        var plain = typeof(EnvironmentRegistry).Assembly.Location;
        var exception = Assert.Throws<ArgumentException>(() => EnvironmentPackages.Load(plain));
        Assert.Contains("has no public class implementing IEnvironmentPackage", exception.Message, StringComparison.Ordinal);
    }
}
