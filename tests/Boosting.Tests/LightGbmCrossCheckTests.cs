namespace RLFramework.Boosting.Tests;

/// <summary>
/// Our engine against the LightGBM backend on the same problem: functional gradient boosting with squared
/// loss (gradient = prediction - target) on y = sum_j sin(2 x_j), at equal depth, bins, learning rate and
/// tree count, min samples per leaf. Ours must reach a test MSE within 10% of LightGBM's (or better).
/// The settings are past the point where both engines have converged (200 trees at lr 0.2), so the
/// comparison is of the trees' quality rather than of how fast an engine gets there (at 80 trees of lr 0.2
/// a depth-4 oblivious tree, with 4 shared splits, is still at twice LightGBM's error while greedy trees
/// match it). Measured with this seed: LightGBM 0.0301; ours oblivious 0.0257 (cosine) and 0.0282 (L2), greedy 0.0271 (both).
/// </summary>
public class LightGbmCrossCheckTests
{
    private const int Features = 4;
    private const int TrainSamples = 2000;
    private const int TestSamples = 1000;
    private const int Trees = 200;
    private const int Depth = 4;
    private const int Bins = 64;
    private const int MinSamplesPerLeaf = 10;
    private const double LearningRate = 0.2;

    private static readonly Problem s_problem = Problem.Create(new Random(20261127));
    private static readonly Lazy<double> s_lightGbmMse = new(() => Boost(new LightGbmBooster(Options(TreeShape.Greedy, SplitScore.Cosine), Features)));

    private sealed record Problem(float[] TrainX, float[] TrainY, float[] TestX, float[] TestY)
    {
        public static Problem Create(Random random)
        {
            var (trainX, trainY) = Sample(random, TrainSamples);
            var (testX, testY) = Sample(random, TestSamples);
            return new Problem(trainX, trainY, testX, testY);
        }

        private static (float[] X, float[] Y) Sample(Random random, int count)
        {
            var x = new float[count * Features];
            var y = new float[count];
            for (var i = 0; i < count; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < Features; j++)
                {
                    var value = random.NextDouble() * 4 - 2;
                    x[i * Features + j] = (float)value;
                    sum += Math.Sin(2 * value);
                }
                y[i] = (float)sum;
            }
            return (x, y);
        }
    }

    private static GbrlOptions Options(TreeShape shape, SplitScore score) => new()
    {
        MaxDepth = Depth,
        MaxBins = Bins,
        MinSamplesPerLeaf = MinSamplesPerLeaf,
        Shape = shape,
        Score = score,
        Slices = [new OutputSlice("value", 0, 1, LearningRateSchedule.Constant(LearningRate))],
    };

    /// <summary>Boosts <paramref name="booster"/> on the training set (predictions kept current with AccumulateTrees) and returns its test MSE.</summary>
    private static double Boost(IGradientBooster booster)
    {
        using (booster)
        {
            var p = s_problem;
            var predictions = new float[TrainSamples];
            var gradients = new float[TrainSamples];
            for (var t = 0; t < Trees; t++)
            {
                for (var i = 0; i < TrainSamples; i++)
                    gradients[i] = predictions[i] - p.TrainY[i];
                booster.FitTree(p.TrainX, gradients, TrainSamples);
                booster.AccumulateTrees(p.TrainX, TrainSamples, t, t + 1, predictions);
            }
            var test = new float[TestSamples];
            booster.Predict(p.TestX, TestSamples, test);
            var sum = 0.0;
            for (var i = 0; i < TestSamples; i++)
                sum += (test[i] - p.TestY[i]) * (double)(test[i] - p.TestY[i]);
            return sum / TestSamples;
        }
    }

    private static double TargetVariance()
    {
        var y = s_problem.TestY;
        var mean = 0.0;
        foreach (var v in y)
            mean += v;
        mean /= y.Length;
        var variance = 0.0;
        foreach (var v in y)
            variance += (v - mean) * (v - mean);
        return variance / y.Length;
    }

    [Fact]
    public void LightGbm_learns_the_function()
    {
        // The reference point must itself be meaningful: far below predicting the mean.
        Assert.True(s_lightGbmMse.Value < 0.2 * TargetVariance(), $"LightGBM test MSE {s_lightGbmMse.Value} vs target variance {TargetVariance()}");
    }

    [Theory]
    [InlineData(TreeShape.Oblivious, SplitScore.Cosine)]
    [InlineData(TreeShape.Oblivious, SplitScore.L2)]
    [InlineData(TreeShape.Greedy, SplitScore.Cosine)]
    [InlineData(TreeShape.Greedy, SplitScore.L2)]
    public void Our_engine_is_within_ten_percent_of_LightGbm(TreeShape shape, SplitScore score)
    {
        var ours = Boost(new GbrlBooster(Options(shape, score), FeatureSchema.Numerical(Features)));

        Assert.True(ours <= 1.10 * s_lightGbmMse.Value, $"{shape}/{score}: our test MSE {ours:F5}, LightGBM's {s_lightGbmMse.Value:F5}");
    }
}
