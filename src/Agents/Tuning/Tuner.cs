using System.Diagnostics;
using System.Globalization;
using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Presets;

namespace RLFramework.Agents.Tuning;

/// <summary>
/// Options of a hyperparameter search (<c>rl tune</c>; the RL Zoo's <c>--optimize</c>): each trial trains a fresh agent with
/// values drawn from <see cref="Space"/> on top of the preset and <see cref="Fixed"/>, evaluates it
/// <see cref="Evaluations"/> times during training, and is worth its last evaluation's mean return.
/// </summary>
public sealed record TuneOptions
{
    /// <summary>Algorithm: ppo, a2c or awr.</summary>
    public string Algorithm { get; init; } = "ppo";

    /// <summary>A registered environment id.</summary>
    public required string EnvironmentId { get; init; }

    /// <summary>Trials to run.</summary>
    public int Trials { get; init; } = 20;

    /// <summary>Environment steps of each trial.</summary>
    public long StepsPerTrial { get; init; } = 100_000;

    /// <summary>Evaluations per trial, every <see cref="StepsPerTrial"/> / <see cref="Evaluations"/> steps (the RL Zoo's n_evaluations); the pruner judges each.</summary>
    public int Evaluations { get; init; } = 5;

    /// <summary>Episodes per evaluation (greedy actions).</summary>
    public int EvaluationEpisodes { get; init; } = 10;

    /// <summary>Seed of the sampler and of every trial's (first) agent: all trials use it, so they differ by their hyperparameters only.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Agents trained per trial, with seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, ..., side by side: the trial's value after each
    /// evaluation is their mean, so the search favours values that work for more than one seed (one seed's best often does not
    /// carry over: see benchmarks/README). More than one trains the seeds at once, each on one thread unless an option says otherwise.
    /// </summary>
    public int TrialSeeds { get; init; } = 1;

    /// <summary>Trials trained at once. Each wave of <see cref="Jobs"/> trials is sampled from the trials of the earlier waves, so the search is the same whatever the timing; with more than one job every trial's trees are fitted on one thread (<c>threads=1</c>) unless an option says otherwise.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>"tpe" (the tree-structured Parzen estimator, univariate: Optuna's default), "tpe-multivariate" (one joint estimator: the RL Zoo's choice) or "random".</summary>
    public string Sampler { get; init; } = "tpe";

    /// <summary>
    /// "median" (stop a trial whose best evaluation so far is below the median of the complete trials' at the same evaluation),
    /// "halving" (successive halving: at evaluations 1, 4, 16, ... only the best quarter of the trials that got there go on;
    /// <see cref="SuccessiveHalvingPruner"/>) or "none".
    /// </summary>
    public string Pruner { get; init; } = "median";

    /// <summary>Trials drawn at random before TPE starts modelling.</summary>
    public int SamplerStartupTrials { get; init; } = 10;

    /// <summary>Complete trials needed before the median pruner stops any.</summary>
    public int PrunerStartupTrials { get; init; } = 5;

    /// <summary>Evaluations of a trial before the pruner may stop it (null: a third of <see cref="Evaluations"/>, as the RL Zoo).</summary>
    public int? PrunerWarmupEvaluations { get; init; }

    /// <summary>Options every trial uses (<c>--set key=value</c>); a searched value of the same key replaces it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fixed { get; init; } = [];

    /// <summary>The search space (null: <see cref="SearchSpace.For"/> the algorithm).</summary>
    public SearchSpace? Space { get; init; }

    /// <summary>The options and wrappers of the environment every trial trains and is evaluated on (<c>--env-kwargs</c>, <c>--env-wrapper</c>).</summary>
    public EnvironmentSetup Environment { get; init; } = EnvironmentSetup.Default;

    /// <summary>The search space in use.</summary>
    public SearchSpace SearchSpaceOrDefault => Space ?? SearchSpace.For(Algorithm);

    /// <summary>Steps between two evaluations of a trial.</summary>
    public long EvaluationInterval => StepsPerTrial / Evaluations;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!AgentPresets.Algorithms.Contains(Algorithm))
            throw new ArgumentException($"Unknown algorithm '{Algorithm}'. Known algorithms: {string.Join(", ", AgentPresets.Algorithms)}.", nameof(Algorithm));
        AgentFactory.CheckEnvironmentId(EnvironmentId);
        Require(Trials >= 1, nameof(Trials), $"at least 1, got {Trials}");
        Require(Evaluations >= 1, nameof(Evaluations), $"at least 1, got {Evaluations}");
        Require(StepsPerTrial >= Evaluations, nameof(StepsPerTrial), $"at least the number of evaluations ({Evaluations}), got {StepsPerTrial}");
        Require(EvaluationEpisodes >= 1, nameof(EvaluationEpisodes), $"at least 1, got {EvaluationEpisodes}");
        Require(Jobs >= 1, nameof(Jobs), $"at least 1, got {Jobs}");
        Require(TrialSeeds >= 1, nameof(TrialSeeds), $"at least 1, got {TrialSeeds}");
        Require(Sampler is "tpe" or "tpe-multivariate" or "random", nameof(Sampler), $"tpe, tpe-multivariate or random, got '{Sampler}'");
        Require(Pruner is "median" or "halving" or "none", nameof(Pruner), $"median, halving or none, got '{Pruner}'");
        Require(SamplerStartupTrials >= 0, nameof(SamplerStartupTrials), $"0 or more, got {SamplerStartupTrials}");
        Require(PrunerStartupTrials >= 0, nameof(PrunerStartupTrials), $"0 or more, got {PrunerStartupTrials}");
        Require(PrunerWarmupEvaluations is null or >= 0, nameof(PrunerWarmupEvaluations), $"0 or more, got {PrunerWarmupEvaluations}");
        var known = AgentPresets.Keys(Algorithm);
        foreach (var (key, _) in SearchSpaceOrDefault.Parameters)
        {
            if (!known.Contains(key))
                throw new ArgumentException($"The search space has the unknown option '{key}' for {Algorithm}. Known options: {string.Join(", ", known)}.", nameof(Space));
        }
        // The preset with the fixed options must itself be valid (a bad --set is an error before any trial), and so must the
        // environment's options.
        AgentPresets.Resolve(Algorithm, EnvironmentId, Fixed);
        Environment.Make(EnvironmentId).Dispose();

        static void Require(bool condition, string name, string expected)
        {
            if (!condition)
                throw new ArgumentException($"TuneOptions.{name} must be {expected}.", name);
        }
    }
}

/// <summary>A trial's outcome: its record (parameters, state, value, evaluations), the steps trained (per seed), the wall time, and why it failed.</summary>
public sealed record TrialResult(TrialRecord Record, long Timesteps, double Seconds, string? Error)
{
    /// <summary>Each seed's last evaluation (<see cref="TuneOptions.TrialSeeds"/> of them; empty when the trial failed before training).</summary>
    public IReadOnlyList<double> SeedValues { get; init; } = [];
}

/// <summary>Sees a search as it runs (<c>rl tune</c> prints and saves from it). Calls come on the tuner's thread, trials in number order.</summary>
public interface ITuneObserver
{
    /// <summary>Trial <paramref name="number"/> starts with <paramref name="parameters"/>.</summary>
    void OnTrialStart(int number, IReadOnlyDictionary<string, string> parameters);

    /// <summary>A trial ended; <paramref name="agent"/> is its trained agent (null when it failed), valid during the call only.</summary>
    void OnTrialEnd(TrialResult result, ActorCriticAgent? agent);
}

/// <summary>Runs a hyperparameter search (see <see cref="TuneOptions"/>).</summary>
public static class Tuner
{
    /// <summary>
    /// Runs the trials of <paramref name="options"/> and returns them all, in number order. <paramref name="cancellationToken"/>
    /// stops the running trials at their next iteration (they count as failed, "interrupted") and starts no more.
    /// <paramref name="previous"/> continues a search: trials 0 to previous.Count - 1 are taken as done (numbered in order),
    /// and the search goes on from there to <see cref="TuneOptions.Trials"/> as it would have without the break, when the
    /// break fell between two waves (previous.Count a multiple of <see cref="TuneOptions.Jobs"/>, with the same jobs).
    /// </summary>
    public static IReadOnlyList<TrialResult> Run(TuneOptions options, ITuneObserver? observer = null, CancellationToken cancellationToken = default,
        IReadOnlyList<TrialResult>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        previous ??= [];
        for (var k = 0; k < previous.Count; k++)
        {
            if (previous[k].Record.Number != k)
                throw new ArgumentException($"The earlier trials must be numbered 0, 1, ... in order; trial {k} is numbered {previous[k].Record.Number}.", nameof(previous));
        }
        if (previous.Count > options.Trials)
            throw new ArgumentException($"{previous.Count} trials are done already, more than the {options.Trials} asked for.", nameof(previous));
        var space = options.SearchSpaceOrDefault;
        ISampler sampler = options.Sampler == "random" ? new RandomSampler(options.Seed)
            : new TpeSampler(options.Seed, options.SamplerStartupTrials, multivariate: options.Sampler == "tpe-multivariate");
        ITrialPruner? pruner = options.Pruner switch
        {
            "median" => new MedianPruner(options.PrunerStartupTrials, options.PrunerWarmupEvaluations ?? options.Evaluations / 3),
            "halving" => new SuccessiveHalvingPruner(),
            _ => null,
        };
        var results = new List<TrialResult>(previous);
        var history = new List<TrialRecord>(previous.Select(r => r.Record));
        for (var first = previous.Count; first < options.Trials && !cancellationToken.IsCancellationRequested; first += options.Jobs)
        {
            // One wave: every trial is drawn from, and judged against, the trials of the earlier waves only.
            var wave = Math.Min(options.Jobs, options.Trials - first);
            var known = history.ToArray();
            var parameters = new IReadOnlyDictionary<string, string>[wave];
            for (var j = 0; j < wave; j++)
            {
                parameters[j] = sampler.Sample(space, known, first + j);
                observer?.OnTrialStart(first + j, parameters[j]);
            }
            var outcomes = new (TrialResult Result, ActorCriticAgent? Agent)[wave];
            try
            {
                if (wave == 1)
                {
                    outcomes[0] = RunTrial(options, first, parameters[0], pruner, known, cancellationToken);
                }
                else
                {
                    var tasks = new Task[wave];
                    for (var j = 0; j < wave; j++)
                    {
                        var index = j;
                        tasks[j] = Task.Run(() => outcomes[index] = RunTrial(options, first + index, parameters[index], pruner, known, cancellationToken), CancellationToken.None);
                    }
                    Task.WaitAll(tasks, CancellationToken.None);
                }
                foreach (var (result, agent) in outcomes)
                {
                    observer?.OnTrialEnd(result, agent);
                    results.Add(result);
                    history.Add(result.Record);
                }
            }
            finally
            {
                foreach (var (_, agent) in outcomes)
                    agent?.Dispose();
            }
        }
        return results;
    }

    /// <summary>The best complete trial (greatest value; the earlier of equal ones), or null when none completed.</summary>
    public static TrialResult? Best(IEnumerable<TrialResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        TrialResult? best = null;
        foreach (var result in results)
        {
            if (result.Record.State == TrialState.Complete && (best is null || result.Record.Value > best.Record.Value))
                best = result;
        }
        return best;
    }

    /// <summary>The fixed options, one thread per agent when several train at once (unless an option says otherwise), then the trial's values.</summary>
    private static List<KeyValuePair<string, string>> Overrides(TuneOptions options, IReadOnlyDictionary<string, string> parameters)
    {
        var overrides = new List<KeyValuePair<string, string>>(options.Fixed);
        if ((options.Jobs > 1 || options.TrialSeeds > 1) && !options.Fixed.Any(p => p.Key == "threads") && !parameters.ContainsKey("threads"))
            overrides.Add(new("threads", "1"));
        foreach (var (key, _) in options.SearchSpaceOrDefault.Parameters)
            overrides.Add(new(key, parameters[key]));
        return overrides;
    }

    /// <summary>
    /// A searched PPO batch_size larger than the rollout (num_envs x n_steps) is lowered to the rollout, as the RL Zoo's
    /// sampler does, so that the two choices need not be drawn together; the trial records the value it used.
    /// </summary>
    private static IReadOnlyDictionary<string, string> FitBatchToRollout(TuneOptions options, IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.ContainsKey("batch_size")
            || AgentPresets.Apply(options.Algorithm, options.EnvironmentId, Overrides(options, parameters)).Options is not PpoOptions ppo
            || ppo.BatchSize <= ppo.RolloutSize || ppo.RolloutSize < 1)
            return parameters;
        var fitted = new Dictionary<string, string>(parameters) { ["batch_size"] = ppo.RolloutSize.ToString(CultureInfo.InvariantCulture) };
        return fitted;
    }

    private static (TrialResult, ActorCriticAgent?) RunTrial(TuneOptions options, int number, IReadOnlyDictionary<string, string> parameters,
        ITrialPruner? pruner, IReadOnlyList<TrialRecord> history, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var seeds = options.TrialSeeds;
        var agents = new ActorCriticAgent[seeds];
        try
        {
            try
            {
                parameters = FitBatchToRollout(options, parameters);
                var configuration = AgentPresets.Resolve(options.Algorithm, options.EnvironmentId, Overrides(options, parameters));
                for (var s = 0; s < seeds; s++)
                    agents[s] = AgentFactory.Create(configuration, options.EnvironmentId, options.Seed + s, environment: options.Environment);
            }
            catch (ArgumentException e)
            {
                // An invalid combination of values: Optuna's failed trial.
                var message = e.ParamName is { } name && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
                    ? e.Message[..^$" (Parameter '{name}')".Length]
                    : e.Message;
                return (new TrialResult(new TrialRecord(number, parameters, TrialState.Failed, null, []), 0, clock.Elapsed.TotalSeconds, message), null);
            }

            using var trial = new SeedsInStep(options, pruner, history);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var learned = new LearnResult[seeds];
            void Train(int s)
            {
                try
                {
                    learned[s] = agents[s].Learn(options.StepsPerTrial, [trial.Evaluation(s), trial.Judge(s, stop.Token)], cancellationToken: stop.Token);
                }
                catch
                {
                    stop.Cancel(); // the other seeds must not wait for this one at the next evaluation
                    throw;
                }
                finally
                {
                    trial.Leave();
                }
            }
            if (seeds == 1)
            {
                Train(0);
            }
            else
            {
                var runs = new Task[seeds];
                for (var s = 0; s < seeds; s++)
                {
                    var seed = s;
                    runs[s] = Task.Run(() => Train(seed), CancellationToken.None);
                }
                Task.WaitAll(runs, CancellationToken.None);
            }

            var intermediate = trial.Intermediate;
            TrialRecord record;
            string? error = null;
            if (intermediate.Count == 0)
            {
                error = cancellationToken.IsCancellationRequested ? "interrupted before its first evaluation" : "no evaluation ran";
                record = new TrialRecord(number, parameters, TrialState.Failed, null, intermediate);
            }
            else if (!trial.Pruned && cancellationToken.IsCancellationRequested && learned[0].Timesteps < options.StepsPerTrial)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"interrupted at {learned[0].Timesteps} steps");
                record = new TrialRecord(number, parameters, TrialState.Failed, null, intermediate);
            }
            else
            {
                record = new TrialRecord(number, parameters, trial.Pruned ? TrialState.Pruned : TrialState.Complete, intermediate[^1], intermediate);
            }
            var first = agents[0];
            agents[0] = null!;
            return (new TrialResult(record, learned[0].Timesteps, clock.Elapsed.TotalSeconds, error) { SeedValues = trial.LastSeedValues }, first);
        }
        finally
        {
            foreach (var agent in agents)
                agent?.Dispose();
        }
    }

    /// <summary>
    /// The seeds of one trial, trained side by side and judged together: after evaluation i of every seed, the trial's
    /// intermediate value i is their mean (in seed order), and the pruner's verdict on it stops all of them or none. Evaluation
    /// k (at the first iteration end at or past k x the interval) is value k - 1; a rollout longer than the interval skips
    /// evaluations, whose places take the value that follows them, so that every trial's values line up by step.
    /// </summary>
    private sealed class SeedsInStep : IDisposable
    {
        private readonly TuneOptions _options;
        private readonly ITrialPruner? _pruner;
        private readonly IReadOnlyList<TrialRecord> _history;
        private readonly EvaluationCallback[] _evaluations;
        private readonly double[] _posted;
        private readonly Barrier _barrier;
        private readonly List<double> _intermediate;
        private volatile bool _budgetSpent;

        public SeedsInStep(TuneOptions options, ITrialPruner? pruner, IReadOnlyList<TrialRecord> history)
        {
            _options = options;
            _pruner = pruner;
            _history = history;
            _evaluations = new EvaluationCallback[options.TrialSeeds];
            _posted = new double[options.TrialSeeds];
            LastSeedValues = new double[options.TrialSeeds];
            _intermediate = new List<double>(options.Evaluations);
            _barrier = new Barrier(options.TrialSeeds, _ => Decide());
            for (var s = 0; s < options.TrialSeeds; s++)
            {
                _evaluations[s] = new EvaluationCallback(
                    () => AgentFactory.MakeTrainingEnvironment(options.EnvironmentId, Math.Min(options.EvaluationEpisodes, 8), options.Environment), options.EvaluationInterval,
                    options.EvaluationEpisodes, deterministic: true, seed: options.Seed);
            }
        }

        /// <summary>The trial's value after each evaluation: the mean over its seeds.</summary>
        public List<double> Intermediate => _intermediate;

        /// <summary>Each seed's last evaluation.</summary>
        public double[] LastSeedValues { get; }

        /// <summary>Whether the pruner stopped the trial.</summary>
        public bool Pruned { get; private set; }

        public EvaluationCallback Evaluation(int seed) => _evaluations[seed];

        /// <summary>After each new evaluation of <paramref name="seed"/>: waits for the other seeds' and stops with the verdict.</summary>
        public LambdaCallback Judge(int seed, CancellationToken stop)
        {
            var filled = 0;
            return new LambdaCallback(_ =>
            {
                var results = _evaluations[seed].Results;
                if (results.Count == 0)
                    return true;
                var (timesteps, result) = results[^1];
                var reached = (int)Math.Min(timesteps / _options.EvaluationInterval, _options.Evaluations);
                // A rollout that reaches the trial's budget has spent it: the trial is complete, whatever the pruner would say of the
                // evaluations it passed on the way (every seed runs the same schedule, so all of them set this together).
                if (timesteps >= _options.StepsPerTrial)
                    _budgetSpent = true;
                try
                {
                    for (; filled < reached; filled++)
                    {
                        _posted[seed] = result.MeanReturn;
                        LastSeedValues[seed] = result.MeanReturn;
                        _barrier.SignalAndWait(stop);
                        if (Pruned)
                            return false;
                    }
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
                return true;
            });
        }

        public void Dispose() => _barrier.Dispose();

        /// <summary>A seed's training ended: the others no longer wait for it.</summary>
        public void Leave()
        {
            try
            {
                _barrier.RemoveParticipant();
            }
            catch (InvalidOperationException)
            {
                // The last participant left.
            }
        }

        private void Decide()
        {
            var sum = 0.0;
            foreach (var value in _posted)
                sum += value;
            _intermediate.Add(sum / _posted.Length);
            if (_pruner is not null && !_budgetSpent && _intermediate.Count < _options.Evaluations && _pruner.ShouldPrune(_intermediate, _history))
                Pruned = true;
        }
    }
}
