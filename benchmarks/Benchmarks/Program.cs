using BenchmarkDotNet.Running;
using RLFramework.Benchmarks.Environments;

// Runs the BenchmarkDotNet micro-benchmarks: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*'
// --env-cpu-time instead prints CPU time per environment step (for a loaded machine; see benchmarks/README.md).
if (args is ["--env-cpu-time"])
{
    EnvironmentCpuTime.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
