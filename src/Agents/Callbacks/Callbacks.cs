using RLFramework.Agents.Algorithms;
using RLFramework.Agents.Logging;
using RLFramework.Environments.Vector;

namespace RLFramework.Agents.Callbacks;

/// <summary>A callback from a delegate: return false to stop training.</summary>
public sealed class LambdaCallback(Func<IterationContext, bool> onIterationEnd) : TrainingCallback
{
    /// <inheritdoc />
    public override bool OnIterationEnd(IterationContext context) => onIterationEnd(context);
}

/// <summary>Stops training once the mean return of the last <paramref name="window"/> training episodes reaches <paramref name="threshold"/>.</summary>
public sealed class StopOnRewardThresholdCallback(double threshold, int window = 100) : TrainingCallback
{
    /// <summary>The threshold.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc />
    public override bool OnIterationEnd(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var episodes = context.Agent.Episodes.Episodes.Count;
        return episodes < window || !(context.Agent.Episodes.MeanReturn(window) >= Threshold);
    }
}

/// <summary>Saves the agent every <paramref name="everySteps"/> environment steps to <c>{directory}/{prefix}_{steps}_steps.rlm</c>.</summary>
public sealed class CheckpointCallback : TrainingCallback
{
    private readonly string _directory;
    private readonly string _prefix;
    private readonly long _everySteps;
    private long _nextSave;

    /// <summary>Creates the callback; the directory is created when missing.</summary>
    public CheckpointCallback(string directory, long everySteps, string prefix = "checkpoint")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        _directory = directory;
        _prefix = prefix;
        _everySteps = everySteps;
    }

    /// <summary>Paths written so far.</summary>
    public List<string> Saved { get; } = [];

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingStartContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Directory.CreateDirectory(_directory);
        _nextSave = (context.Agent.NumTimesteps / _everySteps + 1) * _everySteps;
    }

    /// <inheritdoc />
    public override bool OnIterationEnd(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Timesteps >= _nextSave)
        {
            var path = Path.Combine(_directory, $"{_prefix}_{context.Timesteps}_steps.rlm");
            context.Agent.Save(path);
            Saved.Add(path);
            _nextSave = (context.Timesteps / _everySteps + 1) * _everySteps;
        }
        return true;
    }
}

/// <summary>
/// Evaluates the agent every <paramref name="everySteps"/> steps on its own environment
/// (made by <paramref name="makeEnvironment"/>), reports <c>eval/mean_reward</c>, and can stop
/// training when the mean reaches a threshold.
/// </summary>
public sealed class EvaluationCallback(Func<IVectorEnvironment> makeEnvironment, long everySteps, int episodes = 10,
    bool deterministic = true, double? stopThreshold = null) : TrainingCallback
{
    private long _nextEvaluation;

    /// <summary>Every evaluation so far: (timesteps, result).</summary>
    public List<(long Timesteps, EvaluationResult Result)> Results { get; } = [];

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingStartContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        _nextEvaluation = (context.Agent.NumTimesteps / everySteps + 1) * everySteps;
    }

    /// <inheritdoc />
    public override bool OnIterationEnd(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Timesteps < _nextEvaluation)
            return true;
        _nextEvaluation = (context.Timesteps / everySteps + 1) * everySteps;
        using var env = makeEnvironment();
        var result = context.Agent.Evaluate(env, episodes, deterministic, seed: Results.Count);
        Results.Add((context.Timesteps, result));
        context.Report(MetricKeys.EvalMeanReward, result.MeanReturn);
        return stopThreshold is not { } threshold || result.MeanReturn < threshold;
    }
}
