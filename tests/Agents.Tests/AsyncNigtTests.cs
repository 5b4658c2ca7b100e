using RLFramework.Agents.Parametric;
using RLFramework.Agents.PolicyGradient;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Agents.Tests;

/// <summary>
/// Rennala, Malenia and synchronous NIGT (<see cref="AsyncNigt"/>): the schedule of jobs on the simulated
/// clock against hand-worked timelines and Rennala's time bound, the estimates against the exact gradient of
/// <see cref="TwoStateMdp"/>, one worker against <see cref="NPgIgt"/> bit for bit, and the threaded pool
/// against the simulated one where the result must not depend on arrival order.
/// </summary>
public sealed class AsyncNigtTests
{
    private const double Discount = 0.9;

    private static SoftmaxPolicy Policy() => SoftmaxPolicy.Linear(2, 2);

    private static PolicyGradientEnvironment Mdp(int worker) => PolicyGradientEnvironment.Create(new TwoStateMdp());

    private static AsyncNigtOptions Options(int workers, GradientAggregation aggregation, int gradients, double[]? seconds, int horizon = 1, double stepSize = 0.1) => new()
    {
        PolicyGradient = new PolicyGradientOptions { Horizon = horizon, Discount = Discount, StepSize = stepSize, Seed = 5 },
        Workers = workers,
        Aggregation = aggregation,
        GradientsPerIteration = gradients,
        SimulatedStepSeconds = seconds,
    };

    private static List<AsyncNigtIteration> Run(AsyncNigtOptions options, int iterations, Func<int, PolicyGradientEnvironment>? environment = null)
    {
        using var algorithm = new AsyncNigt(Policy, environment ?? Mdp, options);
        var results = new List<AsyncNigtIteration>();
        for (var i = 0; i < iterations; i++) results.Add(algorithm.Step());
        return results;
    }

    [Fact]
    public void Rennala_on_two_workers_follows_the_hand_worked_timeline()
    {
        // Horizon 1: every job is one step. Worker 0 takes 1 s, worker 1 takes 3 s; B = 2.
        // t=0: both start at p0; w0 delivers at 1 and 2 -> iteration 0 ends at 2 (w1 still on p0).
        // w0 restarts on p1, delivers at 3; w1 delivers p0's gradient at 3 (discarded), restarts on p1 (due 6);
        // w0 delivers at 4 -> iteration 1 ends at 4. w0: 5, 6 -> iteration 2 ends at 6 (w1's p1 gradient, due 6,
        // comes after w0's on the tie). Iteration 3: w1's p1 gradient is discarded at 6; w0 delivers at 7 and 8.
        var results = Run(Options(2, GradientAggregation.Rennala, 2, [1.0, 3.0]), 4);
        Assert.Equal([2.0, 4.0, 6.0, 8.0], results.Select(r => r.Time));
        Assert.Equal([0, 1, 0, 1], results.Select(r => r.Discarded));
        Assert.All(results, r => Assert.Equal(2, r.Accepted));
        Assert.Equal([2L, 5L, 7L, 10L], results.Select(r => r.EnvironmentSteps));
        using var algorithm = new AsyncNigt(Policy, Mdp, Options(2, GradientAggregation.Rennala, 2, [1.0, 3.0]));
        for (var i = 0; i < 4; i++) algorithm.Step();
        Assert.Equal(2, algorithm.DiscardedSteps);
    }

    [Fact]
    public void Duration_aware_quotas_follow_the_hand_worked_timeline_and_waste_nothing()
    {
        // Same workers as above. Iteration 0: nothing measured, both count 1 s per gradient: quotas (1, 1), ends at 3.
        // Then 1 s and 3 s are known: the greedy gives both gradients to worker 0 (its 2nd is done at 2 s, worker 1's
        // 1st at 3 s), so every later iteration takes 2 s and worker 1 rests.
        var results = Run(Options(2, GradientAggregation.DurationAware, 2, [1.0, 3.0]), 4);
        Assert.Equal([3.0, 5.0, 7.0, 9.0], results.Select(r => r.Time));
        Assert.All(results, r => Assert.Equal((2, 0), (r.Accepted, r.Discarded)));
        Assert.Equal([2L, 4L, 6L, 8L], results.Select(r => r.EnvironmentSteps));
    }

    [Fact]
    public void Duration_aware_quotas_go_to_the_workers_that_would_finish_first()
    {
        // Worker 0: 1 s per step, worker 1: 2 s; horizon 4, so a gradient takes 4 s and 8 s. B = 3.
        // Iteration 0: quotas (2, 1) from the fallback; ends at 8 (w0 at 4 and 8, w1 at 8).
        // Iteration 1 at 8: both idle, 4 s and 8 s per gradient: w0 at 4, w1 at 8, w0 again at 8 (tie: lower index),
        // so quotas (2, 1) again, and so on: 8 s per iteration, nothing discarded.
        var results = Run(Options(2, GradientAggregation.DurationAware, 3, [1.0, 2.0], horizon: 4), 3);
        Assert.Equal([8.0, 16.0, 24.0], results.Select(r => r.Time));
        Assert.All(results, r => Assert.Equal((3, 0), (r.Accepted, r.Discarded)));
    }

    [Fact]
    public void A_resting_worker_is_tried_again_once_its_decayed_rate_would_finish_first()
    {
        // 1 s and 3 s per step, horizon 1, B = 2: from iteration 1 worker 0 takes both gradients (2 s) and worker 1
        // rests, its 3 s shrinking by RestDecay per rest. Once 3 d^k < 2 it gets a gradient: that iteration takes
        // 3 s, and its measurement (3 s again) replaces the decayed rate, so the next return is k rests later.
        var k = 1;
        while (3 * Math.Pow(AsyncNigt.RestDecay, k) >= 2) k++;
        var results = Run(Options(2, GradientAggregation.DurationAware, 2, [1.0, 3.0]), 2 * k + 4);
        var durations = results.Select((r, i) => r.Time - (i == 0 ? 0 : results[i - 1].Time)).ToList();
        var slow = Enumerable.Range(1, durations.Count - 1).Where(i => durations[i] == 3.0).ToList();
        Assert.Equal([k + 1, 2 * k + 2], slow);
        Assert.All(Enumerable.Range(1, durations.Count - 1).Except(slow), i => Assert.Equal(2.0, durations[i]));
    }

    [Fact]
    public void Synchronous_waits_for_the_slowest_worker_every_iteration()
    {
        var results = Run(Options(2, GradientAggregation.Synchronous, 2, [1.0, 3.0]), 3);
        Assert.Equal([3.0, 6.0, 9.0], results.Select(r => r.Time));
        Assert.All(results, r => Assert.Equal((2, 0), (r.Accepted, r.Discarded)));
    }

    [Fact]
    public void Malenia_on_two_workers_follows_the_hand_worked_timeline()
    {
        // S = 2, n = 2: the iteration ends once both delivered and 1/b0 + 1/b1 <= n^2/S = 2, i.e. at w1's first.
        // Iteration 0: w0 at 1, 2, 3 (b0 = 3), w1 at 3 -> ends at 3 with 4 accepted.
        // Iteration 1: w1 restarts on p1 (due 6); w0's p0 job (due 4) is discarded; w0 at 5, 6; w1 at 6.
        var results = Run(Options(2, GradientAggregation.Malenia, 2, [1.0, 3.0]), 2);
        Assert.Equal([3.0, 6.0], results.Select(r => r.Time));
        Assert.Equal([4, 3], results.Select(r => r.Accepted));
        Assert.Equal([0, 1], results.Select(r => r.Discarded));
    }

    [Fact]
    public void Malenia_waits_until_the_harmonic_mean_of_the_counts_reaches_S_over_n()
    {
        // S = 6, n = 2: 1/b0 + 1/b1 <= 4/6. With 1 s and 3 s per job: at 3 s b = (3, 1): 1.33; at 6 s (6, 2): 0.67 -> ends.
        var results = Run(Options(2, GradientAggregation.Malenia, 6, [1.0, 3.0]), 1);
        Assert.Equal(6.0, results[0].Time);
        Assert.Equal(8, results[0].Accepted);
    }

    [Fact]
    public void Every_Rennala_iteration_ends_within_the_time_bound_of_the_fastest_workers()
    {
        // A worker mid-job when an iteration starts hands in at most one stale gradient, then a fresh one every
        // tau_i: within time T it delivers at least T/tau_i - 2 fresh ones. So an iteration lasts at most
        // min over m of (B + 2m) / sum_{i<=m} 1/tau_i (workers sorted by speed).
        var random = new Random(11);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = 1 + random.Next(6);
            var tau = Enumerable.Range(0, n).Select(_ => 0.1 + 10 * random.NextDouble() * random.NextDouble()).ToArray();
            var b = 1 + random.Next(12);
            var sorted = tau.Order().ToArray();
            var bound = double.PositiveInfinity;
            var rate = 0.0;
            for (var m = 1; m <= n; m++)
            {
                rate += 1 / sorted[m - 1];
                bound = Math.Min(bound, (b + 2 * m) / rate);
            }
            var results = Run(Options(n, GradientAggregation.Rennala, b, tau), 30);
            var start = 0.0;
            foreach (var r in results)
            {
                Assert.True(r.Time - start <= bound + 1e-9, $"trial {trial}: iteration {r.Iteration} took {r.Time - start}, bound {bound} (tau {string.Join(", ", tau)}, B {b})");
                Assert.Equal(b, r.Accepted);
                start = r.Time;
            }
        }
    }

    [Fact]
    public void One_worker_with_one_gradient_per_iteration_is_n_pg_igt_bit_for_bit_on_either_clock()
    {
        var policyOptions = new PolicyGradientOptions { Horizon = 6, Discount = Discount, StepSize = 0.3, Momentum = 0.7, BatchSteps = 20, Baseline = PolicyGradientBaseline.LinearFeature, Seed = 9 };
        using var environment = PolicyGradientEnvironment.Create(new TwoStateMdp());
        var reference = new NPgIgt(Policy(), environment, policyOptions);
        var expected = new List<double[]>();
        var iterations = new List<PolicyGradientIteration>();
        for (var i = 0; i < 25; i++)
        {
            iterations.Add(reference.Step());
            expected.Add(reference.Parameters.ToArray());
        }

        foreach (var seconds in new[] { [0.5], (double[]?)null })
        {
            using var algorithm = new AsyncNigt(Policy, Mdp, new AsyncNigtOptions { PolicyGradient = policyOptions, Workers = 1, GradientsPerIteration = 1, SimulatedStepSeconds = seconds });
            for (var i = 0; i < 25; i++)
            {
                var r = algorithm.Step();
                Assert.Equal(expected[i], algorithm.Parameters.ToArray());
                Assert.Equal((iterations[i].MeanReturn, iterations[i].DirectionNorm, iterations[i].StepSize, iterations[i].Momentum), (r.MeanReturn, r.DirectionNorm, r.StepSize, r.Momentum));
            }
            Assert.Equal(reference.EnvironmentSteps, algorithm.EnvironmentSteps);
        }
    }

    [Fact]
    public void The_synchronous_estimate_does_not_depend_on_the_arrival_order()
    {
        var simulated = Options(3, GradientAggregation.Synchronous, 3, [3.0, 1.0, 2.0], horizon: 4);
        var parameters = new List<double[]>();
        foreach (var options in new[] { simulated, simulated with { SimulatedStepSeconds = [1.0, 2.0, 3.0] }, simulated with { SimulatedStepSeconds = null } })
        {
            using var algorithm = new AsyncNigt(Policy, Mdp, options);
            algorithm.Train(600);
            parameters.Add(algorithm.Parameters.ToArray());
        }
        Assert.Equal(parameters[0], parameters[1]);
        Assert.Equal(parameters[0], parameters[2]);
    }

    [Fact]
    public void A_simulated_run_repeats_bit_for_bit_from_its_seed()
    {
        var options = Options(4, GradientAggregation.Rennala, 3, [1.0, 1.7, 2.2, 9.0], horizon: 5);
        double[] Once()
        {
            using var algorithm = new AsyncNigt(Policy, Mdp, options);
            algorithm.Train(2000);
            return algorithm.Parameters.ToArray();
        }
        Assert.Equal(Once(), Once());
    }

    /// <summary>Mean and standard error of the estimate g over many iterations at a point that barely moves.</summary>
    private static (double[] Mean, double[] Error, double[] Point) MeanEstimate(AsyncNigtOptions options, Func<int, PolicyGradientEnvironment> environment, int iterations, Func<IParametricPolicy>? policy = null)
    {
        using var algorithm = new AsyncNigt(policy ?? Policy, environment, options with { PolicyGradient = options.PolicyGradient with { StepSize = 1e-12 } });
        var p = algorithm.Policy.ParameterCount;
        var sum = new double[p];
        var squares = new double[p];
        for (var k = 0; k < iterations; k++)
        {
            algorithm.Step();
            var g = algorithm.LastEstimate;
            for (var i = 0; i < p; i++)
            {
                sum[i] += g[i];
                squares[i] += g[i] * g[i];
            }
        }
        var mean = sum.Select(s => s / iterations).ToArray();
        var error = mean.Select((m, i) => Math.Sqrt(Math.Max(squares[i] / iterations - m * m, 0) / iterations)).ToArray();
        return (mean, error, algorithm.Parameters.ToArray());
    }

    [Fact]
    public void The_workers_sample_independently_so_averaging_three_divides_the_variance_by_three()
    {
        // Workers drawing the same random numbers would hand in the same gradient. Independent streams (seed + i) make
        // the variance of the synchronous mean of three a third of one worker's; were workers 1 and 2 to share a stream,
        // it would be 5/9.
        const int horizon = 2;
        var (_, one, _) = MeanEstimate(Options(1, GradientAggregation.Synchronous, 1, [1.0], horizon), Mdp, 8000);
        var (_, three, _) = MeanEstimate(Options(3, GradientAggregation.Synchronous, 3, [1.0, 1.0, 1.0], horizon), Mdp, 8000);
        for (var i = 0; i < one.Length; i++)
        {
            // error = std / sqrt(iterations), so the squared ratio is the ratio of the variances.
            var ratio = three[i] * three[i] / (one[i] * one[i]);
            Assert.InRange(ratio, 0.26, 0.42);
        }
    }

    private static PolicyGradientEnvironment Scaled(int worker) =>
        PolicyGradientEnvironment.Create(new TransformReward<ReadOnlyMemory<float>, int>(new TwoStateMdp(), r => worker == 0 ? r : 3 * r));

    [Fact]
    public void Rennala_estimates_the_gradient_of_the_shared_objective()
    {
        const int horizon = 3;
        var options = Options(3, GradientAggregation.Rennala, 4, [1.0, 2.5, 6.0], horizon);
        var (mean, error, point) = MeanEstimate(options, Mdp, 6000);
        var exact = TwoStateMdp.ObjectiveGradient(Policy(), point, horizon, Discount);
        for (var i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(mean[i] - exact[i]) < 5 * error[i] + 1e-9, $"component {i}: mean {mean[i]} exact {exact[i]} se {error[i]}");
    }

    [Fact]
    public void Malenia_weighs_every_worker_equally_however_fast_it_is_and_Rennala_does_not()
    {
        // Worker 1's rewards are 3x worker 0's, and it is 5x slower: the mean objective's gradient is
        // (1 + 3)/2 grad J = 2 grad J. Malenia estimates it; Rennala leans to the fast worker's grad J.
        const int horizon = 3;
        var malenia = Options(2, GradientAggregation.Malenia, 4, [1.0, 5.0], horizon);
        var (mean, error, point) = MeanEstimate(malenia, Scaled, 6000);
        var exact = TwoStateMdp.ObjectiveGradient(Policy(), point, horizon, Discount);
        for (var i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(mean[i] - 2 * exact[i]) < 5 * error[i] + 1e-9, $"component {i}: mean {mean[i]} expected {2 * exact[i]} se {error[i]}");

        var (rennala, rennalaError, _) = MeanEstimate(malenia with { Aggregation = GradientAggregation.Rennala }, Scaled, 6000);
        var largest = Array.IndexOf(exact, exact.MaxBy(Math.Abs));
        Assert.True(Math.Abs(rennala[largest] - 2 * exact[largest]) > 5 * rennalaError[largest], $"Rennala's mean {rennala[largest]} should miss {2 * exact[largest]}");
    }

    [Fact]
    public void When_durations_depend_on_the_sample_Rennala_is_biased_and_duration_aware_quotas_are_not()
    {
        // GoOn: a long episode has a high return and takes long. Three equally fast workers, B = 2, one
        // trajectory per gradient: Rennala takes the two jobs that finish first, i.e. the shorter episodes.
        var options = Options(3, GradientAggregation.Rennala, 2, [1.0, 1.0, 1.0], GoOn.Horizon);
        var (quota, quotaError, point) = MeanEstimate(options with { Aggregation = GradientAggregation.DurationAware }, GoOn.Create, 20_000, Policy1);
        var exact = GoOn.ObjectiveGradient(Policy1(), point, Discount);
        for (var i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(quota[i] - exact[i]) < 5 * quotaError[i] + 1e-9, $"duration-aware, component {i}: mean {quota[i]} exact {exact[i]} se {quotaError[i]}");

        var (rennala, rennalaError, _) = MeanEstimate(options, GoOn.Create, 20_000, Policy1);
        var largest = Array.IndexOf(exact, exact.MaxBy(Math.Abs));
        Assert.True(Math.Abs(rennala[largest] - exact[largest]) > 8 * rennalaError[largest], $"Rennala's mean {rennala[largest]} should miss {exact[largest]} (se {rennalaError[largest]})");
    }

    private static SoftmaxPolicy Policy1() => SoftmaxPolicy.Linear(1, 2);

    /// <summary>
    /// One state (observation 1), two actions: 0 pays 1 and goes on, 1 pays 0 and ends the episode. With p =
    /// pi(0), J_H = sum_{t&lt;H} gamma^t p^(t+1).
    /// </summary>
    private sealed class GoOn : Environments.IEnvironment<ReadOnlyMemory<float>, int>
    {
        public const int Horizon = 6;

        private readonly float[] _observation = [1f];

        public Environments.Spaces.Space ObservationSpace { get; } = new Environments.Spaces.Box(0f, 1f, 1);

        public Environments.Spaces.Space ActionSpace { get; } = new Environments.Spaces.Discrete(2);

        public Environments.EnvironmentSpec? Spec => null;

        public static PolicyGradientEnvironment Create(int worker) => PolicyGradientEnvironment.Create(new GoOn());

        public Environments.ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => new(_observation, Environments.StepInfo.Empty);

        public Environments.StepResult<ReadOnlyMemory<float>> Step(int action) =>
            new(_observation, action == 0 ? 1.0 : 0.0, action == 1, false, Environments.StepInfo.Empty);

        public void Dispose()
        {
        }

        public static double Objective(IParametricPolicy policy, double[] theta, double discount)
        {
            var p = Math.Exp(policy.LogProbability(theta, [1.0], [0.0]));
            var j = 0.0;
            for (var t = 0; t < Horizon; t++) j += Math.Pow(discount, t) * Math.Pow(p, t + 1);
            return j;
        }

        public static double[] ObjectiveGradient(IParametricPolicy policy, double[] theta, double discount)
        {
            var gradient = new double[theta.Length];
            const double h = 1e-5;
            for (var i = 0; i < theta.Length; i++)
            {
                var shifted = (double[])theta.Clone();
                shifted[i] = theta[i] + h;
                var plus = Objective(policy, shifted, discount);
                shifted[i] = theta[i] - h;
                gradient[i] = (plus - Objective(policy, shifted, discount)) / (2 * h);
            }
            return gradient;
        }
    }

    [Fact]
    public void Threaded_workers_learn_and_account_for_every_gradient()
    {
        const int horizon = 5;
        var options = Options(3, GradientAggregation.Rennala, 4, null, horizon, stepSize: 0.5);
        using var algorithm = new AsyncNigt(Policy, Mdp, options);
        var initial = TwoStateMdp.Objective(Policy(), algorithm.Parameters.ToArray(), horizon, Discount);
        var jobs = 0;
        var discarded = 0;
        var last = default(AsyncNigtIteration);
        algorithm.Train(4000, r =>
        {
            Assert.Equal(4, r.Accepted);
            jobs += r.Accepted + r.Discarded;
            discarded += r.Discarded;
            last = r;
        });
        // Every job is one trajectory of exactly `horizon` steps (the MDP never ends an episode).
        Assert.Equal((long)jobs * horizon, algorithm.EnvironmentSteps);
        Assert.Equal((long)discarded * horizon, algorithm.DiscardedSteps);
        Assert.True(last.Time > 0);
        var final = TwoStateMdp.Objective(Policy(), algorithm.Parameters.ToArray(), horizon, Discount);
        var best = BestObjective(horizon);
        Assert.True(final > initial + 0.8 * (best - initial), $"J went from {initial} to {final}; the best deterministic policy has {best}");
    }

    /// <summary>The largest J_H over the four deterministic stationary policies, by backward induction.</summary>
    private static double BestObjective(int horizon)
    {
        var best = double.NegativeInfinity;
        for (var choice = 0; choice < 4; choice++)
        {
            int[] action = [choice & 1, choice >> 1];
            var value = new double[2];
            for (var t = horizon - 1; t >= 0; t--)
            {
                var next = new double[2];
                for (var s = 0; s < 2; s++)
                {
                    var p1 = TwoStateMdp.ProbabilityOfOne[s, action[s]];
                    next[s] = Math.Pow(Discount, t) * TwoStateMdp.Rewards[s, action[s]] + p1 * value[1] + (1 - p1) * value[0];
                }
                value = next;
            }
            best = Math.Max(best, TwoStateMdp.InitialProbabilityOfOne * value[1] + (1 - TwoStateMdp.InitialProbabilityOfOne) * value[0]);
        }
        return best;
    }

    [Fact]
    public void The_readme_example_runs_on_threads()
    {
        using var training = new AsyncNigt(
            () => SoftmaxPolicy.Neural(4, [32, 32], 2),
            worker => PolicyGradientEnvironment.Create(Environments.EnvironmentRegistry.Make("CartPole-v1")),
            new AsyncNigtOptions
            {
                Workers = 8, GradientsPerIteration = 8, Aggregation = GradientAggregation.DurationAware,
                PolicyGradient = new PolicyGradientOptions { BatchSteps = 125, StepSize = 0.3, Seed = 1 },
            });
        var iterations = 0;
        training.Train(5000, iteration =>
        {
            Assert.Equal(8, iteration.Accepted);
            Assert.InRange(iteration.MeanReturn, 8, 200);
            iterations++;
        });
        Assert.InRange(iterations, 4, 5);
    }

    [Fact]
    public void A_non_finite_gradient_stops_training_and_keeps_the_parameters()
    {
        var options = Options(2, GradientAggregation.Rennala, 2, [1.0, 2.0], horizon: 3);
        using var algorithm = new AsyncNigt(Policy, w => PolicyGradientEnvironment.Create(new TwoStateMdp(nanFromStep: 30)), options);
        double[] before = [];
        var error = Assert.Throws<PolicyGradientDivergedException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                before = algorithm.Parameters.ToArray();
                algorithm.Step();
            }
        });
        Assert.Equal("gradient", error.Quantity);
        Assert.Equal(before, algorithm.Parameters.ToArray());
    }

    [Theory]
    [InlineData(GradientAggregation.Rennala)]
    [InlineData(GradientAggregation.DurationAware)]
    [InlineData(GradientAggregation.Malenia)]
    [InlineData(GradientAggregation.Synchronous)]
    public void After_a_divergence_the_next_step_takes_the_jobs_in_flight_and_goes_on(GradientAggregation aggregation)
    {
        // Each worker's rewards are NaN on its steps 30 to 39 only: the iteration that meets them throws, with other
        // workers' jobs still running. The retried iteration has the same point, so those jobs count as fresh.
        var options = Options(3, aggregation, 3, [1.0, 2.0, 3.0], horizon: 3);
        using var algorithm = new AsyncNigt(Policy, w => PolicyGradientEnvironment.Create(new NanWindow(new TwoStateMdp(), 30, 40)), options);
        var diverged = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                var r = algorithm.Step();
                if (aggregation == GradientAggregation.Malenia) Assert.True(r.Accepted >= 3);
                else Assert.Equal(3, r.Accepted);
            }
            catch (PolicyGradientDivergedException)
            {
                diverged++;
            }
        }
        // Each worker's NaN window spoils its next few jobs (3 steps each): a handful of failed iterations, then on.
        Assert.InRange(diverged, 1, 15);
        Assert.Equal(60 - diverged, algorithm.Iteration);
    }

    [Theory]
    [InlineData(GradientAggregation.Rennala, true)]
    [InlineData(GradientAggregation.DurationAware, true)]
    [InlineData(GradientAggregation.Malenia, true)]
    [InlineData(GradientAggregation.Synchronous, true)]
    [InlineData(GradientAggregation.Rennala, false)]
    [InlineData(GradientAggregation.DurationAware, false)]
    [InlineData(GradientAggregation.Malenia, false)]
    [InlineData(GradientAggregation.Synchronous, false)]
    public async Task A_job_that_throws_is_rethrown_by_step_and_every_worker_goes_on(GradientAggregation aggregation, bool simulated)
    {
        // Worker 1's environment throws on its 20th step, once. The step that takes that job rethrows the exception;
        // the later steps use all three workers again (a worker lost for good would stall Malenia and the synchronous
        // rule, and starve the quotas).
        var options = Options(3, aggregation, 3, simulated ? [1.0, 2.0, 3.0] : null, horizon: 3);
        var task = Task.Run(() =>
        {
            using var algorithm = new AsyncNigt(Policy, w => PolicyGradientEnvironment.Create(new ThrowOnce(new TwoStateMdp(), w == 1 ? 20 : -1)), options);
            // On threads, how soon worker 1 reaches its 20th step depends on the scheduler: step until it has.
            var thrown = 0;
            var afterwards = 0;
            for (var i = 0; i < 20_000 && afterwards < 30; i++)
            {
                try
                {
                    algorithm.Step();
                    if (thrown > 0) afterwards++;
                }
                catch (InvalidOperationException e) when (e.Message == ThrowOnce.Message)
                {
                    thrown++;
                }
            }
            return (thrown, afterwards);
        });
        // A stall fails the test with a TimeoutException instead of hanging the suite.
        Assert.Equal((1, 30), await task.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void A_failing_constructor_disposes_the_environments_it_made_and_shared_instances_are_refused()
    {
        var disposed = 0;
        PolicyGradientEnvironment Counted(int w) => PolicyGradientEnvironment.Create(new ThrowOnce(new TwoStateMdp(), -1, () => disposed++));
        var huge = Options(2, GradientAggregation.Rennala, 2, [1.0, 1.0]);
        huge = huge with { PolicyGradient = huge.PolicyGradient with { BatchSteps = int.MaxValue } };
        Assert.ThrowsAny<Exception>(() => new AsyncNigt(Policy, Counted, huge));
        Assert.Equal(1, disposed);

        var shared = Mdp(0);
        var error = Assert.Throws<ArgumentException>(() => new AsyncNigt(Policy, _ => shared, Options(2, GradientAggregation.Rennala, 2, [1.0, 1.0])));
        Assert.Contains("same instance for worker 1", error.Message);
        var policy = Policy();
        error = Assert.Throws<ArgumentException>(() => new AsyncNigt(() => policy, Mdp, Options(2, GradientAggregation.Rennala, 2, [1.0, 1.0])));
        Assert.Contains("returned before (worker 0)", error.Message);
    }

    /// <summary>Throws on the wrapped environment's step <c>at</c> (once; -1: never); counts its disposals.</summary>
    private sealed class ThrowOnce(Environments.IEnvironment<ReadOnlyMemory<float>, int> inner, int at, Action? onDispose = null) : Environments.IEnvironment<ReadOnlyMemory<float>, int>
    {
        public const string Message = "the simulator crashed";

        private int _steps;

        public Environments.Spaces.Space ObservationSpace => inner.ObservationSpace;

        public Environments.Spaces.Space ActionSpace => inner.ActionSpace;

        public Environments.EnvironmentSpec? Spec => null;

        public Environments.ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => inner.Reset(seed);

        public Environments.StepResult<ReadOnlyMemory<float>> Step(int action) =>
            _steps++ == at ? throw new InvalidOperationException(Message) : inner.Step(action);

        public void Dispose()
        {
            onDispose?.Invoke();
            inner.Dispose();
        }
    }

    /// <summary>Rewards NaN on the wrapped environment's steps [from, to).</summary>
    private sealed class NanWindow(Environments.IEnvironment<ReadOnlyMemory<float>, int> inner, int from, int to) : Environments.IEnvironment<ReadOnlyMemory<float>, int>
    {
        private int _steps;

        public Environments.Spaces.Space ObservationSpace => inner.ObservationSpace;

        public Environments.Spaces.Space ActionSpace => inner.ActionSpace;

        public Environments.EnvironmentSpec? Spec => null;

        public Environments.ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null) => inner.Reset(seed);

        public Environments.StepResult<ReadOnlyMemory<float>> Step(int action)
        {
            var result = inner.Step(action);
            var step = _steps++;
            return step >= from && step < to ? result with { Reward = double.NaN } : result;
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Invalid_options_and_mismatched_workers_are_errors_that_name_the_problem()
    {
        Assert.Contains("Workers", Assert.Throws<ArgumentException>(() => Options(0, GradientAggregation.Rennala, 1, null).Validate()).Message);
        Assert.Contains("GradientsPerIteration must equal Workers", Assert.Throws<ArgumentException>(() => Options(3, GradientAggregation.Synchronous, 2, null).Validate()).Message);
        Assert.Contains("one duration per worker", Assert.Throws<ArgumentException>(() => Options(3, GradientAggregation.Rennala, 2, [1.0]).Validate()).Message);
        Assert.Contains("SimulatedStepSeconds[1]", Assert.Throws<ArgumentException>(() => Options(2, GradientAggregation.Rennala, 2, [1.0, double.NaN]).Validate()).Message);
        Assert.Contains("StepSize", Assert.Throws<ArgumentException>(() => Options(2, GradientAggregation.Rennala, 2, null, stepSize: -1).Validate()).Message);

        var sizes = 0;
        var error = Assert.Throws<ArgumentException>(() => new AsyncNigt(() => sizes++ == 0 ? Policy() : SoftmaxPolicy.Linear(2, 3), Mdp, Options(2, GradientAggregation.Rennala, 2, [1.0, 1.0])));
        Assert.Contains("one architecture", error.Message);
        var mismatch = Assert.Throws<ArgumentException>(() => new AsyncNigt(() => SoftmaxPolicy.Linear(3, 2), Mdp, Options(2, GradientAggregation.Rennala, 2, null)));
        Assert.Contains("observations of length 3", mismatch.Message);
        var continuous = Assert.Throws<ArgumentException>(() => new AsyncNigt(() => SoftmaxPolicy.Linear(1, 2), _ => PolicyGradientEnvironment.Create(new TrackingTask()), Options(2, GradientAggregation.Rennala, 2, null)));
        Assert.Contains("actions are continuous (a Box)", continuous.Message);
        var discrete = Assert.Throws<ArgumentException>(() => new AsyncNigt(() => GaussianPolicy.Linear(2, 1), Mdp, Options(2, GradientAggregation.Rennala, 2, null)));
        Assert.Contains("actions are discrete (2 of them)", discrete.Message);
    }
}
