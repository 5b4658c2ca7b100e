using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Tuning;

namespace RLFramework.Agents.Tests;

/// <summary>
/// <see cref="Tuner"/>: the pruner's verdicts are re-derived from the recorded trials, evaluations line up by step when a
/// rollout spans several intervals, and cancellation stops the search with what was done.
/// </summary>
public sealed class TunerTests
{
    private static readonly KeyValuePair<string, string>[] s_small = [new("num_envs", "4"), new("n_steps", "32"), new("batch_size", "128"), new("n_epochs", "1")];

    private static TuneOptions Options(int trials, string pruner = "median") => new()
    {
        EnvironmentId = "CartPole-v1",
        Trials = trials,
        StepsPerTrial = 2048,
        Evaluations = 4,
        EvaluationEpisodes = 2,
        Seed = 3,
        Sampler = "random",
        Pruner = pruner,
        PrunerStartupTrials = 1,
        PrunerWarmupEvaluations = 0,
        Fixed = s_small,
        Space = new SearchSpace([new("policy_lr", new FloatDistribution(1e-4, 1, Log: true))]),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_pruning_verdict_is_the_median_rule_applied_to_the_trials_before(int seeds)
    {
        var results = Tuner.Run(Options(8) with { TrialSeeds = seeds });

        Assert.Contains(results, r => r.Record.State == TrialState.Pruned);
        var pruner = new MedianPruner(startupTrials: 1, warmupEvaluations: 0);
        for (var k = 0; k < results.Count; k++)
        {
            var record = results[k].Record;
            var history = results.Take(k).Select(r => r.Record).ToList();
            var values = record.Intermediate;
            // No verdict before the last recorded evaluation said "prune".
            for (var n = 1; n < values.Count; n++)
                Assert.False(pruner.ShouldPrune(values.Take(n).ToList(), history), $"trial {k} should have been pruned after {n} evaluations");
            if (record.State == TrialState.Pruned)
            {
                Assert.True(pruner.ShouldPrune(values, history));
                Assert.True(values.Count < 4);
                Assert.True(results[k].Timesteps < 2048);
            }
            else
            {
                Assert.Equal(TrialState.Complete, record.State);
                Assert.Equal(4, values.Count);
                Assert.True(results[k].Timesteps >= 2048);
            }
            Assert.Equal(values[^1], record.Value);
            Assert.Equal(seeds, results[k].SeedValues.Count);
        }
    }

    [Fact]
    public void Every_halving_verdict_is_the_successive_halving_rule_applied_to_the_trials_before()
    {
        // Four evaluations: the rung at evaluation 1 judges (the one at 4 is the trial's end, which no pruner cuts short).
        var results = Tuner.Run(Options(8, pruner: "halving"));

        Assert.Contains(results, r => r.Record.State == TrialState.Pruned);
        Assert.Contains(results, r => r.Record.State == TrialState.Complete);
        var pruner = new SuccessiveHalvingPruner();
        for (var k = 0; k < results.Count; k++)
        {
            var record = results[k].Record;
            var history = results.Take(k).Select(r => r.Record).ToList();
            var pruned = pruner.ShouldPrune(record.Intermediate.Take(1).ToList(), history);
            Assert.Equal(pruned ? TrialState.Pruned : TrialState.Complete, record.State);
            Assert.Equal(pruned ? 1 : 4, record.Intermediate.Count);
        }
    }

    [Theory]
    [InlineData("halving")]
    [InlineData("median")]
    public void A_trial_whose_one_rollout_spends_the_budget_is_complete_not_pruned(string pruner)
    {
        // 4 environments x 512 steps = 2,048: the first rollout passes all four evaluation points and ends the trial. Its one
        // evaluation stands for all four; no pruner may call a trial that has spent its budget pruned (it could not be the best).
        var options = Options(6, pruner) with { Fixed = [new("num_envs", "4"), new("n_steps", "512"), new("batch_size", "512"), new("n_epochs", "1")] };
        var results = Tuner.Run(options);
        Assert.All(results, r => Assert.Equal(TrialState.Complete, r.Record.State));
        Assert.All(results, r => Assert.Equal(Enumerable.Repeat(r.Record.Value!.Value, 4), r.Record.Intermediate));
        // The same trials with the pruner's verdict on their first value: some would have been cut (the test is not vacuous).
        var judge = pruner == "halving" ? (ITrialPruner)new SuccessiveHalvingPruner() : new MedianPruner(startupTrials: 1, warmupEvaluations: 0);
        Assert.Contains(Enumerable.Range(0, results.Count), k => judge.ShouldPrune([results[k].Record.Intermediate[0]], [.. results.Take(k).Select(r => r.Record)]));
    }

    [Fact]
    public void A_trial_of_three_seeds_is_worth_the_mean_of_three_independent_trainings()
    {
        var options = Options(1, pruner: "none") with { TrialSeeds = 3, Space = new SearchSpace([new("policy_lr", new CategoricalDistribution(["0.1"]))]) };

        var trial = Tuner.Run(options)[0];

        Assert.Equal(TrialState.Complete, trial.Record.State);
        var expected = new double[3];
        for (var s = 0; s < 3; s++)
        {
            // Seed 3 + s, evaluated as the trial evaluates every seed: its last evaluation (k = 4) on episodes seeded 3 + 4.
            using var agent = AgentFactory.Create("ppo", "CartPole-v1", 3 + s, [.. s_small, new("policy_lr", "0.1"), new("threads", "1")]);
            agent.Learn(2048);
            using var env = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2);
            expected[s] = agent.Evaluate(env, 2, deterministic: true, seed: 7).MeanReturn;
        }
        Assert.Equal(expected, trial.SeedValues);
        Assert.Equal((expected[0] + expected[1] + expected[2]) / 3, trial.Record.Value);
        Assert.NotEqual(expected[0], expected[1]);
    }

    [Fact]
    public void Evaluations_skipped_by_a_long_rollout_take_the_next_value_so_trials_line_up_by_step()
    {
        // A rollout of 4 x 128 = 512 steps and an evaluation every 256: evaluations happen at 512 and 1024 only.
        var options = Options(1, pruner: "none") with { StepsPerTrial = 1024, Fixed = [new("num_envs", "4"), new("n_steps", "128"), new("batch_size", "128"), new("n_epochs", "1")] };

        var values = Tuner.Run(options)[0].Record.Intermediate;

        Assert.Equal(4, values.Count);
        Assert.Equal(values[0], values[1]);
        Assert.Equal(values[2], values[3]);
        // The second value is the evaluation at 1024 steps (k = 4, seed 3 + 4) of the final agent: the tuner's own agent is gone, so train it again.
        using var agent = AgentFactory.Create("ppo", "CartPole-v1", 3, [.. options.Fixed, new("policy_lr", Tuner.Run(options)[0].Record.Parameters["policy_lr"])]);
        agent.Learn(1024);
        using var env = AgentFactory.MakeTrainingEnvironment("CartPole-v1", 2);
        Assert.Equal(values[3], agent.Evaluate(env, 2, deterministic: true, seed: 7).MeanReturn);
    }

    [Theory]
    [InlineData("tpe")]
    [InlineData("tpe-multivariate")]
    public void A_search_continued_from_its_first_trials_equals_the_whole_search(string sampler)
    {
        // TPE models from the second trial on and the pruner judges from the first complete one, so both read the history.
        var options = Options(5) with { Sampler = sampler, SamplerStartupTrials = 1, Space = s_twoParameters };
        var whole = Tuner.Run(options);

        var start = Tuner.Run(options with { Trials = 2 });
        var continued = Tuner.Run(options, previous: start);

        Assert.Equal(whole.Select(r => (r.Record.State, r.Record.Value, string.Join(";", r.Record.Parameters.Values), r.Timesteps)),
            continued.Select(r => (r.Record.State, r.Record.Value, string.Join(";", r.Record.Parameters.Values), r.Timesteps)));
        Assert.Contains(whole, r => r.Record.State == TrialState.Pruned);
        Assert.Throws<ArgumentException>(() => Tuner.Run(options with { Trials = 1 }, previous: start));
        Assert.Throws<ArgumentException>(() => Tuner.Run(options, previous: [start[1]]));

        // Each trial's values are the named sampler's draw from the trials before it (multivariate or not).
        var expected = new TpeSampler(options.Seed, 1, multivariate: sampler == "tpe-multivariate");
        for (var t = 0; t < whole.Count; t++)
            Assert.Equal(expected.Sample(s_twoParameters, [.. whole.Take(t).Select(r => r.Record)], t), whole[t].Record.Parameters);
    }

    private static readonly SearchSpace s_twoParameters = new([new("policy_lr", new FloatDistribution(1e-4, 1, Log: true)),
        new("gamma", new CategoricalDistribution(["0.9", "0.99"]))]);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Cancelling_stops_the_running_trial_as_failed_and_starts_no_more(int seeds)
    {
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAtStart(cancel);

        var results = Tuner.Run(Options(5, pruner: "none") with { TrialSeeds = seeds }, observer, cancel.Token);

        var only = Assert.Single(results);
        Assert.Equal(TrialState.Failed, only.Record.State);
        Assert.Equal("interrupted before its first evaluation", only.Error);
        Assert.Equal([0], observer.Started);
        Assert.Empty(Tuner.Run(Options(5), cancellationToken: cancel.Token));
    }

    [Fact]
    public void Options_are_validated_with_the_option_named()
    {
        Assert.Contains("StepsPerTrial must be at least the number of evaluations (4), got 3", Assert.Throws<ArgumentException>(() => (Options(1) with { StepsPerTrial = 3, Evaluations = 4 }).Validate()).Message,
            StringComparison.Ordinal);
        Assert.Contains("Jobs", Assert.Throws<ArgumentException>(() => (Options(1) with { Jobs = 0 }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("median, halving or none", Assert.Throws<ArgumentException>(() => (Options(1) with { Pruner = "hyperband" }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("gamma", Assert.Throws<ArgumentException>(() => (Options(1) with { Fixed = [new("gamma", "7")] }).Validate()).Message, StringComparison.Ordinal);
        Assert.Null(Tuner.Best([]));
    }

    private sealed class CancelAtStart(CancellationTokenSource cancel) : ITuneObserver
    {
        public List<int> Started { get; } = [];

        public void OnTrialStart(int number, IReadOnlyDictionary<string, string> parameters)
        {
            Started.Add(number);
            cancel.Cancel();
        }

        public void OnTrialEnd(TrialResult result, ActorCriticAgent? agent)
        {
        }
    }
}
