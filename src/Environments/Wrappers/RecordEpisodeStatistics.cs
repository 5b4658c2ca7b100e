using System.Diagnostics;

namespace RLFramework.Environments.Wrappers;

/// <summary>Return, length and wall-clock duration of one finished episode.</summary>
public readonly record struct EpisodeStatistics(double Return, int Length, double Seconds);

/// <summary>
/// Tracks the return and length of each episode and keeps the last <see cref="BufferLength"/>
/// finished ones (Gymnasium's RecordEpisodeStatistics, typed instead of an info dictionary).
/// </summary>
public sealed class RecordEpisodeStatistics<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    private readonly EpisodeStatistics[] _recent;
    private long _startTimestamp;
    private int _next;

    /// <summary>Wraps <paramref name="inner"/>, keeping the last <paramref name="bufferLength"/> episodes.</summary>
    public RecordEpisodeStatistics(IEnvironment<TObservation, TAction> inner, int bufferLength = 100)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLength, 1);
        _recent = new EpisodeStatistics[bufferLength];
    }

    /// <summary>How many finished episodes are kept.</summary>
    public int BufferLength => _recent.Length;

    /// <summary>Return of the current episode so far.</summary>
    public double EpisodeReturn { get; private set; }

    /// <summary>Steps of the current episode so far.</summary>
    public int EpisodeLength { get; private set; }

    /// <summary>Finished episodes since construction.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>The last finished episode, or null before the first one ends.</summary>
    public EpisodeStatistics? LastEpisode { get; private set; }

    /// <summary>Whether the last step ended an episode.</summary>
    public bool LastStepEndedEpisode { get; private set; }

    /// <summary>The kept episodes, oldest first.</summary>
    public IReadOnlyList<EpisodeStatistics> RecentEpisodes
    {
        get
        {
            int kept = (int)Math.Min(EpisodeCount, _recent.Length);
            var list = new EpisodeStatistics[kept];
            for (int k = 0; k < kept; k++)
            {
                list[k] = _recent[(_next - kept + k + _recent.Length) % _recent.Length];
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public override ResetResult<TObservation> Reset(int? seed = null)
    {
        var result = Inner.Reset(seed);
        EpisodeReturn = 0;
        EpisodeLength = 0;
        LastStepEndedEpisode = false;
        _startTimestamp = Stopwatch.GetTimestamp();
        return result;
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        var result = Inner.Step(action);
        EpisodeReturn += result.Reward;
        EpisodeLength++;
        LastStepEndedEpisode = result.Terminated || result.Truncated;
        if (LastStepEndedEpisode)
        {
            var episode = new EpisodeStatistics(EpisodeReturn, EpisodeLength, Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds);
            LastEpisode = episode;
            _recent[_next] = episode;
            _next = (_next + 1) % _recent.Length;
            EpisodeCount++;
        }

        return result;
    }
}
