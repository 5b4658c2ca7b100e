using RLFramework.Agents.Buffers;
using RLFramework.Agents.Normalization;
using RLFramework.Agents.Policies;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Rollouts;

/// <summary>
/// Steps a vector environment with a policy and fills a <see cref="RolloutBuffer"/> (SB3's
/// collect_rollouts). The environment must reset finished episodes in the same step
/// (<see cref="AutoresetMode.SameStep"/>), so that a truncated episode's final observation is
/// available: its value, discounted, is added to the last reward (bootstrapping the time limit).
/// </summary>
internal sealed class RolloutCollector
{
    private readonly IVectorEnvironment _env;
    private readonly IActorCriticPolicy _policy;
    private readonly VecNormalizer _normalizer;
    private readonly ActionSpaceInfo _actionSpace;
    private readonly VectorStepBuffers _step;
    private readonly float[] _observations;
    private readonly int[] _discreteActions;
    private readonly float[] _continuousActions;
    private readonly float[] _finalObservations;
    private readonly float[] _finalValues;
    private readonly int[] _truncatedEnvs;
    private readonly float[] _normalizedRewards;
    private readonly float[] _lastValues;
    private readonly int[]? _maskBlocks;
    private readonly EnvironmentHistory _history = new();
    private bool _needsReset = true;
    private bool _replayPending;

    /// <summary>
    /// Collects from <paramref name="env"/> with <paramref name="policy"/>. With <paramref name="maskBlocks"/> (the categorical
    /// blocks' sizes) illegal actions are masked (<see cref="Distributions.ActionMasking"/>): each step reads the environments'
    /// masks, checks them, stores them in the buffer and passes them to the policy; null: no masking.
    /// </summary>
    public RolloutCollector(IVectorEnvironment env, IActorCriticPolicy policy, VecNormalizer normalizer,
        ActionSpaceInfo actionSpace, EpisodeStatistics episodes, int[]? maskBlocks = null)
    {
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException("Training needs a vector environment with AutoresetMode.SameStep, so that truncated episodes can be bootstrapped from their final observation.", nameof(env));
        if (env.ObservationSize != policy.ObservationSize)
            throw new ArgumentException($"The environment's observations have {env.ObservationSize} floats; the policy expects {policy.ObservationSize}.", nameof(env));
        _env = env;
        _policy = policy;
        _normalizer = normalizer;
        _actionSpace = actionSpace;
        Episodes = episodes;
        var n = env.NumEnvs;
        _step = VectorStepBuffers.For(env);
        _observations = new float[n * env.ObservationSize];
        _discreteActions = actionSpace.IsDiscrete ? new int[n * actionSpace.ActionSize] : [];
        _continuousActions = actionSpace.IsDiscrete ? [] : new float[n * actionSpace.ActionSize];
        _finalObservations = new float[n * env.ObservationSize];
        _finalValues = new float[n];
        _truncatedEnvs = new int[n];
        _normalizedRewards = new float[n];
        _lastValues = new float[n];
        _maskBlocks = maskBlocks;
    }

    public EpisodeStatistics Episodes { get; }

    /// <summary>Environment steps taken (all environments together).</summary>
    public long Timesteps { get; set; }

    /// <summary>The (normalized) observations the next step acts on.</summary>
    public ReadOnlySpan<float> CurrentObservations => _observations;

    /// <summary>The environments' reset seed and actions since, which rebuild their state on resume.</summary>
    public EnvironmentHistory History => _history;

    /// <summary>Forces a reset (with a seed drawn from the collection's random source) before the next step.</summary>
    public void RequestReset()
    {
        _needsReset = true;
        _replayPending = false;
    }

    /// <summary>Fills <paramref name="buffer"/> with its NumSteps steps and computes GAE.</summary>
    public void Collect(RolloutBuffer buffer, RandomSource random, double gamma, double gaeLambda)
    {
        var n = _env.NumEnvs;
        var obsSize = _env.ObservationSize;
        var k = _policy.OutputCount;
        var actionSize = _actionSpace.ActionSize;
        if (_replayPending)
        {
            ReplayHistory();
        }
        else if (_needsReset)
        {
            var seed = random.NextSeed();
            _env.Reset(seed, _step.Observations);
            _history.Reset(seed);
            CheckObservations(_step.Observations, "Reset");
            _normalizer.ProcessObservations(_step.Observations, n, _observations);
            Episodes.ResetRunning(n);
            _needsReset = false;
        }
        buffer.Clear();
        while (!buffer.IsFull)
        {
            var row = buffer.NextStepFirstRow;
            _observations.AsSpan().CopyTo(buffer.Observations.AsSpan(row * obsSize, n * obsSize));
            var actions = buffer.Actions.AsSpan(row * actionSize, n * actionSize);
            var masks = _maskBlocks is null ? default : ReadActionMasks(_env, _maskBlocks, buffer.ActionMasks.AsSpan(row, n), Timesteps);
            _policy.Act(_observations, n, deterministic: false, random, actions,
                buffer.LogProbs.AsSpan(row, n), buffer.Values.AsSpan(row, n), buffer.Outputs.AsSpan(row * k, n * k), masks);
            StepEnvironments(actions);
            Timesteps += n;
            CheckStep();
            Episodes.Step(_step.Rewards, _step.Terminated, _step.Truncated, Timesteps);

            _normalizer.ProcessRewards(_step.Rewards, _step.Terminated, _step.Truncated, _normalizedRewards);
            BootstrapTruncated(gamma);
            for (var e = 0; e < n; e++)
            {
                buffer.Rewards[row + e] = _normalizedRewards[e];
                buffer.Dones[row + e] = _step.Terminated[e] || _step.Truncated[e] ? 1f : 0f;
            }
            buffer.CommitStep();
            _normalizer.ProcessObservations(_step.Observations, n, _observations);
        }
        _policy.PredictValues(_observations, n, _lastValues);
        buffer.ComputeReturnsAndAdvantages(_lastValues, gamma, gaeLambda);
    }

    /// <summary>What is wrong, and what to do, when masking is on and the environment reports no mask.</summary>
    internal const string NoActionMask = "the environment reports no action mask with its observations; an environment of one's own sets " +
        "StepInfo.ActionMask and HasActionMask on every Reset and Step (Gymnasium's info[\"action_mask\"], as Taxi-v3 does)";

    /// <summary>
    /// Copies the action masks of <paramref name="env"/>'s current observations into <paramref name="destination"/>, or throws
    /// when the environment reports none or a mask leaves a block without a legal action. Environments marked in
    /// <paramref name="ignored"/> (whose action the next step ignores: next-step autoreset after the end of an episode, whose
    /// last state may allow nothing) get every action.
    /// </summary>
    internal static ReadOnlySpan<ulong> ReadActionMasks(IVectorEnvironment env, ReadOnlySpan<int> blocks, Span<ulong> destination, long timesteps,
        ReadOnlySpan<bool> ignored = default)
    {
        var masks = env.ActionMasks;
        if (masks.Length != destination.Length)
            throw new InvalidOperationException($"use_masking: {NoActionMask} (after {timesteps:N0} steps).");
        masks.CopyTo(destination);
        for (var e = 0; e < masks.Length; e++)
        {
            if (!ignored.IsEmpty && ignored[e])
            {
                destination[e] = ulong.MaxValue;
                continue;
            }
            var block = Distributions.ActionMasking.FirstBlockWithoutLegalAction(masks[e], blocks);
            if (block >= 0)
                throw new InvalidOperationException($"Environment {e} reported the action mask 0x{masks[e]:X} after {timesteps:N0} steps, which leaves " +
                    (blocks.Length == 1 ? "no legal action" : $"no legal action in block {block}") + "; every state needs at least one.");
        }
        return destination;
    }

    private void StepEnvironments(ReadOnlySpan<float> actions)
    {
        if (_actionSpace.IsDiscrete)
        {
            for (var i = 0; i < _discreteActions.Length; i++)
                _discreteActions[i] = (int)actions[i] + _actionSpace.DiscreteStart;
            _history.Append(_discreteActions);
            _env.Step(_discreteActions, _step);
            return;
        }
        // SB3 stores the unclipped action and sends the action clipped to the box.
        var d = _actionSpace.ActionSize;
        for (var i = 0; i < _continuousActions.Length; i++)
            _continuousActions[i] = Math.Clamp(actions[i], _actionSpace.Low[i % d], _actionSpace.High[i % d]);
        _history.Append(_continuousActions);
        _env.Step(_continuousActions, _step);
    }

    /// <summary>
    /// Takes a saved history: before the next collection the environments are reset with its seed and its actions
    /// replayed (not now, so that loading an agent to evaluate it costs nothing), and the current observations are
    /// normalized with the restored statistics, which stay untouched. Without a seed (an agent saved before its first
    /// step) the next collection resets as a fresh agent's would.
    /// </summary>
    /// <exception cref="InvalidDataException">The actions are not a whole number of vector steps.</exception>
    public void RestoreEnvironments(int? seed, ReadOnlySpan<float> actions)
    {
        var perStep = _env.NumEnvs * _actionSpace.ActionSize;
        if (actions.Length % perStep != 0 || (seed is null && !actions.IsEmpty))
            throw new InvalidDataException($"The saved environment history holds {actions.Length} action values, not a whole number of steps of {perStep} after a reset.");
        _history.Restore(seed, actions);
        _needsReset = true;
        _replayPending = seed is not null;
    }

    private void ReplayHistory()
    {
        var n = _env.NumEnvs;
        var actions = _history.Actions;
        var perStep = n * _actionSpace.ActionSize;
        _env.Reset(_history.ResetSeed!.Value, _step.Observations);
        for (var start = 0; start < actions.Length; start += perStep)
        {
            var step = actions.Slice(start, perStep);
            if (_actionSpace.IsDiscrete)
            {
                for (var i = 0; i < perStep; i++)
                    _discreteActions[i] = (int)step[i];
                _env.Step(_discreteActions, _step);
            }
            else
            {
                step.CopyTo(_continuousActions);
                _env.Step(_continuousActions, _step);
            }
        }
        _normalizer.NormalizeObservationRows(_step.Observations, n, _observations);
        _replayPending = false;
        _needsReset = false;
    }

    /// <summary>
    /// Stops training at the first NaN observation or non-finite reward, naming the environment, the element
    /// and the step, before the value reaches the normalizer statistics or the trees (where a NaN feature
    /// would silently count as missing).
    /// </summary>
    private void CheckStep()
    {
        CheckObservations(_step.Observations, "Step");
        var rewards = _step.Rewards;
        for (var e = 0; e < rewards.Length; e++)
        {
            if (!double.IsFinite(rewards[e]))
                throw new InvalidOperationException($"Environment {e} returned the reward {rewards[e]} after {Timesteps:N0} environment steps; rewards must be finite (EnvironmentChecker.Check finds such problems).");
            if (_step.HasFinalObservation[e])
                CheckObservations(_step.FinalObservation(e), "Step (the final observation of its episode)", e);
        }
    }

    private void CheckObservations(ReadOnlySpan<float> observations, string call, int env = 0)
    {
        for (var i = 0; i < observations.Length; i++)
        {
            if (float.IsNaN(observations[i]))
            {
                var obsSize = _env.ObservationSize;
                throw new InvalidOperationException($"Environment {env + i / obsSize} returned an observation whose element {i % obsSize} is NaN from {call} after {Timesteps:N0} environment steps; observations must not be NaN (EnvironmentChecker.Check finds such problems).");
            }
        }
    }

    /// <summary>r_t += gamma * V(final observation) for every episode cut short by a time limit.</summary>
    private void BootstrapTruncated(double gamma)
    {
        var obsSize = _env.ObservationSize;
        var count = 0;
        for (var e = 0; e < _env.NumEnvs; e++)
        {
            if (!_step.Truncated[e] || _step.Terminated[e])
                continue;
            if (!_step.HasFinalObservation[e])
                throw new InvalidOperationException($"Environment {e} truncated its episode without a final observation.");
            _normalizer.NormalizeObservationRows(_step.FinalObservation(e), 1, _finalObservations.AsSpan(count * obsSize, obsSize));
            _truncatedEnvs[count++] = e;
        }
        if (count == 0)
            return;
        _policy.PredictValues(_finalObservations, count, _finalValues);
        for (var i = 0; i < count; i++)
            _normalizedRewards[_truncatedEnvs[i]] += (float)(gamma * _finalValues[i]);
    }
}
