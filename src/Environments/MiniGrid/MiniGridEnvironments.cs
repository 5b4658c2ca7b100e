namespace RLFramework.Environments.MiniGrid;

/// <summary>
/// The MiniGrid environments: ids, typed construction and registration. The registry gives each
/// id flat float observations for learners, chosen by the option <c>observation</c>:
/// <c>categorical</c> (default; <see cref="CategoricalObservationWrapper"/>), <c>onehot</c>
/// (<see cref="OneHotObservationWrapper"/>), <c>flat</c> (the raw image bytes, direction and mission
/// index, <see cref="MiniGridEnvironment.WriteFlat"/>), or <c>full_categorical</c> / <c>full_onehot</c>
/// (the same encodings of the fully observable grid). <see cref="Create"/> gives the typed environment.
/// </summary>
public static class MiniGridEnvironments
{
    private static readonly string[] s_ids =
    [
        "MiniGrid-Empty-5x5-v0",
        "MiniGrid-Empty-Random-5x5-v0",
        "MiniGrid-Empty-8x8-v0",
        "MiniGrid-DoorKey-5x5-v0",
        "MiniGrid-DoorKey-8x8-v0",
        "MiniGrid-FourRooms-v0",
        "MiniGrid-Unlock-v0",
        "MiniGrid-KeyCorridorS3R1-v0",
        "MiniGrid-GoToDoor-5x5-v0",
        "MiniGrid-Fetch-5x5-N2-v0",
        "MiniGrid-PutNear-6x6-N2-v0",
        "MiniGrid-RedBlueDoors-6x6-v0",
        "MiniGrid-LavaGapS5-v0",
    ];

    /// <summary>The observation encodings the registry's <c>observation</c> option accepts.</summary>
    public static IReadOnlyList<string> ObservationModes { get; } = ["categorical", "onehot", "flat", "full_categorical", "full_onehot"];

    /// <summary>The MiniGrid ids this library implements.</summary>
    public static IReadOnlyList<string> Ids => s_ids;

    /// <summary>
    /// The typed environment <paramref name="id"/>; <paramref name="seed"/> seeds its layout generator
    /// (0 when null) until a <c>Reset(seed)</c> re-seeds it.
    /// </summary>
    public static MiniGridEnvironment Create(string id, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id switch
        {
            "MiniGrid-Empty-5x5-v0" => new EmptyEnvironment(id, 5, randomStart: false, seed),
            "MiniGrid-Empty-Random-5x5-v0" => new EmptyEnvironment(id, 5, randomStart: true, seed),
            "MiniGrid-Empty-8x8-v0" => new EmptyEnvironment(id, 8, randomStart: false, seed),
            "MiniGrid-DoorKey-5x5-v0" => new DoorKeyEnvironment(id, 5, seed),
            "MiniGrid-DoorKey-8x8-v0" => new DoorKeyEnvironment(id, 8, seed),
            "MiniGrid-FourRooms-v0" => new FourRoomsEnvironment(id, seed),
            "MiniGrid-Unlock-v0" => new UnlockEnvironment(id, seed),
            "MiniGrid-KeyCorridorS3R1-v0" => new KeyCorridorEnvironment(id, roomSize: 3, rows: 1, seed),
            "MiniGrid-GoToDoor-5x5-v0" => new GoToDoorEnvironment(id, 5, seed),
            "MiniGrid-Fetch-5x5-N2-v0" => new FetchEnvironment(id, 5, 2, seed),
            "MiniGrid-PutNear-6x6-N2-v0" => new PutNearEnvironment(id, 6, 2, seed),
            "MiniGrid-RedBlueDoors-6x6-v0" => new RedBlueDoorsEnvironment(id, 6, seed),
            "MiniGrid-LavaGapS5-v0" => new LavaGapEnvironment(id, 5, seed),
            _ => throw new ArgumentException($"Unknown MiniGrid environment \"{id}\"; known: {string.Join(", ", s_ids)}.", nameof(id)),
        };
    }

    /// <summary>
    /// Wraps <paramref name="environment"/> in the float encoding <paramref name="mode"/> (one of
    /// <see cref="ObservationModes"/>).
    /// </summary>
    public static IEnvironment<ReadOnlyMemory<float>, int> WithObservation(MiniGridEnvironment environment, string mode)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return mode switch
        {
            "categorical" => new CategoricalObservationWrapper(environment),
            "onehot" => new OneHotObservationWrapper(environment),
            "flat" => new FlatObservationWrapper(environment),
            "full_categorical" => new CategoricalObservationWrapper(new FullyObservableWrapper(environment)),
            "full_onehot" => new OneHotObservationWrapper(new FullyObservableWrapper(environment)),
            _ => throw new ArgumentException(
                $"{environment.Id}: observation \"{mode}\" is not one of {string.Join(", ", ObservationModes)}.", nameof(mode)),
        };
    }

    /// <summary>Registers every MiniGrid id (observations as flat floats; see the class summary).</summary>
    public static void RegisterAll()
    {
        foreach (string id in s_ids)
        {
            var spec = new EnvironmentSpec(id, MaxEpisodeSteps: null, RewardThreshold: null, new Dictionary<string, object?>
            {
                ["observation"] = "categorical",
            });
            EnvironmentRegistry.Register<ReadOnlyMemory<float>, int>(spec, options =>
            {
                options.ThrowIfUnknown(id, "observation");
                MiniGridEnvironment environment = Create(id);
                environment.Spec = spec;
                return WithObservation(environment, options.GetString("observation", "categorical")!);
            });
        }
    }
}
