using System.Globalization;
using System.Text;
namespace RLFramework.Environments.ToyText;

/// <summary>
/// FrozenLake-v1, a port of Gymnasium's <c>FrozenLakeEnv</c> with an identical transition table:
/// walk from S to G over frozen cells without falling into a hole (actions 0 left, 1 down,
/// 2 right, 3 up; state row * ncol + col). When slippery, the move goes to each side with
/// probability (1 - success_rate) / 2; outcomes are not merged. G and H are absorbing.
/// No time limit here: the registry adds TimeLimit(100), or 200 for FrozenLake8x8-v1.
/// </summary>
public sealed class FrozenLakeEnvironment : ToyTextEnvironment
{
    private static readonly string[] s_actionNames = ["left", "down", "right", "up"];

    /// <summary>The action names of the reference's text renderer.</summary>
    private static readonly string[] s_renderActionNames = ["Left", "Down", "Right", "Up"];

    /// <summary>Creates the environment with default options (4x4, slippery).</summary>
    public FrozenLakeEnvironment()
        : this(new FrozenLakeOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public FrozenLakeEnvironment(FrozenLakeOptions options)
        : base("FrozenLake", BuildTable(Validated(options), out double[] initial), initial)
    {
        Options = options;
        Map = options.ResolvedMap;
    }

    /// <summary>The options this environment was built with.</summary>
    public FrozenLakeOptions Options { get; }

    /// <summary>The map, one string per row.</summary>
    public IReadOnlyList<string> Map { get; }

    private static FrozenLakeOptions Validated(FrozenLakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static TransitionTable BuildTable(FrozenLakeOptions options, out double[] initialDistribution)
    {
        IReadOnlyList<string> map = options.ResolvedMap;
        int nrow = map.Count, ncol = map[0].Length;
        double successRate = options.SuccessRate;
        double failRate = (1.0 - successRate) / 2.0;
        IReadOnlyList<double> schedule = options.RewardSchedule;

        initialDistribution = new double[nrow * ncol];
        double starts = 0;
        for (int s = 0; s < nrow * ncol; s++)
        {
            if (map[s / ncol][s % ncol] == 'S')
            {
                initialDistribution[s] = 1;
                starts++;
            }
        }

        for (int s = 0; s < initialDistribution.Length; s++)
        {
            initialDistribution[s] /= starts;
        }

        var builder = new TransitionTable.Builder(nrow * ncol, 4);
        for (int row = 0; row < nrow; row++)
        {
            for (int col = 0; col < ncol; col++)
            {
                int s = (row * ncol) + col;
                char letter = map[row][col];
                for (int a = 0; a < 4; a++)
                {
                    builder.BeginPair();
                    if (letter is 'G' or 'H')
                    {
                        builder.Add(1.0, s, 0, true);
                    }
                    else if (options.IsSlippery)
                    {
                        ReadOnlySpan<int> moves = [(a + 3) % 4, a, (a + 1) % 4];
                        foreach (int b in moves)
                        {
                            AddMove(builder, map, row, col, b, b == a ? successRate : failRate, schedule);
                        }
                    }
                    else
                    {
                        AddMove(builder, map, row, col, a, 1.0, schedule);
                    }
                }
            }
        }

        return builder.Build();
    }

    private static void AddMove(TransitionTable.Builder builder, IReadOnlyList<string> map, int row, int col, int action, double probability, IReadOnlyList<double> schedule)
    {
        int nrow = map.Count, ncol = map[0].Length;
        switch (action)
        {
            case 0:
                col = Math.Max(col - 1, 0);
                break;
            case 1:
                row = Math.Min(row + 1, nrow - 1);
                break;
            case 2:
                col = Math.Min(col + 1, ncol - 1);
                break;
            default:
                row = Math.Max(row - 1, 0);
                break;
        }

        char letter = map[row][col];
        double reward = letter switch
        {
            'G' => schedule[0],
            'H' => schedule[1],
            _ => schedule[2],
        };
        builder.Add(probability, (row * ncol) + col, reward, letter is 'G' or 'H');
    }

    /// <summary>
    /// The reference's <c>_render_text</c>: the last action as "  (Left)" (an empty line before the first step), then
    /// the map (this environment's own, <see cref="Map"/>) row by row, the agent's cell highlighted in red.
    /// </summary>
    private protected override string RenderAnsi(int state)
    {
        int ncol = Map[0].Length;
        int row = state / ncol, col = state % ncol;
        var text = new StringBuilder();
        text.Append(LastAction == NoAction ? "\n" : $"  ({s_renderActionNames[LastAction]})\n");
        for (int r = 0; r < Map.Count; r++)
        {
            if (r != row)
            {
                text.Append(Map[r]);
            }
            else
            {
                text.Append(Map[r], 0, col)
                    .Append(Ansi.Colorize(Map[r][col].ToString(), AnsiColor.Red, highlight: true))
                    .Append(Map[r], col + 1, ncol - col - 1);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    private protected override string StateName(int state) =>
        string.Create(CultureInfo.InvariantCulture, $"row {state / Map[0].Length}, column {state % Map[0].Length}");

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
