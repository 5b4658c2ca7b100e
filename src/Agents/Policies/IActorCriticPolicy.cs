using RLFramework.Agents.Distributions;

namespace RLFramework.Agents.Policies;

/// <summary>
/// The narrow contract between the training algorithms and a policy (Stable-Baselines3's
/// ActorCriticPolicy): act, evaluate actions, predict values, and the training seam "per-sample
/// gradients in, one update out". Raw outputs are rows of <see cref="OutputCount"/> floats: the
/// <see cref="ActionDistribution.OutputCount"/> policy outputs (logits or means) followed by the value.
/// </summary>
public interface IActorCriticPolicy : IDisposable
{
    /// <summary>Floats per observation.</summary>
    int ObservationSize { get; }

    /// <summary>The action distribution the policy outputs parameterise.</summary>
    ActionDistribution Distribution { get; }

    /// <summary>Raw outputs per sample: policy outputs then the value.</summary>
    int OutputCount { get; }

    /// <summary>The state-independent log-std (empty for discrete actions).</summary>
    ReadOnlySpan<float> LogStd { get; }

    /// <summary>Number of updates applied so far (GBRL: trees per ensemble).</summary>
    int Version { get; }

    /// <summary>Writes the raw outputs (count x <see cref="OutputCount"/>) for <paramref name="observations"/>.</summary>
    void Forward(ReadOnlySpan<float> observations, int count, Span<float> outputs);

    /// <summary>
    /// Chooses actions: samples them, or takes the mode when <paramref name="deterministic"/>; writes
    /// their log-probabilities and the values, and the raw outputs when <paramref name="outputs"/> is not empty.
    /// With <paramref name="actionMasks"/> (one per row; see <see cref="ActionMasking"/>) illegal actions have
    /// probability 0, and the outputs written hold <see cref="ActionMasking.MaskedLogit"/> in their place.
    /// </summary>
    void Act(ReadOnlySpan<float> observations, int count, bool deterministic, RandomSource random,
        Span<float> actions, Span<float> logProbs, Span<float> values, Span<float> outputs, ReadOnlySpan<ulong> actionMasks = default);

    /// <summary>Writes log pi(a|s), the entropy of pi(.|s) and V(s) for each row (under <paramref name="actionMasks"/> when given).</summary>
    void EvaluateActions(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int count,
        Span<float> logProbs, Span<float> entropies, Span<float> values, ReadOnlySpan<ulong> actionMasks = default);

    /// <summary>Writes V(s) for each row.</summary>
    void PredictValues(ReadOnlySpan<float> observations, int count, Span<float> values);

    /// <summary>
    /// Brings <paramref name="outputs"/>, the raw outputs of <paramref name="observations"/> computed when
    /// the policy was at version <paramref name="fromVersion"/>, up to the current version (GBRL adds only
    /// the trees fitted since, so the cost does not grow with the ensemble).
    /// </summary>
    void RefreshOutputs(ReadOnlySpan<float> observations, int count, Span<float> outputs, int fromVersion);

    /// <summary>
    /// Applies one update from per-sample functional gradients <paramref name="gradients"/>
    /// (count x <see cref="OutputCount"/>, row i = N * dLoss/dOutputs_i) and the batch-mean gradient
    /// of the loss with respect to the log-std; <paramref name="progressRemaining"/> (1 to 0) drives
    /// learning-rate schedules. GBRL fits one tree (per ensemble).
    /// </summary>
    void Update(ReadOnlySpan<float> observations, ReadOnlySpan<float> gradients, int count,
        ReadOnlySpan<double> logStdGradient, double progressRemaining);
}
