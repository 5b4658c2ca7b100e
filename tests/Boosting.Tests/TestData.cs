using RLFramework.Boosting.Binning;
using RLFramework.Boosting.Data;

namespace RLFramework.Boosting.Tests;

/// <summary>Seeded random batches and the naive (sample-by-sample) oracles the tests compare with.</summary>
internal static class TestData
{
    public static float[] Uniform(int seed, int count, float low = -1f, float high = 1f)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = low + (float)rng.NextDouble() * (high - low);
        return values;
    }

    public static GbrlOptions Options(int outputs, TreeShape shape = TreeShape.Oblivious, SplitScore score = SplitScore.Cosine,
        int depth = 4, double lr = 0.1) => new()
        {
            MaxDepth = depth,
            Shape = shape,
            Score = score,
            Slices = [new OutputSlice("all", 0, outputs, LearningRateSchedule.Constant(lr))],
        };

    public static BinnedBatch Bin(float[] features, int n, FeatureSchema schema, BinningRule rule = BinningRule.Quantile, int maxBins = 256)
    {
        var batch = new BinnedBatch();
        new FeatureBinner().Bin(features, n, schema, rule, maxBins, batch);
        return batch;
    }

    /// <summary>Split gradients as the engine defines them: raw (cosine) or per-column standardized (L2).</summary>
    public static double[] SplitGradients(float[] gradients, int n, int k, SplitScore score)
    {
        var g = new double[n * k];
        for (var i = 0; i < g.Length; i++)
            g[i] = gradients[i];
        if (score == SplitScore.Cosine)
            return g;
        for (var j = 0; j < k; j++)
        {
            double mean = 0;
            for (var i = 0; i < n; i++)
                mean += g[i * k + j];
            mean /= n;
            double variance = 0;
            for (var i = 0; i < n; i++)
                variance += (g[i * k + j] - mean) * (g[i * k + j] - mean);
            var std = Math.Sqrt(variance / n);
            for (var i = 0; i < n; i++)
                g[i * k + j] = (g[i * k + j] - mean) / (std > 0 ? std : 1);
        }
        return g;
    }

    /// <summary>A candidate as the oracles see it: (feature, bin, goes-right test on the raw value).</summary>
    public readonly record struct Candidate(int Feature, int Bin, bool Categorical, float Value)
    {
        public bool Right(float x) => Categorical ? x == Value : x > Value;
    }

    /// <summary>Every candidate of the batch in feature-major, ascending order.</summary>
    public static List<Candidate> Candidates(BinnedBatch batch)
    {
        var list = new List<Candidate>();
        for (var f = 0; f < batch.FeatureCount; f++)
        {
            if (batch.IsCategorical[f])
            {
                for (var b = 1; b < batch.BinCount[f]; b++)
                    list.Add(new Candidate(f, b, true, batch.Category(f, b)));
            }
            else
            {
                var thresholds = batch.FeatureThresholds(f);
                for (var b = 0; b < thresholds.Length; b++)
                    list.Add(new Candidate(f, b, false, thresholds[b]));
            }
        }
        return list;
    }

    /// <summary>Score of one candidate over a set of nodes, straight from the samples (-inf when invalid).</summary>
    public static double BruteScore(Candidate c, List<List<int>> nodes, float[] features, int featureCount, double[] g, int k,
        SplitScore score, int minSamples)
    {
        double total = 0;
        foreach (var node in nodes)
        {
            if (node.Count == 0)
                continue;
            var left = new double[k];
            var right = new double[k];
            int nl = 0, nr = 0;
            foreach (var i in node)
            {
                var goesRight = c.Right(features[i * featureCount + c.Feature]);
                var target = goesRight ? right : left;
                for (var j = 0; j < k; j++)
                    target[j] += g[i * k + j];
                if (goesRight)
                    nr++;
                else
                    nl++;
            }
            if (nl < minSamples || nr < minSamples)
                return double.NegativeInfinity;
            double sl = 0, sr = 0;
            for (var j = 0; j < k; j++)
            {
                sl += left[j] * left[j];
                sr += right[j] * right[j];
            }
            var x = (nl == 0 ? 0 : sl / nl) + (nr == 0 ? 0 : sr / nr);
            total += score == SplitScore.Cosine ? Math.Sqrt(x) : x;
        }
        return total;
    }
}
