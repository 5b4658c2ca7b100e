using BenchmarkDotNet.Running;
using RLFramework.Benchmarks.Environments;
using RLFramework.Benchmarks.Learning;
using RLFramework.Benchmarks.MiniGrid;

// The script commands below report a bad option or an unreadable file as one line naming it (exit code 2), not a stack trace.
Func<string[], int>? command = args.Length == 0 ? null : args[0] switch
{
    // Learning curves: dotnet run -c Release --project benchmarks/Benchmarks -- learning --help
    "learning" => SampleComplexity.Run,
    // Mean return of a shortest-path policy over random layouts: ... -- minigrid-optimal --env MiniGrid-Unlock-v0,... [--episodes 2000] [--seed 0]
    "minigrid-optimal" => OptimalReturn.Run,
    // Mean return of a memoryless policy that acts on the 7x7 view only: ... -- minigrid-view-policy --env MiniGrid-GoToDoor-5x5-v0 [--turn left]
    // (or a trained model's, split by whether the object it needs is in view: ... -- minigrid-view-policy --model RUN/model.rlm [--deterministic])
    "minigrid-view-policy" => ViewLimitedReturn.Run,
    _ => null,
};
if (command is not null)
{
    try
    {
        return command(args[1..]);
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
    {
        Console.Error.WriteLine($"{args[0]}: {e.Message}");
        return 2;
    }
}

// --env-cpu-time prints CPU time per environment step (for a loaded machine; see benchmarks/README.md).
if (args is ["--env-cpu-time"])
{
    EnvironmentCpuTime.Run();
    return 0;
}

// Runs the BenchmarkDotNet micro-benchmarks: dotnet run -c Release --project benchmarks/Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
