using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments;

/// <summary>
/// The environment registry (Gymnasium's register/make): ids map to a spec and a factory. The
/// built-in environments are registered on first use; users register their own. Code in other
/// RLFramework namespaces can use this class; <see cref="Environments"/> offers the same methods
/// under the name the documentation uses. Thread-safe.
/// </summary>
public static class EnvironmentRegistry
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<string, Entry> s_entries = new(StringComparer.Ordinal);

#pragma warning disable CA1810 // The built-ins must be registered after the fields above exist.
    static EnvironmentRegistry()
    {
        BuiltinEnvironments.RegisterAll();
    }
#pragma warning restore CA1810

    /// <summary>The registered ids, sorted.</summary>
    public static IReadOnlyList<string> Ids
    {
        get
        {
            lock (s_lock)
            {
                var ids = new List<string>(s_entries.Keys);
                ids.Sort(StringComparer.Ordinal);
                return ids;
            }
        }
    }

    /// <summary>
    /// Registers <paramref name="spec"/>.Id with a factory that builds the bare environment from the
    /// merged options. Throws when the id is taken or malformed.
    /// </summary>
    public static void Register<TObservation, TAction>(
        EnvironmentSpec spec, Func<EnvironmentOptions, IEnvironment<TObservation, TAction>> factory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(factory);
        if (string.IsNullOrWhiteSpace(spec.Id))
        {
            throw new ArgumentException("An environment id is empty.", nameof(spec));
        }

        if (spec.MaxEpisodeSteps is < 1)
        {
            throw new ArgumentException($"{spec.Id}: MaxEpisodeSteps must be at least 1 (got {spec.MaxEpisodeSteps}).", nameof(spec));
        }

        // Validate the default options' types now rather than at the first Make.
        _ = EnvironmentOptions.FromPairs(spec.DefaultOptions ?? new Dictionary<string, object?>());

        var entry = new Entry(spec, typeof(TObservation), typeof(TAction), (options, maxSteps) =>
        {
            IEnvironment<TObservation, TAction> env = factory(options)
                ?? throw new InvalidOperationException($"The factory of {spec.Id} returned null.");
            if (maxSteps is int limit)
            {
                env = new TimeLimit<TObservation, TAction>(env, limit);
            }

            return new OrderEnforcing<TObservation, TAction>(env, spec);
        });

        lock (s_lock)
        {
            if (!s_entries.TryAdd(spec.Id, entry))
            {
                throw new ArgumentException($"The environment id {spec.Id} is already registered.", nameof(spec));
            }
        }
    }

    /// <summary>Whether <paramref name="id"/> is registered.</summary>
    public static bool IsRegistered(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (s_lock)
        {
            return s_entries.ContainsKey(id);
        }
    }

    /// <summary>The spec of <paramref name="id"/>; throws naming the closest registered id when unknown.</summary>
    public static EnvironmentSpec Spec(string id) => Find(id).Spec;

    /// <summary>
    /// Makes the environment <paramref name="id"/>: the spec's default options overridden by
    /// <paramref name="options"/>, the bare environment wrapped in <see cref="TimeLimit{TObservation, TAction}"/>
    /// when the spec (or <paramref name="maxEpisodeSteps"/>, which wins) sets a limit, then in
    /// <see cref="OrderEnforcing{TObservation, TAction}"/>. Throws on an unknown id, listing the
    /// registered ids and naming the closest one.
    /// </summary>
    public static IEnvironment Make(string id, EnvironmentOptions? options = null, int? maxEpisodeSteps = null)
    {
        var entry = Find(id);
        if (maxEpisodeSteps is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "maxEpisodeSteps must be at least 1.");
        }

        var merged = EnvironmentOptions.FromPairs(entry.Spec.DefaultOptions ?? new Dictionary<string, object?>())
            .WithAll(options ?? EnvironmentOptions.Empty);
        return entry.Make(merged, maxEpisodeSteps ?? entry.Spec.MaxEpisodeSteps);
    }

    /// <summary>
    /// <see cref="Make(string, EnvironmentOptions?, int?)"/> typed; throws naming the environment's actual
    /// observation and action types when they are not <typeparamref name="TObservation"/> and <typeparamref name="TAction"/>.
    /// </summary>
    public static IEnvironment<TObservation, TAction> Make<TObservation, TAction>(
        string id, EnvironmentOptions? options = null, int? maxEpisodeSteps = null)
    {
        var entry = Find(id);
        if (entry.ObservationType != typeof(TObservation) || entry.ActionType != typeof(TAction))
        {
            throw new InvalidOperationException(
                $"{id} has observations of type {TypeName(entry.ObservationType)} and actions of type {TypeName(entry.ActionType)}, " +
                $"but IEnvironment<{TypeName(typeof(TObservation))}, {TypeName(typeof(TAction))}> was asked for.");
        }

        return (IEnvironment<TObservation, TAction>)Make(id, options, maxEpisodeSteps);
    }

    /// <summary>The observation and action types of <paramref name="id"/>.</summary>
    public static (Type Observation, Type Action) ValueTypes(string id)
    {
        var entry = Find(id);
        return (entry.ObservationType, entry.ActionType);
    }

    /// <summary>Removes <paramref name="id"/> (tests that register temporary ids); returns whether it was there.</summary>
    internal static bool Unregister(string id)
    {
        lock (s_lock)
        {
            return s_entries.Remove(id);
        }
    }

    /// <summary>The registered id closest to <paramref name="id"/> by case-insensitive edit distance, or null when none is registered.</summary>
    public static string? ClosestId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in Ids)
        {
            int d = EditDistance(id.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static Entry Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (s_lock)
        {
            if (s_entries.TryGetValue(id, out var entry))
            {
                return entry;
            }
        }

        var ids = Ids;
        if (ids.Count == 0)
        {
            throw new KeyNotFoundException($"No environment is registered with the id \"{id}\" (the registry is empty).");
        }

        throw new KeyNotFoundException(
            $"No environment is registered with the id \"{id}\". Did you mean \"{ClosestId(id)}\"? Registered ids: {string.Join(", ", ids)}.");
    }

    private static string TypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", Array.ConvertAll(type.GetGenericArguments(), TypeName))}>"
            : type == typeof(int) ? "int" : type == typeof(float) ? "float" : type.Name;

    private sealed record Entry(
        EnvironmentSpec Spec, Type ObservationType, Type ActionType, Func<EnvironmentOptions, int?, IEnvironment> Make);
}

/// <summary>
/// The registry under the name of the documentation: <c>Environments.Make("CartPole-v1", options)</c>.
/// Same methods as <see cref="EnvironmentRegistry"/> (which code in other RLFramework namespaces should
/// use, since there "Environments" names the namespace).
/// </summary>
public static class Environments
{
    /// <inheritdoc cref="EnvironmentRegistry.Ids"/>
    public static IReadOnlyList<string> Ids => EnvironmentRegistry.Ids;

    /// <inheritdoc cref="EnvironmentRegistry.Register"/>
    public static void Register<TObservation, TAction>(
        EnvironmentSpec spec, Func<EnvironmentOptions, IEnvironment<TObservation, TAction>> factory) =>
        EnvironmentRegistry.Register(spec, factory);

    /// <inheritdoc cref="EnvironmentRegistry.IsRegistered"/>
    public static bool IsRegistered(string id) => EnvironmentRegistry.IsRegistered(id);

    /// <inheritdoc cref="EnvironmentRegistry.Spec"/>
    public static EnvironmentSpec Spec(string id) => EnvironmentRegistry.Spec(id);

    /// <inheritdoc cref="EnvironmentRegistry.Make(string, EnvironmentOptions?, int?)"/>
    public static IEnvironment Make(string id, EnvironmentOptions? options = null, int? maxEpisodeSteps = null) =>
        EnvironmentRegistry.Make(id, options, maxEpisodeSteps);

    /// <inheritdoc cref="EnvironmentRegistry.Make{TObservation, TAction}(string, EnvironmentOptions?, int?)"/>
    public static IEnvironment<TObservation, TAction> Make<TObservation, TAction>(
        string id, EnvironmentOptions? options = null, int? maxEpisodeSteps = null) =>
        EnvironmentRegistry.Make<TObservation, TAction>(id, options, maxEpisodeSteps);
}
