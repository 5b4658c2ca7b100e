namespace RLFramework.Agents.Logging;

/// <summary>Stable-Baselines3's metric keys.</summary>
public static class MetricKeys
{
    /// <summary>Mean return of the last 100 training episodes.</summary>
    public const string EpisodeRewardMean = "rollout/ep_rew_mean";

    /// <summary>Mean length of the last 100 training episodes.</summary>
    public const string EpisodeLengthMean = "rollout/ep_len_mean";

    /// <summary>Mean approximate KL divergence between the old and the new policy (PPO).</summary>
    public const string ApproxKl = "train/approx_kl";

    /// <summary>Fraction of samples whose ratio was clipped (PPO).</summary>
    public const string ClipFraction = "train/clip_fraction";

    /// <summary>Mean value loss.</summary>
    public const string ValueLoss = "train/value_loss";

    /// <summary>Mean policy loss.</summary>
    public const string PolicyLoss = "train/policy_loss";

    /// <summary>Mean entropy loss (minus the entropy).</summary>
    public const string EntropyLoss = "train/entropy_loss";

    /// <summary>Explained variance of the values for the returns.</summary>
    public const string ExplainedVariance = "train/explained_variance";

    /// <summary>Mean standard deviation of a Gaussian policy.</summary>
    public const string Std = "train/std";

    /// <summary>Environment steps per second since training started.</summary>
    public const string Fps = "time/fps";

    /// <summary>Environment steps so far.</summary>
    public const string TotalTimesteps = "time/total_timesteps";

    /// <summary>Seconds since training started.</summary>
    public const string ElapsedSeconds = "time/time_elapsed";

    /// <summary>Trees in the policy's ensembles.</summary>
    public const string Trees = "trees";

    /// <summary>Mean return of the last evaluation (evaluation callback).</summary>
    public const string EvalMeanReward = "eval/mean_reward";

    /// <summary>Every key the built-in algorithms and callbacks write, in a fixed column order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        TotalTimesteps, EpisodeRewardMean, EpisodeLengthMean, Fps, ElapsedSeconds, Trees,
        PolicyLoss, ValueLoss, EntropyLoss, ApproxKl, ClipFraction, ExplainedVariance, Std, EvalMeanReward,
    ];
}

/// <summary>One metric value.</summary>
public readonly record struct Metric(string Key, double Value);

/// <summary>The metrics of one training iteration.</summary>
/// <param name="Timesteps">Environment steps so far.</param>
/// <param name="Iteration">Training iteration (rollout) number, from 1.</param>
/// <param name="Values">The metric values.</param>
public sealed record MetricRecord(long Timesteps, int Iteration, IReadOnlyList<Metric> Values)
{
    /// <summary>The value of <paramref name="key"/>, or NaN when the record does not hold it.</summary>
    public double this[string key]
    {
        get
        {
            foreach (var metric in Values)
            {
                if (metric.Key == key)
                    return metric.Value;
            }
            return double.NaN;
        }
    }
}

/// <summary>Where training metrics go (console, CSV, JSON, a user's own sink).</summary>
public interface IMetricSink : IDisposable
{
    /// <summary>Writes one record.</summary>
    void Write(MetricRecord record);
}
