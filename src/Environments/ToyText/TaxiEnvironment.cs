using System.Globalization;
using System.Text;
namespace RLFramework.Environments.ToyText;

/// <summary>
/// Taxi-v3, a port of Gymnasium's <c>TaxiEnv</c> with an identical transition table: drive on a 5 x 5
/// grid with walls, pick the passenger up at one of four stands (R, G, Y, B) and drop them at the
/// destination. State ((row * 5 + col) * 5 + passenger) * 4 + destination (passenger 4: in the taxi);
/// actions 0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff. -1 per step, +20 for the delivery,
/// -10 for an illegal pickup or dropoff. Every step reports the action mask.
/// No time limit here: the registry adds TimeLimit(200).
/// </summary>
public sealed class TaxiEnvironment : ToyTextEnvironment
{
    private static readonly string[] s_actionNames = ["south", "north", "east", "west", "pickup", "dropoff"];
    private static readonly string[] s_locationNames = ["R (red)", "G (green)", "Y (yellow)", "B (blue)"];

    /// <summary>The action names of the reference's text renderer.</summary>
    private static readonly string[] s_renderActionNames = ["South", "North", "East", "West", "Pickup", "Dropoff"];

    private const int Size = 5;
    private const int InTaxi = 4;

    private static readonly string[] s_map =
    [
        "+---------+",
        "|R: | : :G|",
        "| : | : : |",
        "| : : : : |",
        "| | : | : |",
        "|Y| : |B: |",
        "+---------+",
    ];

    private static readonly (int Row, int Col)[] s_locations = [(0, 0), (0, 4), (4, 0), (4, 3)];

    private readonly bool _ficklePassenger;
    private bool _fickleStep;

    /// <summary>Creates the environment with default options.</summary>
    public TaxiEnvironment()
        : this(new TaxiOptions())
    {
    }

    /// <summary>Creates the environment.</summary>
    public TaxiEnvironment(TaxiOptions options)
        : base("Taxi", BuildTable(Validated(options)), InitialDistribution())
    {
        Options = options;
        _ficklePassenger = options.FicklePassenger;
    }

    /// <summary>The options this environment was built with.</summary>
    public TaxiOptions Options { get; }

    /// <summary>The state index of (taxi row, taxi column, passenger location 0..4, destination 0..3).</summary>
    public static int Encode(int taxiRow, int taxiCol, int passengerLocation, int destination) =>
        ((((taxiRow * 5) + taxiCol) * 5) + passengerLocation) * 4 + destination;

    /// <summary>The parts of a state index (inverse of <see cref="Encode"/>).</summary>
    public static (int TaxiRow, int TaxiCol, int PassengerLocation, int Destination) Decode(int state)
    {
        int destination = state % 4;
        state /= 4;
        int passenger = state % 5;
        state /= 5;
        return (state / 5, state % 5, passenger, destination);
    }

    private protected override bool HasActionMask => true;

    /// <summary>
    /// The reference's <c>action_mask(state)</c> as bits: bit a is set when action a changes the state
    /// (a move not blocked by the grid or a wall) or is a legal pickup or dropoff.
    /// </summary>
    public ulong GetActionMask(int state)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)state, 500u, nameof(state));
        return ActionMask(state);
    }

    private protected override ulong ActionMask(int state)
    {
        (int row, int col, int passenger, int destination) = Decode(state);
        ulong mask = 0;
        if (row < Size - 1)
        {
            mask |= 1UL << 0;
        }

        if (row > 0)
        {
            mask |= 1UL << 1;
        }

        if (col < Size - 1 && CanGoEast(row, col))
        {
            mask |= 1UL << 2;
        }

        if (col > 0 && CanGoWest(row, col))
        {
            mask |= 1UL << 3;
        }

        if (passenger < InTaxi && s_locations[passenger] == (row, col))
        {
            mask |= 1UL << 4;
        }

        if (passenger == InTaxi && (s_locations[destination] == (row, col) || LocationIndex(row, col) >= 0))
        {
            mask |= 1UL << 5;
        }

        return mask;
    }

    private protected override void OnReset() =>
        _fickleStep = _ficklePassenger && Random.NextDouble() < 0.3;

    private protected override int AfterTransition(int state, int next)
    {
        if (!_ficklePassenger || !_fickleStep)
        {
            return next;
        }

        (int oldRow, int oldCol, int oldPassenger, int oldDestination) = Decode(state);
        (int row, int col, int passenger, _) = Decode(next);
        if (oldPassenger != InTaxi || (row == oldRow && col == oldCol))
        {
            return next;
        }

        _fickleStep = false;
        // np_random.choice over the three other destinations, in increasing order.
        int pick = Random.NextInt(3);
        int destination = pick >= oldDestination ? pick + 1 : pick;
        return Encode(row, col, passenger, destination);
    }

    private static TaxiOptions Validated(TaxiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static bool CanGoEast(int row, int col) => s_map[1 + row][(2 * col) + 2] == ':';

    private static bool CanGoWest(int row, int col) => s_map[1 + row][2 * col] == ':';

    private static int LocationIndex(int row, int col) => Array.IndexOf(s_locations, (row, col));

    private static double[] InitialDistribution()
    {
        var distribution = new double[500];
        for (int state = 0; state < 500; state++)
        {
            (_, _, int passenger, int destination) = Decode(state);
            if (passenger < InTaxi && passenger != destination)
            {
                distribution[state] = 1.0 / 300;
            }
        }

        return distribution;
    }

    private static TransitionTable BuildTable(TaxiOptions options)
    {
        var builder = new TransitionTable.Builder(500, 6);
        for (int state = 0; state < 500; state++)
        {
            (int row, int col, int passenger, int destination) = Decode(state);
            for (int action = 0; action < 6; action++)
            {
                builder.BeginPair();
                if (options.IsRainy)
                {
                    AddRainy(builder, row, col, passenger, destination, action);
                }
                else
                {
                    AddDry(builder, row, col, passenger, destination, action);
                }
            }
        }

        return builder.Build();
    }

    private static void AddDry(TransitionTable.Builder builder, int row, int col, int passenger, int destination, int action)
    {
        int newRow = row, newCol = col, newPassenger = passenger;
        double reward = -1;
        bool terminated = false;
        if (action == 0)
        {
            newRow = Math.Min(row + 1, Size - 1);
        }
        else if (action == 1)
        {
            newRow = Math.Max(row - 1, 0);
        }

        if (action == 2 && CanGoEast(row, col))
        {
            newCol = Math.Min(col + 1, Size - 1);
        }
        else if (action == 3 && CanGoWest(row, col))
        {
            newCol = Math.Max(col - 1, 0);
        }
        else if (action == 4)
        {
            (newPassenger, reward) = Pickup(row, col, passenger, reward);
        }
        else if (action == 5)
        {
            (newPassenger, reward, terminated) = Dropoff(row, col, passenger, destination, reward);
        }

        builder.Add(1.0, Encode(newRow, newCol, newPassenger, destination), reward, terminated);
    }

    private static void AddRainy(TransitionTable.Builder builder, int row, int col, int passenger, int destination, int action)
    {
        // Intended move, then the two perpendicular slips (the reference's `moves` table).
        ReadOnlySpan<(int Dr, int Dc)> moves =
        [
            (1, 0), (0, -1), (0, 1),
            (-1, 0), (0, -1), (0, 1),
            (0, 1), (1, 0), (-1, 0),
            (0, -1), (1, 0), (-1, 0),
        ];
        int newRow = row, newCol = col, newPassenger = passenger;
        (int Row, int Col) left = (row, col), right = (row, col);
        double reward = -1;
        bool terminated = false;
        if (action is 0 or 1 || (action == 2 && CanGoEast(row, col)) || (action == 3 && CanGoWest(row, col)))
        {
            (int dr, int dc) = moves[action * 3];
            newRow = Math.Max(0, Math.Min(row + dr, Size - 1));
            newCol = Math.Max(0, Math.Min(col + dc, Size - 1));
            left = SlipPosition(row, col, moves[(action * 3) + 1], offset: 2);
            right = SlipPosition(row, col, moves[(action * 3) + 2], offset: 0);
        }
        else if (action == 4)
        {
            (newPassenger, reward) = Pickup(row, col, passenger, reward);
        }
        else if (action == 5)
        {
            (newPassenger, reward, terminated) = Dropoff(row, col, passenger, destination, reward);
        }

        int intended = Encode(newRow, newCol, newPassenger, destination);
        if (action <= 3)
        {
            builder.Add(0.8, intended, -1, terminated);
            builder.Add(0.1, Encode(left.Row, left.Col, newPassenger, destination), -1, terminated);
            builder.Add(0.1, Encode(right.Row, right.Col, newPassenger, destination), -1, terminated);
        }
        else
        {
            builder.Add(1.0, intended, reward, terminated);
        }
    }

    /// <summary>The reference's <c>_calc_new_position</c>: the slipped-to cell, or the current one when the map has no ':' there.</summary>
    private static (int Row, int Col) SlipPosition(int row, int col, (int Dr, int Dc) movement, int offset)
    {
        int newRow = Math.Max(0, Math.Min(row + movement.Dr, Size - 1));
        int newCol = Math.Max(0, Math.Min(col + movement.Dc, Size - 1));
        return s_map[1 + newRow][(2 * newCol) + offset] == ':' ? (newRow, newCol) : (row, col);
    }

    private static (int Passenger, double Reward) Pickup(int row, int col, int passenger, double reward) =>
        passenger < InTaxi && s_locations[passenger] == (row, col) ? (InTaxi, reward) : (passenger, -10);

    private static (int Passenger, double Reward, bool Terminated) Dropoff(int row, int col, int passenger, int destination, double reward)
    {
        if (s_locations[destination] == (row, col) && passenger == InTaxi)
        {
            return (destination, 20, true);
        }

        int stand = LocationIndex(row, col);
        if (stand >= 0 && passenger == InTaxi)
        {
            return (stand, reward, false);
        }

        return (passenger, -10, false);
    }

    /// <summary>
    /// The reference's <c>_render_text</c>: the map with the taxi's cell highlighted (yellow background while the
    /// passenger waits, then green with a blank shown as '_' once the passenger is in), the passenger's stand in bold
    /// blue, the destination in magenta (colours nest when cells coincide, in the reference's order), then the last
    /// action as "  (South)" or an empty line before the first step.
    /// </summary>
    private protected override string RenderAnsi(int state)
    {
        (int taxiRow, int taxiCol, int passenger, int destination) = Decode(state);
        var cells = new string[s_map.Length][];
        for (int r = 0; r < s_map.Length; r++)
        {
            cells[r] = new string[s_map[r].Length];
            for (int c = 0; c < s_map[r].Length; c++)
            {
                cells[r][c] = s_map[r][c].ToString();
            }
        }

        string[] taxiLine = cells[1 + taxiRow];
        if (passenger < InTaxi)
        {
            taxiLine[(2 * taxiCol) + 1] = Ansi.Colorize(taxiLine[(2 * taxiCol) + 1], AnsiColor.Yellow, highlight: true);
            (int pi, int pj) = s_locations[passenger];
            cells[1 + pi][(2 * pj) + 1] = Ansi.Colorize(cells[1 + pi][(2 * pj) + 1], AnsiColor.Blue, bold: true);
        }
        else
        {
            string cell = taxiLine[(2 * taxiCol) + 1];
            taxiLine[(2 * taxiCol) + 1] = Ansi.Colorize(cell == " " ? "_" : cell, AnsiColor.Green, highlight: true);
        }

        (int di, int dj) = s_locations[destination];
        cells[1 + di][(2 * dj) + 1] = Ansi.Colorize(cells[1 + di][(2 * dj) + 1], AnsiColor.Magenta);

        var text = new StringBuilder();
        foreach (string[] line in cells)
        {
            text.AppendJoin(string.Empty, line).Append('\n');
        }

        return text.Append(LastAction == NoAction ? "\n" : $"  ({s_renderActionNames[LastAction]})\n").ToString();
    }

    /// <inheritdoc/>
    private protected override string StateName(int state)
    {
        (int row, int col, int passenger, int destination) = Decode(state);
        string where = passenger == InTaxi ? "in the taxi" : $"at {s_locationNames[passenger]}";
        return string.Create(CultureInfo.InvariantCulture, $"taxi at row {row}, column {col}; passenger {where}; destination {s_locationNames[destination]}");
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> ActionNames => s_actionNames;
}
