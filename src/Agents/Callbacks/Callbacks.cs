using System.Globalization;
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

/// <summary>Saves the agent every <c>everySteps</c> environment steps to <c>{directory}/{prefix}_{steps}_steps.rlm</c>.</summary>
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
/// Stable-Baselines3's EvalCallback. Every <paramref name="everySteps"/> steps (at the first iteration end at or past
/// k x everySteps) the agent plays <paramref name="episodes"/> episodes on an environment of its own, made by
/// <paramref name="makeEnvironment"/> and reset with seed <paramref name="seed"/> + k, so evaluation k is the same
/// whether or not the run was resumed in between. It reports <c>eval/mean_reward</c> and can stop training when the
/// mean reaches <paramref name="stopThreshold"/>.
/// <para>With <paramref name="logPath"/> each evaluation is a row of a CSV file (<see cref="LogHeader"/>). With
/// <paramref name="bestModelPath"/> the agent is saved there (atomically) whenever an evaluation's mean return beats
/// every earlier one. A log that exists at the start (a resumed run) keeps its rows up to the agent's step count, and
/// the best of those is the bar to beat. When the best row of the log came after that step, the best model on disk is
/// from the steps being redone: it is set aside (renamed <c>{name}_discarded_{steps}_steps{extension}</c>, see
/// <see cref="SetAsideBestModel"/>), not kept as the best of a run it no longer belongs to, and not lost.</para>
/// </summary>
public sealed class EvaluationCallback(Func<IVectorEnvironment> makeEnvironment, long everySteps, int episodes = 10,
    bool deterministic = true, double? stopThreshold = null, int seed = 0, string? logPath = null, string? bestModelPath = null)
    : TrainingCallback
{
    /// <summary>The header of the CSV log.</summary>
    public const string LogHeader = "timesteps,mean_return,std_return,mean_length,episodes";

    private long _nextEvaluation;

    /// <summary>Every evaluation of this session: (timesteps, result).</summary>
    public List<(long Timesteps, EvaluationResult Result)> Results { get; } = [];

    /// <summary>The best mean return so far, counting a carried log's rows (-infinity before the first).</summary>
    public double BestMeanReturn { get; private set; } = double.NegativeInfinity;

    /// <summary>The step count of the best evaluation (null before the first).</summary>
    public long? BestTimesteps { get; private set; }

    /// <summary>Where a resumed run's best model from the steps being redone was moved (null when there was none).</summary>
    public string? SetAsideBestModel { get; private set; }

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingStartContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        _nextEvaluation = (context.Agent.NumTimesteps / everySteps + 1) * everySteps;
        if (logPath is not null)
            CarryLog(logPath, context.Agent.NumTimesteps);
    }

    /// <inheritdoc />
    public override bool OnIterationEnd(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Timesteps < _nextEvaluation)
            return true;
        var k = context.Timesteps / everySteps;
        _nextEvaluation = (k + 1) * everySteps;
        using var env = makeEnvironment();
        var result = context.Agent.Evaluate(env, episodes, deterministic, seed: unchecked(seed + (int)k));
        Results.Add((context.Timesteps, result));
        context.Report(MetricKeys.EvalMeanReward, result.MeanReturn);
        if (logPath is not null)
        {
            File.AppendAllText(logPath, string.Create(CultureInfo.InvariantCulture,
                $"{context.Timesteps},{result.MeanReturn:R},{result.StdReturn:R},{result.MeanLength:R},{result.Returns.Count}\n"));
        }
        if (result.MeanReturn > BestMeanReturn)
        {
            BestMeanReturn = result.MeanReturn;
            BestTimesteps = context.Timesteps;
            if (bestModelPath is not null)
                context.Agent.Save(bestModelPath);
        }
        return stopThreshold is not { } threshold || result.MeanReturn < threshold;
    }

    /// <summary>Keeps the log's rows up to <paramref name="steps"/> (see <see cref="CarryLog(string, long, string?)"/>) and takes its best row.</summary>
    private void CarryLog(string path, long steps)
    {
        var carried = CarryLog(path, steps, bestModelPath);
        BestMeanReturn = carried.BestMeanReturn;
        BestTimesteps = carried.BestTimesteps;
        SetAsideBestModel ??= carried.SetAsideBestModel;
    }

    /// <summary>
    /// Cuts the evaluation log at <paramref name="path"/> back to the rows up to <paramref name="steps"/> (rewritten atomically; created
    /// when missing), as a run resumed at that step needs it. The model saved last at <paramref name="bestModelPath"/> is the one of the
    /// log's first best row: when that row is cut, the model belongs to the steps being redone and is set aside (renamed
    /// <c>{name}_discarded_{steps}_steps{extension}</c>), neither kept as the best of the resumed run nor lost.
    /// </summary>
    public static EvaluationLogCarry CarryLog(string path, long steps, string? bestModelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var rows = new List<string> { LogHeader };
        var best = double.NegativeInfinity;
        long? bestTimesteps = null;
        var cutBest = double.NegativeInfinity;
        long cutBestTimesteps = 0;
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length > 0 && lines[0] != LogHeader)
                throw new InvalidDataException($"'{path}' is not an evaluation log: its first line is '{lines[0]}', not '{LogHeader}'.");
            for (var i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',');
                if (cells.Length != 5
                    || !long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t)
                    || !double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mean))
                    throw new InvalidDataException($"'{path}' line {i + 1} is not an evaluation row ({LogHeader}): '{lines[i]}'.");
                if (t > steps)
                {
                    if (mean > cutBest)
                        (cutBest, cutBestTimesteps) = (mean, t);
                    continue;
                }
                rows.Add(lines[i]);
                if (mean > best)
                    (best, bestTimesteps) = (mean, t);
            }
        }
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, string.Join('\n', rows) + "\n");
        File.Move(temp, path, overwrite: true);
        string? aside = null;
        if (bestModelPath is not null && File.Exists(bestModelPath) && cutBest > best)
        {
            aside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bestModelPath))!,
                string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(bestModelPath)}_discarded_{cutBestTimesteps}_steps{Path.GetExtension(bestModelPath)}"));
            File.Move(bestModelPath, aside, overwrite: true);
        }
        return new EvaluationLogCarry(best, bestTimesteps, aside);
    }
}

/// <summary>What <see cref="EvaluationCallback.CarryLog(string, long, string?)"/> kept: the best row (-infinity and null when none) and where a best model of the cut rows went (null: none).</summary>
public sealed record EvaluationLogCarry(double BestMeanReturn, long? BestTimesteps, string? SetAsideBestModel);
