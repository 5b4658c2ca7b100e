using System.Globalization;
using System.Text;
using RLFramework.Agents.Presets;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Benchmarks.MiniGrid;

/// <summary>
/// What a hand-written policy that sees only the agent's 7x7 view and keeps no memory scores, next to the
/// full-information optimum of <see cref="OptimalReturn"/>: a feasible policy of the class the learner is in, so a
/// lower bound on what a learner can reach with the same inputs (not the best such policy).
/// Rule: when the object the agent needs next is in its view (GoToDoor: the target door; Unlock: the key while it is
/// not carried, then the locked door), take the first action of a shortest path (<see cref="MiniGridShortestPath"/>);
/// otherwise turn (<c>--turn left</c> or <c>right</c>), or (<c>random</c>) turn left, turn right or move forward with
/// probability 1/3 each, from a generator seeded with <c>--seed</c> (a fixed turn can loop: the shortest path may
/// begin with a turn that takes the object out of view). The shortest path is computed on the true state, so where the view alone
/// leaves the best approach open (Unlock: which side of the key to reach when the door is out of view) the rule is
/// slightly better informed than the view. Episode e is reset with seed + e, as in <see cref="OptimalReturn"/>.
/// Usage: minigrid-view-policy --env MiniGrid-GoToDoor-5x5-v0[,MiniGrid-Unlock-v0] [--episodes 3000] [--seed 0] [--turn left|right|random]
/// </summary>
internal static class ViewLimitedReturn
{
    private const int Left = 0, Right = 1;
    private static readonly string[] s_supported = ["MiniGrid-GoToDoor-5x5-v0", "MiniGrid-Unlock-v0"];

    public static int Run(string[] args)
    {
        var ids = new List<string>();
        var episodes = 3000;
        var seed = 0;
        var turn = "left";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--env": ids = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--episodes": episodes = OptionBinder.ParseInt("--episodes", Next()); break;
                case "--seed": seed = OptionBinder.ParseInt("--seed", Next()); break;
                case "--turn": turn = Next(); break;
                case "--help":
                    Console.WriteLine("minigrid-view-policy --env ID[,ID...] [--episodes 3000] [--seed 0] [--turn left|right|random]");
                    Console.WriteLine($"ids: {string.Join(", ", s_supported)}");
                    return 0;
                default: throw new ArgumentException($"Unknown argument '{args[i]}' (see minigrid-view-policy --help).");
            }
        }

        if (ids.Count == 0)
            throw new ArgumentException($"--env needs at least one of: {string.Join(", ", s_supported)}.");
        foreach (var id in ids)
        {
            if (Array.IndexOf(s_supported, id) < 0)
                throw new ArgumentException($"--env {id}: the view rule is written for {string.Join(" and ", s_supported)} only.");
        }
        if (episodes < 1)
            throw new ArgumentException($"--episodes is {episodes}; it must be at least 1.");
        if (turn is not ("left" or "right" or "random"))
            throw new ArgumentException($"--turn is '{turn}'; it must be left, right or random.");

        var search = new MiniGridShortestPath();
        var random = new Random(seed);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"episodes {episodes}, reset seeds {seed}..{seed + episodes - 1}, turn {turn}");
        table.AppendLine("| environment | view-policy return mean | std | length mean | failed episodes |");
        table.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var id in ids)
        {
            using var environment = MiniGridEnvironments.Create(id);
            double sum = 0, sumSquares = 0;
            long lengthSum = 0;
            var failures = 0;
            for (var e = 0; e < episodes; e++)
            {
                environment.Reset(seed + e);
                double reward = 0;
                var length = 0;
                while (true)
                {
                    var action = NeededObjectInView(environment)
                        ? ShortestPathAction(environment, search)
                        : turn switch { "left" => Left, "right" => Right, _ => random.Next(3) };
                    var step = environment.Step(action);
                    length++;
                    if (step.Terminated || step.Truncated)
                    {
                        reward = step.Reward;
                        break;
                    }
                }
                if (reward <= 0)
                    failures++;
                sum += reward;
                sumSquares += reward * reward;
                lengthSum += length;
            }

            var mean = sum / episodes;
            var std = Math.Sqrt(Math.Max(0, (sumSquares / episodes) - (mean * mean)));
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {mean:F4} | {std:F4} | {(double)lengthSum / episodes:F2} | {failures} |"));
        }

        Console.Write(table.ToString());
        return 0;
    }

    /// <summary>
    /// The first action of a shortest path, forward first among equally short ones (the search's own first action may be
    /// a turn that takes the object out of view, and a fixed turn back then loops); left when there is none.
    /// </summary>
    private static int ShortestPathAction(MiniGridEnvironment environment, MiniGridShortestPath search)
    {
        var path = search.Solve(environment);
        if (!path.Solved)
            return Left;
        if (path.Actions[0] == (int)MiniGridAction.Forward)
            return path.Actions[0];
        var state = environment.GetState();
        var step = environment.Step((int)MiniGridAction.Forward);
        var forwardIsShortest = path.Length == 1
            ? step.Reward > 0
            : !step.Terminated && !step.Truncated && search.Solve(environment) is { Solved: true } rest && rest.Length == path.Length - 1;
        environment.SetState(state);
        return forwardIsShortest ? (int)MiniGridAction.Forward : path.Actions[0];
    }

    /// <summary>Whether the object the agent needs next is in its current 7x7 view.</summary>
    private static bool NeededObjectInView(MiniGridEnvironment environment)
    {
        var state = environment.GetState();
        var observation = environment.Observation;
        var (type, color) = environment.Id switch
        {
            "MiniGrid-GoToDoor-5x5-v0" => (MiniGridObjectType.Door, state.Task.TargetColor!.Value),
            _ => state.Carrying is null
                ? (MiniGridObjectType.Key, DoorColor(state))
                : (MiniGridObjectType.Door, DoorColor(state)),
        };
        for (var x = 0; x < observation.ImageWidth; x++)
        {
            for (var y = 0; y < observation.ImageHeight; y++)
            {
                var cell = observation[x, y];
                if (cell.Type == type && cell.Color == color)
                    return true;
            }
        }
        return false;
    }

    private static MiniGridColor DoorColor(MiniGridState state)
    {
        var door = state.Task.DoorPosition!.Value;
        return state.CellAt(door.X, door.Y).Color;
    }
}
