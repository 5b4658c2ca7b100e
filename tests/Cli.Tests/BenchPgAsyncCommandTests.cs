using System.Text.Json.Nodes;
using RLFramework.Agents.PolicyGradient;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

public class BenchPgAsyncCommandTests
{
    private static BenchPgAsyncCommand.Settings Small(params GradientAggregation[] methods) =>
        new("CartPole-v1", 3, [0.001, 0.002, 0.006], 3, 50, 4.0, 2, methods, null, 2);

    [Fact]
    public void A_small_run_reports_every_rule_on_the_time_grid_and_repeats_from_its_seeds()
    {
        var settings = Small(GradientAggregation.DurationAware, GradientAggregation.Synchronous);
        var report = BenchPgAsyncCommand.Run(settings);
        Assert.Equal(["Duration-aware NIGT", "Minibatch NIGT"], report.Methods.Select(m => m.Method));
        foreach (var method in report.Methods)
        {
            Assert.Equal(2, method.Runs.Count);
            Assert.All(method.Runs, r =>
            {
                Assert.Equal(50, r.EvaluationTimes.Length);
                Assert.Equal(4.0, r.EvaluationTimes[^1], 12);
                Assert.True(r.Times[^1] <= 4.0);
                Assert.All(r.EvaluationReturns, v => Assert.InRange(v, 1, 200));
            });
        }
        // The synchronous rule waits for the slowest worker (6 ms a step); the quotas go to the fast ones.
        Assert.True(report.Methods[0].MedianIterations > report.Methods[1].MedianIterations);
        Assert.Equal(0, report.Methods[1].DiscardedFraction);

        var again = BenchPgAsyncCommand.Run(settings);
        Assert.Equal(report.Methods[0].Runs[1].EvaluationReturns, again.Methods[0].Runs[1].EvaluationReturns);
        Assert.Equal(report.Methods[0].Runs[1].Steps, again.Methods[0].Runs[1].Steps);
        Assert.Contains("| Duration-aware NIGT |", BenchPgAsyncCommand.Markdown(report), StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_wall_clock_the_workers_run_on_threads_against_paced_environments()
    {
        // 2 ms per step and gradients of at least 20 steps: an iteration of the synchronous rule takes about 40 ms or more
        // (a step that overslept is made up by the next ones, so a job may end a little early; unpaced it would take microseconds).
        var settings = new BenchPgAsyncCommand.Settings("CartPole-v1", 2, [0.002, 0.002], 2, 20, 1.0, 1, [GradientAggregation.Synchronous], null, 1, WallClock: true);
        var report = BenchPgAsyncCommand.Run(settings);
        var run = report.Methods[0].Runs[0];
        Assert.Equal(50, run.EvaluationTimes.Length);
        Assert.True(run.Times[^1] <= 1.0);
        Assert.InRange(run.Times.Length, 1, 25);
        for (var i = 1; i < run.Times.Length; i++)
            Assert.True(run.Times[i] - run.Times[i - 1] >= 0.03, $"iteration {i} took {run.Times[i] - run.Times[i - 1]} s");
        Assert.Contains("wall-clock s per iteration", BenchPgAsyncCommand.Markdown(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_that_cannot_be_written_is_an_error_before_the_run_and_parse_errors_name_the_full_command()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rl-pg-async-paths-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var blocker = Path.Combine(folder, "a-file");
            File.WriteAllText(blocker, "");
            // The commands' own errors go to the console's error stream.
            var error = new StringWriter();
            var previous = Console.Error;
            Console.SetError(error);
            try
            {
                var started = DateTime.UtcNow;
                // The run would take minutes; the bad --json path (under a file) must stop it before it starts.
                Assert.Equal(2, RlCommand.Run(["bench", "pg-async", "--time", "100000", "--json", Path.Combine(blocker, "r.json"), "--png", Path.Combine(folder, "r.png")], error));
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
                Assert.StartsWith($"rl bench pg-async: --json {Path.Combine(blocker, "r.json")}: cannot write there", error.ToString(), StringComparison.Ordinal);
                Assert.False(File.Exists(Path.Combine(folder, "r.png")));

                error.GetStringBuilder().Clear();
                Assert.Equal(2, RlCommand.Run(["bench", "pg", "--markdown", folder], error));
                Assert.StartsWith($"rl bench pg: --markdown {folder}: cannot write there (it is a folder)", error.ToString(), StringComparison.Ordinal);
            }
            finally
            {
                Console.SetError(previous);
            }

            error = new StringWriter();
            Assert.Equal(2, RlCommand.Run(["bench", "pg-async", "--methods", "Foo"], error));
            var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("rl bench pg-async: ", lines[0], StringComparison.Ordinal);
            Assert.Contains("'Foo'", lines[0], StringComparison.Ordinal);
            Assert.Equal("See 'rl bench pg-async --help'.", lines[^1]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_command_writes_its_json_and_png_and_names_bad_options()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rl-pg-async-{Environment.ProcessId}");
        try
        {
            var json = Path.Combine(folder, "out", "r.json");
            var png = Path.Combine(folder, "out", "r.png");
            var command = BenchPgAsyncCommand.Create();
            var code = command.Parse(["--workers", "2", "--step-seconds", "0.001", "0.003", "--time", "2", "--seeds", "1", "--batch", "40", "--methods", "Rennala", "--json", json, "--png", png]).Invoke();
            Assert.Equal(0, code);
            var root = JsonNode.Parse(File.ReadAllText(json))!;
            Assert.Equal("Rennala", (string?)root["Settings"]!["Methods"]![0]);
            Assert.Equal("Rennala NIGT", (string?)root["Methods"]![0]!["Method"]);
            Assert.True(new FileInfo(png).Length > 1000);

            var error = new StringWriter();
            var previous = Console.Error;
            Console.SetError(error);
            try
            {
                Assert.Equal(2, BenchPgAsyncCommand.Create().Parse(["--workers", "2", "--step-seconds", "0.001"]).Invoke());
                Assert.Equal(2, BenchPgAsyncCommand.Create().Parse(["--env", "Pong-v5"]).Invoke());
                Assert.Equal(2, BenchPgAsyncCommand.Create().Parse(["--methods", "Rennala", "Rennala"]).Invoke());
            }
            finally
            {
                Console.SetError(previous);
            }
            var text = error.ToString();
            Assert.Contains("--step-seconds needs one value per worker (2; got 1)", text, StringComparison.Ordinal);
            Assert.Contains("Pong-v5", text, StringComparison.Ordinal);
            Assert.Contains("--methods names a rule twice", text, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
