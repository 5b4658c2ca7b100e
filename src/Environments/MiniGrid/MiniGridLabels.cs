using System.Globalization;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// Names of MiniGrid's observation parts and codes, for <see cref="IEnvironmentLabels"/>: image cells (in the
/// egocentric view relative to the agent, which sits at the bottom centre facing up: <c>view[ahead 1]</c> is the cell in
/// front, <c>view[left 1]</c> the one on its left, <c>view[agent]</c> its own cell, which shows what it carries; in a
/// full grid <c>grid(x,y)</c>), objects, colours, door states, directions, missions and actions.
/// </summary>
internal sealed class MiniGridLabels
{
    private static readonly string[] s_actions = ["left", "right", "forward", "pickup", "drop", "toggle", "done"];
    private static readonly string[] s_directions = ["east", "south", "west", "north"];
    private static readonly string[] s_doorStates = ["open", "closed", "locked"];

    private readonly int _width;
    private readonly int _height;
    private readonly bool _egocentric;
    private readonly IReadOnlyList<string> _missions;

    private MiniGridLabels(int width, int height, bool egocentric, IReadOnlyList<string> missions)
    {
        _width = width;
        _height = height;
        _egocentric = egocentric;
        _missions = missions;
    }

    /// <summary>Number of image cells.</summary>
    public int Cells => _width * _height;

    /// <summary>The labels of the egocentric view of an environment with these missions.</summary>
    public static MiniGridLabels View(IReadOnlyList<string> missions) =>
        new(MiniGridWorld.ViewSize, MiniGridWorld.ViewSize, egocentric: true, missions);

    /// <summary>The labels of a full grid of the given size.</summary>
    public static MiniGridLabels FullGrid(int width, int height, IReadOnlyList<string> missions) => new(width, height, egocentric: false, missions);

    /// <summary>The labels of the image that <paramref name="environment"/> (a MiniGrid environment, maybe fully observed) produces.</summary>
    public static MiniGridLabels Of(IEnvironment environment)
    {
        var unwrapped = environment.Unwrapped() as MiniGridEnvironment
            ?? throw new ArgumentException($"{environment.GetType().Name} does not wrap a MiniGrid environment.", nameof(environment));
        return environment.Find<FullyObservableWrapper>() is null
            ? View(unwrapped.Missions)
            : FullGrid(unwrapped.LayoutWidth, unwrapped.LayoutHeight, unwrapped.Missions);
    }

    /// <summary>Name of image cell <paramref name="cell"/> (index x * height + y).</summary>
    public string CellName(int cell)
    {
        int x = cell / _height, y = cell % _height;
        if (!_egocentric)
            return string.Create(CultureInfo.InvariantCulture, $"grid({x},{y})");
        int ahead = _height - 1 - y, side = x - (_width / 2);
        if (ahead == 0 && side == 0)
            return "view[agent]";
        var parts = new List<string>(2);
        if (ahead > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ahead {ahead}"));
        if (side != 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{(side < 0 ? "left" : "right")} {Math.Abs(side)}"));
        return $"view[{string.Join(", ", parts)}]";
    }

    /// <summary>
    /// Names of the flat (object, colour, state) layout: element i of the image is channel i % 3 of cell i / 3, then
    /// the direction and the mission.
    /// </summary>
    public string FlatFeatureName(int index) => index < Cells * 3
        ? $"{CellName(index / 3)}.{(index % 3) switch { 0 => "object", 1 => "colour", _ => "state" }}"
        : NonImageName(index - (Cells * 3));

    /// <summary>The meaning of value <paramref name="value"/> of element <paramref name="index"/> of the flat layout.</summary>
    public string? FlatValueName(int index, float value)
    {
        if (index >= Cells * 3)
            return NonImageValue(index - (Cells * 3), value);
        int code = (int)value;
        if (code != value)
            return null;
        return (index % 3) switch
        {
            0 => code is >= 0 and <= (int)MiniGridObjectType.Agent ? MissionTable.TypeName((MiniGridObjectType)code) : null,
            1 => code is >= 0 and <= (int)MiniGridColor.Grey ? MissionTable.ColorNames[code] : null,
            _ => code is >= 0 and <= 3 ? code.ToString(CultureInfo.InvariantCulture) : null,
        };
    }

    /// <summary>Name of the part after the image: 0 the direction, 1 the mission (2: its second part when split in two).</summary>
    public static string NonImageName(int part) => part switch { 0 => "direction", 1 => "mission", _ => "mission part 2" };

    /// <summary>The meaning of a direction (part 0) or mission index (part 1); null for anything else.</summary>
    public string? NonImageValue(int part, float value)
    {
        int code = (int)value;
        if (code != value || code < 0)
            return null;
        return part switch
        {
            0 when code < 4 => $"facing {s_directions[code]}",
            1 when code < _missions.Count => $"\"{_missions[code]}\"",
            _ => null,
        };
    }

    /// <summary>
    /// The meaning of a categorical cell code (object * 18 + colour * 3 + state): "empty", "wall", "yellow key",
    /// "locked red door"; the agent of a full grid as "agent facing north"; null for a code that is no such triple.
    /// </summary>
    public static string? CellCodeName(float value)
    {
        int code = (int)value;
        if (code != value || code < 0 || code >= WorldCell.CategoricalCardinality)
            return null;
        var type = (MiniGridObjectType)(code / 18);
        int colour = code % 18 / 3, state = code % 3;
        return type switch
        {
            MiniGridObjectType.Agent when code - 180 < 4 => $"agent facing {s_directions[code - 180]}",
            MiniGridObjectType.Unseen or MiniGridObjectType.Empty or MiniGridObjectType.Wall or MiniGridObjectType.Goal or MiniGridObjectType.Lava
                when state == 0 => MissionTable.TypeName(type),
            MiniGridObjectType.Door => $"{s_doorStates[state]} {MissionTable.ColorNames[colour]} door",
            MiniGridObjectType.Floor or MiniGridObjectType.Key or MiniGridObjectType.Ball or MiniGridObjectType.Box when state == 0
                => $"{MissionTable.ColorNames[colour]} {MissionTable.TypeName(type)}",
            _ => null,
        };
    }

    /// <summary>Name of MiniGrid action <paramref name="index"/>.</summary>
    public static string ActionName(int index) => (uint)index < (uint)s_actions.Length
        ? s_actions[index]
        : string.Create(CultureInfo.InvariantCulture, $"action {index}");
}
