using RLFramework.Environments;
using RLFramework.Environments.Spaces;

namespace CustomEnvironment;

/// <summary>
/// Three rooms, each with its own thermostat. Gymnasium's composite and multi-valued spaces in one environment:
/// <list type="bullet">
/// <item>Observation, a <see cref="DictSpace"/>: <c>'season'</c> Discrete(2) (0 winter, aim at 20 degrees; 1 summer, aim
/// at 24), a categorical feature the trees split on by equality, and <c>'temperatures'</c> Box(0, 40, (3,)).</item>
/// <item>Action, a <see cref="MultiDiscrete"/>([3, 3, 3]): per room 0 cool (-1 degree), 1 hold, 2 heat (+1).</item>
/// </list>
/// A reset draws the season and whole-degree temperatures from 14 to 30. Each step pays minus the rooms' mean distance
/// from the season's target, in tens of degrees; the registry's time limit truncates an episode (no terminal state).
/// Within 10 steps the best policy brings every room to the target and holds it there.
/// </summary>
public sealed class Thermostats : IEnvironment<ReadOnlyMemory<float>, ReadOnlyMemory<int>>, IEnvironmentLabels, ITextRenderable
{
    /// <summary>The rooms, in the order of the temperatures and of the action's elements.</summary>
    public static readonly string[] Rooms = ["kitchen", "bedroom", "study"];

    private static readonly string[] s_seasons = ["winter", "summer"];

    private readonly DictSpace _observationSpace = new(("season", new Discrete(2)), ("temperatures", new Box(0f, 40f, 3)));
    private readonly MultiDiscrete _actionSpace = new(3, 3, 3);
    private readonly float[] _observation;
    private readonly int[] _temperatures = new int[3];
    private Random _random = new(0);
    private int _season;
    private bool _running;

    /// <summary>A house of three rooms.</summary>
    public Thermostats() => _observation = new float[_observationSpace.FlatSize];

    /// <summary>The temperature the season asks for: 20 in winter, 24 in summer.</summary>
    public int Target => _season == 0 ? 20 : 24;

    /// <inheritdoc />
    public Space ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public Space ActionSpace => _actionSpace;

    /// <inheritdoc />
    public EnvironmentSpec? Spec => null;

    /// <inheritdoc />
    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
            _random = new Random(s);
        _season = _random.Next(2);
        for (var r = 0; r < _temperatures.Length; r++)
            _temperatures[r] = _random.Next(14, 31);
        _running = true;
        return new(Observe(), StepInfo.Empty);
    }

    /// <inheritdoc />
    public StepResult<ReadOnlyMemory<float>> Step(ReadOnlyMemory<int> action)
    {
        if (!_running)
            throw new InvalidOperationException("Call Reset before Step.");
        var settings = action.Span;
        if (!_actionSpace.Contains(settings))
            throw new ArgumentOutOfRangeException(nameof(action), $"[{string.Join(", ", settings.ToArray())}] is not in {_actionSpace}: one setting per room, 0 cool, 1 hold, 2 heat.");
        var distance = 0;
        for (var r = 0; r < _temperatures.Length; r++)
        {
            _temperatures[r] = Math.Clamp(_temperatures[r] + settings[r] - 1, 0, 40);
            distance += Math.Abs(_temperatures[r] - Target);
        }
        return new(Observe(), -distance / (10.0 * _temperatures.Length), Terminated: false, Truncated: false, StepInfo.Empty);
    }

    /// <summary>"season" and "temperature kitchen" ...</summary>
    public string FeatureName(int index) => index == 0 ? "season" : $"temperature {Rooms[index - 1]}";

    /// <inheritdoc />
    public string? ValueName(int index, float value) => index == 0 ? s_seasons[(int)value] : null;

    /// <summary>The room an element of the action sets.</summary>
    public string ActionName(int index) => Rooms[index];

    /// <inheritdoc />
    public string? ActionValueName(int index, int value) => value switch { 0 => "cool", 1 => "hold", 2 => "heat", _ => null };

    /// <inheritdoc />
    public int RenderFps => 4;

    /// <summary>One line: <c>winter (20): kitchen 18, bedroom 20, study 25</c>.</summary>
    public string RenderText()
    {
        if (!_running)
            throw new InvalidOperationException("Call Reset before rendering.");
        return $"{s_seasons[_season]} ({Target}): {Rooms[0]} {_temperatures[0]}, {Rooms[1]} {_temperatures[1]}, {Rooms[2]} {_temperatures[2]}\n";
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private ReadOnlyMemory<float> Observe()
    {
        _observationSpace.Write(_observation, "season", _season);
        var temperatures = _observationSpace.Slice(_observation, "temperatures");
        for (var r = 0; r < _temperatures.Length; r++)
            temperatures[r] = _temperatures[r];
        return _observation;
    }
}
