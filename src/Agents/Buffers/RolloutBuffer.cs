namespace RLFramework.Agents.Buffers;

/// <summary>
/// On-policy storage for one rollout of <see cref="NumSteps"/> steps of <c>NumEnvs</c>
/// environments, preallocated once (Stable-Baselines3's RolloutBuffer). Rows are time-major:
/// row = step * NumEnvs + env. <c>Dones[row]</c> is 1 when the transition ended its episode;
/// a truncated episode's reward already holds gamma * V(final observation), so GAE never bootstraps
/// across an episode boundary.
/// </summary>
internal sealed class RolloutBuffer : StepBuffer
{
    public RolloutBuffer(int numSteps, int numEnvs, int observationSize, int actionSize, int outputCount)
        : base(numSteps, numEnvs, observationSize, actionSize, outputCount)
    {
        NumSteps = numSteps;
        Values = new float[numSteps * numEnvs];
        LogProbs = new float[numSteps * numEnvs];
    }

    public int NumSteps { get; }

    /// <summary>Rows in a full buffer.</summary>
    public int Size => NumSteps * NumEnvs;

    /// <summary>Steps written since the last <see cref="Clear"/>.</summary>
    public int StepCount { get; private set; }

    /// <summary>V(s) of each row at collection time.</summary>
    public float[] Values { get; }

    /// <summary>log pi(a|s) of each row at collection time.</summary>
    public float[] LogProbs { get; }

    public bool IsFull => StepCount == NumSteps;

    public void Clear() => StepCount = 0;

    /// <summary>The rows of the next step, to be filled by the collector; then call <see cref="CommitStep"/>.</summary>
    public int NextStepFirstRow
    {
        get
        {
            if (IsFull)
                throw new InvalidOperationException($"The rollout buffer already holds {NumSteps} steps; clear it first.");
            return StepCount * NumEnvs;
        }
    }

    public void CommitStep() => StepCount++;

    /// <summary>
    /// Generalized advantage estimation (Schulman et al. 2016, eq. 16):
    /// delta_t = r_t + gamma V(s_{t+1}) (1 - done_t) - V(s_t); A_t = delta_t + gamma lambda (1 - done_t) A_{t+1};
    /// returns R_t = A_t + V(s_t). <paramref name="lastValues"/> are V of the observations after the last step.
    /// </summary>
    public void ComputeReturnsAndAdvantages(ReadOnlySpan<float> lastValues, double gamma, double gaeLambda)
    {
        if (!IsFull)
            throw new InvalidOperationException($"GAE needs a full buffer; it holds {StepCount} of {NumSteps} steps.");
        if (lastValues.Length != NumEnvs)
            throw new ArgumentException($"Expected {NumEnvs} last values, got {lastValues.Length}.", nameof(lastValues));
        for (var e = 0; e < NumEnvs; e++)
        {
            var lastGae = 0.0;
            for (var t = NumSteps - 1; t >= 0; t--)
            {
                var row = t * NumEnvs + e;
                double nextValue = t == NumSteps - 1 ? lastValues[e] : Values[row + NumEnvs];
                var nonTerminal = 1.0 - Dones[row];
                var delta = Rewards[row] + gamma * nextValue * nonTerminal - Values[row];
                lastGae = delta + gamma * gaeLambda * nonTerminal * lastGae;
                Advantages[row] = (float)lastGae;
                Returns[row] = (float)(lastGae + Values[row]);
            }
        }
    }
}
