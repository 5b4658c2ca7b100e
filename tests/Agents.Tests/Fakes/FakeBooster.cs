using RLFramework.Agents.Policies;
using RLFramework.Boosting;

namespace RLFramework.Agents.Tests.Fakes;

/// <summary>
/// A stand-in ensemble with a known prediction: bias + W x (W fixed, seeded) minus, per fitted
/// "tree", lr_slice * (mean of the clipped gradients) - a depth-0 tree. It records every FitTree call.
/// </summary>
internal sealed class FakeBooster : IGradientBooster
{
    private readonly GbrlOptions _options;
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly List<float[]> _trees = [];

    public FakeBooster(GbrlOptions options, FeatureSchema schema, int seed = 7)
    {
        _options = options;
        FeatureCount = schema.FeatureCount;
        OutputCount = options.OutputCount;
        _bias = new float[OutputCount];
        _weights = new float[OutputCount * FeatureCount];
        var random = new Random(seed + OutputCount);
        for (var i = 0; i < _weights.Length; i++)
            _weights[i] = (float)(random.NextDouble() - 0.5);
    }

    public static BoosterProvider Factory(List<FakeBooster> made) => new("fake", (o, s) =>
    {
        var booster = new FakeBooster(o, s, made.Count);
        made.Add(booster);
        return booster;
    }, (_, _) => throw new NotSupportedException("Fake boosters are not saved."));

    public GbrlOptions FitOptions => _options;

    public List<(float[] Features, float[] Gradients, int Count)> Fits { get; } = [];

    public int FeatureCount { get; }

    public int OutputCount { get; }

    public int TreeCount => _trees.Count;

    public ReadOnlySpan<float> Bias => _bias;

    public void SetBias(ReadOnlySpan<float> bias) => bias.CopyTo(_bias);

    public TreeFitResult FitTree(ReadOnlySpan<float> features, ReadOnlySpan<float> gradients, int sampleCount)
    {
        Fits.Add((features[..(sampleCount * FeatureCount)].ToArray(), gradients[..(sampleCount * OutputCount)].ToArray(), sampleCount));
        var leaf = new float[OutputCount];
        foreach (var slice in _options.Slices)
        {
            for (var i = 0; i < sampleCount; i++)
            {
                var norm = 0.0;
                for (var j = slice.Start; j < slice.Start + slice.Length; j++)
                    norm += gradients[i * OutputCount + j] * gradients[i * OutputCount + j];
                norm = Math.Sqrt(norm);
                var scale = slice.MaxGradNorm > 0 && norm > slice.MaxGradNorm ? slice.MaxGradNorm / norm : 1.0;
                for (var j = slice.Start; j < slice.Start + slice.Length; j++)
                    leaf[j] += (float)(gradients[i * OutputCount + j] * scale / sampleCount);
            }
            for (var j = slice.Start; j < slice.Start + slice.Length; j++)
                leaf[j] = (float)(-slice.LearningRate.At(_trees.Count) * leaf[j]);
        }
        _trees.Add(leaf);
        return new TreeFitResult(_trees.Count - 1, 1, 0);
    }

    public void Predict(ReadOnlySpan<float> features, int sampleCount, Span<float> outputs)
    {
        for (var i = 0; i < sampleCount; i++)
        {
            for (var j = 0; j < OutputCount; j++)
            {
                double sum = _bias[j];
                for (var f = 0; f < FeatureCount; f++)
                    sum += _weights[j * FeatureCount + f] * features[i * FeatureCount + f];
                outputs[i * OutputCount + j] = (float)sum;
            }
        }
        AccumulateTrees(features, sampleCount, 0, _trees.Count, outputs);
    }

    public void AccumulateTrees(ReadOnlySpan<float> features, int sampleCount, int firstTree, int endTree, Span<float> outputs)
    {
        for (var t = firstTree; t < endTree; t++)
        {
            for (var i = 0; i < sampleCount; i++)
            {
                for (var j = 0; j < OutputCount; j++)
                    outputs[i * OutputCount + j] += _trees[t][j];
            }
        }
    }

    public void Save(Stream stream) => throw new NotSupportedException("The fake booster is not saved.");

    public void Dispose()
    {
    }
}
