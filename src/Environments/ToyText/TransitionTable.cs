namespace RLFramework.Environments.ToyText;

/// <summary>One outcome of a toy-text transition: Gymnasium's <c>(prob, next_state, reward, terminated)</c>.</summary>
/// <param name="Probability">Probability of this outcome.</param>
/// <param name="NextState">The state it leads to.</param>
/// <param name="Reward">Its reward.</param>
/// <param name="Terminated">Whether it ends the episode.</param>
public readonly record struct Transition(double Probability, int NextState, double Reward, bool Terminated);

/// <summary>
/// A toy-text environment's transition table, Gymnasium's <c>P[s][a]</c>: the outcomes of every
/// state and action, in the reference's order and not merged when two outcomes lead to the same state.
/// Stored flat (one array of outcomes and an offset per state-action pair).
/// </summary>
public sealed class TransitionTable
{
    private readonly Transition[] _outcomes;
    private readonly int[] _offsets;

    private TransitionTable(int numStates, int numActions, Transition[] outcomes, int[] offsets)
    {
        NumStates = numStates;
        NumActions = numActions;
        _outcomes = outcomes;
        _offsets = offsets;
    }

    /// <summary>Number of states.</summary>
    public int NumStates { get; }

    /// <summary>Number of actions.</summary>
    public int NumActions { get; }

    /// <summary>The outcomes of taking <paramref name="action"/> in <paramref name="state"/> (P[state][action]).</summary>
    public ReadOnlySpan<Transition> this[int state, int action]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)state, (uint)NumStates, nameof(state));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)action, (uint)NumActions, nameof(action));
            return Outcomes(state, action);
        }
    }

    /// <summary>Unchecked access for the environments' step.</summary>
    internal ReadOnlySpan<Transition> Outcomes(int state, int action)
    {
        int index = (state * NumActions) + action;
        int start = _offsets[index];
        return _outcomes.AsSpan(start, _offsets[index + 1] - start);
    }

    /// <summary>Builds a table state by state, action by action, in order.</summary>
    internal sealed class Builder(int numStates, int numActions)
    {
        private readonly List<Transition> _outcomes = new(numStates * numActions);
        private readonly int[] _offsets = new int[(numStates * numActions) + 1];
        private int _pairs;

        /// <summary>Starts the outcomes of the next state-action pair (pairs come in order s0a0, s0a1, ...).</summary>
        public void BeginPair()
        {
            _offsets[_pairs] = _outcomes.Count;
            _pairs++;
        }

        /// <summary>Adds an outcome to the current pair.</summary>
        public void Add(double probability, int nextState, double reward, bool terminated) =>
            _outcomes.Add(new Transition(probability, nextState, reward, terminated));

        /// <summary>The finished table.</summary>
        public TransitionTable Build()
        {
            if (_pairs != numStates * numActions)
            {
                throw new InvalidOperationException($"Transition table has {_pairs} state-action pairs, expected {numStates * numActions}.");
            }

            _offsets[_pairs] = _outcomes.Count;
            return new TransitionTable(numStates, numActions, [.. _outcomes], _offsets);
        }
    }
}
