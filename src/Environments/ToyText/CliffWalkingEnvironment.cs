using System.Globalization;
using System.Text;
namespace RLFramework.Environments.ToyText;

/// <summary>
/// CliffWalking-v0, a port of Gymnasium's <c>CliffWalkingEnv</c> with an identical transition table:
/// a 4 x 12 grid (state row * 12 + col, actions 0 up, 1 right, 2 down, 3 left) from 36 to the goal 47;
/// -1 per step, and -100 for stepping into the cliff (cells 37..46), which sends the agent back to 36
/// without ending the episode. No time limit.
/// </summary>
public sealed class CliffWalkingEnvironment : ToyTextEnvironment
{
    private static readonly string[] s_actionNames = ["up", "right", "down", "left"];

    private const int Rows = 4;
    private const int Cols = 12;
    private const int StartState = 36;

    /// <summary>Creates the environment with default options.</summary>
    public CliffWalkingEnvironment()
        : this(new CliffWalkingOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public CliffWalkingEnvironment(CliffWalkingOptions options)
        : base("CliffWalking", BuildTable(Validated(options)), InitialDistribution())
    {
        Options = options;
    }

    /// <summary>The options this environment was built with.</summary>
    public CliffWalkingOptions Options { get; }

    private static CliffWalkingOptions Validated(CliffWalkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static double[] InitialDistribution()
    {
        var distribution = new double[Rows * Cols];
        distribution[StartState] = 1.0;
        return distribution;
    }

    private static TransitionTable BuildTable(CliffWalkingOptions options)
    {
        ReadOnlySpan<(int Dr, int Dc)> deltas = [(-1, 0), (0, 1), (1, 0), (0, -1)];
        var builder = new TransitionTable.Builder(Rows * Cols, 4);
        for (int s = 0; s < Rows * Cols; s++)
        {
            int row = s / Cols, col = s % Cols;
            for (int a = 0; a < 4; a++)
            {
                builder.BeginPair();
                if (options.IsSlippery)
                {
                    ReadOnlySpan<int> moves = [(a + 3) % 4, a, (a + 1) % 4];
                    foreach (int b in moves)
                    {
                        AddMove(builder, row, col, deltas[b], 1.0 / 3);
                    }
                }
                else
                {
                    AddMove(builder, row, col, deltas[a], 1.0 / 1);
                }
            }
        }

        return builder.Build();
    }

    /// <summary>Whether (row, col) is in the cliff: the bottom row between the start and the goal.</summary>
    private static bool IsCliff(int row, int col) => row == Rows - 1 && col >= 1 && col <= Cols - 2;

    private static void AddMove(TransitionTable.Builder builder, int row, int col, (int Dr, int Dc) delta, double probability)
    {
        int newRow = Math.Max(Math.Min(row + delta.Dr, Rows - 1), 0);
        int newCol = Math.Max(Math.Min(col + delta.Dc, Cols - 1), 0);
        if (IsCliff(newRow, newCol))
        {
            builder.Add(probability, StartState, -100, false);
        }
        else
        {
            bool terminated = newRow == Rows - 1 && newCol == Cols - 1;
            builder.Add(probability, (newRow * Cols) + newCol, -1, terminated);
        }
    }

    /// <summary>
    /// The reference's <c>_render_text</c>: one line per row, cells " x " (the agent), " T " (the goal), " C " (the
    /// cliff) or " o ", the first cell of a line left-stripped and the last right-stripped, then an empty line.
    /// It shows no last action (the reference keeps <c>lastaction</c> for its pictures only).
    /// </summary>
    private protected override string RenderAnsi(int state)
    {
        var text = new StringBuilder();
        for (int s = 0; s < Rows * Cols; s++)
        {
            int row = s / Cols, col = s % Cols;
            string cell = s == state ? " x "
                : (row, col) == (Rows - 1, Cols - 1) ? " T "
                : IsCliff(row, col) ? " C "
                : " o ";
            if (col == 0)
            {
                cell = cell.TrimStart(' ');
            }

            if (col == Cols - 1)
            {
                cell = cell.TrimEnd(' ') + "\n";
            }

            text.Append(cell);
        }

        return text.Append('\n').ToString();
    }

    /// <inheritdoc/>
    private protected override string StateName(int state) =>
        string.Create(CultureInfo.InvariantCulture, $"row {state / Cols}, column {state % Cols}");

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
