using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Returns the Box observation of <see cref="Delay"/> steps ago (Gymnasium 1.0's <c>DelayObservation</c>): the reset
/// observation and every step's observation join a queue that <see cref="Reset"/> empties, and while the queue holds
/// no more than <see cref="Delay"/> of them the wrapper returns Gymnasium's zero observation (0 per element, or the
/// bound nearest to 0 where the bounds exclude it). So with delay d the reset and the first d - 1 steps observe zeros
/// and step t &gt;= d observes what step t - d did (step 0 meaning the reset). Delay 0 passes observations through.
/// The space is the wrapped one; the queue is a ring of d + 1 frames the wrapper owns, so steps allocate nothing.
/// </summary>
public sealed class DelayObservation<TAction> : EnvironmentWrapper<ReadOnlyMemory<float>, TAction>
{
    private readonly float[] _ring;   // Delay + 1 frames
    private readonly float[] _zero;
    private readonly int _size;
    private int _next;                // the frame the next observation goes to
    private int _count;               // observations queued since the reset, up to Delay + 1

    /// <summary>Wraps <paramref name="inner"/> (a Box observation space) with a delay of <paramref name="delay"/> (at least 0) steps.</summary>
    public DelayObservation(IEnvironment<ReadOnlyMemory<float>, TAction> inner, int delay)
        : base(inner)
    {
        var box = WrapperSupport.BoxObservations(inner, "DelayObservation");
        if (delay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "DelayObservation needs a delay of at least 0 steps.");
        }

        Delay = delay;
        _size = box.FlatSize;
        _ring = new float[checked((delay + 1) * _size)];
        _zero = WrapperSupport.ZeroObservation(box);
    }

    /// <summary>How many steps old the returned observation is.</summary>
    public int Delay { get; }

    /// <inheritdoc/>
    public override ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        _next = 0;
        _count = 0;
        var result = Inner.Reset(seed);
        return new(Delayed(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public override StepResult<ReadOnlyMemory<float>> Step(TAction action)
    {
        var r = Inner.Step(action);
        return new(Delayed(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    private ReadOnlyMemory<float> Delayed(ReadOnlyMemory<float> observation)
    {
        var span = observation.Span;
        WrapperSupport.CheckLength(span, _size, "DelayObservation");
        int frames = Delay + 1;
        span.CopyTo(_ring.AsSpan(_next * _size, _size));
        _next = _next + 1 == frames ? 0 : _next + 1;
        if (_count <= Delay)
        {
            _count++;
        }

        // Full ring: the oldest frame, Delay steps old, is the one the next observation will overwrite.
        return _count > Delay ? new ReadOnlyMemory<float>(_ring, _next * _size, _size) : _zero;
    }
}
