using System.Globalization;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments;

/// <summary>
/// The labels of an environment's observation and actions as the outermost layer sees them, with plain defaults
/// (<c>obs[3]</c>, <c>action 1</c>) where the environment gives none. The default feature names of a
/// <see cref="DictSpace"/> or <see cref="TupleSpace"/> observation follow its structure (<see cref="FeatureName"/>).
/// </summary>
public sealed class EnvironmentLabels : IEnvironmentLabels
{
    private readonly IEnvironmentLabels? _observation;
    private readonly IEnvironmentLabels? _actions;
    private readonly int _features;
    private readonly int _actionCount;
    private readonly CompositeSpace? _composite;
    private string[]? _structuralNames;

    private EnvironmentLabels(IEnvironmentLabels? observation, IEnvironmentLabels? actions, Space observationSpace, int actionCount)
    {
        _observation = observation;
        _actions = actions;
        _features = observationSpace.FlatSize;
        _actionCount = actionCount;
        _composite = observationSpace as CompositeSpace;
    }

    /// <summary>Elements of the flat observation (features).</summary>
    public int FeatureCount => _features;

    /// <summary>Whether the environment named its observation's elements (false: every name is a default).</summary>
    public bool HasFeatureNames => _observation is not null;

    /// <summary>Whether the environment named its actions or action elements (false: every name is a default, <c>action 1</c>).</summary>
    public bool HasActionNames => _actions is not null;

    /// <summary>
    /// The labels of <paramref name="environment"/>: walking its wrapper chain from the outside, the first layer that
    /// implements <see cref="IEnvironmentLabels"/> names the observation, provided every layer above it passes the
    /// same observation space through (a wrapper with a space of its own, such as a flattening or one-hot encoding,
    /// changes the layout, so the names below it no longer apply); likewise for the actions and the action space.
    /// </summary>
    public static EnvironmentLabels Of(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new EnvironmentLabels(
            Find(environment, e => e.ObservationSpace), Find(environment, e => e.ActionSpace),
            environment.ObservationSpace, environment.ActionSpace is Discrete discrete ? discrete.N : environment.ActionSpace.FlatSize);
    }

    /// <summary>
    /// The environment's name for element <paramref name="index"/> of the flat observation, else a default:
    /// <c>obs[3]</c> for a plain space; for a <see cref="DictSpace"/> or <see cref="TupleSpace"/> the path to the element,
    /// a key for a Dict part and <c>[i]</c> for a Tuple position, joined as in C# (<c>outer.inner</c>,
    /// <c>[1][0]</c>, <c>[1].goal</c>, <c>outer[2]</c>), then <c>[j]</c> for element j (row-major) of a part of more than
    /// one float: in <c>Dict('goal': Discrete(4), 'position': Box(-1, 1, (2,)))</c> the features are <c>goal</c>,
    /// <c>position[0]</c> and <c>position[1]</c>.
    /// </summary>
    public string FeatureName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _features);
        if (_observation is not null)
        {
            return _observation.FeatureName(index);
        }

        if (_composite is not null)
        {
            _structuralNames ??= StructuralNames(_composite);
            return _structuralNames[index];
        }

        return string.Create(CultureInfo.InvariantCulture, $"obs[{index}]");
    }

    /// <inheritdoc/>
    public string? ValueName(int index, float value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _features);
        return _observation?.ValueName(index, value);
    }

    /// <inheritdoc/>
    public string ActionName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _actionCount);
        return _actions?.ActionName(index) ?? string.Create(CultureInfo.InvariantCulture, $"action {index}");
    }

    /// <inheritdoc/>
    public string? ActionValueName(int index, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _actionCount);
        return _actions?.ActionValueName(index, value);
    }

    /// <summary>The default names of a composite observation's flat elements (see <see cref="FeatureName"/>).</summary>
    private static string[] StructuralNames(CompositeSpace space)
    {
        var names = new List<string>(space.FlatSize);
        AddNames(space, "", names);
        return [.. names];

        static void AddNames(CompositeSpace composite, string prefix, List<string> names)
        {
            for (int i = 0; i < composite.Count; i++)
            {
                string path = composite is DictSpace dict
                    ? (prefix.Length == 0 ? dict.Keys[i] : $"{prefix}.{dict.Keys[i]}")
                    : string.Create(CultureInfo.InvariantCulture, $"{prefix}[{i}]");
                var part = composite[i];
                if (part is CompositeSpace nested)
                {
                    AddNames(nested, path, names);
                }
                else if (part.FlatSize == 1)
                {
                    names.Add(path);
                }
                else
                {
                    for (int j = 0; j < part.FlatSize; j++)
                    {
                        names.Add(string.Create(CultureInfo.InvariantCulture, $"{path}[{j}]"));
                    }
                }
            }
        }
    }

    private static IEnvironmentLabels? Find(IEnvironment environment, Func<IEnvironment, Space> space)
    {
        var outer = space(environment);
        while (true)
        {
            if (environment is IEnvironmentLabels labels)
                return labels;
            if (environment is not IEnvironmentWrapper wrapper || !ReferenceEquals(space(wrapper.InnerEnvironment), outer))
                return null;
            environment = wrapper.InnerEnvironment;
        }
    }
}
