using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// Base of the wrappers that turn MiniGrid observations into flat floats for learners: each
/// observation is encoded into one buffer that the wrapper owns and reuses (valid until the next
/// Reset or Step). The inner environment's observation space must be the flat MiniGrid layout
/// (image bytes, direction, mission index), as <see cref="MiniGridEnvironment"/> and
/// <see cref="FullyObservableWrapper"/> give.
/// </summary>
public abstract class MiniGridFloatWrapper : IEnvironment<ReadOnlyMemory<float>, int>, IEnvironmentWrapper
{
    private readonly IEnvironment<MiniGridObservation, int> _inner;
    private float[] _buffer = [];
    private MiniGridObservation? _encoded;
    private int _encodedVersion;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    private protected MiniGridFloatWrapper(IEnvironment<MiniGridObservation, int> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Space space = inner.ObservationSpace;
        IReadOnlyList<int> cardinalities = space.Cardinalities;
        if ((space.FlatSize - 2) % 3 != 0 || space.FlatSize < 5)
        {
            throw new ArgumentException($"The inner observation space has {space.FlatSize} features; a MiniGrid layout needs 3 per cell plus 2.", nameof(inner));
        }

        Cells = (space.FlatSize - 2) / 3;
        MissionCount = cardinalities[^1];
    }

    /// <inheritdoc/>
    public IEnvironment InnerEnvironment => _inner;

    /// <inheritdoc/>
    public abstract Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace => _inner.ActionSpace;

    /// <inheritdoc/>
    public EnvironmentSpec? Spec => _inner.Spec;

    /// <summary>Image cells per observation.</summary>
    private protected int Cells { get; }

    /// <summary>Missions of the environment (the mission index's cardinality).</summary>
    private protected int MissionCount { get; }

    /// <inheritdoc/>
    public ResetResult<ReadOnlyMemory<float>> Reset(int? seed = null)
    {
        ResetResult<MiniGridObservation> result = _inner.Reset(seed);
        return new ResetResult<ReadOnlyMemory<float>>(Encode(result.Observation), result.Info);
    }

    /// <inheritdoc/>
    public StepResult<ReadOnlyMemory<float>> Step(int action)
    {
        StepResult<MiniGridObservation> result = _inner.Step(action);
        return new StepResult<ReadOnlyMemory<float>>(Encode(result.Observation), result.Reward, result.Terminated, result.Truncated, result.Info);
    }

    /// <summary>Encodes <paramref name="observation"/> into the reused buffer.</summary>
    public ReadOnlyMemory<float> Encode(MiniGridObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        int size = ObservationSpace.FlatSize;
        if (_buffer.Length != size)
        {
            _buffer = new float[size];
            _encoded = null;
        }

        ReadOnlySpan<byte> image = observation.Image.Span;
        if (image.Length != Cells * 3)
        {
            throw new ArgumentException($"The observation image has {image.Length / 3} cells; this wrapper encodes {Cells}.", nameof(observation));
        }

        // The image part is still current when this observation object's image was not rewritten since.
        bool imageCurrent = ReferenceEquals(observation, _encoded) && observation.ImageVersion == _encodedVersion;
        Write(image, observation.Direction, observation.MissionIndex, _buffer, imageCurrent);
        _encoded = observation;
        _encodedVersion = observation.ImageVersion;
        return _buffer;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _inner.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Writes the encoding of one observation into <paramref name="destination"/> (<see cref="Space.FlatSize"/>
    /// floats, holding the previous encoding); the image part may be kept when <paramref name="imageCurrent"/>.
    /// </summary>
    private protected abstract void Write(ReadOnlySpan<byte> image, int direction, int mission, Span<float> destination, bool imageCurrent);
}
