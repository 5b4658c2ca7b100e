namespace RLFramework.Agents.Rollouts;

/// <summary>One finished training episode.</summary>
/// <param name="Timestep">Total environment steps when the episode ended.</param>
/// <param name="Return">Undiscounted sum of the raw rewards.</param>
/// <param name="Length">Number of steps.</param>
public readonly record struct EpisodeRecord(long Timestep, double Return, int Length);

/// <summary>Running returns and lengths per environment, and every finished episode (Gymnasium's RecordEpisodeStatistics).</summary>
public sealed class EpisodeStatistics
{
    private readonly List<EpisodeRecord> _episodes = [];
    private double[] _returns;
    private int[] _lengths;

    internal EpisodeStatistics(int numEnvs)
    {
        _returns = new double[numEnvs];
        _lengths = new int[numEnvs];
    }

    /// <summary>Every finished episode, in order.</summary>
    public IReadOnlyList<EpisodeRecord> Episodes => _episodes;

    /// <summary>Mean return of the last <paramref name="window"/> episodes (NaN when none finished).</summary>
    public double MeanReturn(int window = 100) => Mean(window, static e => e.Return);

    /// <summary>Mean length of the last <paramref name="window"/> episodes (NaN when none finished).</summary>
    public double MeanLength(int window = 100) => Mean(window, static e => e.Length);

    /// <summary>Population standard deviation of the return over the last <paramref name="window"/> episodes.</summary>
    public double StdReturn(int window = 100)
    {
        var mean = MeanReturn(window);
        if (double.IsNaN(mean))
            return double.NaN;
        var start = Math.Max(0, _episodes.Count - window);
        var sum = 0.0;
        for (var i = start; i < _episodes.Count; i++)
            sum += (_episodes[i].Return - mean) * (_episodes[i].Return - mean);
        return Math.Sqrt(sum / (_episodes.Count - start));
    }

    internal void Step(ReadOnlySpan<double> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, long timestep)
    {
        for (var e = 0; e < rewards.Length; e++)
        {
            _returns[e] += rewards[e];
            _lengths[e]++;
            if (terminated[e] || truncated[e])
            {
                _episodes.Add(new EpisodeRecord(timestep, _returns[e], _lengths[e]));
                _returns[e] = 0;
                _lengths[e] = 0;
            }
        }
    }

    /// <summary>Forgets the episodes in progress (after the environments were reset).</summary>
    internal void ResetRunning(int numEnvs)
    {
        _returns = new double[numEnvs];
        _lengths = new int[numEnvs];
    }

    /// <summary>Return so far of each environment's episode in progress.</summary>
    internal ReadOnlySpan<double> RunningReturns => _returns;

    /// <summary>Length so far of each environment's episode in progress.</summary>
    internal ReadOnlySpan<int> RunningLengths => _lengths;

    /// <summary>Restores the finished episodes and, when saved (same environment count), the episodes in progress.</summary>
    internal void Restore(IEnumerable<EpisodeRecord> episodes, double[] runningReturns, int[] runningLengths)
    {
        _episodes.Clear();
        _episodes.AddRange(episodes);
        if (runningReturns.Length == _returns.Length && runningLengths.Length == _lengths.Length)
        {
            _returns = [.. runningReturns];
            _lengths = [.. runningLengths];
        }
    }

    private double Mean(int window, Func<EpisodeRecord, double> field)
    {
        if (_episodes.Count == 0)
            return double.NaN;
        var start = Math.Max(0, _episodes.Count - window);
        var sum = 0.0;
        for (var i = start; i < _episodes.Count; i++)
            sum += field(_episodes[i]);
        return sum / (_episodes.Count - start);
    }
}
