using MathNet.Numerics.Integration;
using RLFramework.Agents.Parametric;
using RLFramework.Agents.PolicyGradient;

namespace RLFramework.Agents.Tests;

/// <summary>
/// The estimators and algorithms of <c>src/Agents/PolicyGradient</c> against the closed-form
/// objective of <see cref="TwoStateMdp"/>: exact expectations by enumerating every trajectory,
/// Monte Carlo means within five standard errors, schedules, determinism, divergence handling.
/// </summary>
public sealed class PolicyGradientTests
{
    private const int Horizon = 3;
    private const double Discount = 0.9;

    private static readonly double[] s_thetaPrevious = [0.3, -0.4, 0.1, 0.2, -0.3, 0.5];
    private static readonly double[] s_theta = [-0.2, 0.5, 0.6, -0.4, 0.2, 0.1];

    private static SoftmaxPolicy Policy() => SoftmaxPolicy.Linear(2, 2);

    private static TrajectoryBatch Single((int[] States, int[] Actions, double Probability) trajectory)
    {
        var batch = new TrajectoryBatch(Horizon, 2, 1);
        for (var t = 0; t < Horizon; t++)
            batch.Add(TwoStateMdp.OneHot(trajectory.States[t]), [trajectory.Actions[t]], TwoStateMdp.Rewards[trajectory.States[t], trajectory.Actions[t]]);
        batch.EndTrajectory();
        batch.ComputeWeights(Discount, null);
        return batch;
    }

    private static double[] Difference(double[] a, double[] b)
    {
        var d = new double[a.Length];
        for (var i = 0; i < a.Length; i++) d[i] = a[i] - b[i];
        return d;
    }

    [Fact]
    public void Gpomdp_estimate_averaged_over_every_trajectory_is_the_exact_gradient()
    {
        var policy = Policy();
        var estimator = new GpomdpEstimator(policy);
        var expected = new double[policy.ParameterCount];
        var g = new double[policy.ParameterCount];
        var total = 0.0;
        foreach (var trajectory in TwoStateMdp.Trajectories(policy, s_theta, Horizon))
        {
            estimator.Gradient(s_theta, Single(trajectory), g);
            for (var i = 0; i < g.Length; i++) expected[i] += trajectory.Probability * g[i];
            total += trajectory.Probability;
        }
        Assert.Equal(1.0, total, 12);
        var exact = TwoStateMdp.ObjectiveGradient(policy, s_theta, Horizon, Discount);
        Assert.Equal(exact, expected, (a, b) => Math.Abs(a - b) < 1e-8);
        Assert.True(exact.Max(Math.Abs) > 0.05);
    }

    [Fact]
    public void Harpg_correction_integrated_over_q_and_every_trajectory_is_the_gradient_difference()
    {
        var policy = Policy();
        var estimator = new GpomdpEstimator(policy);
        var u = Difference(s_theta, s_thetaPrevious);
        var integral = new double[policy.ParameterCount];
        var v = new double[policy.ParameterCount];
        var rule = new GaussLegendreRule(0.0, 1.0, 16);
        for (var k = 0; k < rule.Order; k++)
        {
            var q = rule.Abscissas[k];
            var point = new double[u.Length];
            for (var i = 0; i < u.Length; i++) point[i] = q * s_theta[i] + (1 - q) * s_thetaPrevious[i];
            foreach (var trajectory in TwoStateMdp.Trajectories(policy, point, Horizon))
            {
                estimator.Correction(point, u, Single(trajectory), v);
                for (var i = 0; i < v.Length; i++) integral[i] += rule.Weights[k] * trajectory.Probability * v[i];
            }
        }
        var exact = Difference(
            TwoStateMdp.ObjectiveGradient(policy, s_theta, Horizon, Discount),
            TwoStateMdp.ObjectiveGradient(policy, s_thetaPrevious, Horizon, Discount));
        Assert.Equal(exact, integral, (a, b) => Math.Abs(a - b) < 1e-8);
        Assert.True(exact.Max(Math.Abs) > 0.05);
    }

    /// <summary>Mean and standard error of <paramref name="samples"/> draws of a vector estimate.</summary>
    private static (double[] Mean, double[] StandardError) MonteCarlo(int parameters, int samples, Action<double[]> draw)
    {
        var sum = new double[parameters];
        var sumSquares = new double[parameters];
        var x = new double[parameters];
        for (var n = 0; n < samples; n++)
        {
            draw(x);
            for (var i = 0; i < parameters; i++)
            {
                sum[i] += x[i];
                sumSquares[i] += x[i] * x[i];
            }
        }
        var mean = new double[parameters];
        var error = new double[parameters];
        for (var i = 0; i < parameters; i++)
        {
            mean[i] = sum[i] / samples;
            error[i] = Math.Sqrt(Math.Max(sumSquares[i] / samples - mean[i] * mean[i], 0) / samples);
        }
        return (mean, error);
    }

    [Fact]
    public void Monte_Carlo_mean_of_the_sampled_gpomdp_estimate_matches_the_exact_gradient()
    {
        var policy = Policy();
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var random = new Random(17);
        var sampler = new TrajectorySampler(environment, policy, random, Horizon, seed: 3);
        var estimator = new GpomdpEstimator(policy);
        var batch = new TrajectoryBatch(Horizon, 2, 1);
        var (mean, error) = MonteCarlo(policy.ParameterCount, 20_000, g =>
        {
            sampler.Collect(s_theta, 1, batch);
            batch.ComputeWeights(Discount, null);
            estimator.Gradient(s_theta, batch, g);
        });
        var exact = TwoStateMdp.ObjectiveGradient(policy, s_theta, Horizon, Discount);
        for (var i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(mean[i] - exact[i]) < 5 * error[i] + 1e-9, $"component {i}: mean {mean[i]} exact {exact[i]} se {error[i]}");
    }

    [Fact]
    public void Monte_Carlo_mean_of_v_over_q_and_tau_hat_is_grad_J_theta_t_minus_grad_J_theta_t_minus_1()
    {
        var policy = Policy();
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var random = new Random(23);
        var sampler = new TrajectorySampler(environment, policy, random, Horizon, seed: 5);
        var estimator = new GpomdpEstimator(policy);
        var batch = new TrajectoryBatch(Horizon, 2, 1);
        var u = Difference(s_theta, s_thetaPrevious);
        var point = new double[u.Length];
        var (mean, error) = MonteCarlo(policy.ParameterCount, 40_000, v =>
        {
            var q = random.NextDouble();
            for (var i = 0; i < u.Length; i++) point[i] = q * s_theta[i] + (1 - q) * s_thetaPrevious[i];
            sampler.Collect(point, 1, batch);
            batch.ComputeWeights(Discount, null);
            estimator.Correction(point, u, batch, v);
        });
        var exact = Difference(
            TwoStateMdp.ObjectiveGradient(policy, s_theta, Horizon, Discount),
            TwoStateMdp.ObjectiveGradient(policy, s_thetaPrevious, Horizon, Discount));
        for (var i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(mean[i] - exact[i]) < 5 * error[i] + 1e-9, $"component {i}: mean {mean[i]} exact {exact[i]} se {error[i]}");
        // The test has power: the estimate is far from zero compared with its error.
        Assert.Contains(Enumerable.Range(0, exact.Length), i => Math.Abs(exact[i]) > 10 * error[i]);
    }

    [Fact]
    public void Baselines_fitted_on_earlier_batches_keep_the_estimate_unbiased()
    {
        // With a fixed baseline b(s, t), E[sum_t gamma^t b(s_t, t) grad log pi(a_t|s_t)] = 0.
        var policy = Policy();
        var estimator = new GpomdpEstimator(policy);
        var baseline = new LinearFeatureBaseline(2);
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var sampler = new TrajectorySampler(environment, policy, new Random(1), Horizon, seed: 1);
        var fitBatch = new TrajectoryBatch(500 + Horizon, 2, 1);
        sampler.Collect(s_theta, 500, fitBatch);
        baseline.Fit(fitBatch, Discount);
        Assert.NotEqual(0.0, baseline.Predict([1.0, 0.0], 0));
        var expected = new double[policy.ParameterCount];
        var g = new double[policy.ParameterCount];
        foreach (var trajectory in TwoStateMdp.Trajectories(policy, s_theta, Horizon))
        {
            var batch = Single(trajectory);
            batch.ComputeWeights(Discount, baseline);
            estimator.Gradient(s_theta, batch, g);
            for (var i = 0; i < g.Length; i++) expected[i] += trajectory.Probability * g[i];
        }
        var exact = TwoStateMdp.ObjectiveGradient(policy, s_theta, Horizon, Discount);
        Assert.Equal(exact, expected, (a, b) => Math.Abs(a - b) < 1e-8);
    }

    [Fact]
    public void Discounted_reward_to_go_weights_match_a_hand_computation()
    {
        var batch = new TrajectoryBatch(4, 1, 1);
        batch.Add([0.0], [0.0], 1.0);
        batch.Add([0.0], [0.0], 2.0);
        batch.EndTrajectory();
        batch.Add([0.0], [0.0], 4.0);
        batch.EndTrajectory();
        batch.ComputeWeights(0.5, null);
        Assert.Equal(1.0 + 0.5 * 2.0, batch.Weight(0), 15);
        Assert.Equal(0.5 * 2.0, batch.Weight(1), 15);
        Assert.Equal(4.0, batch.Weight(2), 15);
        Assert.Equal(2, batch.TrajectoryCount);
        Assert.Equal(3.5, batch.MeanReturn(), 15);
    }

    [Fact]
    public void Schedules_follow_the_paper()
    {
        Assert.Equal(0.1, PolicyGradientSchedules.VanillaStep(0.1, 0), 15);
        Assert.Equal(0.1 * Math.Pow(0.5, 2.0 / 3.0), PolicyGradientSchedules.VanillaStep(0.1, 2), 15);
        Assert.Equal(0.1 * 2.0 / 12.0, PolicyGradientSchedules.IgtStep(0.1, 10), 15);
        Assert.Equal(1.0, PolicyGradientSchedules.IgtMomentum(1.0, 0), 15);
        Assert.Equal(Math.Pow(2.0 / 12.0, 0.8), PolicyGradientSchedules.IgtMomentum(1.0, 10), 15);
        Assert.Equal(2.0 / 7.0, PolicyGradientSchedules.HarpgMomentum(1.0, 5), 15);
        Assert.Equal(0.1 * Math.Sqrt(2.0 / 7.0), PolicyGradientSchedules.HarpgStep(0.1, 5), 15);
        Assert.Equal(0.1 * 2.0 / 7.0, PolicyGradientSchedules.NHarpgStep(0.1, 5), 15);
    }

    [Fact]
    public void Iterations_report_the_schedules_and_harpg_pays_for_both_samples()
    {
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var options = new PolicyGradientOptions { Horizon = Horizon, Discount = Discount, StepSize = 0.2, Momentum = 0.5 };
        var harpg = PolicyGradientAlgorithm.Create(PolicyGradientMethod.Harpg, Policy(), environment, options);
        var first = harpg.Step();
        var second = harpg.Step();
        Assert.Equal(Horizon, first.EnvironmentSteps);
        Assert.Equal(3 * Horizon, second.EnvironmentSteps);
        Assert.Equal(0.2 * Math.Sqrt(2.0 / 3.0), second.StepSize, 15);
        Assert.Equal(0.5 * 2.0 / 3.0, second.Momentum, 15);

        var igt = PolicyGradientAlgorithm.Create(PolicyGradientMethod.NPgIgt, Policy(), environment, options with { BatchSteps = 10 });
        var step = igt.Step();
        Assert.Equal(12, step.EnvironmentSteps); // whole trajectories of 3 steps until at least 10
        Assert.Equal(4, step.Episodes);
        // Normalized step: the parameters move by exactly gamma_0.
        var moved = 0.0;
        var initial = new double[igt.Policy.ParameterCount];
        igt.Policy.Initialize(initial, new Random(options.Seed));
        for (var i = 0; i < initial.Length; i++) moved += (igt.Parameters[i] - initial[i]) * (igt.Parameters[i] - initial[i]);
        Assert.Equal(0.2, Math.Sqrt(moved), 12);
    }

    public static TheoryData<PolicyGradientMethod> Methods =>
        [PolicyGradientMethod.Vanilla, PolicyGradientMethod.Normalized, PolicyGradientMethod.NPgIgt, PolicyGradientMethod.Harpg, PolicyGradientMethod.NHarpg];

    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_method_raises_the_exact_objective_and_is_reproducible(PolicyGradientMethod method)
    {
        var options = new PolicyGradientOptions
        {
            Horizon = Horizon, Discount = Discount, StepSize = 1.0, BatchSteps = 30, Baseline = PolicyGradientBaseline.LinearFeature, Seed = 4,
        };
        double[] Run(PolicyGradientOptions o)
        {
            using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
            var algorithm = PolicyGradientAlgorithm.Create(method, Policy(), environment, o);
            algorithm.Train(3_000);
            Assert.True(algorithm.EnvironmentSteps >= 3_000);
            return algorithm.Parameters.ToArray();
        }
        var policy = Policy();
        var initial = new double[policy.ParameterCount];
        policy.Initialize(initial, new Random(options.Seed));
        var before = TwoStateMdp.Objective(policy, initial, Horizon, Discount);
        var after = Run(options);
        Assert.True(TwoStateMdp.Objective(policy, after, Horizon, Discount) > before + 0.3,
            $"{method}: J went from {before} to {TwoStateMdp.Objective(policy, after, Horizon, Discount)}");
        Assert.Equal(after, Run(options));
        Assert.NotEqual(after, Run(options with { Seed = 5 }));
    }

    [Fact]
    public void Gaussian_policy_learns_a_continuous_tracking_task_with_clipped_actions()
    {
        using var environment = PolicyGradientEnvironment.Create(new TrackingTask());
        var options = new PolicyGradientOptions { Horizon = 5, Discount = 1.0, StepSize = 0.5, BatchSteps = 200, Baseline = PolicyGradientBaseline.MeanReturn, Seed = 2 };
        var algorithm = PolicyGradientAlgorithm.Create(PolicyGradientMethod.NHarpg, GaussianPolicy.Linear(1, 1), environment, options);
        var returns = new List<double>();
        algorithm.Train(20_000, r => returns.Add(r.MeanReturn));
        // Mean weight 0.5 on the observation; the return is dominated by the policy's variance, which shrinks.
        Assert.True(returns[^5..].Average() > returns[..5].Average() + 1.0, $"first {returns[..5].Average()} last {returns[^5..].Average()}");
        Assert.Equal(0.5, algorithm.Parameters[0], 0.15);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void An_iteration_without_a_fitted_baseline_does_not_allocate(PolicyGradientMethod method)
    {
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var algorithm = PolicyGradientAlgorithm.Create(method, SoftmaxPolicy.Neural(2, [8], 2), environment,
            new PolicyGradientOptions { Horizon = Horizon, Discount = Discount, BatchSteps = 20, Baseline = PolicyGradientBaseline.MeanReturn });
        algorithm.Step();
        algorithm.Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) algorithm.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_nan_gradient_stops_training_naming_the_iteration_and_leaves_the_parameters()
    {
        // Single-trajectory mode: 3 steps per iteration; the reward is NaN from step 9 on (iteration 3).
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp(nanFromStep: 9));
        var algorithm = PolicyGradientAlgorithm.Create(PolicyGradientMethod.Vanilla, Policy(), environment,
            new PolicyGradientOptions { Horizon = Horizon, Discount = Discount });
        for (var i = 0; i < 3; i++) algorithm.Step();
        var before = algorithm.Parameters.ToArray();
        var ex = Assert.Throws<PolicyGradientDivergedException>(() => algorithm.Step());
        Assert.Equal(3, ex.Iteration);
        Assert.Equal("gradient", ex.Quantity);
        Assert.Contains("iteration 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, algorithm.Parameters.ToArray());
        Assert.Equal(3, algorithm.Iteration);
    }

    [Fact]
    public void A_nan_hessian_vector_product_stops_harpg_naming_the_iteration_and_leaves_the_parameters()
    {
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var policy = new NanHessianPolicy(Policy(), nanAfterCalls: 7);
        var algorithm = PolicyGradientAlgorithm.Create(PolicyGradientMethod.NHarpg, policy, environment,
            new PolicyGradientOptions { Horizon = Horizon, Discount = Discount });
        algorithm.Step();
        algorithm.Step(); // 3 Hessian-vector calls
        algorithm.Step(); // 6
        var before = algorithm.Parameters.ToArray();
        var ex = Assert.Throws<PolicyGradientDivergedException>(() => algorithm.Step());
        Assert.Equal(3, ex.Iteration);
        Assert.Equal("Hessian-vector correction", ex.Quantity);
        Assert.Contains("N-HARPG", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, algorithm.Parameters.ToArray());
    }

    [Fact]
    public void Bad_options_and_mismatched_policies_are_rejected()
    {
        Assert.Contains("Momentum", Assert.Throws<ArgumentException>(() => new PolicyGradientOptions { Momentum = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("Horizon", Assert.Throws<ArgumentException>(() => new PolicyGradientOptions { Horizon = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("BatchSteps", Assert.Throws<ArgumentException>(() => new PolicyGradientOptions { BatchSteps = 0 }.Validate()).Message, StringComparison.Ordinal);
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        Assert.Throws<ArgumentException>(() => new VanillaPolicyGradient(SoftmaxPolicy.Linear(3, 2), environment, new PolicyGradientOptions()));
        Assert.Throws<ArgumentException>(() => new VanillaPolicyGradient(SoftmaxPolicy.Linear(2, 3), environment, new PolicyGradientOptions()));
        Assert.Throws<ArgumentException>(() => new VanillaPolicyGradient(GaussianPolicy.Linear(2, 2), environment, new PolicyGradientOptions()));
    }

    /// <summary>Delegates to a policy but returns a NaN Hessian-vector product from a given call on.</summary>
    private sealed class NanHessianPolicy(IParametricPolicy inner, int nanAfterCalls) : IParametricPolicy
    {
        private int _calls;

        public int ParameterCount => inner.ParameterCount;

        public int ObservationSize => inner.ObservationSize;

        public int ActionSize => inner.ActionSize;

        public void Initialize(Span<double> parameters, Random random) => inner.Initialize(parameters, random);

        public void Sample(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, Random random, Span<double> action) =>
            inner.Sample(parameters, observation, random, action);

        public double LogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action) =>
            inner.LogProbability(parameters, observation, action);

        public double GradientLogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> gradient) =>
            inner.GradientLogProbability(parameters, observation, action, gradient);

        public double HessianVectorLogProbability(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation, ReadOnlySpan<double> action,
            ReadOnlySpan<double> direction, Span<double> gradient, Span<double> hessianVector)
        {
            var result = inner.HessianVectorLogProbability(parameters, observation, action, direction, gradient, hessianVector);
            if (++_calls >= nanAfterCalls) hessianVector[0] = double.NaN;
            return result;
        }
    }
}
