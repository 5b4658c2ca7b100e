using System.Diagnostics;
using RLFramework.Agents.Buffers;
using RLFramework.Agents.Callbacks;
using RLFramework.Agents.Distributions;
using RLFramework.Agents.Logging;
using RLFramework.Agents.Normalization;
using RLFramework.Agents.Persistence;
using RLFramework.Agents.Policies;
using RLFramework.Agents.Rollouts;
using RLFramework.Boosting;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Algorithms;

/// <summary>The result of <see cref="ActorCriticAgent.Evaluate"/>.</summary>
/// <param name="Returns">The return of every evaluation episode.</param>
/// <param name="Lengths">The length of every evaluation episode.</param>
public sealed record EvaluationResult(IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths)
{
    /// <summary>Mean return.</summary>
    public double MeanReturn => Returns.Count == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation of the return.</summary>
    public double StdReturn
    {
        get
        {
            if (Returns.Count == 0)
                return double.NaN;
            var mean = MeanReturn;
            return Math.Sqrt(Returns.Sum(r => (r - mean) * (r - mean)) / Returns.Count);
        }
    }

    /// <summary>Mean episode length in steps.</summary>
    public double MeanLength => Lengths.Count == 0 ? double.NaN : Lengths.Average();
}

/// <summary>
/// Watches the episodes of <see cref="ActorCriticAgent.Evaluate"/> step by step, e.g. to render them
/// (<c>rl eval --render</c>, <c>--video</c>). Give Evaluate an environment with <see cref="AutoresetMode.NextStep"/>
/// autoreset (Gymnasium's default): then a sub-environment still holds the last state of an episode when
/// <see cref="OnStep"/> reports its end, and its next episode starts with <see cref="OnEpisodeStart"/>.
/// </summary>
public interface IEvaluationObserver
{
    /// <summary>Sub-environment <paramref name="env"/> was reset: at the start, and at each autoreset.</summary>
    void OnEpisodeStart(int env);

    /// <summary>
    /// Sub-environment <paramref name="env"/> took <paramref name="action"/> (the action sent, e.g. one float holding the
    /// discrete index) and received <paramref name="reward"/>; <paramref name="terminated"/> or
    /// <paramref name="truncated"/> ends the episode.
    /// </summary>
    void OnStep(int env, ReadOnlySpan<float> action, double reward, bool terminated, bool truncated);
}

/// <summary>What <see cref="ActorCriticAgent.Learn"/> did.</summary>
/// <param name="Timesteps">Environment steps at the end.</param>
/// <param name="Iterations">Iterations run by this call.</param>
/// <param name="WallSeconds">Wall time of this call.</param>
/// <param name="StoppedByCallback">True when a callback stopped training early.</param>
public readonly record struct LearnResult(long Timesteps, int Iterations, double WallSeconds, bool StoppedByCallback);

/// <summary>
/// An actor-critic agent on a GBRL policy: owns the policy, the training environment, normalization
/// statistics, the random source and the episode statistics; <see cref="Learn"/> alternates
/// collection and update (the update is the algorithm's: <see cref="Ppo"/>, <see cref="A2c"/>, <see cref="Awr"/>).
/// </summary>
public abstract class ActorCriticAgent : IDisposable
{
    private IActorCriticPolicy _policy;
    private RolloutCollector _collector;
    private readonly List<Metric> _metrics = [];

    /// <summary>Builds the agent's state around a fresh policy.</summary>
    /// <param name="env">Training environments (NumEnvs of them, same-step autoreset).</param>
    /// <param name="options">The algorithm's options.</param>
    /// <param name="policyOptions">Policy options (null: defaults): GBRL ensembles, or the MLP baseline.</param>
    /// <param name="seed">Seed of every random draw of the run.</param>
    /// <param name="environmentId">Registry id saved with the model.</param>
    /// <param name="boosters">Makes the GBRL ensembles (null: <see cref="BoosterProvider.Cpu"/>).</param>
    /// <param name="policyFactory">
    /// A policy of the caller's instead (e.g. a neural policy implementing <see cref="IActorCriticPolicy"/>), made from the
    /// action distribution and the observation features; such agents cannot be saved. Null: the policy the policy options name.
    /// </param>
    private protected ActorCriticAgent(IVectorEnvironment env, IAlgorithmOptions options, GbrlPolicyOptions? policyOptions, int seed,
        string environmentId, BoosterProvider? boosters, Func<ActionDistribution, FeatureSchema, IActorCriticPolicy>? policyFactory)
    {
        policyOptions ??= new GbrlPolicyOptions();
        if (policyFactory is not null && boosters is not null)
            throw new ArgumentException("Pass either a policy factory or a booster provider: the boosters make GBRL policies only.", nameof(boosters));
        Boosters = boosters ?? BoosterProvider.Cpu;
        policyFactory ??= PoliciesFromOptions(policyOptions, Boosters, seed);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        policyOptions.Validate();
        if (env.NumEnvs != options.NumEnvs)
            throw new ArgumentException($"The options ask for NumEnvs = {options.NumEnvs}; the vector environment has {env.NumEnvs}.", nameof(env));
        Environment = env;
        Options = options;
        PolicyOptions = policyOptions;
        Seed = seed;
        EnvironmentId = environmentId;
        var (distribution, actionInfo) = PolicySpaces.ForActions(env.SingleActionSpace);
        ActionSpace = actionInfo;
        var features = PolicySpaces.ForObservations(env.SingleObservationSpace);
        _policy = policyFactory(distribution, features);
        if (_policy.OutputCount != distribution.OutputCount + 1 || _policy.ObservationSize != env.ObservationSize)
            throw new ArgumentException($"The policy has {_policy.ObservationSize} inputs and {_policy.OutputCount} outputs; the environment needs {env.ObservationSize} inputs and {distribution.OutputCount + 1} outputs (policy outputs and the value).", nameof(policyFactory));
        Normalizer = new VecNormalizer(env.NumEnvs, env.ObservationSize, options.NormalizeObservation, options.NormalizeReward, options.Gamma,
            categorical: features.Cardinalities);
        Random = new RandomSource(seed);
        Episodes = new EpisodeStatistics(env.NumEnvs);
        if (options.UseMasking)
        {
            if (ActionMasking.Unsupported(distribution) is { } reason)
                throw new ArgumentException($"use_masking: {reason} (the action space is {env.SingleActionSpace}).", nameof(options));
            MaskBlocks = ((CategoricalDistribution)distribution).BlockSizes.ToArray();
            // One reset now, so that an environment without masks is an error before training (the first collection resets again, with its own seed).
            env.Reset(seed, new float[env.NumEnvs * env.ObservationSize]);
            if (env.ActionMasks.IsEmpty)
                throw new ArgumentException($"use_masking: {RolloutCollector.NoActionMask}.", nameof(options));
        }
        _collector = new RolloutCollector(env, _policy, Normalizer, actionInfo, Episodes, MaskBlocks);
    }

    /// <summary>The policies the policy options name: GBRL on ensembles from <paramref name="boosters"/>, or MLPs initialized from <paramref name="seed"/>.</summary>
    private static Func<ActionDistribution, FeatureSchema, IActorCriticPolicy> PoliciesFromOptions(GbrlPolicyOptions options,
        BoosterProvider boosters, int seed) => options.Policy switch
        {
            PolicyKind.Mlp => (distribution, features) => new MlpActorCriticPolicy(distribution, features.FeatureCount, options, seed),
            _ => (distribution, features) => new GbrlActorCriticPolicy(distribution, features, options, boosters.Create),
        };

    /// <summary>Short algorithm name ("ppo", "a2c", "awr").</summary>
    public abstract string Algorithm { get; }

    /// <summary>The algorithm's options.</summary>
    public IAlgorithmOptions Options { get; }

    /// <summary>The policy's options.</summary>
    public GbrlPolicyOptions PolicyOptions { get; }

    /// <summary>Where the GBRL ensembles are made and loaded (the device that runs them).</summary>
    public BoosterProvider Boosters { get; }

    /// <summary>The id of the environment the agent trains on (saved with the model).</summary>
    public string EnvironmentId { get; }

    /// <summary>
    /// The options and wrappers the environment was made with (<see cref="EnvironmentSetup"/>), saved with the model so that
    /// loading, evaluating and resuming make the same environment.
    /// </summary>
    public EnvironmentSetup EnvironmentSetup { get; internal set; } = EnvironmentSetup.Default;

    /// <summary>The seed the run started from.</summary>
    public int Seed { get; }

    /// <summary>The training environment.</summary>
    public IVectorEnvironment Environment { get; }

    /// <summary>The policy.</summary>
    public IActorCriticPolicy Policy => _policy;

    /// <summary>Trees in the policy's ensembles.</summary>
    public int TreeCount => _policy is GbrlActorCriticPolicy gbrl ? gbrl.TreeCount : 0;

    /// <summary>Environment steps taken in training so far.</summary>
    public long NumTimesteps => _collector.Timesteps;

    /// <summary>
    /// The total the last <see cref="Learn"/> trained to (0 before any): saved with the agent, so that a run resumed
    /// from a checkpoint continues to the same total, with the same learning-rate schedules.
    /// </summary>
    public long TargetTimesteps { get; internal set; }

    /// <summary>Training iterations so far.</summary>
    public int Iterations { get; private set; }

    /// <summary>Finished training episodes.</summary>
    public EpisodeStatistics Episodes { get; }

    internal GbrlActorCriticPolicy GbrlPolicy => _policy as GbrlActorCriticPolicy
        ?? throw new NotSupportedException($"This agent runs a {_policy.GetType().Name}, not a GBRL policy.");

    internal VecNormalizer Normalizer { get; }

    /// <summary>The categorical blocks' sizes when the agent masks illegal actions (<see cref="IAlgorithmOptions.UseMasking"/>), else null.</summary>
    private int[]? MaskBlocks { get; }

    internal RandomSource Random { get; private set; }

    internal ActionSpaceInfo ActionSpace { get; }

    internal RolloutCollector Collector => _collector;

    /// <summary>
    /// Trains until <see cref="NumTimesteps"/> reaches <paramref name="totalTimesteps"/> (a total, so that a
    /// run resumed from a checkpoint ends where the uninterrupted run would), or a callback stops it.
    /// </summary>
    public LearnResult Learn(long totalTimesteps, IEnumerable<TrainingCallback>? callbacks = null, IEnumerable<IMetricSink>? sinks = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalTimesteps, 1);
        TargetTimesteps = totalTimesteps;
        var callbackList = callbacks?.ToList() ?? [];
        var sinkList = sinks?.ToList() ?? [];
        foreach (var callback in callbackList)
            callback.OnTrainingStart(new TrainingStartContext(this, totalTimesteps));
        var clock = Stopwatch.StartNew();
        var startSteps = NumTimesteps;
        var iterations = 0;
        var stopped = false;
        while (NumTimesteps < totalTimesteps && !stopped && !cancellationToken.IsCancellationRequested)
        {
            var progressRemaining = 1.0 - (double)NumTimesteps / totalTimesteps;
            _metrics.Clear();
            RunIteration(progressRemaining, _metrics);
            Iterations++;
            iterations++;
            var elapsed = clock.Elapsed;
            _metrics.Add(new Metric(MetricKeys.EpisodeRewardMean, Episodes.MeanReturn()));
            _metrics.Add(new Metric(MetricKeys.EpisodeLengthMean, Episodes.MeanLength()));
            _metrics.Add(new Metric(MetricKeys.Fps, Math.Floor((NumTimesteps - startSteps) / Math.Max(elapsed.TotalSeconds, 1e-9))));
            _metrics.Add(new Metric(MetricKeys.TotalTimesteps, NumTimesteps));
            _metrics.Add(new Metric(MetricKeys.ElapsedSeconds, elapsed.TotalSeconds));
            _metrics.Add(new Metric(MetricKeys.Trees, TreeCount));
            var context = new IterationContext(this, totalTimesteps, Iterations, elapsed, _metrics);
            foreach (var callback in callbackList)
                stopped |= !callback.OnIterationEnd(context);
            var record = new MetricRecord(NumTimesteps, Iterations, [.. _metrics]);
            foreach (var sink in sinkList)
                sink.Write(record);
        }
        foreach (var callback in callbackList)
            callback.OnTrainingEnd(new TrainingEndContext(this, stopped));
        return new LearnResult(NumTimesteps, iterations, clock.Elapsed.TotalSeconds, stopped);
    }

    /// <summary>One iteration: collect experience, then update the policy; adds the algorithm's train/* metrics.</summary>
    private protected abstract void RunIteration(double progressRemaining, List<Metric> metrics);

    /// <summary>
    /// Actions for raw (unnormalized) observations: <paramref name="count"/> rows of the environment's
    /// observation size; discrete actions are written as their index plus the space's start. With
    /// <paramref name="actionMasks"/> (one per row, as the environment reported them; sb3-contrib's
    /// <c>predict(obs, action_masks=...)</c>) illegal actions are never chosen.
    /// </summary>
    /// <exception cref="ArgumentException">Masks are given for a policy that cannot mask, or not one per row.</exception>
    public void Predict(ReadOnlySpan<float> observations, int count, bool deterministic, Span<float> actions, ReadOnlySpan<ulong> actionMasks = default)
    {
        if (!actionMasks.IsEmpty && (actionMasks.Length != count || ActionMasking.Unsupported(_policy.Distribution) is not null))
            throw new ArgumentException(actionMasks.Length != count
                ? $"Pass one action mask per observation: {count} observations, {actionMasks.Length} masks."
                : $"This policy cannot mask actions: {ActionMasking.Unsupported(_policy.Distribution)}.", nameof(actionMasks));
        var obsSize = _policy.ObservationSize;
        var normalized = new float[count * obsSize];
        Normalizer.NormalizeObservationRows(observations, count, normalized);
        var logProbs = new float[count];
        var values = new float[count];
        _policy.Act(normalized, count, deterministic, Random, actions, logProbs, values, [], actionMasks);
        if (ActionSpace.IsDiscrete)
        {
            for (var i = 0; i < count * ActionSpace.ActionSize; i++)
                actions[i] += ActionSpace.DiscreteStart;
        }
    }

    /// <summary>
    /// Runs <paramref name="episodes"/> episodes on <paramref name="env"/> (spread over its sub-environments
    /// as Stable-Baselines3's evaluate_policy does) with frozen normalization statistics. An
    /// <paramref name="observer"/> sees every reset and step.
    /// </summary>
    public EvaluationResult Evaluate(IVectorEnvironment env, int episodes, bool deterministic = true, int? seed = null,
        IEvaluationObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        CheckCompatible(env);
        var n = env.NumEnvs;
        var obsSize = env.ObservationSize;
        var step = VectorStepBuffers.For(env);
        var observations = new float[n * obsSize];
        var actions = new float[n * ActionSpace.ActionSize];
        var d = ActionSpace.ActionSize;
        var discrete = new int[ActionSpace.IsDiscrete ? n * d : 0];
        var sent = new float[n * d];
        var logProbs = new float[n];
        var values = new float[n];
        var targets = new int[n];
        var counts = new int[n];
        var running = new double[n];
        var lengths = new int[n];
        var skipNext = new bool[n];
        var masks = new ulong[MaskBlocks is null ? 0 : n];
        var steps = 0L;
        for (var e = 0; e < n; e++)
            targets[e] = (episodes + e) / n;
        var returns = new List<double>(episodes);
        var episodeLengths = new List<int>(episodes);
        var random = new RandomSource(seed ?? Seed);
        env.Reset(seed ?? Seed, step.Observations);
        for (var e = 0; observer is not null && e < n; e++)
            observer.OnEpisodeStart(e);
        while (returns.Count < episodes)
        {
            // A step that only resets every sub-environment (next-step autoreset) ignores its actions: drawing none
            // keeps the random stream, so one environment gives the episodes of same-step autoreset bit for bit.
            if (!AllResetting(skipNext))
            {
                Normalizer.NormalizeObservationRows(step.Observations, n, observations);
                var legal = MaskBlocks is null ? default : RolloutCollector.ReadActionMasks(env, MaskBlocks, masks, steps, skipNext);
                _policy.Act(observations, n, deterministic, random, actions, logProbs, values, [], legal);
            }
            if (ActionSpace.IsDiscrete)
            {
                for (var i = 0; i < discrete.Length; i++)
                    sent[i] = discrete[i] = (int)actions[i] + ActionSpace.DiscreteStart;
                env.Step(discrete, step);
            }
            else
            {
                for (var i = 0; i < sent.Length; i++)
                    sent[i] = Math.Clamp(actions[i], ActionSpace.Low[i % d], ActionSpace.High[i % d]);
                env.Step(sent, step);
            }
            steps += n;
            for (var e = 0; e < n; e++)
            {
                if (skipNext[e])
                {
                    skipNext[e] = false;
                    observer?.OnEpisodeStart(e);
                    continue;
                }
                observer?.OnStep(e, sent.AsSpan(e * d, d), step.Rewards[e], step.Terminated[e], step.Truncated[e]);
                running[e] += step.Rewards[e];
                lengths[e]++;
                if (!step.Terminated[e] && !step.Truncated[e])
                    continue;
                if (counts[e] < targets[e])
                {
                    returns.Add(running[e]);
                    episodeLengths.Add(lengths[e]);
                    counts[e]++;
                }
                running[e] = 0;
                lengths[e] = 0;
                skipNext[e] = env.AutoresetMode == AutoresetMode.NextStep;
            }
        }
        return new EvaluationResult(returns, episodeLengths);
    }

    private static bool AllResetting(ReadOnlySpan<bool> skipNext)
    {
        foreach (var skip in skipNext)
        {
            if (!skip)
                return false;
        }
        return true;
    }

    /// <summary>Writes the whole agent (policy, normalization statistics, options, counters, random state) to one file, atomically.</summary>
    public void Save(string path) => AgentFile.Save(this, path);

    /// <summary>
    /// Loads an agent saved by <see cref="Save"/>. With <paramref name="env"/> the agent trains on that
    /// environment (it must match the saved spaces); without, one is made from the registry by the saved id.
    /// The ensembles are loaded through <paramref name="boosters"/> (null: the CPU engine), whatever device trained them.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <param name="env">The environment (null: the registry's, made as the file says).</param>
    /// <param name="boosters">Where the GBRL ensembles are loaded (null: the CPU).</param>
    /// <param name="threads">
    /// Threads that fit the trees from now on (<see cref="GbrlPolicyOptions.Threads"/>) instead of the saved count (null); the trees are
    /// the same bit for bit whatever the count, so a run resumed with another count continues as it would have.
    /// </param>
    public static ActorCriticAgent Load(string path, IVectorEnvironment? env = null, BoosterProvider? boosters = null, int? threads = null) =>
        AgentFile.Load(path, env, boosters, threads);

    /// <summary>Throws when <paramref name="env"/>'s spaces differ from the agent's.</summary>
    internal void CheckCompatible(IVectorEnvironment env)
    {
        var expectedObs = PolicySpaces.Describe(Environment.SingleObservationSpace);
        var expectedAct = PolicySpaces.Describe(Environment.SingleActionSpace);
        CheckSpaces(expectedObs, expectedAct, env);
    }

    internal static void CheckSpaces(string observationSpace, string actionSpace, IVectorEnvironment env)
    {
        var obs = PolicySpaces.Describe(env.SingleObservationSpace);
        var act = PolicySpaces.Describe(env.SingleActionSpace);
        if (obs != observationSpace || act != actionSpace)
            throw new ArgumentException($"The environment's spaces (observations {obs}, actions {act}) differ from the agent's (observations {observationSpace}, actions {actionSpace}).", nameof(env));
    }

    /// <summary>Replaces the fresh state with a loaded one (called by <see cref="AgentFile"/>).</summary>
    internal void Restore(IActorCriticPolicy policy, RandomSource random, long timesteps, int iterations)
    {
        _policy.Dispose();
        _policy = policy;
        Random = random;
        Iterations = iterations;
        _collector = new RolloutCollector(Environment, _policy, Normalizer, ActionSpace, Episodes, MaskBlocks) { Timesteps = timesteps };
        OnPolicyReplaced();
    }

    /// <summary>Writes algorithm state that must survive a checkpoint (AWR: its replay buffer).</summary>
    internal virtual void WriteAlgorithmState(BinaryWriter writer)
    {
    }

    /// <summary>Reads what <see cref="WriteAlgorithmState"/> wrote.</summary>
    internal virtual void ReadAlgorithmState(BinaryReader reader)
    {
    }

    /// <summary>Lets an algorithm drop state tied to the previous policy.</summary>
    private protected virtual void OnPolicyReplaced()
    {
    }

    /// <summary>Mean of <paramref name="values"/> (0 for none).</summary>
    private protected static double Mean(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
            return 0;
        var sum = 0.0;
        foreach (var v in values)
            sum += v;
        return sum / values.Length;
    }

    /// <summary>Explained variance 1 - Var[returns - values] / Var[returns] (NaN when the returns are constant).</summary>
    private protected static double ExplainedVariance(ReadOnlySpan<float> values, ReadOnlySpan<float> returns)
    {
        var n = returns.Length;
        if (n == 0)
            return double.NaN;
        double meanR = 0, meanD = 0;
        for (var i = 0; i < n; i++)
        {
            meanR += returns[i];
            meanD += returns[i] - values[i];
        }
        meanR /= n;
        meanD /= n;
        double varR = 0, varD = 0;
        for (var i = 0; i < n; i++)
        {
            varR += (returns[i] - meanR) * (returns[i] - meanR);
            var d = returns[i] - values[i] - meanD;
            varD += d * d;
        }
        return varR == 0 ? double.NaN : 1 - varD / varR;
    }

    /// <summary>Normalizes <paramref name="values"/> in place to zero mean and unit std (SB3: (a - mean) / (std + 1e-8)).</summary>
    private protected static void Standardize(Span<float> values)
    {
        if (values.Length < 2)
            return;
        var mean = Mean(values);
        var variance = 0.0;
        foreach (var v in values)
            variance += (v - mean) * (v - mean);
        var std = Math.Sqrt(variance / (values.Length - 1));
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)((values[i] - mean) / (std + 1e-8));
    }

    /// <summary>
    /// Fits one tree to the first <paramref name="count"/> samples of <paramref name="minibatch"/> (its observations,
    /// gradients and log-std gradient), then brings the raw outputs of the <paramref name="rows"/> stored samples up to date.
    /// </summary>
    private protected static void UpdateAndRefresh(IActorCriticPolicy policy, MinibatchScratch minibatch, int count, double progressRemaining,
        ReadOnlySpan<float> observations, int rows, Span<float> outputs)
    {
        var versionBefore = policy.Version;
        policy.Update(minibatch.Observations.AsSpan(0, count * policy.ObservationSize), minibatch.Gradients.AsSpan(0, count * policy.OutputCount), count,
            minibatch.LogStdGradient, progressRemaining);
        policy.RefreshOutputs(observations, rows, outputs, versionBefore);
    }

    /// <summary>Adds the metrics every algorithm reports last: the critic's explained variance and, for Gaussian policies, the std.</summary>
    private protected void AddValueAndStdMetrics(List<Metric> metrics, ReadOnlySpan<float> values, ReadOnlySpan<float> returns)
    {
        metrics.Add(new Metric(MetricKeys.ExplainedVariance, ExplainedVariance(values, returns)));
        var logStd = _policy.LogStd;
        if (logStd.Length == 0)
            return;
        var sum = 0.0;
        foreach (var s in logStd)
            sum += Math.Exp(s);
        metrics.Add(new Metric(MetricKeys.Std, sum / logStd.Length));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _policy.Dispose();
        Environment.Dispose();
        GC.SuppressFinalize(this);
    }
}
