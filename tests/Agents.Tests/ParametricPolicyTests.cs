using RLFramework.Agents.Parametric;

namespace RLFramework.Agents.Tests;

/// <summary>Exact derivatives of every parametric policy against central finite differences.</summary>
public sealed class ParametricPolicyTests
{
    public static TheoryData<string> PolicyKinds => ["linear-softmax", "mlp-softmax", "linear-gaussian", "mlp-gaussian"];

    private static IParametricPolicy Make(string kind) => kind switch
    {
        "linear-softmax" => SoftmaxPolicy.Linear(4, 3),
        "mlp-softmax" => SoftmaxPolicy.Neural(4, [5, 3], 3),
        "linear-gaussian" => GaussianPolicy.Linear(4, 2, initialLogStd: -0.3),
        "mlp-gaussian" => GaussianPolicy.Neural(4, [5, 3], 2, initialLogStd: 0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Random parameters of a realistic scale (initialization leaves the output layer nearly zero).</summary>
    private static (IParametricPolicy Policy, double[] Theta, double[] Observation, double[] Action) Setup(string kind, int seed)
    {
        var policy = Make(kind);
        var random = new Random(seed);
        var theta = new double[policy.ParameterCount];
        for (var i = 0; i < theta.Length; i++) theta[i] = random.NextDouble() * 1.6 - 0.8;
        var observation = new double[policy.ObservationSize];
        for (var i = 0; i < observation.Length; i++) observation[i] = random.NextDouble() * 2 - 1;
        var action = new double[policy.ActionSize];
        policy.Sample(theta, observation, random, action);
        return (policy, theta, observation, action);
    }

    [Theory]
    [MemberData(nameof(PolicyKinds))]
    public void Gradient_of_log_probability_matches_central_differences(string kind)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var (policy, theta, observation, action) = Setup(kind, seed);
            var gradient = new double[theta.Length];
            var logPi = policy.GradientLogProbability(theta, observation, action, gradient);
            Assert.Equal(policy.LogProbability(theta, observation, action), logPi, 12);
            const double h = 1e-6;
            for (var i = 0; i < theta.Length; i++)
            {
                var saved = theta[i];
                theta[i] = saved + h;
                var plus = policy.LogProbability(theta, observation, action);
                theta[i] = saved - h;
                var minus = policy.LogProbability(theta, observation, action);
                theta[i] = saved;
                Assert.True(Math.Abs((plus - minus) / (2 * h) - gradient[i]) < 1e-6 * (1 + Math.Abs(gradient[i])),
                    $"{kind} seed {seed} parameter {i}: finite difference {(plus - minus) / (2 * h)} vs exact {gradient[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PolicyKinds))]
    public void Hessian_vector_product_matches_central_differences_of_the_exact_gradient(string kind)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var (policy, theta, observation, action) = Setup(kind, seed);
            var random = new Random(100 + seed);
            var direction = new double[theta.Length];
            for (var i = 0; i < direction.Length; i++) direction[i] = random.NextDouble() * 2 - 1;
            var gradient = new double[theta.Length];
            var hessianVector = new double[theta.Length];
            policy.HessianVectorLogProbability(theta, observation, action, direction, gradient, hessianVector);

            var reference = new double[theta.Length];
            policy.GradientLogProbability(theta, observation, action, reference);
            Assert.Equal(reference, gradient, (a, b) => Math.Abs(a - b) < 1e-12);

            const double h = 1e-5;
            var plus = new double[theta.Length];
            var minus = new double[theta.Length];
            var shifted = new double[theta.Length];
            for (var i = 0; i < theta.Length; i++) shifted[i] = theta[i] + h * direction[i];
            policy.GradientLogProbability(shifted, observation, action, plus);
            for (var i = 0; i < theta.Length; i++) shifted[i] = theta[i] - h * direction[i];
            policy.GradientLogProbability(shifted, observation, action, minus);
            for (var i = 0; i < theta.Length; i++)
            {
                var finite = (plus[i] - minus[i]) / (2 * h);
                Assert.True(Math.Abs(finite - hessianVector[i]) < 1e-6 * (1 + Math.Abs(hessianVector[i])),
                    $"{kind} seed {seed} parameter {i}: finite difference {finite} vs exact {hessianVector[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PolicyKinds))]
    public void Hessian_vector_product_is_symmetric(string kind)
    {
        // u' H w = w' H u for the Hessian of log pi.
        var (policy, theta, observation, action) = Setup(kind, 7);
        var random = new Random(3);
        var u = new double[theta.Length];
        var w = new double[theta.Length];
        for (var i = 0; i < u.Length; i++) { u[i] = random.NextDouble() - 0.5; w[i] = random.NextDouble() - 0.5; }
        var gradient = new double[theta.Length];
        var hu = new double[theta.Length];
        var hw = new double[theta.Length];
        policy.HessianVectorLogProbability(theta, observation, action, u, gradient, hu);
        policy.HessianVectorLogProbability(theta, observation, action, w, gradient, hw);
        double wHu = 0, uHw = 0;
        for (var i = 0; i < u.Length; i++) { wHu += w[i] * hu[i]; uHw += u[i] * hw[i]; }
        Assert.Equal(wHu, uHw, 10);
    }

    [Fact]
    public void Softmax_samples_follow_the_probabilities()
    {
        var (policy, theta, observation, _) = Setup("mlp-softmax", 11);
        var probabilities = new double[3];
        for (var a = 0; a < 3; a++) probabilities[a] = Math.Exp(policy.LogProbability(theta, observation, [a]));
        Assert.Equal(1.0, probabilities.Sum(), 12);
        var random = new Random(5);
        var counts = new int[3];
        var action = new double[1];
        const int n = 40_000;
        for (var i = 0; i < n; i++)
        {
            policy.Sample(theta, observation, random, action);
            counts[(int)action[0]]++;
        }
        for (var a = 0; a < 3; a++)
            Assert.True(Math.Abs(counts[a] / (double)n - probabilities[a]) < 5 * Math.Sqrt(probabilities[a] * (1 - probabilities[a]) / n));
    }

    [Fact]
    public void Gaussian_samples_have_the_policy_mean_and_standard_deviation()
    {
        var policy = GaussianPolicy.Linear(2, 1, initialLogStd: Math.Log(0.5));
        double[] theta = [0.3, -0.2, 1.0, Math.Log(0.5)]; // mean = 0.3 s0 - 0.2 s1 + 1
        double[] observation = [1.0, 2.0];
        var random = new Random(9);
        var action = new double[1];
        double sum = 0, sumSquares = 0;
        const int n = 40_000;
        for (var i = 0; i < n; i++)
        {
            policy.Sample(theta, observation, random, action);
            sum += action[0];
            sumSquares += action[0] * action[0];
        }
        var mean = sum / n;
        Assert.Equal(0.9, mean, 0.01);
        Assert.Equal(0.25, sumSquares / n - mean * mean, 0.01);
        // log N(0.9 | 0.9, 0.25) = -log(0.5) - log(2 pi)/2
        Assert.Equal(-Math.Log(0.5) - 0.5 * Math.Log(2 * Math.PI), policy.LogProbability(theta, observation, [0.9]), 12);
    }

    [Fact]
    public void Mlp_backward_matches_central_differences_and_linear_layer_is_affine()
    {
        var mlp = new Mlp(3, [4], 2);
        var random = new Random(1);
        var theta = new double[mlp.ParameterCount];
        mlp.Initialize(theta, random);
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, mlp.ParameterCount);
        double[] input = [0.5, -1.0, 2.0];
        double[] weights = [0.7, -1.3]; // loss = weights . y
        var output = new double[2];
        mlp.Forward(theta, input, output);
        var gradient = new double[theta.Length];
        mlp.Backward(theta, weights, gradient);
        const double h = 1e-6;
        for (var i = 0; i < theta.Length; i++)
        {
            var saved = theta[i];
            theta[i] = saved + h;
            mlp.Forward(theta, input, output);
            var plus = weights[0] * output[0] + weights[1] * output[1];
            theta[i] = saved - h;
            mlp.Forward(theta, input, output);
            var minus = weights[0] * output[0] + weights[1] * output[1];
            theta[i] = saved;
            Assert.Equal((plus - minus) / (2 * h), gradient[i], 7);
        }

        var linear = new Mlp(2, [], 1);
        double[] affine = [2.0, -3.0, 0.5];
        var y = new double[1];
        linear.Forward(affine, [1.0, 1.0], y);
        Assert.Equal(-0.5, y[0], 15);
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        var adam = new AdamOptimizer(3, new AdamOptions { LearningRate = 0.01 });
        double[] parameters = [1.0, 1.0, 1.0];
        adam.Step(parameters, [2.0, -0.5, 0.0]);
        Assert.Equal(0.99, parameters[0], 9);
        Assert.Equal(1.01, parameters[1], 9);
        Assert.Equal(1.0, parameters[2], 15);
        // Minimizes a quadratic.
        double[] x = [5.0];
        var optimizer = new AdamOptimizer(1, new AdamOptions { LearningRate = 0.1 });
        for (var i = 0; i < 500; i++) optimizer.Step(x, [2 * (x[0] - 1.5)]);
        Assert.Equal(1.5, x[0], 2);
        Assert.Throws<ArgumentException>(() => new AdamOptions { Beta1 = 1.0 }.Validate());
    }

    [Fact]
    public void Mlp_trained_with_adam_fits_a_value_function_as_a_critic_would()
    {
        // Regression of sin(2x) on [-1, 1]: forward, output gradient of the squared error, backward, Adam.
        var critic = new Mlp(1, [8, 8], 1);
        var theta = new double[critic.ParameterCount];
        critic.Initialize(theta, new Random(3));
        var adam = new AdamOptimizer(theta.Length, new AdamOptions { LearningRate = 0.03 });
        var gradient = new double[theta.Length];
        var output = new double[1];
        double MeanSquaredError(bool accumulate)
        {
            var total = 0.0;
            for (var k = 0; k < 16; k++)
            {
                var x = -1.0 + 2.0 * k / 15;
                critic.Forward(theta, [x], output);
                var error = output[0] - Math.Sin(2 * x);
                total += error * error / 16;
                if (accumulate) critic.Backward(theta, [2 * error / 16], gradient);
            }
            return total;
        }
        var initial = MeanSquaredError(false);
        for (var step = 0; step < 600; step++)
        {
            Array.Clear(gradient);
            MeanSquaredError(true);
            adam.Step(theta, gradient);
        }
        var final = MeanSquaredError(false);
        Assert.True(final < 0.002 && final < initial / 20, $"error {initial} -> {final}");
    }

    [Fact]
    public void Hot_paths_do_not_allocate()
    {
        var (policy, theta, observation, action) = Setup("mlp-gaussian", 2);
        var gradient = new double[theta.Length];
        var hessianVector = new double[theta.Length];
        var random = new Random(0);
        policy.HessianVectorLogProbability(theta, observation, action, theta, gradient, hessianVector);
        policy.Sample(theta, observation, random, action);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            policy.Sample(theta, observation, random, action);
            policy.GradientLogProbability(theta, observation, action, gradient);
            policy.HessianVectorLogProbability(theta, observation, action, theta, gradient, hessianVector);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_clear_message()
    {
        var policy = SoftmaxPolicy.Linear(2, 2);
        var theta = new double[policy.ParameterCount];
        var ex = Assert.Throws<ArgumentException>(() => policy.LogProbability(theta, [0.0, 0.0], [2.0]));
        Assert.Contains("not an index", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => policy.LogProbability(new double[3], [0.0, 0.0], [0.0]));
        Assert.Throws<ArgumentException>(() => SoftmaxPolicy.Linear(2, 1));
        Assert.Throws<ArgumentException>(() => new Mlp(2, [0], 1));
    }
}
