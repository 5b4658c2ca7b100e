namespace RLFramework.Environments;

/// <summary>
/// What the registry knows about an environment id (Gymnasium's EnvSpec).
/// </summary>
/// <param name="Id">The id, e.g. "CartPole-v1".</param>
/// <param name="MaxEpisodeSteps">Time limit applied by <c>Make</c> (null: none).</param>
/// <param name="RewardThreshold">Return at which the task counts as solved (null: none).</param>
/// <param name="DefaultOptions">Constructor options the id sets (e.g. FrozenLake's map), as name/value pairs.</param>
public sealed record EnvironmentSpec(
    string Id,
    int? MaxEpisodeSteps,
    double? RewardThreshold,
    IReadOnlyDictionary<string, object?> DefaultOptions);
