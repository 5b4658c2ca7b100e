using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Vector;

/// <summary>
/// Normalizes the batch of observations to (obs - mean) / sqrt(var + epsilon), the running statistics
/// updated with the whole batch first (Gymnasium's vector NormalizeObservation; clip optional, none
/// by default). Final observations are normalized with the same statistics (without updating them),
/// so that a truncated episode is bootstrapped from an input the policy understands.
/// </summary>
public sealed class VectorNormalizeObservation : VectorEnvironmentWrapper
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public VectorNormalizeObservation(IVectorEnvironment inner, double epsilon = 1e-8, double clip = double.PositiveInfinity)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clip);
        Epsilon = epsilon;
        Clip = clip;
        Statistics = new RunningMeanStd(inner.ObservationSize);
        SingleObservationSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, inner.ObservationSize);
    }

    /// <summary>The epsilon added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized values are clipped to ±Clip.</summary>
    public double Clip { get; }

    /// <summary>Whether observations update the statistics (false: frozen).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running statistics (GetState/SetState to save and load).</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>An unbounded Box of the flat observation size.</summary>
    public override Space SingleObservationSpace { get; }

    /// <inheritdoc/>
    public override void Reset(int? seed, Span<float> observations)
    {
        Inner.Reset(seed, observations);
        NormalizeBatch(observations);
    }

    /// <inheritdoc/>
    protected override void AfterStep(VectorStepBuffers results)
    {
        NormalizeBatch(results.Observations);
        var hasFinal = results.HasFinalObservation;
        for (int i = 0; i < NumEnvs; i++)
        {
            if (hasFinal[i])
            {
                var final = results.FinalObservationSlot(i);
                Statistics.Normalize(final, final, Epsilon, Clip);
            }
        }
    }

    private void NormalizeBatch(Span<float> observations)
    {
        if (UpdateRunningMean)
        {
            Statistics.Update(observations);
        }

        int size = ObservationSize;
        for (int i = 0; i < NumEnvs; i++)
        {
            var row = observations.Slice(i * size, size);
            Statistics.Normalize(row, row, Epsilon, Clip);
        }
    }
}
