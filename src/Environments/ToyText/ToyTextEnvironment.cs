using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ToyText;

/// <summary>
/// What the toy-text environments share: an integer state, the transition table <see cref="P"/>,
/// sampling an outcome as the reference's <c>categorical_sample</c> does (the first outcome whose
/// cumulative probability exceeds a uniform draw; one draw per step even when deterministic), the
/// seeded generator (it does not reproduce NumPy's PCG64 stream), the reset/step contract and the last action that
/// the text renderers show (Gymnasium's <c>lastaction</c>).
/// </summary>
public abstract class ToyTextEnvironment : IEnvironment<int, int>, IStatefulEnvironment<int>, IEnvironmentLabels, ITextRenderable
{
    private readonly double[] _initialDistribution;
    private readonly EnvironmentRandom _random = EnvironmentRandom.Unseeded();
    private bool _started;
    private bool _ended;
    private int _lastAction = NoAction;

    /// <summary>The value of <see cref="LastAction"/> when no action was taken since the reset.</summary>
    private protected const int NoAction = -1;

    private protected ToyTextEnvironment(string name, TransitionTable transitions, double[] initialDistribution)
    {
        Name = name;
        P = transitions;
        _initialDistribution = initialDistribution;
        ObservationSpace = new Discrete(transitions.NumStates);
        ActionSpace = new Discrete(transitions.NumActions);
    }

    /// <summary>The environment's name used in error messages, e.g. "Taxi".</summary>
    public string Name { get; }

    /// <summary>The transition table, Gymnasium's <c>env.unwrapped.P</c>.</summary>
    public TransitionTable P { get; }

    /// <summary>The current state (Gymnasium's <c>env.unwrapped.s</c>).</summary>
    public int CurrentState { get; private set; }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <inheritdoc/>
    public EnvironmentSpec? Spec { get; init; }

    /// <summary>The observation is one feature, the state index.</summary>
    public string FeatureName(int index) => "state";

    /// <summary>What state <paramref name="value"/> is, e.g. "row 1, column 2" (null for a value that is no state).</summary>
    public string? ValueName(int index, float value) =>
        value >= 0 && value < P.NumStates && value == (int)value ? StateName((int)value) : null;

    /// <inheritdoc/>
    public string ActionName(int index) => ActionNames[index];

    /// <summary>What state <paramref name="state"/> (a valid index) is.</summary>
    private protected abstract string StateName(int state);

    /// <summary>Names of the actions, as Gymnasium's documentation of the environment gives them.</summary>
    private protected abstract IReadOnlyList<string> ActionNames { get; }

    /// <summary>The environment's seeded generator.</summary>
    private protected EnvironmentRandom Random => _random;

    /// <summary>
    /// The action of the last step (Gymnasium's <c>lastaction</c>), or <see cref="NoAction"/> (Python's None) after
    /// <see cref="Reset"/> or <see cref="SetState"/>. Only the text renderers read it.
    /// </summary>
    private protected int LastAction => _lastAction;

    /// <summary>Gymnasium's <c>metadata["render_fps"]</c> of the toy-text environments: 4.</summary>
    public int RenderFps => 4;

    /// <summary>
    /// The current state as Gymnasium's <c>render()</c> returns it with <c>render_mode="ansi"</c>, character for
    /// character (ANSI colour codes included). Reads the state and changes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Before the first <see cref="Reset"/> or <see cref="SetState"/>.</exception>
    public string RenderText()
    {
        if (!_started)
        {
            StepErrors.RenderedBeforeReset(Name);
        }

        return RenderAnsi(CurrentState);
    }

    /// <summary>The reference's <c>_render_text()</c> of state <paramref name="state"/> and <see cref="LastAction"/>.</summary>
    private protected abstract string RenderAnsi(int state);

    /// <summary>Starts an episode in a state drawn from the initial-state distribution.</summary>
    public ResetResult<int> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random.Reseed(s);
        }

        CurrentState = Sample(_initialDistribution, _random.NextDouble());
        _started = true;
        _ended = false;
        _lastAction = NoAction;
        OnReset();
        return new ResetResult<int>(CurrentState, new StepInfo(1.0) with { ActionMask = ActionMask(CurrentState), HasActionMask = HasActionMask });
    }

    /// <summary>Takes <paramref name="action"/>: samples one outcome of P[state][action].</summary>
    public StepResult<int> Step(int action)
    {
        if ((uint)action >= (uint)P.NumActions)
        {
            StepErrors.DiscreteActionOutOfRange(Name, action, P.NumActions);
        }

        if (!_started)
        {
            StepErrors.NotReset(Name);
        }

        if (_ended)
        {
            StepErrors.EpisodeEnded(Name);
        }

        ReadOnlySpan<Transition> outcomes = P.Outcomes(CurrentState, action);
        Transition taken = outcomes[SampleOutcome(outcomes, _random.NextDouble())];
        int next = AfterTransition(CurrentState, taken.NextState);
        CurrentState = next;
        _lastAction = action;
        _ended = taken.Terminated;
        var info = new StepInfo(taken.Probability, HasActionMask ? ActionMask(next) : 0, HasActionMask);
        return new StepResult<int>(next, taken.Reward, taken.Terminated, false, info);
    }

    /// <summary>The current state.</summary>
    public int GetState() => CurrentState;

    /// <summary>
    /// Sets the current state (Gymnasium's <c>env.unwrapped.s = state</c>); the episode counts as started. The last
    /// action is forgotten, as after a reset (the state index does not carry it, and a frame rendered after
    /// <c>SetState</c> then depends on the state alone): the text renderers show no action until the next step.
    /// Gymnasium's attribute assignment leaves <c>lastaction</c> as it was; this is the one place that differs.
    /// </summary>
    public void SetState(int state)
    {
        if ((uint)state >= (uint)P.NumStates)
        {
            StepErrors.StateOutOfRange(Name, state, P.NumStates);
        }

        CurrentState = state;
        _started = true;
        _ended = false;
        _lastAction = NoAction;
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Whether <see cref="StepInfo"/> carries an action mask (Taxi).</summary>
    private protected virtual bool HasActionMask => false;

    /// <summary>The action mask of <paramref name="state"/> (bit a set when action a changes something).</summary>
    private protected virtual ulong ActionMask(int state) => 0;

    /// <summary>Hook after a reset (Taxi's fickle passenger draws here).</summary>
    private protected virtual void OnReset()
    {
    }

    /// <summary>Hook that may change the sampled next state (Taxi's fickle passenger).</summary>
    private protected virtual int AfterTransition(int state, int next) => next;

    /// <summary>numpy's <c>argmax(cumsum(p) > u)</c>: 0 when no cumulative sum exceeds u.</summary>
    private static int Sample(ReadOnlySpan<double> probabilities, double u)
    {
        double cumulative = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            cumulative += probabilities[i];
            if (cumulative > u)
            {
                return i;
            }
        }

        return 0;
    }

    private static int SampleOutcome(ReadOnlySpan<Transition> outcomes, double u)
    {
        double cumulative = 0;
        for (int i = 0; i < outcomes.Length; i++)
        {
            cumulative += outcomes[i].Probability;
            if (cumulative > u)
            {
                return i;
            }
        }

        return 0;
    }
}
