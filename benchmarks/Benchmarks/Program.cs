using BenchmarkDotNet.Running;
using RLFramework.Benchmarks.Environments;
using RLFramework.Benchmarks.Learning;
using RLFramework.Benchmarks.MiniGrid;

// Learning curves: dotnet run -c Release --project benchmarks/Benchmarks -- learning --help
if (args.Length > 0 && args[0] == "learning")
    return SampleComplexity.Run(args[1..]);

// Table and PNG from finished `rl train` run folders: ... -- learning-report RUN_DIR [RUN_DIR ...] [--threshold X]
if (args.Length > 0 && args[0] == "learning-report")
    return RunReport.Run(args[1..]);

// Mean return of a shortest-path policy over random layouts: ... -- minigrid-optimal --env MiniGrid-Unlock-v0,... [--episodes 2000] [--seed 0]
if (args.Length > 0 && args[0] == "minigrid-optimal")
    return OptimalReturn.Run(args[1..]);

// --env-cpu-time prints CPU time per environment step (for a loaded machine; see benchmarks/README.md).
if (args is ["--env-cpu-time"])
{
    EnvironmentCpuTime.Run();
    return 0;
}

// Runs the BenchmarkDotNet micro-benchmarks: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
