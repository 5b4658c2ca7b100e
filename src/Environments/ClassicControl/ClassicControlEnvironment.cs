using System.Runtime.CompilerServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.ClassicControl;

/// <summary>
/// What the classic-control environments share: a float64 state vector (as in the reference
/// <c>env.unwrapped.state</c>), a float32 observation buffer that every step overwrites, the seeded
/// generator and the reset/step contract. Observations are <see cref="ReadOnlyMemory{T}"/> views of
/// that buffer: no allocation per step; copy one with <c>ToArray()</c> to keep it. Pictures are drawn as the
/// reference's <c>render()</c> draws them: a white surface, the scene in pygame's coordinates, then a vertical flip.
/// </summary>
public abstract class ClassicControlEnvironment : IStatefulEnvironment<double[]>, IEnvironmentLabels, IImageRenderable
{
    private readonly double[] _state;
    private readonly float[] _observation;
    private readonly ReadOnlyMemory<float> _observationView;
    private readonly EnvironmentRandom _random;
    private Phase _phase;

    private protected ClassicControlEnvironment(string name, int stateSize, Space observationSpace, Space actionSpace, bool numpySeeding = false)
    {
        Name = name;
        _random = EnvironmentRandom.Unseeded(numpySeeding);
        _state = new double[stateSize];
        _observation = new float[observationSpace.FlatSize];
        _observationView = _observation;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    private enum Phase
    {
        NotStarted,
        Running,
        Ended,
    }

    /// <summary>The environment's id-like name used in error messages, e.g. "CartPole".</summary>
    public string Name { get; }

    /// <inheritdoc cref="IEnvironment.ObservationSpace"/>
    public Space ObservationSpace { get; }

    /// <inheritdoc cref="IEnvironment.ActionSpace"/>
    public Space ActionSpace { get; }

    /// <inheritdoc cref="IEnvironment.Spec"/>
    public EnvironmentSpec? Spec { get; init; }

    /// <summary>Names of the observation's elements, as Gymnasium's documentation of the environment gives them.</summary>
    private protected abstract IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the actions (Discrete) or of the action's elements (Box).</summary>
    private protected abstract IReadOnlyList<string> ActionNames { get; }

    /// <inheritdoc/>
    public string FeatureName(int index) => FeatureNames[index];

    /// <inheritdoc/>
    public string? ValueName(int index, float value) => null;

    /// <inheritdoc/>
    public string ActionName(int index) => ActionNames[index];

    /// <summary>The internal state (float64 as in the reference); a view for subclasses.</summary>
    private protected Span<double> State => _state;

    /// <summary>The observation buffer that <see cref="WriteObservation"/> fills.</summary>
    private protected Span<float> Observation => _observation;

    /// <summary>The environment's seeded generator.</summary>
    private protected EnvironmentRandom Random => _random;

    /// <summary>
    /// Starts a new episode: draws the initial state from the seeded generator (a seed restarts it).
    /// The draws do not reproduce NumPy's PCG64 stream unless the environment's options ask for
    /// NumPy seeding (CartPole's <see cref="CartPoleOptions.NumpySeeding"/>).
    /// </summary>
    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            _random.Reseed(s);
        }

        SampleInitialState(_random, _state);
        WriteObservation();
        _phase = Phase.Running;
        return new ResetResult<ReadOnlyMemory<float>>(_observationView, StepInfo.Empty);
    }

    /// <summary>A copy of the internal float64 state vector.</summary>
    public double[] GetState() => (double[])_state.Clone();

    /// <summary>Overwrites the internal state (the reference's <c>env.unwrapped.state = ...</c>); the episode counts as started.</summary>
    public void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != _state.Length)
        {
            StepErrors.StateWrongLength(Name, state.Length, _state.Length);
        }

        state.CopyTo(_state, 0);
        WriteObservation();
        _phase = Phase.Running;
    }

    /// <inheritdoc/>
    public abstract int RenderFps { get; }

    /// <summary>
    /// The current state as a picture, Gymnasium's <c>render()</c> with <c>render_mode="rgb_array"</c>: the same scene
    /// (sizes, geometry, colours, the final vertical flip), drawn without anti-aliasing, so pixels along the edges of
    /// shapes differ from pygame's (see <see cref="Raster"/>). Reads the state and changes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Before the first <c>Reset</c> or <see cref="SetState"/>.</exception>
    public RgbImage RenderImage()
    {
        if (_phase == Phase.NotStarted)
        {
            StepErrors.RenderedBeforeReset(Name);
        }

        (int width, int height) = ScreenSize;
        var surface = new RgbImage(width, height);
        surface.Fill(255, 255, 255);
        DrawScene(surface, _state);
        Raster.FlipVertical(surface);
        return surface;
    }

    /// <summary>The reference's screen size in pixels.</summary>
    private protected abstract (int Width, int Height) ScreenSize { get; }

    /// <summary>
    /// Draws the reference's scene of <paramref name="state"/> on the white <paramref name="surface"/> in pygame's
    /// coordinates, before the flip: y grows downwards in memory, so the scene's "up" is towards the last row.
    /// </summary>
    private protected abstract void DrawScene(RgbImage surface, ReadOnlySpan<double> state);

    /// <summary>The observation derived from the current state, as a fresh array.</summary>
    public float[] CurrentObservation() => (float[])_observation.Clone();

    /// <summary>Nothing to release.</summary>
    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Writes the initial state of an episode.</summary>
    private protected abstract void SampleInitialState(EnvironmentRandom random, Span<double> state);

    /// <summary>Writes the float32 observation of the current state into <see cref="Observation"/>.</summary>
    private protected abstract void WriteObservation();

    /// <summary>Throws unless an episode is running.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void EnsureRunning()
    {
        if (_phase != Phase.Running)
        {
            ThrowNotRunning();
        }
    }

    /// <summary>
    /// Whether <see cref="StepDiscrete"/> is implemented: the registry's wrappers and the vector
    /// environments then step this environment with one virtual call and no result struct.
    /// </summary>
    internal virtual bool HasFlatDiscreteStep => false;

    /// <summary>The observation buffer as the view every result carries.</summary>
    internal ReadOnlyMemory<float> ObservationView => _observationView;

    /// <summary>
    /// The same step as the environment's public <c>Step(int)</c> (same checks, same state, same
    /// bits, same end of episode), without building the result: the observation is in
    /// <see cref="ObservationView"/>, the reward in <paramref name="reward"/>; returns terminated
    /// (these environments never truncate, their info is <see cref="StepInfo.Empty"/>).
    /// </summary>
    internal virtual bool StepDiscrete(int action, out double reward) =>
        throw new NotSupportedException($"{Name} has no flat discrete step.");

    /// <summary><see cref="StepDiscrete"/> with the observation copied into <paramref name="observation"/>.</summary>
    internal bool StepFlat(int action, Span<float> observation, out double reward)
    {
        bool terminated = StepDiscrete(action, out reward);
        _observation.CopyTo(observation);
        return terminated;
    }

    /// <summary>Ends the episode when <paramref name="terminated"/> (what <see cref="Finish"/> does to the phase).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void EndIfTerminated(bool terminated)
    {
        if (terminated)
        {
            _phase = Phase.Ended;
        }
    }

    /// <summary>Finishes a step: the observation is already written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected StepResult<ReadOnlyMemory<float>> Finish(double reward, bool terminated)
    {
        if (terminated)
        {
            _phase = Phase.Ended;
        }

        return new StepResult<ReadOnlyMemory<float>>(_observationView, reward, terminated, false, StepInfo.Empty);
    }

    /// <summary>Checks a continuous action of <paramref name="size"/> finite values.</summary>
    private protected void CheckContinuousAction(ReadOnlySpan<float> action, int size)
    {
        if (action.Length != size)
        {
            StepErrors.ActionWrongLength(Name, action.Length, size);
        }

        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
            {
                StepErrors.ActionNotFinite(Name, i, action[i]);
            }
        }
    }

    /// <summary>Checks a discrete action against Discrete(<paramref name="n"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void CheckDiscreteAction(int action, int n)
    {
        if ((uint)action >= (uint)n)
        {
            StepErrors.DiscreteActionOutOfRange(Name, action, n);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotRunning()
    {
        if (_phase == Phase.NotStarted)
        {
            StepErrors.NotReset(Name);
        }

        StepErrors.EpisodeEnded(Name);
    }
}
