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

public class MultiCategoricalAndBernoulliTests
{
    private static readonly (float C, double H)[] s_coefficients = [(1f, 0.0), (0f, 1.0), (-0.7f, 0.3), (1.3f, -0.05)];

    private static double Loss(ActionDistribution d, float[] outputs, int stride, float[] actions, float c, double h)
    {
        var logProbs = new float[1];
        var entropies = new float[1];
        d.LogProbAndEntropy(outputs, stride, 1, [], actions, logProbs, entropies);
        return c * (double)logProbs[0] + h * entropies[0];
    }

    // Central differences of l = c log pi(a) + h H through the float outputs, divided by the step the floats actually hold.
    private static double NumericGradient(ActionDistribution d, float[] outputs, int stride, float[] actions, float c, double h, int k)
    {
        const float eps = 1e-2f;
        var plus = (float[])outputs.Clone();
        var minus = (float[])outputs.Clone();
        plus[k] += eps;
        minus[k] -= eps;
        return (Loss(d, plus, stride, actions, c, h) - Loss(d, minus, stride, actions, c, h)) / ((double)plus[k] - minus[k]);
    }

    // Checks Gradients against finite differences on random rows (value and padding columns must stay untouched).
    private static void AssertGradientsMatchFiniteDifferences(ActionDistribution d, int stride, Func<RandomSource, float> logit,
        Func<RandomSource, int, float> action)
    {
        var random = new RandomSource(7);
        foreach (var (c, h) in s_coefficients)
        {
            for (var row = 0; row < 5; row++)
            {
                var outputs = new float[stride];
                for (var k = 0; k < stride; k++)
                    outputs[k] = k < d.OutputCount ? logit(random) : 9f;
                var actions = new float[d.ActionSize];
                for (var j = 0; j < actions.Length; j++)
                    actions[j] = action(random, j);
                var gradients = Enumerable.Repeat(42f, stride).ToArray();
                d.Gradients(outputs, stride, 1, [], actions, [c], h, gradients, []);
                for (var k = 0; k < d.OutputCount; k++)
                {
                    var numeric = NumericGradient(d, outputs, stride, actions, c, h, k);
                    Assert.True(Math.Abs(numeric - gradients[k]) < 5e-4,
                        $"c={c}, h={h}, logits [{string.Join(", ", outputs)}], actions [{string.Join(", ", actions)}]: dl/dz_{k} = {gradients[k]}, finite differences {numeric}.");
                }
                for (var k = d.OutputCount; k < stride; k++)
                    Assert.Equal(42f, gradients[k]);
            }
        }
    }

    private static readonly int[] s_nvec = [2, 3, 4];

    [Fact]
    public void MultiCategorical_gradients_match_finite_differences()
    {
        var d = new CategoricalDistribution(s_nvec);
        AssertGradientsMatchFiniteDifferences(d, 11, r => (float)(6 * r.NextDouble() - 3), (r, j) => r.NextInt(s_nvec[j]));
    }

    [Fact]
    public void Bernoulli_gradients_match_finite_differences()
    {
        var d = new BernoulliDistribution(4);
        AssertGradientsMatchFiniteDifferences(d, 6, r => (float)(8 * r.NextDouble() - 4), (r, _) => r.NextInt(2));
    }

    [Fact]
    public void MultiCategorical_log_prob_and_entropy_equal_closed_forms()
    {
        // nvec [2, 3], logits [0, ln 2 | 0, 0, 0]: block probabilities (1/3, 2/3) and (1/3, 1/3, 1/3).
        var d = new CategoricalDistribution(2, 3);
        Assert.Equal(5, d.OutputCount);
        Assert.Equal(2, d.ActionSize);
        Assert.Equal(0, d.LogStdCount);
        Assert.Equal([2, 3], d.BlockSizes.ToArray());
        var logits = new float[] { 0f, (float)Math.Log(2), 0f, 0f, 0f, 7f, 0f, (float)Math.Log(2), 0f, 0f, 0f, 7f };
        var logProbs = new float[2];
        var entropies = new float[2];
        d.LogProbAndEntropy(logits, 6, 2, [], [1f, 2f, 0f, 0f], logProbs, entropies);
        var entropy = -(Math.Log(1.0 / 3) / 3 + 2 * Math.Log(2.0 / 3) / 3) + Math.Log(3);
        Assert.Equal(Math.Log(2.0 / 3) + Math.Log(1.0 / 3), logProbs[0], 1e-6);
        Assert.Equal(Math.Log(1.0 / 3) + Math.Log(1.0 / 3), logProbs[1], 1e-6);
        Assert.Equal(entropy, entropies[0], 1e-6);
        Assert.Equal(entropy, entropies[1], 1e-6);
    }

    [Fact]
    public void Bernoulli_log_prob_and_entropy_equal_closed_forms()
    {
        var d = new BernoulliDistribution(2);
        Assert.Equal(2, d.OutputCount);
        Assert.Equal(2, d.ActionSize);
        Assert.Equal(0, d.LogStdCount);
        var logProbs = new float[3];
        var entropies = new float[3];
        // z = 0: p = 1/2 either way; z = ln 3: p = 3/4.
        var outputs = new float[] { 0f, 0f, 0f, 0f, (float)Math.Log(3), 0f };
        d.LogProbAndEntropy(outputs, 2, 3, [], [0f, 1f, 1f, 1f, 0f, 1f], logProbs, entropies);
        Assert.Equal(-2 * Math.Log(2), logProbs[0], 1e-6);
        Assert.Equal(-2 * Math.Log(2), logProbs[1], 1e-6);
        Assert.Equal(Math.Log(0.25) - Math.Log(2), logProbs[2], 1e-6);
        Assert.Equal(2 * Math.Log(2), entropies[0], 1e-6);
        Assert.Equal(-(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25)) + Math.Log(2), entropies[2], 1e-6);
    }

    [Fact]
    public void Bernoulli_is_stable_for_large_logits()
    {
        // z = 40: log sigmoid(40) = -log(1 + e^-40) ~ -e^-40, which a naive log(sigmoid) rounds to 0;
        // H = p softplus(-z) + q softplus(z) ~ e^-40 (1 + 40). z = -1000 overflows a naive e^-z.
        var d = new BernoulliDistribution(1);
        var logProbs = new float[4];
        var entropies = new float[4];
        d.LogProbAndEntropy([40f, 40f, -1000f, -1000f], 1, 4, [], [1f, 0f, 1f, 0f], logProbs, entropies);
        var tiny = Math.Exp(-40);
        AssertRelative(-tiny, logProbs[0]);
        AssertRelative(-40 - tiny, logProbs[1]);
        AssertRelative(tiny * 41, entropies[0]);
        Assert.Equal(-1000f, logProbs[2]);
        Assert.Equal(0f, logProbs[3]);
        Assert.Equal(0f, entropies[2]);

        var gradients = new float[2];
        d.Gradients([40f, -1000f], 1, 2, [], [0f, 1f], [1f, 1f], 1.0, gradients, []);
        AssertRelative(-1 - 40 * tiny, gradients[0]);
        Assert.Equal(1f, gradients[1]);

        static void AssertRelative(double expected, float actual) =>
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected), $"Expected {expected}, got {actual}.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void One_block_is_bit_identical_to_the_single_categorical_algorithm(int n)
    {
        const int rows = 64;
        var stride = n + 2;
        var random = new RandomSource(n);
        var outputs = new float[rows * stride];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = (i % 17) switch
            {
                0 => -0f,
                1 => 80f,
                2 => -80f,
                3 => 1.5f, // ties with the next
                4 => 1.5f,
                _ => (float)(10 * random.NextDouble() - 5),
            };
        }
        var d = new CategoricalDistribution(n);
        var reference = new ReferenceCategorical(n);

        foreach (var deterministic in new[] { false, true })
        {
            var (a1, l1, r1) = (new float[rows], new float[rows], new RandomSource(3));
            var (a2, l2, r2) = (new float[rows], new float[rows], new RandomSource(3));
            d.Sample(outputs, stride, rows, [], deterministic, r1, a1, l1);
            reference.Sample(outputs, stride, rows, deterministic, r2, a2, l2);
            Assert.Equal(Bits(a2), Bits(a1));
            Assert.Equal(Bits(l2), Bits(l1));
            Assert.Equal(r2.NextUInt64(), r1.NextUInt64());
        }

        var actions = new float[rows];
        for (var i = 0; i < rows; i++)
            actions[i] = random.NextInt(n);
        var (lp1, h1, lp2, h2) = (new float[rows], new float[rows], new float[rows], new float[rows]);
        d.LogProbAndEntropy(outputs, stride, rows, [], actions, lp1, h1);
        reference.LogProbAndEntropy(outputs, stride, rows, actions, lp2, h2);
        Assert.Equal(Bits(lp2), Bits(lp1));
        Assert.Equal(Bits(h2), Bits(h1));

        var coefficients = new float[rows];
        for (var i = 0; i < rows; i++)
            coefficients[i] = (float)(4 * random.NextDouble() - 2);
        foreach (var entropyCoefficient in new[] { 0.0, 0.01, -0.3 })
        {
            var g1 = Enumerable.Repeat(42f, rows * stride).ToArray();
            var g2 = Enumerable.Repeat(42f, rows * stride).ToArray();
            d.Gradients(outputs, stride, rows, [], actions, coefficients, entropyCoefficient, g1, []);
            reference.Gradients(outputs, stride, rows, actions, coefficients, entropyCoefficient, g2);
            Assert.Equal(Bits(g2), Bits(g1));
        }
    }

    [Fact]
    public void Blocks_are_independent_categoricals_sampled_in_block_order()
    {
        int[] nvec = [3, 1, 4];
        const int rows = 20;
        const int stride = 9;
        var d = new CategoricalDistribution(nvec);
        var singles = Array.ConvertAll(nvec, n => new CategoricalDistribution(n));
        var random = new RandomSource(11);
        var outputs = new float[rows * stride];
        for (var i = 0; i < outputs.Length; i++)
            outputs[i] = (float)(6 * random.NextDouble() - 3);
        var actions = new float[rows * 3];
        var logProbs = new float[rows];
        d.Sample(outputs, stride, rows, [], false, new RandomSource(5), actions, logProbs);
        var entropies = new float[rows];
        var evaluated = new float[rows];
        d.LogProbAndEntropy(outputs, stride, rows, [], actions, evaluated, entropies);
        Assert.Equal(Bits(logProbs), Bits(evaluated));
        var coefficients = new float[rows];
        for (var i = 0; i < rows; i++)
            coefficients[i] = (float)(2 * random.NextDouble() - 1);
        var gradients = new float[rows * stride];
        d.Gradients(outputs, stride, rows, [], actions, coefficients, 0.2, gradients, []);

        var singleRandom = new RandomSource(5);
        var action = new float[1];
        var logProb = new float[1];
        var entropy = new float[1];
        for (var i = 0; i < rows; i++)
        {
            var (sumLogProb, sumEntropy, offset) = (0.0, 0.0, 0);
            for (var j = 0; j < nvec.Length; j++)
            {
                var logits = outputs.AsSpan(i * stride + offset, nvec[j]).ToArray();
                singles[j].Sample(logits, nvec[j], 1, [], false, singleRandom, action, logProb);
                Assert.Equal(action[0], actions[i * 3 + j]);
                singles[j].LogProbAndEntropy(logits, nvec[j], 1, [], action, logProb, entropy);
                sumLogProb += logProb[0];
                sumEntropy += entropy[0];
                var blockGradients = new float[nvec[j]];
                singles[j].Gradients(logits, nvec[j], 1, [], action, [coefficients[i]], 0.2, blockGradients, []);
                Assert.Equal(Bits(blockGradients), Bits(gradients.AsSpan(i * stride + offset, nvec[j]).ToArray()));
                offset += nvec[j];
            }
            Assert.Equal(sumLogProb, logProbs[i], 1e-5);
            Assert.Equal(sumEntropy, entropies[i], 1e-5);
        }
    }

    [Fact]
    public void MultiCategorical_samples_follow_the_probabilities_and_deterministic_takes_each_first_mode()
    {
        var d = new CategoricalDistribution(2, 3);
        double[] p0 = [1.0 / 3, 2.0 / 3];
        double[] p1 = [0.1, 0.2, 0.7];
        const int n = 30000;
        var logits = new float[n * 5];
        for (var i = 0; i < n; i++)
            new[] { 0f, (float)Math.Log(2), 0f, (float)Math.Log(2), (float)Math.Log(7) }.CopyTo(logits, i * 5);
        var actions = new float[2 * n];
        var logProbs = new float[n];
        d.Sample(logits, 5, n, [], false, new RandomSource(1), actions, logProbs);
        var counts = new int[2, 3];
        for (var i = 0; i < n; i++)
        {
            counts[(int)actions[2 * i], (int)actions[2 * i + 1]]++;
            Assert.Equal(Math.Log(p0[(int)actions[2 * i]] * p1[(int)actions[2 * i + 1]]), logProbs[i], 1e-5);
        }
        var chiSquare = 0.0;
        for (var a = 0; a < 2; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                var expected = n * p0[a] * p1[b];
                Assert.InRange(counts[a, b], expected - 4 * Math.Sqrt(expected), expected + 4 * Math.Sqrt(expected));
                chiSquare += (counts[a, b] - expected) * (counts[a, b] - expected) / expected;
            }
        }
        Assert.True(chiSquare < 20.5, $"chi-square {chiSquare} over 5 degrees of freedom (p < 0.001)."); // 20.5 is the 0.999 quantile

        var action = new float[2];
        var logProb = new float[1];
        d.Sample([1f, 1f, 0f, 2f, 2f], 5, 1, [], true, new RandomSource(1), action, logProb);
        Assert.Equal([0f, 1f], action);
        Assert.Equal(Math.Log(0.5) + Math.Log(Math.Exp(2) / (1 + 2 * Math.Exp(2))), logProb[0], 1e-6);
    }

    [Fact]
    public void Bernoulli_samples_follow_the_probabilities_and_deterministic_rounds_half_down()
    {
        var d = new BernoulliDistribution(4);
        double[] p = [0.75, 0.2, 0.5, 1 / (1 + Math.Exp(-5))];
        var row = new[] { (float)Math.Log(3), -(float)Math.Log(4), 0f, 5f };
        const int n = 30000;
        var outputs = new float[n * 4];
        for (var i = 0; i < n; i++)
            row.CopyTo(outputs, i * 4);
        var actions = new float[n * 4];
        var logProbs = new float[n];
        d.Sample(outputs, 4, n, [], false, new RandomSource(2), actions, logProbs);
        var ones = new int[4];
        var bothFirst = 0;
        for (var i = 0; i < n; i++)
        {
            var expectedLogProb = 0.0;
            for (var j = 0; j < 4; j++)
            {
                var a = actions[i * 4 + j];
                Assert.True(a is 0f or 1f);
                ones[j] += (int)a;
                expectedLogProb += Math.Log(a == 1f ? p[j] : 1 - p[j]);
            }
            bothFirst += (int)(actions[i * 4] * actions[i * 4 + 1]);
            Assert.Equal(expectedLogProb, logProbs[i], 1e-5);
        }
        for (var j = 0; j < 4; j++)
        {
            var std = Math.Sqrt(n * p[j] * (1 - p[j]));
            Assert.InRange(ones[j], n * p[j] - 4 * std, n * p[j] + 4 * std);
        }
        var joint = p[0] * p[1];
        Assert.InRange(bothFirst, n * joint - 4 * Math.Sqrt(n * joint * (1 - joint)), n * joint + 4 * Math.Sqrt(n * joint * (1 - joint)));

        var mode = new BernoulliDistribution(5);
        var action = new float[5];
        var logProb = new float[1];
        mode.Sample([0.001f, -0.001f, 0f, -0f, 1e-30f], 5, 1, [], true, new RandomSource(1), action, logProb);
        Assert.Equal([1f, 0f, 0f, 0f, 1f], action);
        Assert.Equal(-5 * Math.Log(2) + 0.001, logProb[0], 1e-5);
    }

    [Fact]
    public void Invalid_actions_and_block_sizes_are_clear_errors()
    {
        var multi = new CategoricalDistribution(2, 3);
        var e = Assert.Throws<ArgumentException>(() => multi.LogProbAndEntropy(new float[5], 5, 1, [], [1f, 3f], new float[1], new float[1]));
        Assert.Contains("Action 3 of block 1 is not an index in [0, 3)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => multi.Gradients(new float[5], 5, 1, [], [0.5f, 0f], [1f], 0, new float[5], []));
        Assert.Contains("Action 0.5 of block 0 is not an index in [0, 2)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => multi.LogProbAndEntropy(new float[5], 5, 1, [], [-1f, 0f], new float[1], new float[1]));
        Assert.Contains("Action -1 of block 0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => multi.LogProbAndEntropy(new float[10], 5, 2, [], [0f, 0f, 0f], new float[2], new float[2]));

        var bernoulli = new BernoulliDistribution(3);
        e = Assert.Throws<ArgumentException>(() => bernoulli.LogProbAndEntropy(new float[3], 3, 1, [], [0f, 2f, 1f], new float[1], new float[1]));
        Assert.Contains("Action 2 of element 1 is not 0 or 1", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => bernoulli.Gradients(new float[3], 3, 1, [], [0f, 1f, 0.5f], [1f], 0, new float[3], []));
        Assert.Contains("Action 0.5 of element 2 is not 0 or 1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => bernoulli.LogProbAndEntropy(new float[6], 3, 2, [], [0f, 1f, 0f], new float[2], new float[2]));

        Assert.Throws<ArgumentException>(() => new CategoricalDistribution());
        var sizes = Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalDistribution(2, 0));
        Assert.Contains("Block 1 has 0 actions", sizes.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BernoulliDistribution(0));
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    /// <summary>
    /// CategoricalDistribution's algorithm before it took blocks (commit 3b0b031), kept verbatim but for the batch checks:
    /// one block must reproduce it bit for bit, since trained runs and model files depend on it.
    /// </summary>
    private sealed class ReferenceCategorical(int actionCount)
    {
        private readonly double[] _logP = new double[actionCount];

        public void Sample(ReadOnlySpan<float> outputs, int stride, int count, bool deterministic, RandomSource random,
            Span<float> actions, Span<float> logProbs)
        {
            var logP = _logP.AsSpan();
            for (var i = 0; i < count; i++)
            {
                LogSoftmax(outputs.Slice(i * stride, actionCount), logP);
                int action;
                if (deterministic)
                {
                    action = 0;
                    for (var k = 1; k < logP.Length; k++)
                    {
                        if (logP[k] > logP[action])
                            action = k;
                    }
                }
                else
                {
                    var u = random.NextDouble();
                    action = logP.Length - 1;
                    var cumulative = 0.0;
                    for (var k = 0; k < logP.Length; k++)
                    {
                        cumulative += Math.Exp(logP[k]);
                        if (u < cumulative)
                        {
                            action = k;
                            break;
                        }
                    }
                }
                actions[i] = action;
                logProbs[i] = (float)logP[action];
            }
        }

        public void LogProbAndEntropy(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> actions,
            Span<float> logProbs, Span<float> entropies)
        {
            var logP = _logP.AsSpan();
            for (var i = 0; i < count; i++)
            {
                LogSoftmax(outputs.Slice(i * stride, actionCount), logP);
                logProbs[i] = (float)logP[(int)actions[i]];
                entropies[i] = (float)Entropy(logP);
            }
        }

        public void Gradients(ReadOnlySpan<float> outputs, int stride, int count, ReadOnlySpan<float> actions,
            ReadOnlySpan<float> logProbCoefficients, double entropyCoefficient, Span<float> gradients)
        {
            var logP = _logP.AsSpan();
            for (var i = 0; i < count; i++)
            {
                LogSoftmax(outputs.Slice(i * stride, actionCount), logP);
                var entropy = Entropy(logP);
                var action = (int)actions[i];
                double c = logProbCoefficients[i];
                var row = gradients.Slice(i * stride, actionCount);
                for (var k = 0; k < row.Length; k++)
                {
                    var p = Math.Exp(logP[k]);
                    var dLogProb = (k == action ? 1.0 : 0.0) - p;
                    var dEntropy = -p * (logP[k] + entropy);
                    row[k] = (float)(c * dLogProb + entropyCoefficient * dEntropy);
                }
            }
        }

        private static void LogSoftmax(ReadOnlySpan<float> logits, Span<double> logP)
        {
            double max = logits[0];
            for (var k = 1; k < logits.Length; k++)
                max = Math.Max(max, logits[k]);
            var sum = 0.0;
            for (var k = 0; k < logits.Length; k++)
                sum += Math.Exp(logits[k] - max);
            var logSum = max + Math.Log(sum);
            for (var k = 0; k < logits.Length; k++)
                logP[k] = logits[k] - logSum;
        }

        private static double Entropy(ReadOnlySpan<double> logP)
        {
            var h = 0.0;
            foreach (var lp in logP)
                h -= Math.Exp(lp) * lp;
            return h;
        }
    }
}
