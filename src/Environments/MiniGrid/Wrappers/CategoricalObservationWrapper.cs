using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The categorical observation GBRL uses: each view cell is one categorical feature whose code
/// combines object, colour and state (<see cref="WorldCell.CategoricalCode"/> = object * 18 +
/// colour * 3 + state, cardinality 198), followed by the direction (cardinality 4) and the mission
/// index (cardinality = the environment's number of missions). The space is a Box whose every
/// element is marked categorical; values are the integer codes as floats. 51 features for the 7x7 view.
/// A mission set larger than <see cref="MaxMissionCardinality"/> (PutNear has 324 missions; a tree learner offers
/// at most 255 categories of one feature per batch, so split this way every mission part is a candidate) is written as two features, mission / r and mission % r with
/// r = ceil(sqrt(missions)): 52 features. For PutNear r = 18, so the two are the object to move
/// (colour * 3 + type) and the object to put it near.
/// </summary>
public sealed class CategoricalObservationWrapper : MiniGridFloatWrapper
{
    /// <summary>The largest mission count written as one feature.</summary>
    public const int MaxMissionCardinality = 255;

    private readonly Box _space;
    private readonly int _missionRadix; // 0: one mission feature

    /// <summary>Wraps <paramref name="inner"/> (a MiniGrid environment or a <see cref="FullyObservableWrapper"/>).</summary>
    public CategoricalObservationWrapper(IEnvironment<MiniGridObservation, int> inner)
        : base(inner)
    {
        _missionRadix = MissionCount > MaxMissionCardinality ? (int)Math.Ceiling(Math.Sqrt(MissionCount)) : 0;
        int size = Cells + (_missionRadix == 0 ? 2 : 3);
        var low = new float[size];
        var high = new float[size];
        var cardinalities = new int[size];
        for (int i = 0; i < Cells; i++)
        {
            cardinalities[i] = WorldCell.CategoricalCardinality;
        }

        cardinalities[Cells] = 4;
        if (_missionRadix == 0)
        {
            cardinalities[Cells + 1] = MissionCount;
        }
        else
        {
            cardinalities[Cells + 1] = ((MissionCount - 1) / _missionRadix) + 1;
            cardinalities[Cells + 2] = _missionRadix;
        }
        for (int i = 0; i < size; i++)
        {
            high[i] = cardinalities[i] - 1;
        }

        _space = new Box(low, high, [size], cardinalities);
    }

    /// <inheritdoc/>
    public override Space ObservationSpace => _space;

    private protected override void Write(ReadOnlySpan<byte> image, int direction, int mission, Span<float> destination, bool imageCurrent)
    {
        int cells = Cells;
        destination = destination[..(cells + (_missionRadix == 0 ? 2 : 3))];
        if (!imageCurrent)
        {
            image = image[..(cells * 3)];
            for (int i = 0, o = 0; i < cells; i++, o += 3)
            {
                destination[i] = (image[o] * 18) + (image[o + 1] * 3) + image[o + 2];
            }
        }

        destination[cells] = direction;
        if (_missionRadix == 0)
        {
            destination[cells + 1] = mission;
        }
        else
        {
            destination[cells + 1] = mission / _missionRadix;
            destination[cells + 2] = mission % _missionRadix;
        }
    }
}
