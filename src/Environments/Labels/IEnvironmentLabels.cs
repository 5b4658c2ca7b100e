namespace RLFramework.Environments;

/// <summary>
/// Optional names for what a learner sees and does: the elements of the flat observation (its features), the values of
/// categorical ones, and the actions. Tools that explain a policy use them (<c>rl inspect</c> names the features a
/// tree splits on and the codes it tests: <c>view[ahead 1] == door red locked</c> instead of <c>f26 == 74</c>).
/// Nothing in training reads them. An environment implements this interface; a wrapper that changes the observation
/// or action layout implements it too (or hides the inner names: see <see cref="EnvironmentLabels.Of"/>).
/// </summary>
public interface IEnvironmentLabels
{
    /// <summary>Name of element <paramref name="index"/> of the flat observation, e.g. "pole angle".</summary>
    string FeatureName(int index);

    /// <summary>
    /// What value <paramref name="value"/> of element <paramref name="index"/> means (a categorical code: "door red
    /// locked"), or null when the number says it all.
    /// </summary>
    string? ValueName(int index, float value);

    /// <summary>Name of action <paramref name="index"/> (a Discrete action) or of element <paramref name="index"/> of a Box, MultiDiscrete or MultiBinary action.</summary>
    string ActionName(int index);

    /// <summary>
    /// What value <paramref name="value"/> of element <paramref name="index"/> of a MultiDiscrete or MultiBinary action means
    /// ("heat"), or null when the number says it all (the default).
    /// </summary>
    string? ActionValueName(int index, int value) => null;
}
