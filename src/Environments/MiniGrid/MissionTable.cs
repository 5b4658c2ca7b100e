namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The finite set of missions an environment can give, in a fixed order: a mission's index is its
/// categorical code. Built once per environment kind.
/// </summary>
internal sealed class MissionTable
{
    private readonly string[] _missions;
    private readonly Dictionary<string, int> _indices;

    public MissionTable(params string[] missions)
    {
        _missions = missions;
        _indices = new Dictionary<string, int>(missions.Length, StringComparer.Ordinal);
        for (int i = 0; i < missions.Length; i++)
        {
            _indices.Add(missions[i], i);
        }
    }

    public IReadOnlyList<string> Missions => _missions;

    public int Count => _missions.Length;

    public int IndexOf(string mission, string environmentId) =>
        _indices.TryGetValue(mission, out int index)
            ? index
            : throw new ArgumentException(
                $"Mission \"{mission}\" is not one of the {_missions.Length} missions of {environmentId} (e.g. \"{_missions[0]}\").");

    public int IndexOf(string mission) => _indices[mission];

    /// <summary>MiniGrid's colour names, indexed by <see cref="MiniGridColor"/>.</summary>
    public static readonly string[] ColorNames = ["red", "green", "blue", "purple", "yellow", "grey"];

    /// <summary>The lower-case MiniGrid name of an object type.</summary>
    public static string TypeName(MiniGridObjectType type) => type switch
    {
        MiniGridObjectType.Unseen => "unseen",
        MiniGridObjectType.Empty => "empty",
        MiniGridObjectType.Wall => "wall",
        MiniGridObjectType.Floor => "floor",
        MiniGridObjectType.Door => "door",
        MiniGridObjectType.Key => "key",
        MiniGridObjectType.Ball => "ball",
        MiniGridObjectType.Box => "box",
        MiniGridObjectType.Goal => "goal",
        MiniGridObjectType.Lava => "lava",
        _ => "agent",
    };
}
