using RLFramework.Agents.Distributions;

namespace RLFramework.Agents.Tests;

public class DistributionTests
{
    // l = c * log pi(a) + h * H, differentiated numerically (central differences in double through float outputs).
    private static double Loss(ActionDistribution d, float[] outputs, int stride, float[] logStd, float[] actions, float c, double h)
    {
        var logProbs = new float[1];
        var entropies = new float[1];
        d.LogProbAndEntropy(outputs, stride, 1, logStd, actions, logProbs, entropies);
        return c * (double)logProbs[0] + h * entropies[0];
    }

    [Theory]
    [InlineData(0, 1.0, 0.0)]
    [InlineData(2, -0.7, 0.0)]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(3, 1.3, -0.05)]
    public void Categorical_gradient_matches_finite_differences(int action, float c, double h)
    {
        var d = new CategoricalDistribution(4);
        var outputs = new float[] { 0.3f, -1.1f, 0.8f, 0.05f, 9f }; // stride 5: the value column is ignored
        var actions = new float[] { action };
        var gradients = new float[5];
        d.Gradients(outputs, 5, 1, [], actions, [c], h, gradients, []);
        for (var k = 0; k < 4; k++)
        {
            const float eps = 1e-2f;
            var plus = (float[])outputs.Clone();
            var minus = (float[])outputs.Clone();
            plus[k] += eps;
            minus[k] -= eps;
            var numeric = (Loss(d, plus, 5, [], actions, c, h) - Loss(d, minus, 5, [], actions, c, h)) / (2 * eps);
            Assert.Equal(numeric, gradients[k], 3);
        }
        Assert.Equal(0f, gradients[4]);
    }

    [Theory]
    [InlineData(1.0f, 0.0)]
    [InlineData(-0.4f, 0.02)]
    public void Gaussian_gradients_for_means_and_log_std_match_finite_differences(float c, double h)
    {
        var d = new DiagGaussianDistribution(2);
        var outputs = new float[] { 0.2f, -0.5f, 3f };
        var logStd = new float[] { -0.3f, 0.4f };
        var actions = new float[] { 0.9f, -1.4f };
        var gradients = new float[3];
        var logStdGradient = new double[2];
        d.Gradients(outputs, 3, 1, logStd, actions, [c], h, gradients, logStdGradient);
        const float eps = 1e-2f;
        for (var j = 0; j < 2; j++)
        {
            var plus = (float[])outputs.Clone();
            var minus = (float[])outputs.Clone();
            plus[j] += eps;
            minus[j] -= eps;
            var numeric = (Loss(d, plus, 3, logStd, actions, c, h) - Loss(d, minus, 3, logStd, actions, c, h)) / (2 * eps);
            Assert.Equal(numeric, gradients[j], 3);

            var sPlus = (float[])logStd.Clone();
            var sMinus = (float[])logStd.Clone();
            sPlus[j] += eps;
            sMinus[j] -= eps;
            var numericS = (Loss(d, outputs, 3, sPlus, actions, c, h) - Loss(d, outputs, 3, sMinus, actions, c, h)) / (2 * eps);
            Assert.Equal(numericS, logStdGradient[j], 2);
        }
    }

    [Fact]
    public void Categorical_log_prob_and_entropy_equal_closed_forms()
    {
        var d = new CategoricalDistribution(3);
        var logits = new float[] { 1f, 2f, 3f };
        var logProbs = new float[1];
        var entropies = new float[1];
        d.LogProbAndEntropy(logits, 3, 1, [], [2f], logProbs, entropies);
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        var p = new[] { Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z };
        Assert.Equal(Math.Log(p[2]), logProbs[0], 5);
        Assert.Equal(-p.Sum(q => q * Math.Log(q)), entropies[0], 5);
    }

    [Fact]
    public void Gaussian_log_prob_equals_the_normal_density()
    {
        var d = new DiagGaussianDistribution(1);
        var logProbs = new float[1];
        var entropies = new float[1];
        d.LogProbAndEntropy([0.5f], 1, 1, [(float)Math.Log(2)], [1.5f], logProbs, entropies);
        var expected = Math.Log(1 / (2 * Math.Sqrt(2 * Math.PI)) * Math.Exp(-0.5 * 0.25));
        Assert.Equal(expected, logProbs[0], 5);
        Assert.Equal(0.5 * Math.Log(2 * Math.PI * Math.E * 4), entropies[0], 5);
    }

    [Fact]
    public void Categorical_samples_follow_the_probabilities_and_deterministic_takes_the_mode()
    {
        var d = new CategoricalDistribution(3);
        var logits = new float[] { 0f, (float)Math.Log(2), (float)Math.Log(7) }; // p = 0.1, 0.2, 0.7
        var random = new RandomSource(1);
        var counts = new int[3];
        var action = new float[1];
        var logProb = new float[1];
        for (var i = 0; i < 20000; i++)
        {
            d.Sample(logits, 3, 1, [], false, random, action, logProb);
            counts[(int)action[0]]++;
        }
        Assert.InRange(counts[0] / 20000.0, 0.09, 0.11);
        Assert.InRange(counts[2] / 20000.0, 0.68, 0.72);
        d.Sample(logits, 3, 1, [], true, random, action, logProb);
        Assert.Equal(2f, action[0]);
        Assert.Equal(Math.Log(0.7), logProb[0], 5);
    }

    [Fact]
    public void Bad_actions_and_lengths_are_clear_errors()
    {
        var d = new CategoricalDistribution(2);
        var e = Assert.Throws<ArgumentException>(() => d.LogProbAndEntropy(new float[2], 2, 1, [], [5f], new float[1], new float[1]));
        Assert.Contains("not an index", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => d.LogProbAndEntropy(new float[2], 2, 2, [], [0f, 1f], new float[2], new float[2]));
    }
}
