using RLFramework.Boosting;

namespace RLFramework.Cuda.Tests;

/// <summary>The device selector: cuda without a GPU is a clear error, only auto chooses, and it says what it chose.</summary>
public class DeviceSelectorTests
{
    private static readonly GbrlOptions Options = new();
    private static readonly FeatureSchema Schema = FeatureSchema.Numerical(2);

    private static BoosterFactory.CudaProbe Missing(string reason) => ([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuDevice? device, out string why) =>
    {
        device = null;
        why = reason;
        return false;
    };

    [Fact]
    public void Cpu_gives_the_cpu_booster()
    {
        using var booster = BoosterFactory.Create(Options, Schema, DeviceKind.Cpu, Missing("unused"), out var chosen);
        Assert.IsType<GbrlBooster>(booster);
        Assert.StartsWith("CPU", chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_without_a_gpu_is_an_error_naming_what_is_missing()
    {
        var e = Assert.Throws<GpuUnavailableException>(() =>
            BoosterFactory.Create(Options, Schema, DeviceKind.Cuda, Missing("the NVIDIA driver is not installed"), out _));
        Assert.Contains("NVIDIA driver", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_without_a_gpu_chooses_the_cpu_and_says_why()
    {
        using var booster = BoosterFactory.Create(Options, Schema, DeviceKind.Auto, Missing("no CUDA device was found"), out var chosen);
        Assert.IsType<GbrlBooster>(booster);
        Assert.Contains("auto chose CPU", chosen, StringComparison.Ordinal);
        Assert.Contains("no CUDA device was found", chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_with_a_device_chooses_it()
    {
        BoosterFactory.CudaProbe simulated = ([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuDevice? device, out string reason) =>
        {
            device = GpuDevice.OpenCpuSimulator();
            reason = device.Description;
            return true;
        };
        using var booster = BoosterFactory.Create(Options, Schema, DeviceKind.Auto, simulated, out var chosen);
        Assert.IsType<GpuGbrlBooster>(booster);
        Assert.Contains("auto chose ILGPU CPU accelerator", chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_probe_matches_this_machine()
    {
        // On a machine without the NVIDIA driver (CI) the error names the driver; with a GPU, cuda opens it.
        if (GpuDevice.TryOpenCuda(0, out var device, out var reason))
        {
            using (device)
                Assert.True(device.IsCuda);
            return;
        }
        var e = Assert.Throws<GpuUnavailableException>(() => BoosterFactory.Create(Options, Schema, DeviceKind.Cuda, out _));
        Assert.Equal(reason, e.Message);
        Assert.True(e.Message.Contains("NVIDIA driver", StringComparison.Ordinal) || e.Message.Contains("no CUDA device", StringComparison.Ordinal), e.Message);
        using var auto = BoosterFactory.Create(Options, Schema, DeviceKind.Auto, out var chosen);
        Assert.IsType<GbrlBooster>(auto);
        Assert.Contains(reason, chosen, StringComparison.Ordinal);
    }

    [Fact]
    public void One_resolved_device_serves_several_boosters()
    {
        Assert.Null(BoosterFactory.OpenDevice(DeviceKind.Cpu, Missing("unused"), out var cpuChosen));
        Assert.StartsWith("CPU", cpuChosen, StringComparison.Ordinal);
        Assert.Null(BoosterFactory.OpenDevice(DeviceKind.Auto, Missing("no CUDA device was found"), out var autoChosen));
        Assert.Contains("no CUDA device was found", autoChosen, StringComparison.Ordinal);
        Assert.Throws<GpuUnavailableException>(() => BoosterFactory.OpenDevice(DeviceKind.Cuda, Missing("the NVIDIA driver is not installed"), out _));
        using var device = GpuDevice.OpenCpuSimulator();
        using var actor = BoosterFactory.Create(Options, Schema, device);
        using var critic = BoosterFactory.Create(Options, Schema, device);
        Assert.IsType<GpuGbrlBooster>(actor);
        Assert.IsType<GpuGbrlBooster>(critic);
        using var cpu = BoosterFactory.Create(Options, Schema, (GpuDevice?)null);
        Assert.IsType<GbrlBooster>(cpu);
    }

    [Theory]
    [InlineData("auto", DeviceKind.Auto)]
    [InlineData("CPU", DeviceKind.Cpu)]
    [InlineData("cuda", DeviceKind.Cuda)]
    public void Device_names_parse(string text, DeviceKind expected) => Assert.Equal(expected, BoosterFactory.ParseDevice(text));

    [Fact]
    public void Unknown_device_name_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => BoosterFactory.ParseDevice("tpu"));
        Assert.Contains("auto, cpu or cuda", e.Message, StringComparison.Ordinal);
    }
}
