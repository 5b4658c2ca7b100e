namespace RLFramework.Environments.Vector;

/// <summary>
/// Records the raw return and length of every finished episode of every sub-environment (Gymnasium's
/// vector RecordEpisodeStatistics, typed). Put it directly over the vector environment, under any
/// reward normalization, to see raw returns. In <see cref="AutoresetMode.NextStep"/> mode the reset
/// step that follows an episode's end is not counted. Queries allocate nothing.
/// </summary>
public sealed class VectorRecordEpisodeStatistics : VectorEnvironmentWrapper
{
    private readonly double[] _returns;
    private readonly int[] _lengths;
    private readonly bool[] _previousDone;
    private readonly bool[] _ended;
    private readonly double[] _endedReturns;
    private readonly int[] _endedLengths;
    private readonly double[] _recentReturns;
    private readonly int[] _recentLengths;
    private int _next;

    /// <summary>Wraps <paramref name="inner"/>, keeping the last <paramref name="bufferLength"/> finished episodes.</summary>
    public VectorRecordEpisodeStatistics(IVectorEnvironment inner, int bufferLength = 100)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLength, 1);
        int n = inner.NumEnvs;
        _returns = new double[n];
        _lengths = new int[n];
        _previousDone = new bool[n];
        _ended = new bool[n];
        _endedReturns = new double[n];
        _endedLengths = new int[n];
        _recentReturns = new double[bufferLength];
        _recentLengths = new int[bufferLength];
    }

    /// <summary>Finished episodes since construction.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>Finished episodes kept in the recent buffer (at most its length).</summary>
    public int RecentCount => (int)Math.Min(EpisodeCount, _recentReturns.Length);

    /// <summary>Per environment: whether its episode ended in the last step.</summary>
    public ReadOnlySpan<bool> EpisodeEnded => _ended;

    /// <summary>Per environment: the return of the episode that ended in the last step (valid where <see cref="EpisodeEnded"/>).</summary>
    public ReadOnlySpan<double> EpisodeReturns => _endedReturns;

    /// <summary>Per environment: the length of the episode that ended in the last step (valid where <see cref="EpisodeEnded"/>).</summary>
    public ReadOnlySpan<int> EpisodeLengths => _endedLengths;

    /// <summary>Mean return of the recent finished episodes (NaN when there is none).</summary>
    public double RecentMeanReturn
    {
        get
        {
            int count = RecentCount;
            double sum = 0;
            for (int k = 0; k < count; k++)
            {
                sum += _recentReturns[k];
            }

            return count == 0 ? double.NaN : sum / count;
        }
    }

    /// <summary>Mean length of the recent finished episodes (NaN when there is none).</summary>
    public double RecentMeanLength
    {
        get
        {
            int count = RecentCount;
            long sum = 0;
            for (int k = 0; k < count; k++)
            {
                sum += _recentLengths[k];
            }

            return count == 0 ? double.NaN : (double)sum / count;
        }
    }

    /// <summary>Copies the recent returns, oldest first, into <paramref name="destination"/>; returns how many.</summary>
    public int CopyRecentReturns(Span<double> destination)
    {
        int count = Math.Min(RecentCount, destination.Length);
        int oldest = RecentCount < _recentReturns.Length ? 0 : _next;
        for (int k = 0; k < count; k++)
        {
            destination[k] = _recentReturns[(oldest + k) % _recentReturns.Length];
        }

        return count;
    }

    /// <inheritdoc/>
    public override void Reset(int? seed, Span<float> observations)
    {
        Inner.Reset(seed, observations);
        Array.Clear(_returns);
        Array.Clear(_lengths);
        Array.Clear(_previousDone);
        Array.Clear(_ended);
    }

    /// <inheritdoc/>
    protected override void AfterStep(VectorStepBuffers results)
    {
        var rewards = results.Rewards;
        var terminated = results.Terminated;
        var truncated = results.Truncated;
        bool nextStep = AutoresetMode == AutoresetMode.NextStep;
        for (int i = 0; i < _returns.Length; i++)
        {
            _ended[i] = false;
            if (_previousDone[i])
            {
                _returns[i] = 0;
                _lengths[i] = 0;
                _previousDone[i] = false;
                if (nextStep)
                {
                    // This step was the reset of sub-environment i.
                    continue;
                }
            }

            _returns[i] += rewards[i];
            _lengths[i]++;
            if (terminated[i] || truncated[i])
            {
                _ended[i] = true;
                _previousDone[i] = true;
                _endedReturns[i] = _returns[i];
                _endedLengths[i] = _lengths[i];
                _recentReturns[_next] = _returns[i];
                _recentLengths[_next] = _lengths[i];
                _next = (_next + 1) % _recentReturns.Length;
                EpisodeCount++;
            }
        }
    }
}
