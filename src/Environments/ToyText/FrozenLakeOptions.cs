namespace RLFramework.Environments.ToyText;

/// <summary>Options of FrozenLake-v1 / FrozenLake8x8-v1 (Gymnasium's <c>FrozenLakeEnv</c>).</summary>
public sealed record FrozenLakeOptions
{
    /// <summary>Python <c>desc</c>: a custom map, one string per row of 'S' start, 'F' frozen, 'H' hole, 'G' goal (overrides <see cref="MapName"/>).</summary>
    public IReadOnlyList<string>? Desc { get; init; }

    /// <summary>Python <c>map_name</c>: "4x4" (default) or "8x8"; used when <see cref="Desc"/> is null.</summary>
    public string? MapName { get; init; } = "4x4";

    /// <summary>Python <c>is_slippery</c>: moves go sideways with probability 1 - success_rate (default true).</summary>
    public bool IsSlippery { get; init; } = true;

    /// <summary>Python <c>success_rate</c>: probability of the intended move when slippery (default 1/3).</summary>
    public double SuccessRate { get; init; } = 1.0 / 3.0;

    /// <summary>Python <c>reward_schedule</c>: the rewards for entering (G, H, F) cells (default (1, 0, 0)).</summary>
    public IReadOnlyList<double> RewardSchedule { get; init; } = [1, 0, 0];

    /// <summary>The map in use: <see cref="Desc"/>, or the named map.</summary>
    public IReadOnlyList<string> ResolvedMap => Desc ?? (MapName switch
    {
        "4x4" => FrozenLakeMaps.FourByFour,
        "8x8" => FrozenLakeMaps.EightByEight,
        _ => throw new ArgumentException($"map_name '{MapName}' is not known: use \"4x4\" or \"8x8\", or give desc.", nameof(MapName)),
    });

    /// <summary>Throws when an option is invalid.</summary>
    public void Validate()
    {
        if (Desc is null && MapName is null)
        {
            throw new ArgumentException("desc and map_name are both null: the reference then draws a random map; give desc (e.g. FrozenLakeMaps.GenerateRandom) or map_name.", nameof(MapName));
        }

        IReadOnlyList<string> map = ResolvedMap;
        if (map.Count == 0 || map[0].Length == 0)
        {
            throw new ArgumentException("desc must have at least one row and one column.", nameof(Desc));
        }

        int starts = 0;
        for (int row = 0; row < map.Count; row++)
        {
            if (map[row] is null || map[row].Length != map[0].Length)
            {
                throw new ArgumentException($"desc row {row} has a different length than row 0.", nameof(Desc));
            }

            foreach (char c in map[row])
            {
                if (c is not ('S' or 'F' or 'H' or 'G'))
                {
                    throw new ArgumentException($"desc row {row} has '{c}': cells must be S, F, H or G.", nameof(Desc));
                }

                starts += c == 'S' ? 1 : 0;
            }
        }

        if (starts == 0)
        {
            throw new ArgumentException("desc has no start cell 'S'.", nameof(Desc));
        }

        if (!(SuccessRate >= 0 && SuccessRate <= 1))
        {
            throw new ArgumentException($"success_rate must be in [0, 1], got {SuccessRate}.", nameof(SuccessRate));
        }

        if (RewardSchedule is null || RewardSchedule.Count != 3 || !double.IsFinite(RewardSchedule[0]) || !double.IsFinite(RewardSchedule[1]) || !double.IsFinite(RewardSchedule[2]))
        {
            throw new ArgumentException("reward_schedule must be 3 finite numbers: the rewards for entering G, H and F cells.", nameof(RewardSchedule));
        }
    }
}

/// <summary>FrozenLake's built-in maps and the reference's random-map generator.</summary>
public static class FrozenLakeMaps
{
    /// <summary>The "4x4" map.</summary>
    public static IReadOnlyList<string> FourByFour { get; } = ["SFFF", "FHFH", "FFFH", "HFFG"];

    /// <summary>The "8x8" map.</summary>
    public static IReadOnlyList<string> EightByEight { get; } =
        ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"];

    /// <summary>
    /// A random size x size map with a path from S (top left) to G (bottom right), each other cell
    /// frozen with probability <paramref name="frozenProbability"/>, as the reference's
    /// <c>generate_random_map</c> (with this library's seeded generator, not NumPy's).
    /// </summary>
    public static IReadOnlyList<string> GenerateRandom(int size = 8, double frozenProbability = 0.8, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        if (!(frozenProbability > 0 && frozenProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(frozenProbability), frozenProbability, "must be in (0, 1].");
        }

        var random = new EnvironmentRandom(seed);
        var board = new char[size, size];
        do
        {
            for (int r = 0; r < size; r++)
            {
                for (int c = 0; c < size; c++)
                {
                    board[r, c] = random.NextDouble() < frozenProbability ? 'F' : 'H';
                }
            }

            board[0, 0] = 'S';
            board[size - 1, size - 1] = 'G';
        }
        while (!HasPath(board, size));

        var rows = new string[size];
        for (int r = 0; r < size; r++)
        {
            var line = new char[size];
            for (int c = 0; c < size; c++)
            {
                line[c] = board[r, c];
            }

            rows[r] = new string(line);
        }

        return rows;
    }

    private static bool HasPath(char[,] board, int size)
    {
        var seen = new bool[size, size];
        var frontier = new Stack<(int Row, int Col)>();
        frontier.Push((0, 0));
        while (frontier.Count > 0)
        {
            (int r, int c) = frontier.Pop();
            if (seen[r, c])
            {
                continue;
            }

            seen[r, c] = true;
            ReadOnlySpan<(int, int)> moves = [(1, 0), (0, 1), (-1, 0), (0, -1)];
            foreach ((int dr, int dc) in moves)
            {
                int nr = r + dr, nc = c + dc;
                if (nr < 0 || nr >= size || nc < 0 || nc >= size || seen[nr, nc])
                {
                    continue;
                }

                if (board[nr, nc] == 'G')
                {
                    return true;
                }

                if (board[nr, nc] != 'H')
                {
                    frontier.Push((nr, nc));
                }
            }
        }

        return false;
    }
}
