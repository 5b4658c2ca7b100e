using System.CommandLine;
using RLFramework.Agents.Algorithms;

namespace RLFramework.Cli.Commands;

/// <summary>
/// <c>--env-kwargs key=value</c> (repeatable; the RL Zoo's <c>--env-kwargs</c>, Gymnasium's <c>gym.make(id, **kwargs)</c>): the
/// options the environment is made with, e.g. <c>--env-kwargs map_name=8x8 --env-kwargs is_slippery=false</c>, and
/// <c>max_episode_steps=N</c> for the time limit. A trained model keeps them (<see cref="ActorCriticAgent.EnvironmentKwargs"/>).
/// </summary>
internal static class EnvironmentKwargs
{
    public static Option<string[]> CreateOption(string description) => new("--env-kwargs")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>What train and tune say of it.</summary>
    public const string TrainingDescription =
        "An option of the environment: key=value (repeatable), as gym.make(id, **kwargs) takes it, e.g. --env-kwargs map_name=8x8 --env-kwargs is_slippery=false; " +
        "max_episode_steps=N sets the time limit. Saved with the model: evaluating and resuming make the same environment.";
}
