using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The neural baseline's input (MiniGrid's OneHotPartialObsWrapper, flattened, with direction and
/// mission): per view cell a one-hot of the object (11), the colour (6) and the state (3), then a
/// one-hot of the direction (4) and of the mission index. Numerical 0/1 features: 20 x 49 + 4 +
/// missions for the 7x7 view. On a <see cref="FullyObservableWrapper"/> the agent's cell holds its
/// direction in the state channel; its state one-hot saturates at 2 (the direction one-hot carries it).
/// </summary>
public sealed class OneHotObservationWrapper : MiniGridFloatWrapper
{
    /// <summary>One-hot width of a cell: 11 objects + 6 colours + 3 states.</summary>
    public const int CellWidth = 11 + 6 + 3;

    private readonly Box _space;

    /// <summary>Wraps <paramref name="inner"/> (a MiniGrid environment or a <see cref="FullyObservableWrapper"/>).</summary>
    public OneHotObservationWrapper(IEnvironment<MiniGridObservation, int> inner)
        : base(inner)
    {
        _space = new Box(0f, 1f, (Cells * CellWidth) + 4 + MissionCount);
    }

    /// <inheritdoc/>
    public override Space ObservationSpace => _space;

    private protected override void Write(ReadOnlySpan<byte> image, int direction, int mission, Span<float> destination, bool imageCurrent)
    {
        int cells = Cells;
        int tail = cells * CellWidth;
        if (!imageCurrent)
        {
            destination[..tail].Clear();
            for (int i = 0; i < cells; i++)
            {
                int o = i * 3;
                int d = i * CellWidth;
                destination[d + image[o]] = 1f;
                destination[d + 11 + image[o + 1]] = 1f;
                destination[d + 17 + Math.Min((int)image[o + 2], 2)] = 1f;
            }
        }

        destination[tail..].Clear();
        destination[tail + direction] = 1f;
        destination[tail + 4 + mission] = 1f;
    }
}
