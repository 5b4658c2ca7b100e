using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace CustomEnvironment;

/// <summary>
/// Six cells in a row, each holding a coin worth 1, 2 or 3 (drawn at reset), or nothing. The agent takes three coins, one a
/// step (action i: the coin of cell i); an episode ends after the third. Taking from an empty cell is illegal: the environment
/// throws, and says with every observation which cells still hold a coin (<see cref="StepInfo.ActionMask"/>, Gymnasium's
/// <c>info["action_mask"]</c>), so that an agent trained with <c>--set use_masking=true</c> never tries.
/// <list type="bullet">
/// <item>Observation, a <see cref="MultiDiscrete"/>([4, 4, 4, 4, 4, 4]): each cell's coin, 0 for none (categorical features).</item>
/// <item>Action, a <see cref="Discrete"/>(6); reward: the coin's value. The best return is the sum of the three largest coins.</item>
/// </list>
/// Observations are views of one buffer, valid until the next Reset or Step (the contract of <see cref="IEnvironment{TObservation, TAction}"/>).
/// </summary>
public sealed class CoinRow : IEnvironment<ReadOnlyMemory<int>, int>
{
    /// <summary>Cells in the row.</summary>
    public const int Cells = 6;

    /// <summary>Coins taken in an episode.</summary>
    public const int Picks = 3;

    private readonly MultiDiscrete _observationSpace = new(4, 4, 4, 4, 4, 4);
    private readonly Discrete _actionSpace = new(Cells);
    private readonly int[] _coins = new int[Cells];
    private readonly int[] _cells = new int[Cells];
    private Random _random = new(0);
    private int _taken;
    private bool _running;

    /// <inheritdoc />
    public Space ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public Space ActionSpace => _actionSpace;

    /// <inheritdoc />
    public EnvironmentSpec? Spec => null;

    /// <summary>The coins now in the row (0: none).</summary>
    public ReadOnlySpan<int> Coins => _coins;

    /// <summary>The most an episode from the current row can earn: its three largest coins (for tests and evaluation, not per step).</summary>
    public int BestReturn() => _coins.OrderDescending().Take(Picks - _taken).Sum();

    /// <inheritdoc />
    public ResetResult<ReadOnlyMemory<int>> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        // Four coins of 1 to 3 in random cells (the first four of a partial Fisher-Yates shuffle), two cells empty: three picks
        // of the four never run out of coins. Nothing is allocated: the environment resets every three steps.
        Array.Clear(_coins);
        for (var i = 0; i < Cells; i++)
            _cells[i] = i; // the same seed must give the same row, whatever the episodes before
        for (var i = 0; i < 4; i++)
        {
            var j = _random.Next(i, Cells);
            (_cells[i], _cells[j]) = (_cells[j], _cells[i]);
            _coins[_cells[i]] = _random.Next(1, 4);
        }
        _taken = 0;
        _running = true;
        return new(_coins, Info());
    }

    /// <inheritdoc />
    public StepResult<ReadOnlyMemory<int>> Step(int action)
    {
        if (!_running)
            throw new InvalidOperationException("Call Reset before Step, and again after an episode ends.");
        if (!_actionSpace.Contains(action))
            throw new ArgumentOutOfRangeException(nameof(action), action, $"The action must be in {_actionSpace}.");
        if (_coins[action] == 0)
            throw new InvalidOperationException($"Cell {action} holds no coin: an illegal action (the observation's action mask excludes it).");
        var reward = _coins[action];
        _coins[action] = 0;
        _taken++;
        _running = _taken < Picks;
        return new(_coins, reward, Terminated: !_running, Truncated: false, Info());
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Bit i set when cell i holds a coin: the legal actions.</summary>
    private StepInfo Info()
    {
        var mask = 0UL;
        for (var i = 0; i < Cells; i++)
        {
            if (_coins[i] != 0)
                mask |= 1UL << i;
        }
        return new StepInfo(1.0, mask, HasActionMask: true);
    }
}
