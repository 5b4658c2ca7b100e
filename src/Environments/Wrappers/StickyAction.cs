using System.Runtime.CompilerServices;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// With probability <see cref="RepeatActionProbability"/> the environment takes the previous action again instead of
/// the one given (Gymnasium 1.0's <c>StickyAction</c>, after Machado et al. 2018, section 5.2). As in Gymnasium,
/// <see cref="Reset"/> forgets the previous action, so the first step of an episode always takes the given action and
/// draws no random number; every later step draws one uniform u in [0, 1) and repeats when u &lt; p; the action taken
/// becomes the previous one. Vector actions (ReadOnlyMemory of float or int) are copied into a buffer the wrapper owns,
/// since the caller may reuse its own. Differences from Gymnasium: the draws come from the wrapper's own generator
/// rather than the wrapped environment's <c>np_random</c>: <c>Reset(seed)</c> reseeds it (xoshiro256** through
/// SplitMix64, from <c>seed ^ 0x5EED57C1</c>, so it does not replay the stream the environment seeds from the same
/// number), a reset without a seed continues it, and before any seeded reset it is seeded as unseeded environments are
/// (from a process-wide counter); the same seed therefore gives the same repeats. And p = 1 is accepted (Gymnasium
/// requires p &lt; 1): every step after the first of an episode then repeats the first action.
/// </summary>
public sealed class StickyAction<TObservation, TAction> : EnvironmentWrapper<TObservation, TAction>
{
    /// <summary>Mixed into the reset seed, so that the sticky draws do not follow the environment's own generator.</summary>
    internal const int SeedSalt = 0x5EED57C1;

    private readonly EnvironmentRandom _random = EnvironmentRandom.Unseeded();
    private TAction _last = default!;
    private float[] _lastFloats = [];
    private int[] _lastInts = [];
    private bool _hasLast;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="repeatActionProbability"/> must lie in [0, 1].</summary>
    public StickyAction(IEnvironment<TObservation, TAction> inner, double repeatActionProbability)
        : base(inner)
    {
        if (!(repeatActionProbability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(repeatActionProbability), repeatActionProbability,
                "StickyAction's repeat action probability must lie in [0, 1].");
        }

        RepeatActionProbability = repeatActionProbability;
    }

    /// <summary>The probability that a step after the first of an episode repeats the previous action.</summary>
    public double RepeatActionProbability { get; }

    /// <summary>Whether the last <see cref="Step"/> took the previous action instead of the one given.</summary>
    public bool LastStepRepeated { get; private set; }

    /// <inheritdoc/>
    public override ResetResult<TObservation> Reset(int? seed = null)
    {
        _hasLast = false;
        LastStepRepeated = false;
        if (seed is int s)
        {
            _random.Reseed(s ^ SeedSalt);
        }

        return Inner.Reset(seed);
    }

    /// <inheritdoc/>
    public override StepResult<TObservation> Step(TAction action)
    {
        bool repeat = _hasLast && _random.NextDouble() < RepeatActionProbability;
        LastStepRepeated = repeat;
        if (!repeat)
        {
            Remember(action);
        }

        return Inner.Step(_last);
    }

    /// <summary>Keeps <paramref name="action"/> as the previous action; a vector action as a view of the wrapper's own copy.</summary>
    private void Remember(TAction action)
    {
        _hasLast = true;
        if (typeof(TAction) == typeof(ReadOnlyMemory<float>))
        {
            var span = Unsafe.As<TAction, ReadOnlyMemory<float>>(ref action).Span;
            if (_lastFloats.Length != span.Length)
            {
                _lastFloats = new float[span.Length]; // once, or when the caller's action length changes
            }

            span.CopyTo(_lastFloats);
            ReadOnlyMemory<float> copy = _lastFloats;
            _last = Unsafe.As<ReadOnlyMemory<float>, TAction>(ref copy);
        }
        else if (typeof(TAction) == typeof(ReadOnlyMemory<int>))
        {
            var span = Unsafe.As<TAction, ReadOnlyMemory<int>>(ref action).Span;
            if (_lastInts.Length != span.Length)
            {
                _lastInts = new int[span.Length];
            }

            span.CopyTo(_lastInts);
            ReadOnlyMemory<int> copy = _lastInts;
            _last = Unsafe.As<ReadOnlyMemory<int>, TAction>(ref copy);
        }
        else
        {
            _last = action;
        }
    }
}
