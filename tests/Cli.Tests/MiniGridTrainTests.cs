using System.Text.Json;
using RLFramework.Cli.Commands;

namespace RLFramework.Cli.Tests;

/// <summary>`rl train` on MiniGrid: the MiniGrid-* preset applies and a few thousand PPO steps on categorical observations finish.</summary>
public sealed class MiniGridTrainTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-minigrid-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Ppo_trains_a_few_thousand_steps_on_empty_5x5_with_the_minigrid_preset()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // The preset's rollout is 16 envs x 256 steps = 4096 steps; two epochs keep the test short.
        var code = TrainCommand.Run(new TrainArguments("MiniGrid-Empty-5x5-v0", "ppo", Steps: 4096, Seed: 1, Envs: null, Set: ["n_epochs=2"], Out: _directory),
            output, error, interactive: false);
        Assert.True(code == 0, error.ToString());

        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "options.json")));
        Assert.Equal("ppo/MiniGrid-*", options.RootElement.GetProperty("preset").GetString());
        Assert.Equal(16, options.RootElement.GetProperty("options").GetProperty("num_envs").GetInt32());
        Assert.Equal(256, options.RootElement.GetProperty("options").GetProperty("num_steps").GetInt32());

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("MiniGrid-Empty-5x5-v0", root.GetProperty("environment").GetString());
        Assert.Equal(4096, root.GetProperty("total_steps").GetInt64());
        // One shared tree per minibatch per epoch: 4096 / 512 minibatches x 2 epochs.
        Assert.Equal(16, root.GetProperty("trees").GetInt32());
        // Empty-5x5 pays 1 - 0.9 * steps / 100 on reaching the goal, else 0: the mean lies in [0, 1).
        Assert.InRange(root.GetProperty("mean_return_last_100").GetDouble(), 0, 1);
        Assert.True(File.Exists(Path.Combine(_directory, "model.rlm")));
    }
}
