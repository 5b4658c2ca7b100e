namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// A MiniGrid observation: the image ([x][y][channel] bytes: object, colour, state), the agent's
/// direction and the mission. The environment owns and reuses it: it is rewritten in place by the
/// next <c>Reset</c> or <c>Step</c>; call <see cref="Copy"/> to keep one.
/// </summary>
public sealed class MiniGridObservation
{
    private readonly byte[] _image;
    private readonly int _length;

    internal MiniGridObservation(int width, int height, IReadOnlyList<string> missions)
    {
        ImageWidth = width;
        ImageHeight = height;
        _length = width * height * 3;
        _image = new byte[_length + 1]; // + 1: slack for the view's 4-byte stores
        Missions = missions;
    }

    /// <summary>Image width in cells (7 for the egocentric view).</summary>
    public int ImageWidth { get; }

    /// <summary>Image height in cells (7 for the egocentric view).</summary>
    public int ImageHeight { get; }

    /// <summary>The image: ImageWidth x ImageHeight x 3 bytes, index (x * ImageHeight + y) * 3 + channel.</summary>
    public ReadOnlyMemory<byte> Image => new(_image, 0, _length);

    /// <summary>The agent's direction: 0 east, 1 south, 2 west, 3 north.</summary>
    public int Direction { get; internal set; }

    /// <summary>The mission's index in the environment's mission table (its categorical code).</summary>
    public int MissionIndex { get; internal set; }

    /// <summary>The mission text.</summary>
    public string Mission => Missions[MissionIndex];

    /// <summary>Every mission this environment can give, indexed by <see cref="MissionIndex"/>.</summary>
    public IReadOnlyList<string> Missions { get; }

    /// <summary>The (object, colour, state) triple of image cell (x, y).</summary>
    public WorldCell this[int x, int y]
    {
        get
        {
            int offset = ((x * ImageHeight) + y) * 3;
            return new WorldCell((MiniGridObjectType)_image[offset], (MiniGridColor)_image[offset + 1], _image[offset + 2]);
        }
    }

    /// <summary>A copy that later steps do not change.</summary>
    public MiniGridObservation Copy()
    {
        var copy = new MiniGridObservation(ImageWidth, ImageHeight, Missions)
        {
            Direction = Direction,
            MissionIndex = MissionIndex,
        };
        _image.CopyTo(copy._image, 0);
        return copy;
    }

    /// <summary>Counts the rewrites of the image, so that encoders can skip an unchanged one.</summary>
    internal int ImageVersion { get; private set; }

    /// <summary>The image buffer (with its slack byte) for a rewrite; counts the rewrite.</summary>
    internal Span<byte> ImageForWriting()
    {
        ImageVersion++;
        return _image;
    }
}
