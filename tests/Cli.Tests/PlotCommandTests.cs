using System.Globalization;
using System.Text.Json;
using RLFramework.Cli.Commands;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl plot</c> on hand-written run folders, whose grouping, scores, thresholds and curve bands are worked out by hand.
/// </summary>
public sealed class PlotCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-plot-{Guid.NewGuid():N}");

    public PlotCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A finished run folder: summary.json, options.json (its --set overrides) and metrics.csv with the given curve.</summary>
    private string Run(string name, int seed, double score, (long Step, double Mean)[] curve, string overrides = "{}", long steps = 1000,
        (long Step, double Mean)[]? evaluations = null, string kwargs = "[]", string wrappers = "[]", long? target = null, string environment = "CartPole-v1")
    {
        var folder = Path.Combine(_directory, "runs", name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "summary.json"), string.Create(CultureInfo.InvariantCulture,
            $$"""{"environment": "{{environment}}", "algorithm": "ppo", "seed": {{seed}}, "total_steps": {{steps}}, "wall_seconds": {{seed + 1}}.5, "trees": {{100 * (seed + 1)}}, "mean_return_last_100": {{score}}}"""));
        var targetJson = target is { } t ? $", \"steps\": {t}" : "";
        File.WriteAllText(Path.Combine(folder, "options.json"), $$"""{"environment": "CartPole-v1", "overrides": {{overrides}}, "env_kwargs": {{kwargs}}, "env_wrappers": {{wrappers}}{{targetJson}}}""");
        // An empty mean before the first finished episode, as rl train logs it.
        File.WriteAllLines(Path.Combine(folder, "metrics.csv"),
            ["time/total_timesteps,rollout/ep_rew_mean,trees", "50,,1", .. curve.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Step},{p.Mean},2"))]);
        if (evaluations is not null)
        {
            File.WriteAllLines(Path.Combine(folder, "evaluations.csv"),
                ["timesteps,mean_return,std_return,mean_length,episodes", .. evaluations.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Step},{p.Mean},0,10,5"))]);
        }
        return folder;
    }

    [Fact]
    public void Seeds_of_one_variant_form_one_band_whose_points_are_worked_out_by_hand()
    {
        Run("a0", 0, 2.5, [(100, 1), (500, 2), (1000, 3)]);
        Run("a1", 1, 4.5, [(100, 3), (500, 4), (1000, 5)]);
        var groups = RunComparison.Group(RunComparison.Discover([Path.Combine(_directory, "runs")]).Select(f => RunComparison.Load(f, evaluations: false)));
        var group = Assert.Single(groups);
        Assert.Equal("ppo CartPole-v1", group.Label);
        Assert.Equal([0, 1], group.Runs.Select(r => r.Seed));
        Assert.Equal((3.5, 1.0), (group.MeanScore, group.StdScore));

        // Grid steps 10, 20, ..., 1000: before step 100 no seed has logged a mean; then each seed's last mean at or before the step.
        var band = RunComparison.Band(group, 1000);
        Assert.Equal(91, band.Steps.Length);
        Assert.Equal((100.0, 2.0, 1.0, 3.0), (band.Steps[0], band.Mean[0], band.Low[0], band.High[0]));
        var at490 = Array.IndexOf(band.Steps, 490.0);
        Assert.Equal((2.0, 1.0, 3.0), (band.Mean[at490], band.Low[at490], band.High[at490]));
        Assert.Equal((3.0, 2.0, 4.0), (band.Mean[at490 + 1], band.Low[at490 + 1], band.High[at490 + 1]));
        Assert.Equal((1000.0, 4.0), (band.Steps[^1], band.Mean[^1]));
        Assert.Equal([null, 500L], group.StepsTo(3.5));

        // A seed whose log ends at 500 ends the band one grid step after it (no flat extension).
        Run("a2", 2, 3, [(100, 2), (500, 3)], steps: 500);
        group = Assert.Single(RunComparison.Group(RunComparison.Discover([Path.Combine(_directory, "runs")]).Select(f => RunComparison.Load(f, false))));
        Assert.Equal(510.0, RunComparison.Band(group, 1000).Steps[^1]);
    }

    [Fact]
    public void The_command_prints_one_row_per_variant_and_writes_the_png_and_the_json()
    {
        Run("base-0", 0, 400, [(1000, 100), (2000, 400)]);
        Run("base-1", 1, 500, [(1000, 200), (2000, 500)], overrides: """{"threads": "1"}"""); // the same results whatever the threads
        Run("lr-0", 0, 300, [(1000, 50), (2000, 300)], overrides: """{"policy_lr": "0.1", "n_steps": "64"}""", steps: 2000, kwargs: """["map_name=8x8"]""");
        Run("stack-0", 0, 200, [(1000, 20), (2000, 200)], wrappers: """["time_aware_observation", "frame_stack_observation:stack_size=2"]""");
        var png = Path.Combine(_directory, "curves.png");
        var json = Path.Combine(_directory, "table.json");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PlotCommand.Run([Path.Combine(_directory, "runs")], png, evaluations: false, threshold: 450, json, output, error) == 0, error.ToString());

        var rows = output.ToString().Split('\n').Select(l => System.Text.RegularExpressions.Regex.Split(l.Trim(), @"\s{2,}")).ToList();
        Assert.Equal(["curve", "seeds", "steps", "score (mean +- std)", "per seed", "steps to threshold", "wall s", "trees"], rows[1]);
        Assert.Equal(["ppo CartPole-v1", "2", "1000", "450.00 +- 50.00", "0: 400.00 / 1: 500.00", "- / 2000", "2.0", "150"], rows[2]);
        Assert.Equal(["ppo CartPole-v1 (n_steps=64, policy_lr=0.1; env: map_name=8x8)", "1", "2000", "300.00 +- 0.00", "0: 300.00", "-", "1.5", "100"], rows[3]);
        Assert.Equal("ppo CartPole-v1 (wrappers: time_aware_observation, frame_stack_observation:stack_size=2)", rows[4][0]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        using var table = JsonDocument.Parse(File.ReadAllText(json));
        var groups = table.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, groups.Count);
        Assert.Equal("n_steps=64, policy_lr=0.1; env: map_name=8x8", groups[1].GetProperty("variant").GetString());
        Assert.Equal(450, groups[0].GetProperty("mean_score").GetDouble());
        Assert.Equal(2000, groups[0].GetProperty("runs")[1].GetProperty("steps_to_threshold").GetInt64());
        Assert.Equal(JsonValueKind.Null, groups[0].GetProperty("runs")[0].GetProperty("steps_to_threshold").ValueKind);
        Assert.Equal(1.5, groups[0].GetProperty("runs")[0].GetProperty("wall_seconds").GetDouble());
    }

    [Fact]
    public void Runs_of_one_variant_with_other_budgets_are_curves_of_their_own()
    {
        // Seed 0 at two budgets: two experiments, not two seeds; named by their steps only where budgets differ.
        Run("short-0", 0, 100, [(500, 100)], steps: 500, target: 500);
        Run("long-0", 0, 300, [(500, 100), (2000, 300)], steps: 2000, target: 2000);
        Run("long-1", 1, 350, [(500, 150), (2000, 350)], steps: 2000, target: 2000);
        Run("lr-0", 0, 200, [(2000, 200)], overrides: """{"policy_lr": "0.1"}""", steps: 2000, target: 2000);
        Run("lr-1", 1, 220, [(500, 50)], overrides: """{"policy_lr": "0.1"}""", steps: 500, target: 500);
        var groups = RunComparison.Group(RunComparison.Discover([Path.Combine(_directory, "runs")]).Select(f => RunComparison.Load(f, evaluations: false)));
        (string, int)[] expected =
            [("ppo CartPole-v1 (policy_lr=0.1; steps=2000)", 1), ("ppo CartPole-v1 (policy_lr=0.1; steps=500)", 1), ("ppo CartPole-v1 (steps=2000)", 2), ("ppo CartPole-v1 (steps=500)", 1)];
        Assert.Equal(expected, groups.Select(g => (g.Label, g.Runs.Count)).OrderBy(g => g.Label, StringComparer.Ordinal));
    }

    [Fact]
    public void A_seed_twice_in_one_curve_is_pointed_out()
    {
        var first = Run("a-0", 0, 400, [(1000, 400)]);
        var copy = Run("b-0", 0, 300, [(1000, 300)]);
        Run("c-1", 1, 200, [(1000, 200)]);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PlotCommand.Run([Path.Combine(_directory, "runs")], Path.Combine(_directory, "p.png"), evaluations: false, threshold: null, jsonPath: null, output, error) == 0,
            error.ToString());
        Assert.Contains($"Note: 'ppo CartPole-v1' has 2 runs of seed 0, each counted as a run: {first}, {copy}", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("of seed 1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_environments_get_a_panel_each()
    {
        Run("cart-0", 0, 400, [(1000, 100), (2000, 400)], steps: 2000);
        Run("taxi-0", 0, 7, [(50_000, -200), (100_000, 7)], steps: 100_000, environment: "Taxi-v3");
        Run("taxi-1", 1, 8, [(50_000, -100), (100_000, 8)], steps: 100_000, environment: "Taxi-v3");
        var png = Path.Combine(_directory, "panels.png");
        var error = new StringWriter();
        Assert.True(PlotCommand.Run([Path.Combine(_directory, "runs")], png, evaluations: false, threshold: null, jsonPath: null, new StringWriter(), error) == 0, error.ToString());
        // PNG header: width and height, big-endian, at bytes 16-23. Two environments: two 900 x 540 panels, stacked.
        var bytes = File.ReadAllBytes(png);
        Assert.Equal((900, 2 * 540), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));

        // One environment: one panel, as before.
        File.Delete(png);
        Assert.True(PlotCommand.Run([Path.Combine(_directory, "runs", "taxi-0"), Path.Combine(_directory, "runs", "taxi-1")], png, evaluations: false, threshold: null, jsonPath: null,
            new StringWriter(), error) == 0, error.ToString());
        bytes = File.ReadAllBytes(png);
        Assert.Equal(540, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void With_eval_the_curve_and_the_score_are_the_evaluations()
    {
        var run = Run("e-0", 0, 10, [(1000, 10)], evaluations: [(500, 20), (1000, 30)]);
        var record = RunComparison.Load(run, evaluations: true);
        Assert.Equal(30, record.Score);
        Assert.Equal([(500L, 20.0), (1000L, 30.0)], record.Curve);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PlotCommand.Run([run], Path.Combine(_directory, "e.png"), evaluations: true, threshold: null, null, output, error) == 0, error.ToString());
        Assert.Contains("Score: the last evaluation's mean return", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_one_line_naming_the_problem()
    {
        var good = Run("g-0", 0, 1, [(100, 1)]);
        Fails([Path.Combine(_directory, "missing")], "There is no folder", png: "x.png");
        Directory.CreateDirectory(Path.Combine(_directory, "empty"));
        Fails([Path.Combine(_directory, "empty")], "is not a finished run folder (summary.json is missing) and holds none");
        Fails([good], "--out writes a PNG: give a file name ending in .png, got '", png: "x.jpg");
        Fails([good], "has no evaluations.csv: train with --eval-every N", evaluations: true);
        var options = File.ReadAllText(Path.Combine(good, "options.json"));
        File.WriteAllText(Path.Combine(good, "options.json"), "{\"overrides\": ");
        Fails([good], "options.json' is damaged");
        File.WriteAllText(Path.Combine(good, "options.json"), options);
        File.AppendAllText(Path.Combine(good, "metrics.csv"), "200,abc,3\n");
        Fails([good], "line 4 is not a number in time/total_timesteps or rollout/ep_rew_mean: '200,abc,3'");
        File.WriteAllText(Path.Combine(good, "summary.json"), "{\"algorithm\": ");
        Fails([good], "summary.json' is damaged");

        void Fails(string[] paths, string message, string png = "p.png", bool evaluations = false)
        {
            var error = new StringWriter();
            Assert.Equal(2, PlotCommand.Run(paths, Path.Combine(_directory, png), evaluations, null, null, new StringWriter(), error));
            Assert.StartsWith("rl plot: ", error.ToString(), StringComparison.Ordinal);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
    }
}
