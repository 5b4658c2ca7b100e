namespace RLFramework.Agents.Rollouts;

/// <summary>
/// What the collector needs of an action space: integer actions (<see cref="IsDiscrete"/>: one index from
/// <see cref="DiscreteStart"/> for a Discrete space, a vector of codes for MultiDiscrete and MultiBinary) or a box (bounds).
/// </summary>
internal sealed record ActionSpaceInfo(bool IsDiscrete, int ActionSize, int DiscreteStart, float[] Low, float[] High)
{
    /// <summary>A Discrete space: one index, sent to the environment plus <paramref name="start"/>.</summary>
    public static ActionSpaceInfo Discrete(int start = 0) => new(true, 1, start, [], []);

    /// <summary>A MultiDiscrete or MultiBinary space: <paramref name="size"/> codes, sent as they are.</summary>
    public static ActionSpaceInfo Codes(int size) => new(true, size, 0, [], []);

    /// <summary>A box: the action clipped to its bounds is sent.</summary>
    public static ActionSpaceInfo Box(float[] low, float[] high) => new(false, low.Length, 0, low, high);
}
