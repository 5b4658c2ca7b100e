namespace RLFramework.Agents.Buffers;

/// <summary>
/// The storage both step buffers share (<see cref="RolloutBuffer"/> and <see cref="ReplayBuffer"/>): arrays for
/// <c>steps * NumEnvs</c> rows, preallocated once and time-major (row = step * NumEnvs + env), with the observation,
/// action and raw-output rows of every transition, its reward and done flag, and the advantage and return computed
/// from them.
/// </summary>
internal abstract class StepBuffer
{
    private protected StepBuffer(int steps, int numEnvs, int observationSize, int actionSize, int outputCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        OutputCount = outputCount;
        var n = steps * numEnvs;
        Observations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        Outputs = new float[n * outputCount];
        ActionMasks = new ulong[n];
        Rewards = new float[n];
        Dones = new float[n];
        Advantages = new float[n];
        Returns = new float[n];
    }

    public int NumEnvs { get; }

    public int ObservationSize { get; }

    public int ActionSize { get; }

    public int OutputCount { get; }

    public float[] Observations { get; }

    public float[] Actions { get; }

    /// <summary>Raw policy outputs (logits or means, then the value), one row of <see cref="OutputCount"/> per transition.</summary>
    public float[] Outputs { get; }

    /// <summary>The action mask each transition's observation came with (used when the agent masks actions; see <see cref="Distributions.ActionMasking"/>).</summary>
    public ulong[] ActionMasks { get; }

    public float[] Rewards { get; }

    /// <summary>1 where the transition ended its episode.</summary>
    public float[] Dones { get; }

    public float[] Advantages { get; }

    public float[] Returns { get; }
}
