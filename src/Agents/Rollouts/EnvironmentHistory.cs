using System.Runtime.InteropServices;

namespace RLFramework.Agents.Rollouts;

/// <summary>
/// The training environments' history since their last reset: the reset seed and every action sent to them
/// (discrete actions as their index, continuous ones as clipped), one vector step after another. Environments
/// have no snapshot API but are deterministic given the seed and the actions, so a resumed agent rebuilds
/// their exact state by replaying this history (<see cref="RolloutCollector.RestoreEnvironments"/>): the resumed
/// run then continues bit for bit as the uninterrupted one. Costs 4 bytes per action float in memory and in the agent file.
/// </summary>
internal sealed class EnvironmentHistory
{
    private float[] _actions = new float[1024];
    private int _count;

    /// <summary>The seed of the last reset (null: never reset).</summary>
    public int? ResetSeed { get; private set; }

    /// <summary>Every action float sent since the last reset.</summary>
    public ReadOnlySpan<float> Actions => _actions.AsSpan(0, _count);

    /// <summary>Starts a new history at a reset with <paramref name="seed"/>.</summary>
    public void Reset(int seed)
    {
        ResetSeed = seed;
        _count = 0;
    }

    /// <summary>Appends one vector step of discrete actions.</summary>
    public void Append(ReadOnlySpan<int> actions)
    {
        var slots = Grow(actions.Length);
        for (var i = 0; i < actions.Length; i++)
            slots[i] = actions[i];
    }

    /// <summary>Appends one vector step of continuous actions.</summary>
    public void Append(ReadOnlySpan<float> actions) => actions.CopyTo(Grow(actions.Length));

    /// <summary>Replaces the history with a saved one.</summary>
    public void Restore(int? seed, ReadOnlySpan<float> actions)
    {
        ResetSeed = seed;
        _count = 0;
        actions.CopyTo(Grow(actions.Length));
    }

    /// <summary>Writes the action count and the actions.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write((long)_count);
        writer.Write(MemoryMarshal.AsBytes(Actions));
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public static float[] ReadActions(BinaryReader reader)
    {
        var count = reader.ReadInt64();
        if (count < 0 || count > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(float))
            throw new InvalidDataException($"The environment history announces {count} actions, more than the file holds.");
        var actions = new float[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(actions.AsSpan()));
        return actions;
    }

    private Span<float> Grow(int length)
    {
        if (_count + length > _actions.Length)
            Array.Resize(ref _actions, Math.Max(_actions.Length * 2, _count + length));
        var slots = _actions.AsSpan(_count, length);
        _count += length;
        return slots;
    }
}
