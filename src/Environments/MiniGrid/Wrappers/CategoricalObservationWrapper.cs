using System.Globalization;
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
public sealed class CategoricalObservationWrapper : MiniGridFloatWrapper, IEnvironmentLabels
{
    /// <summary>The largest mission count written as one feature.</summary>
    public const int MaxMissionCardinality = 255;

    private readonly Box _space;
    private readonly int _missionRadix; // 0: one mission feature
    private readonly MiniGridLabels _labels;

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
        _labels = MiniGridLabels.Of(inner);
    }

    /// <inheritdoc/>
    public override Space ObservationSpace => _space;

    /// <summary>
    /// Names cell features by their place relative to the agent (<c>view[ahead 1]</c>; <c>grid(x,y)</c> when fully
    /// observed), then <c>direction</c> and <c>mission</c> (<c>mission / r</c> and <c>mission % r</c> when split).
    /// </summary>
    public string FeatureName(int index) => (index - Cells) switch
    {
        < 0 => _labels.CellName(index),
        0 => "direction",
        1 when _missionRadix == 0 => "mission",
        1 => string.Create(CultureInfo.InvariantCulture, $"mission / {_missionRadix}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"mission % {_missionRadix}"),
    };

    /// <summary>A cell code as its object ("locked red door"), a direction ("facing north"), a mission (its text).</summary>
    public string? ValueName(int index, float value) => (index - Cells) switch
    {
        < 0 => MiniGridLabels.CellCodeName(value),
        0 => _labels.NonImageValue(0, value),
        1 when _missionRadix == 0 => _labels.NonImageValue(1, value),
        _ => null,
    };

    /// <inheritdoc/>
    public string ActionName(int index) => MiniGridLabels.ActionName(index);

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
