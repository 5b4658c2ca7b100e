using System.Text.Json;
using System.Text.RegularExpressions;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

/// <summary><c>rl inspect</c>: the printed rankings and trees, the JSON report, and clear errors for bad input.</summary>
public sealed class InspectCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-inspect-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Train(string environment, params string[] set)
    {
        var run = Path.Combine(_directory, environment);
        var error = new StringWriter();
        var arguments = new TrainArguments(environment, Steps: 1024, Seed: 2, Envs: 2, Set: ["n_steps=64", "batch_size=64", "n_epochs=1", .. set], Out: run);
        Assert.True(TrainCommand.Run(arguments, new StringWriter(), error, interactive: false) == 0, error.ToString());
        return run;
    }

    [Fact]
    public void A_minigrid_policy_is_reported_with_named_cells_codes_and_trees_and_as_json()
    {
        var run = Train("MiniGrid-GoToDoor-5x5-v0");
        var output = new StringWriter();
        var error = new StringWriter();
        var json = Path.Combine(_directory, "inspect.json");
        Assert.True(InspectCommand.Run(run, 5, [0, -1], output, error, jsonPath: json) == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("ppo on MiniGrid-GoToDoor-5x5-v0, 1,024 steps", text, StringComparison.Ordinal);
        Assert.Contains("shared ensemble: 16 trees, ", text, StringComparison.Ordinal);
        Assert.Contains("leaf outputs: logit left, logit right, logit forward, logit pickup, logit drop, logit toggle, logit done, value", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"features by split gain \(top 5 of the \d+ used; 51 in all\)"), text);
        Assert.Matches(new Regex(@"\n    1  (view\[[a-z0-9, ]+\]|direction|mission) +\d+  categorical"), text);
        Assert.Matches(new Regex(@"== (\w+ )+\(\d+\) +\d+\n"), text);
        Assert.Contains("tree 0: oblivious", text, StringComparison.Ordinal);
        Assert.Contains("tree 15: oblivious", text, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(Path.GetFullPath(Path.Combine(run, "model.rlm")), root.GetProperty("model").GetString());
        var ensemble = root.GetProperty("policy").GetProperty("ensembles")[0];
        Assert.Equal(51, ensemble.GetProperty("features").GetArrayLength());
        Assert.Equal("direction", ensemble.GetProperty("features")[49].GetProperty("name").GetString());
        long splits = 0;
        foreach (var feature in ensemble.GetProperty("features").EnumerateArray())
            splits += feature.GetProperty("splits").GetInt64();
        Assert.Equal(ensemble.GetProperty("splits").GetInt64(), splits);
        long tests = 0;
        foreach (var test in ensemble.GetProperty("category_tests").EnumerateArray())
            tests += test.GetProperty("splits").GetInt64();
        Assert.Equal(splits, tests); // every MiniGrid feature is categorical
        Assert.Equal(2, root.GetProperty("trees").GetProperty("shared").GetArrayLength());
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        var missing = Path.Combine(_directory, "missing.rlm");
        var error = new StringWriter();
        Assert.Equal(2, InspectCommand.Run(missing, 5, [], new StringWriter(), error));
        Assert.Contains("No model file", error.ToString(), StringComparison.Ordinal);

        Directory.CreateDirectory(_directory);
        var corrupt = Path.Combine(_directory, "corrupt.rlm");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5]);
        error = new StringWriter();
        Assert.Equal(2, InspectCommand.Run(corrupt, 5, [], new StringWriter(), error));
        Assert.Contains("not an RLFramework agent file", error.ToString(), StringComparison.Ordinal);

        var run = Train("CartPole-v1");
        error = new StringWriter();
        Assert.Equal(2, InspectCommand.Run(run, 0, [], new StringWriter(), error));
        Assert.Contains("--top must be at least 1", error.ToString(), StringComparison.Ordinal);
        error = new StringWriter();
        Assert.Equal(2, InspectCommand.Run(run, 5, [16], new StringWriter(), error));
        Assert.Contains("--tree 16: the shared ensemble has 16 trees (0 to 15, or -1 to -16 from the last)", error.ToString(), StringComparison.Ordinal);

        var mlp = Train("Acrobot-v1", "policy=mlp");
        error = new StringWriter();
        Assert.Equal(2, InspectCommand.Run(mlp, 5, [], new StringWriter(), error));
        Assert.Contains("only tree policies (GBRL) can be inspected", error.ToString(), StringComparison.Ordinal);
    }
}
