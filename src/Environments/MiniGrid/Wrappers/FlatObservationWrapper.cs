using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The raw observation as flat floats: the image bytes, the direction, the mission index, each a
/// categorical feature (image cardinalities 11, 6, 3 per cell), exactly the inner environment's
/// <see cref="MiniGridEnvironment.ObservationSpace"/>.
/// </summary>
public sealed class FlatObservationWrapper : MiniGridFloatWrapper
{
    private readonly Space _space;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FlatObservationWrapper(IEnvironment<MiniGridObservation, int> inner)
        : base(inner)
    {
        _space = inner.ObservationSpace;
    }

    /// <inheritdoc/>
    public override Space ObservationSpace => _space;

    private protected override void Write(ReadOnlySpan<byte> image, int direction, int mission, Span<float> destination, bool imageCurrent)
    {
        if (!imageCurrent)
        {
            for (int i = 0; i < image.Length; i++)
            {
                destination[i] = image[i];
            }
        }

        destination[image.Length] = direction;
        destination[image.Length + 1] = mission;
    }
}
