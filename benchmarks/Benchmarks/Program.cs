using BenchmarkDotNet.Running;
using RLFramework.Benchmarks.Learning;

// Learning curves: dotnet run -c Release --project benchmarks/Benchmarks -- learning --help
if (args.Length > 0 && args[0] == "learning")
    return SampleComplexity.Run(args[1..]);

// Runs the BenchmarkDotNet micro-benchmarks: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
