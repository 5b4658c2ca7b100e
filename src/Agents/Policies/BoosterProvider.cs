using RLFramework.Boosting;

namespace RLFramework.Agents.Policies;

/// <summary>
/// Where the ensembles of GBRL policies live: makes fresh boosters and loads saved ones on one device.
/// The agents see only this seam (<see cref="IGradientBooster"/> in, trees out); the CPU engine is the default,
/// and a caller that owns a GPU (the <c>rl</c> command, through RLFramework.Cuda) passes a provider whose boosters
/// run there. Saved ensembles are in the CPU engine's format whatever device trained them, so any provider loads them.
/// </summary>
public sealed class BoosterProvider
{
    private readonly Func<GbrlOptions, FeatureSchema, IGradientBooster> _create;
    private readonly Func<Stream, int, IGradientBooster> _load;

    /// <summary>A provider from its two operations.</summary>
    /// <param name="device">What runs the boosters, in words (recorded with the run, e.g. "cpu" or the GPU's name).</param>
    /// <param name="create">Makes an empty booster from its options and feature schema.</param>
    /// <param name="load">Reads a booster saved with <see cref="IGradientBooster.Save"/>; its second argument is
    /// <see cref="GbrlOptions.Threads"/> for the loaded booster's fits (a runtime setting that model files do not hold).</param>
    public BoosterProvider(string device, Func<GbrlOptions, FeatureSchema, IGradientBooster> create, Func<Stream, int, IGradientBooster> load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(load);
        Device = device;
        _create = create;
        _load = load;
    }

    /// <summary>The CPU GBRL engine (<see cref="GbrlBooster"/>).</summary>
    public static BoosterProvider Cpu { get; } = new("cpu", static (options, schema) => new GbrlBooster(options, schema), GbrlBooster.Load);

    /// <summary>What runs the boosters, in words.</summary>
    public string Device { get; }

    /// <summary>An empty booster.</summary>
    public IGradientBooster Create(GbrlOptions options, FeatureSchema schema) => _create(options, schema);

    /// <summary>A booster read from its saved format, fitting on <paramref name="threads"/> threads
    /// (<see cref="GbrlOptions.Threads"/>: 0 = one per core, at most 4).</summary>
    public IGradientBooster Load(Stream stream, int threads = 0) => _load(stream, threads);
}
