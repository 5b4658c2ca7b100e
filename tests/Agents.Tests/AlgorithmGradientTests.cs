using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Tests.Fakes;
using RLFramework.Boosting;
using RLFramework.Environments.Spaces;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The per-sample gradients each algorithm hands to the booster equal N * dL/dF of its batch loss,
/// with the loss written here directly from the papers and differentiated numerically.
/// </summary>
public class AlgorithmGradientTests
{
    private static double LogSoftmax(double[] z, int a)
    {
        var max = z.Max();
        return z[a] - max - Math.Log(z.Sum(v => Math.Exp(v - max)));
    }

    private static double Entropy(double[] z)
    {
        var h = 0.0;
        for (var k = 0; k < z.Length; k++)
        {
            var lp = LogSoftmax(z, k);
            h -= Math.Exp(lp) * lp;
        }
        return h;
    }

    private static double[] Normalized(double[] a)
    {
        var mean = a.Average();
        var std = Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / (a.Length - 1));
        return [.. a.Select(v => (v - mean) / (std + 1e-8))];
    }

    /// <summary>Compares analytic rows with the numerical gradient of N * loss(F).</summary>
    private static void CheckGradients(Func<double[][], double> loss, double[][] outputs, float[] analytic, int k)
    {
        var n = outputs.Length;
        const double eps = 1e-4;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var saved = outputs[i][j];
                outputs[i][j] = saved + eps;
                var plus = loss(outputs);
                outputs[i][j] = saved - eps;
                var minus = loss(outputs);
                outputs[i][j] = saved;
                var numeric = n * (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(numeric - analytic[i * k + j]) <= 2e-3 * Math.Max(1, Math.Abs(numeric)),
                    $"row {i} output {j}: numeric {numeric}, analytic {analytic[i * k + j]}");
            }
        }
    }

    private static double[][] Rows(float[] flat, int n, int k) =>
        [.. Enumerable.Range(0, n).Select(i => flat.AsSpan(i * k, k).ToArray().Select(v => (double)v).ToArray())];

    /// <summary>
    /// The 16 rows of 4 outputs the booster held at its second fit (of two): a fresh booster of the same seed, with the
    /// first tree replayed, predicting on the second fit's features.
    /// </summary>
    private static double[][] OutputsAtSecondFit(FakeBooster booster)
    {
        var fits = booster.Fits;
        Assert.Equal(2, fits.Count);
        var replay = new FakeBooster(booster.FitOptions, FeatureSchema.Numerical(3), 0);
        replay.FitTree(fits[0].Features, fits[0].Gradients, fits[0].Count);
        var flat = new float[16 * 4];
        replay.Predict(fits[1].Features, 16, flat);
        return Rows(flat, 16, 4);
    }

    /// <summary>
    /// PPO's loss on the agent's last minibatch (its whole last rollout, in the last epoch's order) as a function of the
    /// outputs, written from the paper: clipped surrogate (eq. 7) - entCoef * entropy + vfCoef * 0.5 * (V - R)^2, with the
    /// advantages standardized over the minibatch. <paramref name="onRatio"/> sees every probability ratio.
    /// </summary>
    private static Func<double[][], double> PpoLoss(Ppo agent, double clip, double entCoef, double vfCoef, Action<double>? onRatio = null)
    {
        var buffer = agent.Buffer;
        var order = agent.LastEpochOrder.ToArray();
        var advantages = Normalized([.. order.Select(r => (double)buffer.Advantages[r])]);
        return f =>
        {
            var total = 0.0;
            for (var i = 0; i < f.Length; i++)
            {
                var row = order[i];
                var logits = f[i][..3];
                var ratio = Math.Exp(LogSoftmax(logits, (int)buffer.Actions[row]) - buffer.LogProbs[row]);
                onRatio?.Invoke(ratio);
                var pg = Math.Max(-advantages[i] * ratio, -advantages[i] * Math.Clamp(ratio, 1 - clip, 1 + clip));
                var valueLoss = 0.5 * (f[i][3] - buffer.Returns[row]) * (f[i][3] - buffer.Returns[row]);
                total += pg - (entCoef * Entropy(logits)) + (vfCoef * valueLoss);
            }
            return total / f.Length;
        };
    }

    [Fact]
    public void Ppo_gradients_are_the_clipped_surrogate_entropy_and_value_terms()
    {
        var made = new List<FakeBooster>();
        var options = new PpoOptions { NumEnvs = 2, NumSteps = 8, BatchSize = 16, Epochs = 2, EntCoef = 0.01, VfCoef = 0.87, ClipRange = 0.1, NormalizeReward = false };
        var policyOptions = new GbrlPolicyOptions { PolicyLearningRate = 3.0, ValueLearningRate = 0.1, MaxPolicyGradNorm = 0, MaxValueGradNorm = 0 };
        using var agent = new Ppo(new FakeVectorEnvironment([5, 7], [true, false], new Discrete(3)), options, policyOptions, seed: 1, boosters: FakeBooster.Factory(made));
        agent.Learn(16);

        var fits = made[0].Fits;
        var outputs = OutputsAtSecondFit(made[0]);

        var clippedSomewhere = false;
        var loss = PpoLoss(agent, clip: 0.1, entCoef: 0.01, vfCoef: 0.87, ratio => clippedSomewhere |= Math.Abs(ratio - 1) > 0.1);
        CheckGradients(loss, outputs, fits[1].Gradients, 4);
        Assert.True(clippedSomewhere, "the test should exercise the clipped branch");
    }

    [Fact]
    public void Ppo_with_linear_ent_coef_decay_uses_the_coefficient_times_the_progress_remaining()
    {
        // Two iterations of one 16-row rollout each: the second update is made with half of the run left, so its
        // entropy term has coefficient 0.5 * 0.5 (without the decay it would be 0.5, far outside the tolerance).
        var made = new List<FakeBooster>();
        var options = new PpoOptions { NumEnvs = 2, NumSteps = 8, BatchSize = 16, Epochs = 1, EntCoef = 0.5, LinearEntCoefDecay = true, VfCoef = 0.87, NormalizeReward = false };
        var policyOptions = new GbrlPolicyOptions { PolicyLearningRate = 3.0, ValueLearningRate = 0.1, MaxPolicyGradNorm = 0, MaxValueGradNorm = 0 };
        using var agent = new Ppo(new FakeVectorEnvironment([5, 7], [true, false], new Discrete(3)), options, policyOptions, seed: 2, boosters: FakeBooster.Factory(made));
        agent.Learn(32);

        var fits = made[0].Fits;
        var outputs = OutputsAtSecondFit(made[0]);

        CheckGradients(PpoLoss(agent, clip: 0.2, entCoef: 0.5 * 0.5, vfCoef: 0.87), outputs, fits[1].Gradients, 4);
    }

    [Theory]
    [InlineData(false, 1.0, 0.02)]
    [InlineData(false, 0.25, 0.02)]
    [InlineData(true, 1.0, 0.02)]
    [InlineData(true, 0.25, 0.005)]
    [InlineData(true, 0.0, 0.0)]
    [InlineData(true, -0.5, 0.0)]
    [InlineData(true, 1.5, 0.02)]
    public void The_entropy_coefficient_decays_linearly_only_when_asked(bool decay, double progressRemaining, double expected)
    {
        var options = new A2cOptions { EntCoef = 0.02, LinearEntCoefDecay = decay };
        Assert.Equal(expected, options.EntCoefAt(progressRemaining), 12);
    }

    [Fact]
    public void Ppo_gaussian_mean_gradients_match_the_loss()
    {
        var made = new List<FakeBooster>();
        var options = new PpoOptions { NumEnvs = 1, NumSteps = 12, BatchSize = 12, Epochs = 1, NormalizeReward = false, VfCoef = 0.5 };
        using var agent = new Ppo(new FakeVectorEnvironment([4], [false], new Box(-1f, 1f, 1)), options,
            new GbrlPolicyOptions { LogStdInit = -0.5, MaxPolicyGradNorm = 0, MaxValueGradNorm = 0 }, seed: 2, boosters: FakeBooster.Factory(made));
        agent.Learn(12);
        var fit = made[0].Fits[0];
        var fresh = new FakeBooster(made[0].FitOptions, FeatureSchema.Numerical(3), 0);
        var flat = new float[12 * 2];
        fresh.Predict(fit.Features, 12, flat);
        var outputs = Rows(flat, 12, 2);
        var buffer = agent.Buffer;
        var order = agent.LastEpochOrder.ToArray();
        var advantages = Normalized([.. order.Select(r => (double)buffer.Advantages[r])]);
        double Loss(double[][] f)
        {
            var total = 0.0;
            for (var i = 0; i < f.Length; i++)
            {
                var row = order[i];
                var sigma = Math.Exp(-0.5);
                var z = (buffer.Actions[row] - f[i][0]) / sigma;
                var logProb = -0.5 * z * z - -0.5 - 0.5 * Math.Log(2 * Math.PI);
                var ratio = Math.Exp(logProb - buffer.LogProbs[row]);
                total += Math.Max(-advantages[i] * ratio, -advantages[i] * Math.Clamp(ratio, 0.8, 1.2))
                    + 0.5 * 0.5 * (f[i][1] - buffer.Returns[row]) * (f[i][1] - buffer.Returns[row]);
            }
            return total / f.Length;
        }
        CheckGradients(Loss, outputs, fit.Gradients, 2);
    }

    [Fact]
    public void A2c_gradients_are_the_policy_gradient_entropy_and_squared_error_terms()
    {
        var made = new List<FakeBooster>();
        var options = new A2cOptions { NumEnvs = 3, NumSteps = 5, EntCoef = 0.02, VfCoef = 0.5, NormalizeReward = false, GaeLambda = 0.9 };
        using var agent = new A2c(new FakeVectorEnvironment([2, 3, 9], [false, true, false], new Discrete(2)), options,
            new GbrlPolicyOptions { MaxPolicyGradNorm = 0, MaxValueGradNorm = 0 }, seed: 4, boosters: FakeBooster.Factory(made));
        agent.Learn(15);
        var fit = made[0].Fits[0];
        var buffer = agent.Buffer;
        var outputs = Rows(buffer.Outputs, 15, 3);
        // The buffer outputs are those of collection time (A2C fits once per rollout and does not refresh them).
        var advantages = Normalized([.. buffer.Advantages.Select(a => (double)a)]);
        double Loss(double[][] f)
        {
            var total = 0.0;
            for (var i = 0; i < f.Length; i++)
            {
                var logits = f[i][..2];
                total += -advantages[i] * LogSoftmax(logits, (int)buffer.Actions[i]) - 0.02 * Entropy(logits)
                    + 0.5 * (f[i][2] - buffer.Returns[i]) * (f[i][2] - buffer.Returns[i]);
            }
            return total / f.Length;
        }
        CheckGradients(Loss, outputs, fit.Gradients, 3);
    }

    [Fact]
    public void Awr_weights_are_clamped_exponentiated_advantages_and_value_rows_are_the_half_squared_error()
    {
        var made = new List<FakeBooster>();
        var options = new AwrOptions { NumEnvs = 1, TrainFreq = 20, GradientSteps = 1, BatchSize = 8, BufferSize = 100, VfCoef = 0.5, Beta = 0.5, MaxWeight = 3 };
        using var agent = new Awr(new FakeVectorEnvironment([6], [true], new Discrete(2)), options,
            new GbrlPolicyOptions { MaxPolicyGradNorm = 0, MaxValueGradNorm = 0 }, seed: 5, boosters: FakeBooster.Factory(made));
        agent.Learn(20);
        var fit = made[0].Fits[0];
        var replay = agent.Replay;
        var advantages = Normalized([.. replay.Advantages.AsSpan(0, replay.Rows).ToArray().Select(a => (double)a)]);
        var fresh = new FakeBooster(made[0].FitOptions, FeatureSchema.Numerical(3), 0);
        var flat = new float[8 * 3];
        fresh.Predict(fit.Features, 8, flat);
        for (var i = 0; i < 8; i++)
        {
            var row = agent.LastMinibatchRows[i];
            Assert.Equal(replay.Observations.AsSpan(row * 3, 3).ToArray(), fit.Features.AsSpan(i * 3, 3).ToArray());
            var weight = Math.Min(Math.Exp(advantages[row] / 0.5), 3);
            var a = (int)replay.Actions[row];
            double[] logits = [flat[i * 3], flat[i * 3 + 1]];
            var p = Math.Exp(LogSoftmax(logits, 1 - a));
            // d(-w log p_a)/dz_a = -w (1 - p_a) = -w p_other
            Assert.Equal(-weight * p, fit.Gradients[i * 3 + a], 3);
            Assert.Equal(0.5 * (flat[i * 3 + 2] - replay.Returns[row]), fit.Gradients[i * 3 + 2], 3);
        }
    }
}
