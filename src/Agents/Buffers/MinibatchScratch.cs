using RLFramework.Agents.Distributions;

namespace RLFramework.Agents.Buffers;

/// <summary>
/// The per-update work arrays every algorithm needs, allocated once for the largest batch: the gathered
/// minibatch (observations, raw outputs, actions, advantages), the log-probabilities and entropies of its
/// actions, the coefficients of log pi in the loss, the per-sample output gradients and the log-std gradient.
/// </summary>
internal sealed class MinibatchScratch
{
    private readonly int _observationSize;
    private readonly int _actionSize;
    private readonly int _outputCount;

    /// <summary>Arrays for up to <paramref name="capacity"/> samples.</summary>
    public MinibatchScratch(int capacity, int observationSize, int actionSize, int outputCount, int logStdCount)
    {
        _observationSize = observationSize;
        _actionSize = actionSize;
        _outputCount = outputCount;
        Observations = new float[capacity * observationSize];
        Outputs = new float[capacity * outputCount];
        Actions = new float[capacity * actionSize];
        ActionMasks = new ulong[capacity];
        Advantages = new float[capacity];
        LogProbs = new float[capacity];
        Entropies = new float[capacity];
        LogProbCoefficients = new float[capacity];
        Gradients = new float[capacity * outputCount];
        LogStdGradient = new double[logStdCount];
    }

    /// <summary>Gathered observations (capacity x observation size).</summary>
    public float[] Observations { get; }

    /// <summary>Gathered raw outputs, policy then value (capacity x output count).</summary>
    public float[] Outputs { get; }

    /// <summary>Gathered actions (capacity x action size).</summary>
    public float[] Actions { get; }

    /// <summary>Gathered action masks (capacity).</summary>
    public ulong[] ActionMasks { get; }

    /// <summary>Advantages of the samples.</summary>
    public float[] Advantages { get; }

    /// <summary>log pi(a|s) of each sample under the current policy.</summary>
    public float[] LogProbs { get; }

    /// <summary>Entropy of each sample's action distribution.</summary>
    public float[] Entropies { get; }

    /// <summary>d(loss_i)/d(log pi(a_i|s_i)) of each sample.</summary>
    public float[] LogProbCoefficients { get; }

    /// <summary>Per-sample gradients of the loss with respect to the raw outputs (capacity x output count).</summary>
    public float[] Gradients { get; }

    /// <summary>Batch mean of the loss gradient with respect to the log-std.</summary>
    public double[] LogStdGradient { get; }

    /// <summary>Copies row <paramref name="row"/> of a buffer's observations, outputs, actions and action masks into slot <paramref name="slot"/>.</summary>
    public void Gather(int slot, int row, ReadOnlySpan<float> observations, ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions,
        ReadOnlySpan<ulong> actionMasks)
    {
        ActionMasks[slot] = actionMasks[row];
        observations.Slice(row * _observationSize, _observationSize).CopyTo(Observations.AsSpan(slot * _observationSize));
        outputs.Slice(row * _outputCount, _outputCount).CopyTo(Outputs.AsSpan(slot * _outputCount));
        actions.Slice(row * _actionSize, _actionSize).CopyTo(Actions.AsSpan(slot * _actionSize));
    }

    /// <summary>
    /// The policy columns of <see cref="Gradients"/> for l_i = c_i log pi(a_i|s_i) - entCoef H_i (c = <see cref="LogProbCoefficients"/>)
    /// over <paramref name="count"/> rows of <paramref name="outputs"/> and <paramref name="actions"/>, and the batch mean of the
    /// log-std gradient in <see cref="LogStdGradient"/>.
    /// </summary>
    public void PolicyGradients(ActionDistribution distribution, ReadOnlySpan<float> logStd, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> actions, int count, double entCoef)
    {
        Array.Clear(LogStdGradient);
        distribution.Gradients(outputs, _outputCount, count, logStd, actions, LogProbCoefficients, -entCoef, Gradients, LogStdGradient);
        for (var j = 0; j < LogStdGradient.Length; j++)
            LogStdGradient[j] /= count;
    }
}
