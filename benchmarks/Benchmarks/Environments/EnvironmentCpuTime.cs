using System.Diagnostics;
using System.Globalization;

namespace RLFramework.Benchmarks.Environments;

/// <summary>
/// CPU time per step of the <see cref="EnvironmentStepBenchmarks"/> bodies, for a machine whose wall
/// clock is mostly time spent waiting for a core: each sample runs one benchmark method
/// <see cref="CallsPerSample"/> times and divides the process's CPU time (<see cref="Process.TotalProcessorTime"/>)
/// by the steps taken; prints the median and the minimum of <see cref="Samples"/> samples. The samples
/// go round-robin over the cases, so that all cases see the same load.
/// Run: dotnet run -c Release --project benchmarks/Benchmarks -- --env-cpu-time
/// </summary>
internal static class EnvironmentCpuTime
{
    private const int Samples = 7;
    private const int CallsPerSample = 20;
    private const double StepsPerCall = 100_000; // EnvironmentStepBenchmarks.Steps (the vector one: 6,250 x 16)

    public static void Run()
    {
        var benchmarks = new EnvironmentStepBenchmarks();
        benchmarks.Setup();
        var cases = new (string Name, Func<double> Body)[]
        {
            ("CartPole_v1_single", benchmarks.CartPole_v1_single),
            ("CartPole_v1_single_TimeLimit_only", benchmarks.CartPole_v1_single_TimeLimit_only),
            ("CartPole_v1_vector16_sync", benchmarks.CartPole_v1_vector16_sync),
            ("CartPole_v1_vector16_native", benchmarks.CartPole_v1_vector16_native),
            ("Acrobot_v1_single", benchmarks.Acrobot_v1_single),
            ("Pendulum_v1_single", benchmarks.Pendulum_v1_single),
        };
        var calls = new int[cases.Length];
        for (int c = 0; c < cases.Length; c++)
        {
            calls[c] = cases[c].Name.StartsWith("Acrobot", StringComparison.Ordinal) ? CallsPerSample / 4 : CallsPerSample;
            for (int i = 0; i < calls[c]; i++)
            {
                cases[c].Body(); // warm-up: tiered compilation settles
            }
        }

        // Samples round-robin over the cases, so that every case sees the same mix of load on a shared machine.
        var perStep = new double[cases.Length, Samples];
        using var process = Process.GetCurrentProcess();
        for (int s = 0; s < Samples; s++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                process.Refresh();
                TimeSpan before = process.TotalProcessorTime;
                for (int i = 0; i < calls[c]; i++)
                {
                    cases[c].Body();
                }

                process.Refresh();
                perStep[c, s] = (process.TotalProcessorTime - before).TotalNanoseconds / (calls[c] * StepsPerCall);
            }
        }

        for (int c = 0; c < cases.Length; c++)
        {
            var sorted = new double[Samples];
            for (int s = 0; s < Samples; s++)
            {
                sorted[s] = perStep[c, s];
            }

            Array.Sort(sorted);
            double median = sorted[Samples / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cases[c].Name,-36} CPU ns/step median {median,8:F1}  min {sorted[0],8:F1}  steps per CPU-second {1e3 / median,6:F2} M"));
        }

        benchmarks.Cleanup();
    }
}
