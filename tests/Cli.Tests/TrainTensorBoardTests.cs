using System.Globalization;
using RLFramework.Agents.Logging;
using RLFramework.Cli.Commands;
using RLFramework.Cli.Training;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl train --tensorboard-log DIR</c>: the RL Zoo's layout <c>DIR/&lt;env&gt;/&lt;ALGO&gt;_&lt;n&gt;</c> (a new n per run, the
/// latest continued by a resumed run), the logged values equal to metrics.csv's, and an unwritable folder an error
/// before any training.
/// </summary>
public sealed class TrainTensorBoardTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-train-tb-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_directory, name);

    /// <summary>8 iterations of 256 steps in 2048.</summary>
    private TrainArguments Fresh(string run, long steps = 2048) =>
        new("CartPole-v1", "ppo", Steps: steps, Seed: 1, Envs: 4, Set: ["n_steps=64", "batch_size=64", "n_epochs=1"], Out: Folder(run), TensorBoardLog: Folder("tb"));

    private static string Train(TrainArguments arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(TrainCommand.Run(arguments, output, error, interactive: false) == 0, error.ToString());
        return output.ToString();
    }

    /// <summary>The column <paramref name="key"/> of the CSV, per row (NaN for an empty cell).</summary>
    private static double[] Column(string csv, string key)
    {
        var lines = File.ReadAllLines(csv);
        var column = Array.IndexOf(lines[0].Split(','), key);
        Assert.True(column >= 0, $"no column {key}");
        return [.. lines.Skip(1).Select(line => line.Split(',')[column] is { Length: > 0 } cell ? double.Parse(cell, CultureInfo.InvariantCulture) : double.NaN)];
    }

    /// <summary>The metric events of a run's TensorBoard folder (without the file-version event that starts each file).</summary>
    private static List<TensorBoardEvent> MetricEvents(string folder) =>
        [.. TensorBoardEventReader.ReadDirectory(folder).Where(e => e.FileVersion is null)];

    /// <summary>Each event's <paramref name="tag"/> equals the row's value as TensorBoard stores it (a float), or is absent where the cell is empty.</summary>
    private static void AssertLogged(IReadOnlyList<TensorBoardEvent> events, double[] column, string tag)
    {
        Assert.Equal(column.Length, events.Count);
        for (var row = 0; row < column.Length; row++)
        {
            var logged = events[row].Scalars.Where(s => s.Tag == tag).Select(s => s.Value).ToArray();
            if (double.IsNaN(column[row]))
                Assert.Empty(logged);
            else
                Assert.Equal((float)column[row], Assert.Single(logged));
        }
    }

    [Fact]
    public void Each_run_logs_the_metrics_csv_values_to_a_new_folder_and_a_resumed_run_continues_its_own()
    {
        var tb = Folder("tb");
        var output = Train(Fresh("first"));
        var first = Path.Combine(tb, "CartPole-v1", "PPO_1");
        Assert.Contains($"TensorBoard: {first}", output, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(first));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file), StringComparison.Ordinal);

        var events = MetricEvents(first);
        var csv = Path.Combine(Folder("first"), "metrics.csv");
        Assert.Equal(8, events.Count);
        Assert.Equal(Column(csv, MetricKeys.TotalTimesteps).Select(t => (long)t), events.Select(e => e.Step));
        Assert.Equal([256L, 512, 768, 1024, 1280, 1536, 1792, 2048], events.Select(e => e.Step));
        foreach (var tag in new[] { MetricKeys.EpisodeRewardMean, MetricKeys.EpisodeLengthMean, MetricKeys.ApproxKl, MetricKeys.ValueLoss, MetricKeys.Trees })
            AssertLogged(events, Column(csv, tag), tag);
        // The step is the x axis, so time/total_timesteps is not a tag (SB3 leaves it out of TensorBoard too).
        Assert.DoesNotContain(events.SelectMany(e => e.Scalars), s => s.Tag == MetricKeys.TotalTimesteps);

        // A second run gets the next folder, and leaves the first one as it was.
        Assert.Contains($"TensorBoard: {Path.Combine(tb, "CartPole-v1", "PPO_2")}", Train(Fresh("second")), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(first));

        // Resuming the first run to 3072 steps continues in its own folder, PPO_1 (its options.json records it), in a file of its
        // own, not in the latest, the second run's PPO_2 (where SB3's reset_num_timesteps=False would go).
        var resumed = Train(new TrainArguments(null, Steps: 3072, Resume: Folder("first"), TensorBoardLog: tb));
        Assert.Contains($"TensorBoard: {first}", resumed, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(first).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(tb, "CartPole-v1", "PPO_2")));
        Assert.False(Directory.Exists(Path.Combine(tb, "CartPole-v1", "PPO_3")));
        var appended = MetricEvents(first).Skip(8).ToList();
        Assert.Equal([2304L, 2560, 2816, 3072], appended.Select(e => e.Step));
        AssertLogged(appended, Column(csv, MetricKeys.EpisodeRewardMean)[8..], MetricKeys.EpisodeRewardMean);

        // A run that logged nowhere (or elsewhere) resumes as SB3 does: into the latest folder.
        Train(new TrainArguments("CartPole-v1", "ppo", Steps: 512, Seed: 1, Envs: 4, Set: ["n_steps=64", "batch_size=64", "n_epochs=1"], Out: Folder("untracked")));
        Assert.Contains($"TensorBoard: {Path.Combine(tb, "CartPole-v1", "PPO_2")}",
            Train(new TrainArguments(null, Steps: 1024, Resume: Folder("untracked"), TensorBoardLog: tb)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_algorithm_has_its_own_numbering()
    {
        var tb = Folder("tb");
        Directory.CreateDirectory(Path.Combine(tb, "CartPole-v1", "PPO_4"));
        var output = Train(new TrainArguments("CartPole-v1", "a2c", Steps: 256, Seed: 1, Envs: 4, Out: Folder("a2c"), TensorBoardLog: tb));
        Assert.Contains($"TensorBoard: {Path.Combine(tb, "CartPole-v1", "A2C_1")}", output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(tb, "CartPole-v1", "A2C_1")));
    }

    [Fact]
    public void The_run_number_is_one_more_than_the_largest_existing_as_SB3_counts()
    {
        var parent = Path.Combine(Folder("tb"), "CartPole-v1");
        Assert.Equal(Path.Combine(parent, "PPO_1"), TensorBoardFolder.Resolve(Folder("tb"), "CartPole-v1", "ppo", resume: false));
        Assert.Equal(Path.Combine(parent, "PPO_1"), TensorBoardFolder.Resolve(Folder("tb"), "CartPole-v1", "ppo", resume: true));
        foreach (var name in new[] { "PPO_1", "PPO_3", "PPO_", "PPO_x", "PPO_2a", "PPO_10_1", "ppo_20", "A2C_7", "XPPO_30" })
            Directory.CreateDirectory(Path.Combine(parent, name));
        File.WriteAllText(Path.Combine(parent, "PPO_40"), "a file, not a run folder");
        Assert.Equal(Path.Combine(parent, "PPO_4"), TensorBoardFolder.Resolve(Folder("tb"), "CartPole-v1", "ppo", resume: false));
        Assert.Equal(Path.Combine(parent, "PPO_3"), TensorBoardFolder.Resolve(Folder("tb"), "CartPole-v1", "ppo", resume: true));
        Assert.Equal(Path.Combine(parent, "A2C_8"), TensorBoardFolder.Resolve(Folder("tb"), "CartPole-v1", "a2c", resume: false));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("file/below")]
    public void An_unwritable_folder_is_an_error_naming_it_before_any_training(string under)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Folder("file"), "in the way");
        var error = new StringWriter();
        var arguments = Fresh("run") with { TensorBoardLog = Path.Combine(_directory, under) };
        Assert.Equal(2, TrainCommand.Run(arguments, new StringWriter(), error, interactive: false));
        Assert.Contains($"--tensorboard-log: cannot write TensorBoard logs to '{Path.Combine(_directory, under, "CartPole-v1", "PPO_1")}'", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder("run")));
    }

    [Fact]
    public void An_empty_folder_name_is_an_error()
    {
        var error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(Fresh("run") with { TensorBoardLog = " " }, new StringWriter(), error, interactive: false));
        Assert.Contains("--tensorboard-log needs a folder", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder("run")));
    }

    [Theory]
    [InlineData("--tensorboard-log")]
    [InlineData("-tb")]
    public void The_option_and_the_zoos_short_alias_parse(string name)
    {
        var result = TrainCommand.Create().Parse(["CartPole-v1", name, "logs/tb"]);
        Assert.Empty(result.Errors);
        Assert.Equal("logs/tb", result.GetValue<string?>("--tensorboard-log"));
    }
}
