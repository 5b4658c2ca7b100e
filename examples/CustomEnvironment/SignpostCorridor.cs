using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace CustomEnvironment;

/// <summary>
/// A corridor of <see cref="Cells"/> cells. The walker starts in a random cell and a sign names the goal cell,
/// drawn apart from the start. Observation: [cell, sign], the sign a categorical feature (one code per cell), so
/// the trees split on it by equality. Actions: 0 left, 1 right. Reaching the goal pays 1 and ends the episode
/// (terminated); stepping off either end ends it with 0. The registry's time limit truncates.
/// It names its features, sign codes and actions (<see cref="IEnvironmentLabels"/>), so <c>rl inspect</c> shows a trained
/// policy's splits as <c>sign == goal at cell 6 (6)</c>. It shows its state as text (<see cref="ITextRenderable"/>), so
/// <c>rl eval --render</c> prints every step as <c>|..@...G..|</c>.
/// </summary>
public sealed class SignpostCorridor : IEnvironment<ReadOnlyMemory<float>, int>, IEnvironmentLabels, ITextRenderable
{
    private static readonly string[] s_features = ["cell", "sign"];
    private static readonly string[] s_actions = ["left", "right"];

    private readonly float[] _observation = new float[2];
    private Random _random = new(0);
    private int _cell;
    private int _goal;
    private bool _running;
    private bool _wasReset;

    /// <summary>A corridor of <paramref name="cells"/> cells (at least 2).</summary>
    public SignpostCorridor(int cells = 9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cells, 2);
        Cells = cells;
        ObservationSpace = new Box([0f, 0f], [cells - 1, cells - 1], cardinalities: [0, cells]);
    }

    /// <summary>Number of cells.</summary>
    public int Cells { get; }

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; } = new Discrete(2);

    /// <inheritdoc />
    public EnvironmentSpec? Spec => null;

    /// <inheritdoc />
    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        _cell = _random.Next(Cells);
        _goal = (_cell + 1 + _random.Next(Cells - 1)) % Cells;
        _running = true;
        _wasReset = true;
        return new(Observe(), StepInfo.Empty);
    }

    /// <inheritdoc />
    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        if (!_running)
            throw new InvalidOperationException("Call Reset before Step, and again after an episode ends.");
        if ((uint)action > 1)
            throw new ArgumentOutOfRangeException(nameof(action), action, "SignpostCorridor's actions are 0 (left) and 1 (right).");
        var next = _cell + (action == 1 ? 1 : -1);
        var fell = next < 0 || next >= Cells;
        _cell = Math.Clamp(next, 0, Cells - 1);
        var atGoal = !fell && _cell == _goal;
        _running = !(atGoal || fell);
        return new(Observe(), atGoal ? 1.0 : 0.0, Terminated: !_running, Truncated: false, StepInfo.Empty);
    }

    /// <inheritdoc />
    public string FeatureName(int index) => s_features[index];

    /// <inheritdoc />
    public string? ValueName(int index, float value) => index == 1 ? $"goal at cell {value}" : null;

    /// <inheritdoc />
    public string ActionName(int index) => s_actions[index];

    /// <inheritdoc />
    public int RenderFps => 4;

    /// <summary>The corridor as one line: <c>@</c> the walker, <c>G</c> the goal, <c>.</c> the other cells.</summary>
    public string RenderText()
    {
        if (!_wasReset)
            throw new InvalidOperationException("Call Reset before rendering.");
        var cells = new char[Cells];
        Array.Fill(cells, '.');
        cells[_goal] = 'G';
        cells[_cell] = '@'; // on the goal at the end of a successful episode
        return $"|{new string(cells)}|\n";
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private ReadOnlyMemory<float> Observe()
    {
        _observation[0] = _cell;
        _observation[1] = _goal;
        return _observation;
    }
}
