namespace RLFramework.Boosting;

/// <summary>
/// An ensemble of trees grown online, one tree per call to <see cref="FitTree"/>, each fitted to
/// per-sample gradients that the caller computed ("gradients in, trees out", like LightGBM's
/// <c>LGBM_BoosterUpdateOneIterCustom</c>). Prediction = bias - sum over trees of lr * leaf value,
/// with the learning rate of each output slice applied when the tree is fitted.
/// Features are row-major (sample, feature) floats; categorical features hold integer codes.
/// Gradients and outputs are row-major (sample, output).
/// </summary>
public interface IGradientBooster : IDisposable
{
    /// <summary>Number of input features per sample.</summary>
    int FeatureCount { get; }

    /// <summary>Number of outputs per sample (all slices together).</summary>
    int OutputCount { get; }

    /// <summary>Number of trees fitted so far.</summary>
    int TreeCount { get; }

    /// <summary>The initial outputs every prediction starts from.</summary>
    ReadOnlySpan<float> Bias { get; }

    /// <summary>Sets the initial outputs (length <see cref="OutputCount"/>).</summary>
    void SetBias(ReadOnlySpan<float> bias);

    /// <summary>
    /// Fits one tree to <paramref name="gradients"/> (sampleCount x OutputCount) on
    /// <paramref name="features"/> (sampleCount x FeatureCount) and appends it.
    /// </summary>
    TreeFitResult FitTree(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount);

    /// <summary>Writes bias - sum of all trees into <paramref name="outputs"/> (sampleCount x OutputCount).</summary>
    void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs);

    /// <summary>
    /// Adds the contribution (-lr * leaf value) of trees [<paramref name="firstTree"/>, <paramref name="endTree"/>)
    /// to <paramref name="outputs"/>: keeps the predictions of a fixed batch current as trees are added,
    /// at a cost independent of the ensemble size.
    /// </summary>
    void AccumulateTrees(ReadOnlySpan<float> features, int sampleCount, int firstTree, int endTree, Span<float> outputs);

    /// <summary>Writes the whole model (options, bias, trees) in the versioned binary format.</summary>
    void Save(Stream stream);
}

/// <summary>What one call to <see cref="IGradientBooster.FitTree"/> produced.</summary>
/// <param name="TreeIndex">Index of the new tree in the ensemble.</param>
/// <param name="LeafCount">Number of leaves of the new tree.</param>
/// <param name="Score">Split score of the tree (sum over its splits).</param>
public readonly record struct TreeFitResult(int TreeIndex, int LeafCount, double Score);
