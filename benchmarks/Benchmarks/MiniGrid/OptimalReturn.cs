using System.Diagnostics;
using System.Globalization;
using System.Text;
using RLFramework.Agents.Presets;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Benchmarks.MiniGrid;

/// <summary>
/// The ceiling of a MiniGrid learning curve: the mean return of an optimal (shortest-path) policy over
/// the environment's random layouts. Episode e is reset with seed + e (our layout generator) and solved
/// by breadth-first search with the environment as its own transition model
/// (<see cref="MiniGridShortestPath"/>); its return is the reward the environment's step gave for the
/// last action of a shortest sequence, 1 - 0.9 * L / max_steps. Episodes without a solution count as
/// return 0 and are counted. Std is the population std over episodes.
/// Usage: minigrid-optimal --env ID[,ID...] [--episodes 2000] [--seed 0] [--max-states N]
/// </summary>
internal static class OptimalReturn
{
    public static int Run(string[] args)
    {
        var ids = new List<string>();
        var episodes = 2000;
        var seed = 0;
        var maxStates = 1 << 22;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--env": ids = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--episodes": episodes = OptionBinder.ParseInt("--episodes", Next()); break;
                case "--seed": seed = OptionBinder.ParseInt("--seed", Next()); break;
                case "--max-states": maxStates = OptionBinder.ParseInt("--max-states", Next()); break;
                case "--help":
                    Console.WriteLine("minigrid-optimal --env ID[,ID...] [--episodes 2000] [--seed 0] [--max-states 4194304]");
                    Console.WriteLine($"ids: {string.Join(", ", MiniGridEnvironments.Ids)}");
                    return 0;
                default: throw new ArgumentException($"Unknown argument '{args[i]}' (see minigrid-optimal --help).");
            }
        }

        if (ids.Count == 0)
            throw new ArgumentException($"--env needs at least one MiniGrid id: {string.Join(", ", MiniGridEnvironments.Ids)}.");
        if (episodes < 1)
            throw new ArgumentException($"--episodes is {episodes}; it must be at least 1.");
        if (maxStates < 1)
            throw new ArgumentException($"--max-states is {maxStates}; it must be at least 1.");

        var search = new MiniGridShortestPath(maxStates);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"episodes {episodes}, reset seeds {seed}..{seed + episodes - 1}");
        table.AppendLine("| environment | max_steps | optimal return mean | std | optimal length mean | length min / max | no solution | state limit hit | states per search (mean) | seconds |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var id in ids)
        {
            using var environment = MiniGridEnvironments.Create(id);
            var returns = new double[episodes];
            long lengthSum = 0, stateSum = 0;
            int solved = 0, limitHits = 0, minLength = int.MaxValue, maxLength = 0;
            var clock = Stopwatch.StartNew();
            for (var e = 0; e < episodes; e++)
            {
                environment.Reset(seed + e);
                var result = search.Solve(environment);
                stateSum += result.States;
                if (result.HitStateLimit)
                    limitHits++;
                if (!result.Solved)
                    continue;
                solved++;
                returns[e] = result.Reward;
                lengthSum += result.Length;
                minLength = Math.Min(minLength, result.Length);
                maxLength = Math.Max(maxLength, result.Length);
            }
            clock.Stop();

            var mean = returns.Average();
            var std = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / episodes);
            var meanLength = solved > 0 ? (double)lengthSum / solved : double.NaN;
            var range = solved > 0 ? $"{minLength} / {maxLength}" : "-";
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {environment.MaxSteps} | {mean:F4} | {std:F4} | {meanLength:F2} | {range} | {episodes - solved} | {limitHits} | " +
                $"{(double)stateSum / episodes:F0} | {clock.Elapsed.TotalSeconds:F1} |"));
        }

        Console.Write(table.ToString());
        return 0;
    }
}
