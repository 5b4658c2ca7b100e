using System.Reflection;
using System.Runtime.ExceptionServices;
using RLFramework.Environments.Spaces;

namespace RLFramework.Environments.Wrappers;

/// <summary>
/// Builds a wrapper from a text spec, so that a command line can ask for one: <c>name</c> or
/// <c>name:key=value,key=value</c>, the name and keys in Gymnasium's snake_case. Values are read as
/// <see cref="EnvironmentOptions.Parse"/> reads them (true/false, integers, numbers with inf and -inf, text); a list
/// value, <c>filter_observation</c>'s keys, separates its items with semicolons (<c>keys=image;direction</c>), since
/// commas separate the options. The wrappers and their options (<see cref="Names"/>):
/// <list type="bullet">
/// <item><c>time_aware_observation</c>: normalize_time (bool, false), max_episode_steps (int; default the chain's TimeLimit or the spec's).</item>
/// <item><c>frame_stack_observation</c>: stack_size (int, required), padding_type (reset or zero; reset).</item>
/// <item><c>delay_observation</c>: delay (int, required).</item>
/// <item><c>filter_observation</c>: keys (required, separated by semicolons).</item>
/// <item><c>rescale_observation</c>: min, max (numbers, required).</item>
/// <item><c>flatten_observation</c>: none.</item>
/// <item><c>normalize_observation</c>: epsilon (1e-8).</item>
/// <item><c>clip_reward</c>: min, max (numbers; at least one).</item>
/// <item><c>normalize_reward</c>: gamma (0.99), epsilon (1e-8).</item>
/// <item><c>sticky_action</c>: repeat_action_probability (number in [0, 1], required).</item>
/// <item><c>clip_action</c>: none.</item>
/// <item><c>rescale_action</c>: min (-1), max (1).</item>
/// </list>
/// Errors are <see cref="ArgumentException"/>s that name the problem: an unknown wrapper (listing the known ones), an
/// unknown option (listing the accepted ones), a missing or badly typed option (naming it and the type it needs), or
/// a wrapper that does not fit the environment (naming the wrapper's need and the environment's spaces).
/// </summary>
public static class EnvironmentWrappers
{
    private static readonly MethodInfo s_build = typeof(EnvironmentWrappers).GetMethod(nameof(Build), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The wrapper names <see cref="Apply"/> knows, in the order of the documentation.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "time_aware_observation", "frame_stack_observation", "delay_observation", "filter_observation", "rescale_observation",
        "flatten_observation", "normalize_observation", "clip_reward", "normalize_reward", "sticky_action", "clip_action",
        "rescale_action",
    ];

    /// <summary>
    /// Wraps <paramref name="environment"/> with the wrapper <paramref name="spec"/> describes (see the class summary),
    /// built for the environment's typed interface <see cref="IEnvironment{TObservation, TAction}"/>; the result
    /// implements the wrapper's typed interface.
    /// </summary>
    public static IEnvironment Apply(IEnvironment environment, string spec)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(spec);
        var (name, options, keys) = Parse(spec);
        var typed = Array.Find(environment.GetType().GetInterfaces(),
            t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnvironment<,>))
            ?? throw new ArgumentException($"{environment.GetType().Name} does not implement IEnvironment<TObservation, TAction>, so no wrapper can be built for it.", nameof(environment));
        try
        {
            return (IEnvironment)s_build.MakeGenericMethod(typed.GetGenericArguments()).Invoke(null, [environment, name, options, keys])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The name, the options and the raw text of a keys option.</summary>
    private static (string Name, EnvironmentOptions Options, string? Keys) Parse(string spec)
    {
        string text = spec.Trim();
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? text : text[..colon]).Trim();
        if (name.Length == 0)
        {
            throw new ArgumentException($"The wrapper spec \"{spec}\" has no wrapper name; write name or name:key=value,key=value with a name among {string.Join(", ", Names)}.", nameof(spec));
        }

        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown wrapper \"{name}\"; known wrappers: {string.Join(", ", Names)}.", nameof(spec));
        }

        var pairs = new List<string>();
        string? keys = null;
        if (colon >= 0)
        {
            foreach (string item in text[(colon + 1)..].Split(','))
            {
                string pair = item.Trim();
                if (pair.Length == 0)
                {
                    continue;
                }

                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"{name}: the option \"{pair}\" is not of the form key=value (options are separated by commas; list items by semicolons).", nameof(spec));
                }

                if (pair[..eq].Trim() == "keys")
                {
                    keys = pair[(eq + 1)..].Trim(); // kept as text: a key such as "1" or "true" must not become a number or a bool
                }

                pairs.Add(pair);
            }
        }

        return (name, EnvironmentOptions.Parse(pairs), keys);
    }

    private static IEnvironment Build<TObservation, TAction>(IEnvironment<TObservation, TAction> env, string name, EnvironmentOptions options, string? keys)
    {
        var reader = new OptionReader(name, options);
        switch (name)
        {
            case "time_aware_observation":
                reader.Accept("normalize_time", "max_episode_steps");
                return new TimeAwareObservation<TAction>(BoxObservations(env, name), reader.Bool("normalize_time", false), reader.OptionalInt("max_episode_steps"));
            case "frame_stack_observation":
            {
                reader.Accept("stack_size", "padding_type");
                var inner = BoxObservations(env, name);
                int stackSize = reader.RequiredInt("stack_size");
                var padding = reader.String("padding_type", "reset") switch
                {
                    "reset" => FramePadding.Reset,
                    "zero" => FramePadding.Zero,
                    var other => throw new ArgumentException($"{name}: the option padding_type must be reset or zero, not \"{other}\"."),
                };
                return new FrameStackObservation<TAction>(inner, stackSize, padding);
            }

            case "delay_observation":
                reader.Accept("delay");
                return new DelayObservation<TAction>(BoxObservations(env, name), reader.RequiredInt("delay"));
            case "filter_observation":
            {
                reader.Accept("keys");
                var inner = FloatObservations<DictSpace, TObservation, TAction>(env, name, "a DictSpace observation space");
                if (string.IsNullOrWhiteSpace(keys))
                {
                    throw new ArgumentException($"{name} needs the option keys, the keys to keep separated by semicolons (e.g. {name}:keys=a;b); the environment's keys are {string.Join(", ", ((DictSpace)env.ObservationSpace).Keys)}.");
                }

                return new FilterObservation<TAction>(inner, Array.ConvertAll(keys.Split(';'), k => k.Trim()));
            }

            case "rescale_observation":
                reader.Accept("min", "max");
                return new RescaleObservation<TAction>(BoxObservations(env, name), (float)reader.RequiredDouble("min"), (float)reader.RequiredDouble("max"));
            case "flatten_observation":
                reader.Accept();
                return new FlattenObservation<TObservation, TAction>(env);
            case "normalize_observation":
                reader.Accept("epsilon");
                return new NormalizeObservation<TAction>(BoxObservations(env, name), reader.Double("epsilon", 1e-8));
            case "clip_reward":
                reader.Accept("min", "max");
                if (!options.Has("min") && !options.Has("max"))
                {
                    throw new ArgumentException($"{name} needs the option min, max or both (e.g. {name}:min=-1,max=1).");
                }

                return new ClipReward<TObservation, TAction>(env, reader.Double("min", double.NegativeInfinity), reader.Double("max", double.PositiveInfinity));
            case "normalize_reward":
                reader.Accept("gamma", "epsilon");
                return new NormalizeReward<TObservation, TAction>(env, reader.Double("gamma", 0.99), reader.Double("epsilon", 1e-8));
            case "sticky_action":
                reader.Accept("repeat_action_probability");
                return new StickyAction<TObservation, TAction>(env, reader.RequiredDouble("repeat_action_probability"));
            case "clip_action":
                reader.Accept();
                return new ClipAction<TObservation>(BoxActions(env, name));
            case "rescale_action":
                reader.Accept("min", "max");
                return new RescaleAction<TObservation>(BoxActions(env, name), (float)reader.Double("min", -1), (float)reader.Double("max", 1));
            default:
                throw new ArgumentException($"Unknown wrapper \"{name}\"; known wrappers: {string.Join(", ", Names)}.");
        }
    }

    private static IEnvironment<ReadOnlyMemory<float>, TAction> BoxObservations<TObservation, TAction>(IEnvironment<TObservation, TAction> env, string name) =>
        FloatObservations<Box, TObservation, TAction>(env, name, "a Box observation space");

    private static IEnvironment<ReadOnlyMemory<float>, TAction> FloatObservations<TSpace, TObservation, TAction>(
        IEnvironment<TObservation, TAction> env, string name, string need)
        where TSpace : Space =>
        env is IEnvironment<ReadOnlyMemory<float>, TAction> typed && env.ObservationSpace is TSpace
            ? typed
            : throw DoesNotFit(env, name, need);

    private static IEnvironment<TObservation, ReadOnlyMemory<float>> BoxActions<TObservation, TAction>(IEnvironment<TObservation, TAction> env, string name) =>
        env is IEnvironment<TObservation, ReadOnlyMemory<float>> typed && env.ActionSpace is Box
            ? typed
            : throw DoesNotFit(env, name, "a Box action space");

    private static ArgumentException DoesNotFit(IEnvironment env, string name, string need) =>
        new($"The wrapper {name} needs {need}; the environment {env.Spec?.Id ?? env.GetType().Name} has the observation space {env.ObservationSpace} and the action space {env.ActionSpace}.");

    /// <summary>Typed option reads whose errors name the wrapper, the option and the type it needs.</summary>
    private sealed class OptionReader(string wrapper, EnvironmentOptions options)
    {
        public void Accept(params string[] accepted) => options.ThrowIfUnknown(wrapper, accepted);

        public bool Bool(string key, bool defaultValue) => Read(key, "a bool (true or false)", () => options.GetBool(key, defaultValue));

        public double Double(string key, double defaultValue) => Read(key, "a number", () => options.GetDouble(key, defaultValue));

        public string String(string key, string defaultValue) => Read(key, "a word", () => options.GetString(key, defaultValue)!);

        public int? OptionalInt(string key) => options.Has(key) ? Read(key, "an integer", () => options.GetInt(key, 0)) : null;

        public int RequiredInt(string key) => OptionalInt(Require(key, "an integer")) ?? 0;

        public double RequiredDouble(string key) => Double(Require(key, "a number"), 0);

        private string Require(string key, string type) => options.Has(key)
            ? key
            : throw new ArgumentException($"{wrapper} needs the option {key} ({type}), e.g. {wrapper}:{key}=...");

        private T Read<T>(string key, string type, Func<T> get)
        {
            try
            {
                return get();
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"{wrapper}: the option {key} must be {type}, not {EnvironmentOptions.Format(options.GetRaw(key))}.");
            }
        }
    }
}
