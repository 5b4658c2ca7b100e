using System.Text.Json;
using RLFramework.Agents.Algorithms;
using RLFramework.Cli.Commands;
using RLFramework.Cli.Training;
using RLFramework.Cuda;

namespace RLFramework.Cli.Tests;

/// <summary>
/// <c>rl train --device</c>: cpu trains and is recorded; cuda without a usable NVIDIA GPU is a clear error naming what is
/// missing, before training; auto says what it chose; the GPU booster (on ILGPU's CPU accelerator) trains the same
/// agent as the CPU engine, and <c>rl eval</c> reads what it saved.
/// </summary>
public sealed class TrainDeviceTests : IDisposable
{
    private static readonly string[] s_tinyPpo = ["n_steps=32", "batch_size=32", "n_epochs=1"];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rl-device-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_directory, name);

    private static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    [Fact]
    public void Cpu_trains_and_records_the_device()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var run = Folder("cpu");
        Assert.True(TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 256, Envs: 2, Set: s_tinyPpo, Out: run, Device: "cpu"), output, error, interactive: false) == 0, error.ToString());
        Assert.Contains("Device: CPU", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("cpu", ReadJson(Path.Combine(run, "summary.json")).GetProperty("device").GetString());
        Assert.Equal("cpu", ReadJson(Path.Combine(run, "options.json")).GetProperty("device").GetString());
    }

    [Fact]
    public void Cuda_without_a_gpu_is_a_clear_error_before_training_and_auto_says_what_it_chose()
    {
        var hasGpu = GpuDevice.TryOpenCuda(0, out var gpu, out var reason);
        gpu?.Dispose();

        var output = new StringWriter();
        var error = new StringWriter();
        var cuda = Folder("cuda");
        var code = TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 64, Envs: 2, Set: s_tinyPpo, Out: cuda, Device: "cuda"), output, error, interactive: false);
        if (hasGpu)
        {
            Assert.True(code == 0, error.ToString());
            Assert.Equal("cuda", ReadJson(Path.Combine(cuda, "summary.json")).GetProperty("device").GetString());
        }
        else
        {
            Assert.Equal(2, code);
            Assert.Contains("CUDA was requested", error.ToString(), StringComparison.Ordinal);
            Assert.Contains(reason, error.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(cuda));
        }

        var auto = Folder("auto");
        output = new StringWriter();
        Assert.True(TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 64, Envs: 2, Set: s_tinyPpo, Out: auto, Device: "auto"), output, error, interactive: false) == 0, error.ToString());
        var summary = ReadJson(Path.Combine(auto, "summary.json"));
        Assert.Equal(hasGpu ? "cuda" : "cpu", summary.GetProperty("device").GetString());
        Assert.StartsWith(hasGpu ? "auto chose CUDA" : "auto chose CPU", summary.GetProperty("device_description").GetString(), StringComparison.Ordinal);
        Assert.Contains(hasGpu ? "Device: auto chose CUDA" : "Device: auto chose CPU", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tpu", new string[0], "Unknown device 'tpu'")]
    [InlineData("cuda", new[] { "policy=mlp" }, "the MLP baseline (policy=mlp) runs on the CPU only")]
    public void Bad_devices_are_clear_errors(string device, string[] set, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, TrainCommand.Run(new TrainArguments("CartPole-v1", Steps: 64, Set: set, Out: Folder("bad"), Device: device), new StringWriter(), error, interactive: false));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder("bad")));
    }

    [Fact]
    public void The_gpu_booster_on_ilgpus_cpu_accelerator_trains_the_cpu_engines_agent_and_eval_reads_it()
    {
        var arguments = new TrainArguments("CartPole-v1", Steps: 256, Seed: 5, Envs: 2, Set: s_tinyPpo);
        var error = new StringWriter();
        var cpu = Folder("cpu");
        Assert.True(TrainCommand.Run(arguments with { Out = cpu }, new StringWriter(), error, interactive: false) == 0, error.ToString());
        var gpu = Folder("gpu");
        var device = TrainingDevice.OnGpu(GpuDevice.OpenCpuSimulator(), "ILGPU CPU accelerator (test)");
        Assert.True(TrainCommand.Run(arguments with { Out = gpu }, new StringWriter(), error, interactive: false, device) == 0, error.ToString());
        Assert.Equal("ilgpu-cpu", ReadJson(Path.Combine(gpu, "summary.json")).GetProperty("device").GetString());

        // Same splits and leaf values (GpuGbrlBooster's contract); predictions are float sums in another order, so the
        // outputs agree to 1e-4 and, the sampled actions being the same, so do the episodes.
        using var a = ActorCriticAgent.Load(Path.Combine(cpu, "model.rlm"));
        using var b = ActorCriticAgent.Load(Path.Combine(gpu, "model.rlm"));
        Assert.Equal(a.TreeCount, b.TreeCount);
        Assert.Equal(a.Episodes.Episodes, b.Episodes.Episodes);
        float[] probe = [0.01f, 0.2f, -0.03f, -0.1f, -0.1f, -0.5f, 0.1f, 0.8f];
        var outputsA = new float[2 * a.Policy.OutputCount];
        var outputsB = new float[2 * b.Policy.OutputCount];
        a.Policy.Forward(probe, 2, outputsA);
        b.Policy.Forward(probe, 2, outputsB);
        for (var i = 0; i < outputsA.Length; i++)
            Assert.Equal(outputsA[i], outputsB[i], 1e-4);

        var evalOutput = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(gpu, 2, deterministic: true, seed: 0, evalOutput, error));
        Assert.Contains("2 episodes (deterministic)", evalOutput.ToString(), StringComparison.Ordinal);
    }
}
