using System.Globalization;
using System.Text;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Presets;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Benchmarks.MiniGrid;

/// <summary>
/// What a hand-written policy that sees only the agent's 7x7 view and keeps no memory scores, next to the
/// full-information optimum of <see cref="OptimalReturn"/>: a feasible policy of the class the learner is in, so a
/// lower bound on what a learner can reach with the same inputs (not the best such policy).
/// Rule: when the object the agent needs next is in its view (GoToDoor: the target door; Unlock: the key while it is
/// not carried, then the locked door), take the first action of a shortest path (<see cref="MiniGridShortestPath"/>),
/// forward first among equally short ones; otherwise turn (<c>--turn left</c> or <c>right</c>), or (<c>random</c>)
/// turn left, turn right or move forward with probability 1/3 each. The shortest path is computed on the true state,
/// so where the view alone leaves the best approach open (Unlock: which side of the key to reach when the door is out
/// of view) the rule is slightly better informed than the view.
/// With <c>--model PATH</c> a trained PPO/A2C/AWR model plays instead (its sampled policy on the categorical
/// observation, or with <c>--deterministic</c> its most probable action), and the table also splits its policy
/// entropy by whether that object was in view, and gives the share of in-view steps where its most probable action
/// is off every shortest path (a mistake of the policy itself, not of sampling).
/// For both, the table counts the steps off a shortest path (on the true state) per episode, in view and out of view:
/// each costs at least one step of return. The last column sorts the failed episodes (return 0) by how they ended:
/// `done` beside a door of another colour than the mission's (GoToDoor's one confusion), any other `done`, `toggle`,
/// or the time limit.
/// Episode e is reset with seed + e, as in <see cref="OptimalReturn"/>; random draws come from a generator seeded
/// with <c>--seed</c>.
/// Usage: minigrid-view-policy --env MiniGrid-GoToDoor-5x5-v0[,MiniGrid-Unlock-v0] [--episodes 3000] [--seed 0]
/// [--turn left|right|random] | --model RUN/model.rlm [--deterministic]
/// </summary>
internal static class ViewLimitedReturn
{
    private const int Left = 0, Right = 1, Toggle = 5, Done = 6, Actions = 7;
    private static readonly string[] s_supported = ["MiniGrid-GoToDoor-5x5-v0", "MiniGrid-Unlock-v0"];

    public static int Run(string[] args)
    {
        var ids = new List<string>();
        var episodes = 3000;
        var seed = 0;
        string? turn = null;
        string? model = null;
        var deterministic = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--env": ids = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--episodes": episodes = OptionBinder.ParseInt("--episodes", Next()); break;
                case "--seed": seed = OptionBinder.ParseInt("--seed", Next()); break;
                case "--turn": turn = Next(); break;
                case "--model": model = Next(); break;
                case "--deterministic": deterministic = true; break;
                case "--help":
                    Console.WriteLine("minigrid-view-policy --env ID[,ID...] [--episodes 3000] [--seed 0] [--turn left|right|random] | --model RUN/model.rlm [--deterministic]");
                    Console.WriteLine($"ids: {string.Join(", ", s_supported)}");
                    return 0;
                default: throw new ArgumentException($"Unknown argument '{args[i]}' (see minigrid-view-policy --help).");
            }
        }

        if (deterministic && model is null)
            throw new ArgumentException("--deterministic applies to --model only (the rule is deterministic already, except --turn random).");
        if (model is not null && (ids.Count > 0 || turn is not null))
            throw new ArgumentException("--model plays the model on its own environment: leave out --env and --turn.");
        turn ??= "left";
        using var agent = model is null ? null : ActorCriticAgent.Load(model);
        if (agent is not null)
        {
            if (agent.Options.NormalizeObservation)
                throw new ArgumentException($"--model {model}: the model normalizes its observations; this tool feeds the raw categorical codes.");
            ids = [agent.EnvironmentId];
        }
        if (ids.Count == 0)
            throw new ArgumentException($"--env needs at least one of: {string.Join(", ", s_supported)}.");
        foreach (var id in ids)
        {
            if (Array.IndexOf(s_supported, id) < 0)
                throw new ArgumentException($"{id}: the view rule is written for {string.Join(" and ", s_supported)} only.");
        }
        if (episodes < 1)
            throw new ArgumentException($"--episodes is {episodes}; it must be at least 1.");
        if (turn is not ("left" or "right" or "random"))
            throw new ArgumentException($"--turn is '{turn}'; it must be left, right or random.");

        var search = new MiniGridShortestPath();
        var random = new Random(seed);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"episodes {episodes}, reset seeds {seed}..{seed + episodes - 1}, policy {(model is null ? $"rule, turn {turn}" : $"{model}{(deterministic ? ", most probable action" : ", sampled")}")}");
        table.AppendLine("| environment | return mean | std | length mean | failed episodes | steps out of view (per episode) | off a shortest path: steps out of view | steps in view | most probable action, share of in-view steps | entropy out of view | entropy in view | failed by: done beside a door of another colour / other done / toggle / time limit |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var id in ids)
        {
            using var environment = MiniGridEnvironments.Create(id);
            var observations = new CategoricalObservationWrapper(environment);
            if (agent is not null && agent.Policy.ObservationSize != observations.ObservationSpace.FlatSize)
                throw new ArgumentException($"--model {model}: the policy reads {agent.Policy.ObservationSize} features, the categorical observation has {observations.ObservationSpace.FlatSize}.");
            var outputs = new float[agent?.Policy.OutputCount ?? 0];
            var probabilities = new double[Actions];
            double sum = 0, sumSquares = 0, entropyInView = 0, entropyOutOfView = 0;
            long lengthSum = 0, stepsInView = 0, stepsOutOfView = 0, offPathInView = 0, offPathOutOfView = 0, mostProbableOffPathInView = 0;
            var failures = 0;
            int doneBesideOtherDoor = 0, otherDone = 0, toggled = 0, timeLimit = 0;
            for (var e = 0; e < episodes; e++)
            {
                var observation = observations.Reset(seed + e).Observation;
                double reward;
                var length = 0;
                while (true)
                {
                    var inView = NeededObjectInView(environment);
                    var path = search.Solve(environment);
                    var remaining = path.Solved ? path.Length : 0;
                    int action;
                    int mostProbable = -1;
                    var mostProbableOffPath = false;
                    if (agent is null)
                    {
                        action = inView
                            ? ShortestPathAction(environment, search, path)
                            : turn switch { "left" => Left, "right" => Right, _ => random.Next(3) };
                    }
                    else
                    {
                        agent.Policy.Forward(observation.Span, 1, outputs);
                        var entropy = Softmax(outputs.AsSpan(0, Actions), probabilities);
                        mostProbable = ArgMax(probabilities);
                        action = deterministic ? mostProbable : Sample(probabilities, random.NextDouble());
                        if (inView)
                        {
                            entropyInView += entropy;
                            mostProbableOffPath = remaining > 0 && !OnShortestPath(environment, search, mostProbable, remaining);
                            mostProbableOffPathInView += mostProbableOffPath ? 1 : 0;
                        }
                        else
                        {
                            entropyOutOfView += entropy;
                        }
                    }
                    var offPath = inView && action == mostProbable
                        ? mostProbableOffPath
                        : remaining > 0 && !OnShortestPath(environment, search, action, remaining);
                    if (inView)
                    {
                        stepsInView++;
                        offPathInView += offPath ? 1 : 0;
                    }
                    else
                    {
                        stepsOutOfView++;
                        offPathOutOfView += offPath ? 1 : 0;
                    }
                    var step = observations.Step(action);
                    observation = step.Observation;
                    length++;
                    if (step.Terminated || step.Truncated)
                    {
                        reward = step.Reward;
                        if (reward <= 0)
                        {
                            if (step.Truncated && !step.Terminated)
                                timeLimit++;
                            else if (action == Done && BesideDoorOfAnotherColour(environment))
                                doneBesideOtherDoor++;
                            else if (action == Done)
                                otherDone++;
                            else if (action == Toggle)
                                toggled++;
                        }
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
            var modelColumns = agent is null ? "- | - | -" : string.Create(CultureInfo.InvariantCulture,
                $"{(double)mostProbableOffPathInView / Math.Max(1, stepsInView):F4} | {entropyOutOfView / Math.Max(1, stepsOutOfView):F3} | {entropyInView / Math.Max(1, stepsInView):F3}");
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {mean:F4} | {std:F4} | {(double)lengthSum / episodes:F2} | {failures} | {(double)stepsOutOfView / episodes:F2} | {(double)offPathOutOfView / episodes:F3} | {(double)offPathInView / episodes:F3} | {modelColumns} | {doneBesideOtherDoor} / {otherDone} / {toggled} / {timeLimit} |"));
        }

        Console.Write(table.ToString());
        return 0;
    }

    /// <summary>Writes softmax(<paramref name="logits"/>) to <paramref name="probabilities"/> and returns its entropy (nats).</summary>
    private static double Softmax(ReadOnlySpan<float> logits, Span<double> probabilities)
    {
        var max = double.NegativeInfinity;
        foreach (var z in logits)
            max = Math.Max(max, z);
        var total = 0.0;
        for (var a = 0; a < logits.Length; a++)
        {
            probabilities[a] = Math.Exp(logits[a] - max);
            total += probabilities[a];
        }
        var entropy = 0.0;
        for (var a = 0; a < logits.Length; a++)
        {
            probabilities[a] /= total;
            if (probabilities[a] > 0)
                entropy -= probabilities[a] * Math.Log(probabilities[a]);
        }
        return entropy;
    }

    /// <summary>The most probable action, the first among equals (as SB3's <c>deterministic=True</c>).</summary>
    private static int ArgMax(ReadOnlySpan<double> probabilities)
    {
        var best = 0;
        for (var a = 1; a < probabilities.Length; a++)
        {
            if (probabilities[a] > probabilities[best])
                best = a;
        }
        return best;
    }

    /// <summary>The action whose cumulative probability first exceeds <paramref name="u"/> (the last one for rounding).</summary>
    private static int Sample(ReadOnlySpan<double> probabilities, double u)
    {
        var cumulative = 0.0;
        for (var a = 0; a < probabilities.Length - 1; a++)
        {
            cumulative += probabilities[a];
            if (u < cumulative)
                return a;
        }
        return probabilities.Length - 1;
    }

    /// <summary>
    /// The first action of a shortest path, forward first among equally short ones (the search's own first action may be
    /// a turn that takes the object out of view, and a fixed turn back then loops); left when there is none.
    /// </summary>
    private static int ShortestPathAction(MiniGridEnvironment environment, MiniGridShortestPath search, ShortestPathResult path)
    {
        if (!path.Solved)
            return Left;
        var forward = (int)MiniGridAction.Forward;
        return path.Actions[0] == forward || OnShortestPath(environment, search, forward, path.Length) ? forward : path.Actions[0];
    }

    /// <summary>
    /// Whether <paramref name="action"/> starts a shortest path to success from the current state, whose shortest path
    /// has <paramref name="remaining"/> actions (the environment is restored afterwards).
    /// </summary>
    private static bool OnShortestPath(MiniGridEnvironment environment, MiniGridShortestPath search, int action, int remaining)
    {
        var state = environment.GetState();
        var step = environment.Step(action);
        var onPath = step.Terminated || step.Truncated
            ? step.Reward > 0 && remaining == 1
            : search.Solve(environment) is { Solved: true } rest && rest.Length == remaining - 1;
        environment.SetState(state);
        return onPath;
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

    /// <summary>Whether a door next to the agent (any of its four sides) has a colour other than the mission's (GoToDoor).</summary>
    private static bool BesideDoorOfAnotherColour(MiniGridEnvironment environment)
    {
        var state = environment.GetState();
        if (state.Task.TargetColor is not { } target)
            return false;
        var (x, y) = (state.AgentPosition.X, state.AgentPosition.Y);
        foreach (var (dx, dy) in s_sides)
        {
            var cell = state.CellAt(x + dx, y + dy);
            if (cell.Type == MiniGridObjectType.Door && cell.Color != target)
                return true;
        }
        return false;
    }

    private static readonly (int Dx, int Dy)[] s_sides = [(1, 0), (-1, 0), (0, 1), (0, -1)];

    private static MiniGridColor DoorColor(MiniGridState state)
    {
        var door = state.Task.DoorPosition!.Value;
        return state.CellAt(door.X, door.Y).Color;
    }
}
