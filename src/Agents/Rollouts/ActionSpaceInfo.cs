namespace RLFramework.Agents.Rollouts;

/// <summary>What the collector needs of an action space: discrete (count, start) or a box (bounds).</summary>
internal sealed record ActionSpaceInfo(bool IsDiscrete, int ActionCount, int DiscreteStart, float[] Low, float[] High)
{
    /// <summary>Floats per action in the buffer.</summary>
    public int ActionSize => IsDiscrete ? 1 : Low.Length;

    public static ActionSpaceInfo Discrete(int count, int start = 0) => new(true, count, start, [], []);

    public static ActionSpaceInfo Box(float[] low, float[] high) => new(false, low.Length, 0, low, high);
}
