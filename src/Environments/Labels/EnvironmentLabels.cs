using System.Globalization;
using RLFramework.Environments.Spaces;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments;

/// <summary>
/// The labels of an environment's observation and actions as the outermost layer sees them, with plain defaults
/// (<c>obs[3]</c>, <c>action 1</c>) where the environment gives none.
/// </summary>
public sealed class EnvironmentLabels : IEnvironmentLabels
{
    private readonly IEnvironmentLabels? _observation;
    private readonly IEnvironmentLabels? _actions;
    private readonly int _features;
    private readonly int _actionCount;

    private EnvironmentLabels(IEnvironmentLabels? observation, IEnvironmentLabels? actions, int features, int actionCount)
    {
        _observation = observation;
        _actions = actions;
        _features = features;
        _actionCount = actionCount;
    }

    /// <summary>Elements of the flat observation (features).</summary>
    public int FeatureCount => _features;

    /// <summary>Whether the environment named its observation's elements (false: every name is a default).</summary>
    public bool HasFeatureNames => _observation is not null;

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
            environment.ObservationSpace.FlatSize, environment.ActionSpace is Discrete discrete ? discrete.N : environment.ActionSpace.FlatSize);
    }

    /// <inheritdoc/>
    public string FeatureName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _features);
        return _observation?.FeatureName(index) ?? string.Create(CultureInfo.InvariantCulture, $"obs[{index}]");
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
