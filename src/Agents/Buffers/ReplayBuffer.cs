namespace RLFramework.Agents.Buffers;

/// <summary>
/// A ring of the last <see cref="CapacitySteps"/> steps of <c>NumEnvs</c> environments
/// (time-major, like <see cref="RolloutBuffer"/>), filled one rollout at a time. Rows stay in
/// chronological order per environment, so TD(lambda) advantages can be recomputed over the whole
/// buffer with the current value function. <see cref="StepBuffer.Outputs"/> are kept current with the policy by the algorithm.
/// </summary>
internal sealed class ReplayBuffer : StepBuffer
{
    private int _head;

    public ReplayBuffer(int capacitySteps, int numEnvs, int observationSize, int actionSize, int outputCount)
        : base(capacitySteps, numEnvs, observationSize, actionSize, outputCount) => CapacitySteps = capacitySteps;

    public int CapacitySteps { get; }

    /// <summary>Steps held (at most <see cref="CapacitySteps"/>).</summary>
    public int StepCount { get; private set; }

    /// <summary>Rows held: the first <see cref="Rows"/> rows of every array are valid.</summary>
    public int Rows => StepCount * NumEnvs;

    /// <summary>Appends every step of <paramref name="rollout"/> (whose outputs are current), overwriting the oldest.</summary>
    public void Add(RolloutBuffer rollout)
    {
        if (rollout.NumEnvs != NumEnvs || rollout.ObservationSize != ObservationSize || rollout.OutputCount != OutputCount)
            throw new ArgumentException("The rollout's shape differs from the replay buffer's.", nameof(rollout));
        var e = NumEnvs;
        for (var t = 0; t < rollout.StepCount; t++)
        {
            var src = t * e;
            var dst = _head * e;
            rollout.Observations.AsSpan(src * ObservationSize, e * ObservationSize).CopyTo(Observations.AsSpan(dst * ObservationSize));
            rollout.Actions.AsSpan(src * ActionSize, e * ActionSize).CopyTo(Actions.AsSpan(dst * ActionSize));
            rollout.Outputs.AsSpan(src * OutputCount, e * OutputCount).CopyTo(Outputs.AsSpan(dst * OutputCount));
            rollout.ActionMasks.AsSpan(src, e).CopyTo(ActionMasks.AsSpan(dst));
            rollout.Rewards.AsSpan(src, e).CopyTo(Rewards.AsSpan(dst));
            rollout.Dones.AsSpan(src, e).CopyTo(Dones.AsSpan(dst));
            _head = (_head + 1) % CapacitySteps;
            StepCount = Math.Min(StepCount + 1, CapacitySteps);
        }
    }

    /// <summary>Writes the stored steps (for checkpoints), with their action masks when <paramref name="withActionMasks"/>.</summary>
    public void Write(BinaryWriter writer, bool withActionMasks)
    {
        writer.Write(CapacitySteps);
        writer.Write(NumEnvs);
        writer.Write(_head);
        writer.Write(StepCount);
        foreach (var array in new[] { Observations, Actions, Outputs, Rewards, Dones })
        {
            writer.Write(array.Length);
            foreach (var value in array)
                writer.Write(value);
        }
        if (!withActionMasks)
            return;
        writer.Write(ActionMasks.Length);
        foreach (var mask in ActionMasks)
            writer.Write(mask);
    }

    /// <summary>Reads steps written by <see cref="Write"/> (with the same <paramref name="withActionMasks"/>) into this buffer of the same shape.</summary>
    public void Read(BinaryReader reader, bool withActionMasks)
    {
        if (reader.ReadInt32() != CapacitySteps || reader.ReadInt32() != NumEnvs)
            throw new InvalidDataException("The saved replay buffer has another shape than the agent's options.");
        _head = reader.ReadInt32();
        StepCount = reader.ReadInt32();
        foreach (var array in new[] { Observations, Actions, Outputs, Rewards, Dones })
        {
            if (reader.ReadInt32() != array.Length)
                throw new InvalidDataException("The saved replay buffer has another shape than the agent's options.");
            for (var i = 0; i < array.Length; i++)
                array[i] = reader.ReadSingle();
        }
        if (!withActionMasks)
            return;
        if (reader.ReadInt32() != ActionMasks.Length)
            throw new InvalidDataException("The saved replay buffer has another shape than the agent's options.");
        for (var i = 0; i < ActionMasks.Length; i++)
            ActionMasks[i] = reader.ReadUInt64();
    }

    /// <summary>
    /// TD(lambda) advantages and returns over the whole buffer, newest step first, with the values in
    /// the last output column and <paramref name="lastValues"/> = V of the observations after the newest step.
    /// </summary>
    public void ComputeReturnsAndAdvantages(ReadOnlySpan<float> lastValues, double gamma, double lambda)
    {
        var k = OutputCount;
        for (var e = 0; e < NumEnvs; e++)
        {
            var lastGae = 0.0;
            double nextValue = lastValues[e];
            for (var age = 0; age < StepCount; age++)
            {
                var t = ((_head - 1 - age) % CapacitySteps + CapacitySteps) % CapacitySteps;
                var row = t * NumEnvs + e;
                double value = Outputs[row * k + k - 1];
                var nonTerminal = 1.0 - Dones[row];
                var delta = Rewards[row] + gamma * nextValue * nonTerminal - value;
                lastGae = delta + gamma * lambda * nonTerminal * lastGae;
                Advantages[row] = (float)lastGae;
                Returns[row] = (float)(lastGae + value);
                nextValue = value;
            }
        }
    }
}
